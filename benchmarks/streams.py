"""Synthetic but realistic server event streams for the benchmarks, built deterministically."""

from __future__ import annotations

import base64
import json
import math
import struct

#: 100 ms of 24 kHz mono PCM16 per audio delta: 4,800 bytes, 6,400 base64 characters.
DELTA_MS = 100


def _pcm(ms: int, phase: int) -> str:
    samples = 24 * ms
    raw = b"".join(struct.pack("<h", int(6000 * math.sin((phase * samples + i) * 0.0576))) for i in range(samples))
    return base64.b64encode(raw).decode()


def _event(kind: str, number: int, **fields: object) -> bytes:
    return json.dumps({"type": kind, "event_id": f"event_{number:06d}", **fields}, separators=(",", ":")).encode()


def conversation_turn(seconds: int = 10) -> list[bytes]:
    """One spoken assistant turn: the response lifecycle around ``seconds`` of audio deltas, each
    followed by the transcript delta a server interleaves with it."""
    ids = {"response_id": "resp_CCXHw0UJld10EzIUXQCNh", "item_id": "item_CCXHwGjjDUfOXbiySlK7i", "output_index": 0, "content_index": 0}
    response = {"object": "realtime.response", "id": ids["response_id"], "status": "in_progress", "status_details": None, "output": [],
                "conversation_id": "conv_CCXHsurMKcaVxIZvaCI5m", "output_modalities": ["audio"], "max_output_tokens": "inf",
                "audio": {"output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin"}}, "usage": None, "metadata": None}
    item = {"id": ids["item_id"], "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    events = [
        _event("response.created", 1, response=response),
        _event("rate_limits.updated", 2, rate_limits=[{"name": "requests", "limit": 1000, "remaining": 999, "reset_seconds": 60}, {"name": "tokens", "limit": 50000, "remaining": 49000, "reset_seconds": 1.2}]),
        _event("response.output_item.added", 3, response_id=ids["response_id"], output_index=0, item=item),
        _event("conversation.item.added", 4, previous_item_id="item_prev", item=item),
        _event("response.content_part.added", 5, **ids, part={"type": "audio", "transcript": ""}),
    ]
    number = 6
    for chunk in range(seconds * 1000 // DELTA_MS):
        events.append(_event("response.output_audio.delta", number, **ids, delta=_pcm(DELTA_MS, chunk)))
        events.append(_event("response.output_audio_transcript.delta", number + 1, **ids, delta=" word"))
        number += 2
    done_item = {**item, "status": "completed", "content": [{"type": "output_audio", "transcript": "word " * 25}]}
    usage = {"total_tokens": 900, "input_tokens": 300, "output_tokens": 600, "input_token_details": {"text_tokens": 250, "audio_tokens": 50, "cached_tokens": 0},
             "output_token_details": {"text_tokens": 100, "audio_tokens": 500}}
    events += [
        _event("response.output_audio.done", number, **ids),
        _event("response.output_audio_transcript.done", number + 1, **ids, transcript="word " * 25),
        _event("response.content_part.done", number + 2, **ids, part={"type": "audio", "transcript": "word " * 25}),
        _event("response.output_item.done", number + 3, response_id=ids["response_id"], output_index=0, item=done_item),
        _event("conversation.item.done", number + 4, previous_item_id="item_prev", item=done_item),
        _event("response.done", number + 5, response={**response, "status": "completed", "output": [done_item], "usage": usage}),
    ]
    return events


def control_events(count: int = 2000) -> list[bytes]:
    """Small events of the kinds every session is full of: VAD, commits, transcription and text
    deltas, function-call argument deltas, truncations and rate limits. Every type here is one
    pipecat models, so that its parser can be timed on the same stream."""
    makers = [
        lambda n: _event("input_audio_buffer.speech_started", n, audio_start_ms=1000 + n, item_id=f"item_{n}"),
        lambda n: _event("input_audio_buffer.speech_stopped", n, audio_end_ms=2000 + n, item_id=f"item_{n}"),
        lambda n: _event("input_audio_buffer.committed", n, previous_item_id=f"item_{n - 1}", item_id=f"item_{n}"),
        lambda n: _event("conversation.item.input_audio_transcription.delta", n, item_id=f"item_{n}", content_index=0, delta="hello"),
        lambda n: _event("response.output_text.delta", n, response_id="resp_1", item_id=f"item_{n}", output_index=0, content_index=0, delta="Sure"),
        lambda n: _event("response.output_audio_transcript.delta", n, response_id="resp_1", item_id=f"item_{n}", output_index=0, content_index=0, delta=" thing"),
        lambda n: _event("response.function_call_arguments.delta", n, response_id="resp_1", item_id=f"item_{n}", output_index=0, call_id="call_1", delta="{\"city"),
        lambda n: _event("conversation.item.truncated", n, item_id=f"item_{n}", content_index=0, audio_end_ms=1500),
        lambda n: _event("input_audio_buffer.cleared", n),
        lambda n: _event("rate_limits.updated", n, rate_limits=[{"name": "requests", "limit": 1000, "remaining": 999, "reset_seconds": 60}]),
    ]
    return [makers[n % len(makers)](n) for n in range(count)]

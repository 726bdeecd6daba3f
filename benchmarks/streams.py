"""Realistic server event streams for the benchmarks, built deterministically.

What real GA traffic looks like, from the captured sessions in the corpus: ids of a prefix and 21
random characters (``event_E6q27LfE0kpfqstBWkCkI``); compact JSON with non-ASCII text as UTF-8;
transcript deltas of a word or two, some with colons ("10:30") and non-ASCII ("Zürich");
function-call argument deltas that are fragments of JSON, full of quotes and colons; and an
undocumented ``obfuscation`` member on text, transcript and argument deltas, which every captured
session carries (the drift table in the README), so a validator must report it on almost every
delta. Audio deltas are 100 ms of 24 kHz PCM16 (6,400 base64 characters).
"""

from __future__ import annotations

import base64
import json
import math
import random
import string
import struct

#: 100 ms of 24 kHz mono PCM16 per audio delta: 4,800 bytes, 6,400 base64 characters.
DELTA_MS = 100

SAID = (
    "Your table at Café Grüner Baum in Zürich is booked for 10:30 tomorrow — that's Straße 12, "
    "near the station. The ratio of seats inside to outside is 3:2, and they serve crème brûlée. "
    "Shall I add a reminder at 9:45? Ça marche; 東京 has a branch too."
)
HEARD = "Book a table for two at 10:30 in Zürich, please — somewhere with crème brûlée."
ARGUMENTS = json.dumps({"city": "Zürich", "time": "10:30", "party": 2, "notes": "ratio 3:2, near Straße 12"}, ensure_ascii=False)


class _Ids:
    """Ids as real servers make them: a prefix and 21 random letters and digits."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def __call__(self, prefix: str) -> str:
        return prefix + "_" + "".join(self.random.choices(string.ascii_letters + string.digits, k=21))

    def obfuscation(self) -> str:
        return "".join(self.random.choices(string.ascii_letters + string.digits, k=self.random.randint(6, 15)))


def _dumps(event: dict) -> bytes:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


def _pcm(ms: int, phase: int) -> str:
    samples = 24 * ms
    raw = b"".join(struct.pack("<h", int(6000 * math.sin((phase * samples + i) * 0.0576))) for i in range(samples))
    return base64.b64encode(raw).decode()


def _words(text: str) -> list[str]:
    """Deltas of a word each, with the space before it, as servers stream transcripts."""
    parts = text.split(" ")
    return [parts[0], *(" " + part for part in parts[1:])]


def _fragments(text: str, rng: random.Random) -> list[str]:
    """JSON text cut into fragments of 2 to 8 characters, as argument deltas arrive."""
    out, at = [], 0
    while at < len(text):
        size = rng.randint(2, 8)
        out.append(text[at : at + size])
        at += size
    return out


class _Session:
    def __init__(self, seed: int = 7) -> None:
        self.ids = _Ids(seed)
        self.events: list[bytes] = []

    def emit(self, kind: str, **fields: object) -> None:
        self.events.append(_dumps({"type": kind, "event_id": self.ids("event"), **fields}))

    def response(self, rid: str, status: str, output: list | None = None, usage: dict | None = None) -> dict:
        return {"object": "realtime.response", "id": rid, "status": status, "status_details": None, "output": output or [],
                "conversation_id": self.conversation, "output_modalities": ["audio"], "max_output_tokens": "inf",
                "audio": {"output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin"}}, "usage": usage, "metadata": None}

    conversation = "conv_CCXHsurMKcaVxIZvaCI5m"

    def rate_limits(self) -> None:
        self.emit("rate_limits.updated", rate_limits=[{"name": "requests", "limit": 5000, "remaining": 4999, "reset_seconds": 0.012},
                                                      {"name": "tokens", "limit": 800000, "remaining": 796519, "reset_seconds": 0.261}])

    def user_turn(self, previous: str | None, start_ms: int) -> str:
        user = self.ids("item")
        self.emit("input_audio_buffer.speech_started", audio_start_ms=start_ms, item_id=user)
        self.emit("input_audio_buffer.speech_stopped", audio_end_ms=start_ms + 2300, item_id=user)
        self.emit("input_audio_buffer.committed", previous_item_id=previous, item_id=user)
        item = {"id": user, "object": "realtime.item", "type": "message", "status": "completed", "role": "user",
                "content": [{"type": "input_audio", "transcript": None}]}
        self.emit("conversation.item.added", previous_item_id=previous, item=item)
        self.emit("conversation.item.done", previous_item_id=previous, item=item)
        for word in _words(HEARD):
            self.emit("conversation.item.input_audio_transcription.delta", item_id=user, content_index=0, delta=word, obfuscation=self.ids.obfuscation())
        self.emit("conversation.item.input_audio_transcription.completed", item_id=user, content_index=0, transcript=HEARD,
                  usage={"type": "tokens", "total_tokens": 41, "input_tokens": 28, "input_token_details": {"text_tokens": 0, "audio_tokens": 28}, "output_tokens": 13})
        return user

    def assistant_turn(self, previous: str, audio_chunks: int = 0, function_call: bool = False) -> str:
        rid = self.ids("resp")
        self.emit("response.created", response=self.response(rid, "in_progress"))
        self.rate_limits()
        if function_call:
            item_id, call_id = self.ids("item"), "call_" + self.ids("x")[2:18]
            item = {"id": item_id, "object": "realtime.item", "type": "function_call", "status": "in_progress", "name": "book_table",
                    "call_id": call_id, "arguments": ""}
            self.emit("response.output_item.added", response_id=rid, output_index=0, item=item)
            self.emit("conversation.item.added", previous_item_id=previous, item=item)
            for fragment in _fragments(ARGUMENTS, self.ids.random):
                self.emit("response.function_call_arguments.delta", response_id=rid, item_id=item_id, output_index=0, call_id=call_id,
                          delta=fragment, obfuscation=self.ids.obfuscation())
            self.emit("response.function_call_arguments.done", response_id=rid, item_id=item_id, output_index=0, call_id=call_id,
                      name="book_table", arguments=ARGUMENTS)
            done = {**item, "status": "completed", "arguments": ARGUMENTS}
        else:
            item_id = self.ids("item")
            item = {"id": item_id, "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
            ids = {"response_id": rid, "item_id": item_id, "output_index": 0, "content_index": 0}
            self.emit("response.output_item.added", response_id=rid, output_index=0, item=item)
            self.emit("conversation.item.added", previous_item_id=previous, item=item)
            self.emit("response.content_part.added", **ids, part={"type": "audio", "transcript": ""})
            words = _words(SAID)
            chunks = max(audio_chunks, len(words))
            for chunk in range(chunks):
                if chunk < audio_chunks:
                    self.emit("response.output_audio.delta", **ids, delta=_pcm(DELTA_MS, chunk))
                if chunk < len(words):
                    self.emit("response.output_audio_transcript.delta", **ids, delta=words[chunk], obfuscation=self.ids.obfuscation())
            self.emit("response.output_audio.done", **ids)
            self.emit("response.output_audio_transcript.done", **ids, transcript=SAID)
            self.emit("response.content_part.done", **ids, part={"type": "audio", "transcript": SAID})
            done = {**item, "status": "completed", "content": [{"type": "output_audio", "transcript": SAID}]}
        self.emit("response.output_item.done", response_id=rid, output_index=0, item=done)
        self.emit("conversation.item.done", previous_item_id=previous, item=done)
        usage = {"total_tokens": 1210, "input_tokens": 520, "output_tokens": 690,
                 "input_token_details": {"text_tokens": 180, "audio_tokens": 340, "cached_tokens": 128,
                                         "cached_tokens_details": {"text_tokens": 128, "audio_tokens": 0}},
                 "output_token_details": {"text_tokens": 140, "audio_tokens": 550}}
        self.emit("response.done", response=self.response(rid, "completed", [done], usage))
        return item_id


def conversation_turn(seconds: int = 30) -> list[bytes]:
    """One spoken assistant turn: the response lifecycle around ``seconds`` of 100 ms audio deltas,
    the transcript deltas interleaved with them as a server sends them."""
    session = _Session(seed=1)
    session.assistant_turn(session.ids("item"), audio_chunks=seconds * 1000 // DELTA_MS)
    return session.events


def control_events(count: int = 5000) -> list[bytes]:
    """Everything but audio, turn after turn: voice activity, commits, the user's item and its
    transcription, responses with their items, parts and transcript deltas, function calls with
    argument deltas, rate limits, truncation. Every type here is one pipecat models, so that its
    parser can be timed on the same stream."""
    session = _Session(seed=2)
    previous: str | None = None
    turn = 0
    while len(session.events) < count:
        user = session.user_turn(previous, start_ms=turn * 9000)
        previous = session.assistant_turn(user, function_call=turn % 3 == 2)
        if turn % 4 == 3:
            session.emit("conversation.item.truncated", item_id=previous, content_index=0, audio_end_ms=1500)
            session.emit("input_audio_buffer.cleared")
        turn += 1
    return session.events[:count]

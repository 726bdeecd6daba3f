"""Session checker throughput beside the single-event validator's, on the same events (ratios in one
run; these machines are noisy, so absolute numbers mean little).

    python benchmarks/sessions.py [turns]        # default 400 turns, about 25,000 events

The session is generated: turn after turn of server VAD input (speech started/stopped, commit, the
user item), a spoken response (20 ms audio deltas interleaved with transcript deltas, every part and
item closed, the conversation mirrored) and the input transcription. Timed, best of three:

  validator   conformance.judge on each event's wire bytes (what `validate` does per line)
  checker     reading the transcript lines and SessionChecker.feed on each frame (what `session`
              does: the reference verdict of every frame, plus the session rules)

It also reports the checker's peak memory (tracemalloc) on a session long enough to fill its id
windows (65,536 event ids) and on one twice as long: flat memory means about the same peak for both.
"""

from __future__ import annotations

import base64
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from goals import report as report_goals  # noqa: E402

from conformance import judge  # noqa: E402
from conformance.sessions.rules import SessionChecker
from conformance.sessions.transcript import read_lines

AUDIO = base64.b64encode(bytes(960)).decode()  # 20 ms of 24 kHz 16-bit silence


def session(turns: int) -> list[bytes]:
    """Transcript lines of a long, valid WebSocket session."""
    counter = iter(range(10**9))

    def line(kind: str, **fields: object) -> bytes:
        event = {"type": kind, "event_id": f"event_{next(counter):08d}", **fields}
        return json.dumps({"dir": "server", "event": event}, separators=(",", ":")).encode()

    vad = {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 500, "create_response": True, "interrupt_response": True}
    lines = [line("session.created", session={"type": "realtime", "object": "realtime.session", "id": "sess_1", "audio": {"input": {"turn_detection": vad}}})]
    previous = None
    for turn in range(turns):
        user, item, rid = f"item_u{turn}", f"item_a{turn}", f"resp_{turn}"
        lines += [
            line("input_audio_buffer.speech_started", audio_start_ms=turn * 5000, item_id=user),
            line("input_audio_buffer.speech_stopped", audio_end_ms=turn * 5000 + 1200, item_id=user),
            line("input_audio_buffer.committed", previous_item_id=previous, item_id=user),
        ]
        user_item = {"id": user, "object": "realtime.item", "type": "message", "status": "completed", "role": "user", "content": [{"type": "input_audio", "transcript": None}]}
        lines += [line("conversation.item.added", previous_item_id=previous, item=user_item), line("conversation.item.done", previous_item_id=previous, item=user_item)]
        response = {"object": "realtime.response", "id": rid, "status": "in_progress", "output": [], "conversation_id": "conv_1"}
        start = {"id": item, "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
        ids = {"response_id": rid, "item_id": item, "output_index": 0, "content_index": 0}
        lines += [
            line("response.created", response=response),
            line("response.output_item.added", response_id=rid, output_index=0, item=start),
            line("conversation.item.added", previous_item_id=user, item=start),
            line("response.content_part.added", **ids, part={"type": "audio", "transcript": ""}),
        ]
        for _ in range(20):
            lines += [line("response.output_audio.delta", **ids, delta=AUDIO), line("response.output_audio_transcript.delta", **ids, delta=" word")]
        words = " word" * 20
        final = {**start, "status": "completed", "content": [{"type": "output_audio", "transcript": words}]}
        lines += [
            line("response.output_audio.done", **ids),
            line("response.output_audio_transcript.done", **ids, transcript=words),
            line("response.content_part.done", **ids, part={"type": "audio", "transcript": words}),
            line("response.output_item.done", response_id=rid, output_index=0, item=final),
            line("conversation.item.done", previous_item_id=user, item=final),
            line("response.done", response={**response, "status": "completed", "output": [final]}),
            line("conversation.item.input_audio_transcription.completed", item_id=user, content_index=0, transcript="hello there",
                 usage={"type": "duration", "seconds": 1.2}),
        ]
        previous = item
    return lines


def _events(lines: list[bytes]) -> list[bytes]:
    return [json.dumps(json.loads(text)["event"], separators=(",", ":")).encode() for text in lines]


def _validate(events: list[bytes]) -> None:
    for event in events:
        if not judge(event, "server").ok:
            raise AssertionError(event[:200])


def _check(lines: list[bytes]) -> None:
    checker = SessionChecker()
    for frame in read_lines(enumerate(lines, start=1)):
        checker.feed(frame)
    result = checker.finish()
    if not result.conforms or result.levels["SHOULD"]:
        raise AssertionError([f.message for f in result.findings[:3]])


def _best(run: Callable[[], None], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _peak(lines: list[bytes]) -> int:
    def stream() -> Iterator[tuple[int, bytes]]:
        yield from enumerate(lines, start=1)

    gc.collect()
    tracemalloc.start()
    checker = SessionChecker()
    for frame in read_lines(stream()):
        checker.feed(frame)
    checker.finish()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    lines = session(turns)
    events = _events(lines)
    validator = _best(lambda: _validate(events))
    checker = _best(lambda: _check(lines))
    count = len(lines)
    print(f"session: {turns} turns, {count:,} events, {sum(map(len, lines)) / 1e6:.1f} MB")
    print(f"validator  {count / validator:>10,.0f} events/s")
    print(f"checker    {count / checker:>10,.0f} events/s   ({validator / checker:.2f} x the validator's rate)")
    long = session(1_300)  # 72,801 events: past the 65,536-id windows
    once, twice = _peak(long), _peak(long + _renumbered(long))
    print(f"checker peak memory: {once / 1e6:.1f} MB on {len(long):,} events, {twice / 1e6:.1f} MB on {2 * len(long):,} ({twice / once:.2f} x)")
    report_goals([(f"the checker's peak memory on a session twice as long at {twice / once:.2f} x (goal <= 1.25: flat)", twice / once <= 1.25)])


def _renumbered(lines: list[bytes]) -> list[bytes]:
    """The same turns again with fresh ids, so that the second half repeats no id of the first."""
    return [line.replace(b'"event_', b'"event_2').replace(b'"item_', b'"item_2').replace(b'"resp_', b'"resp_2') for line in lines[1:]]


if __name__ == "__main__":
    main()

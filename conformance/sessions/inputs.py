"""Input audio (session-rules.md 30, 32–34, 43): voice activity, idle timeouts, input transcription,
and the events only some transports carry.

Turn detection is read from what the server says is in effect (session.created/updated), never
from what the client asked for; until a session event says, the VAD rules judge nothing.
Transcription is asynchronous: no rule here orders it against responses or other turns (rule 35).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .context import Context, Ref, code, integer, text
from .state import Window

Handler = Callable[[dict[str, Any]], None]

_TRANSCRIPTION = "conversation.item.input_audio_transcription."
_PLAYBACK_ONLY = ("output_audio_buffer.started", "output_audio_buffer.stopped", "output_audio_buffer.cleared")


@dataclass(slots=True)
class Speech:
    item_id: str | None
    start_ms: int | None
    line: int


class Inputs:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.speech: Speech | None = None
        #: Line of the last speech_stopped (or commit/clear that ends speech), to excuse a lone stop.
        self.speech_closed = 0
        #: Idle timeouts waiting for their committed: item id -> where.
        self.timeouts: Window[str, Ref] = Window(1024)
        self.server: dict[str, Handler] = {
            "input_audio_buffer.speech_started": self.started,
            "input_audio_buffer.speech_stopped": self.stopped,
            "input_audio_buffer.timeout_triggered": self.timeout,
            "input_audio_buffer.committed": self.committed,
            "input_audio_buffer.dtmf_event_received": self.dtmf,
            **{kind: self.playback for kind in _PLAYBACK_ONLY},
            **{_TRANSCRIPTION + name: self.transcription for name in ("delta", "completed", "failed", "segment")},
        }
        self.client: dict[str, Handler] = {}

    # --- transport scope ----------------------------------------------------------------------

    def playback(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        if ctx.transport == "websocket":
            ctx.emit("oab.transport-scope", "MUST", f"{code(ctx.type)} on a WebSocket session; the output audio buffer exists only on "
                     "WebRTC and SIP, where the server plays the audio")

    def dtmf(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        if ctx.transport != "sip":
            ctx.emit("oab.transport-scope", "MUST", f"`input_audio_buffer.dtmf_event_received` on a {ctx.transport} session; DTMF exists only on SIP")

    # --- voice activity -----------------------------------------------------------------------

    def _excused(self, since: int) -> bool:
        """A client commit or clear, or a change of turn detection, since ``since``: the pairing
        rule's exceptions."""
        return max(self.ctx.last_client_commit_or_clear, self.ctx.turn_changed) > since

    def started(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        ctx.last_speech_started = ctx.line
        vad = ctx.vad()
        if vad is False:
            ctx.emit("vad.speech-pairing", "SHOULD", "`input_audio_buffer.speech_started` while turn detection is off (turn_detection null)")
        elif vad and self.speech is not None and ctx.client_seen and not self._excused(self.speech.line):
            ctx.emit("vad.speech-pairing", "SHOULD", f"a second `input_audio_buffer.speech_started` before the `speech_stopped` of the speech "
                     f"that started at line {self.speech.line}", related=(self.speech.line,))
        self.speech = Speech(text(event, "item_id"), integer(event, "audio_start_ms"), ctx.line)

    def stopped(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        vad, speech = ctx.vad(), self.speech
        item_id, end = text(event, "item_id"), integer(event, "audio_end_ms")
        previous_close = self.speech_closed
        self.speech, self.speech_closed = None, ctx.line
        if vad is False:
            ctx.emit("vad.speech-pairing", "SHOULD", "`input_audio_buffer.speech_stopped` while turn detection is off (turn_detection null)")
            return
        if not vad:
            return
        if speech is None:
            if not ctx.excerpt and ctx.client_seen and not self._excused(previous_close):
                ctx.emit("vad.speech-pairing", "SHOULD", f"`input_audio_buffer.speech_stopped` for {item_id} without a `speech_started`")
            return
        if item_id is not None and speech.item_id is not None and item_id != speech.item_id:
            ctx.emit("vad.speech-pairing", "SHOULD", f"`input_audio_buffer.speech_stopped` for {item_id}, but the speech that started at line "
                     f"{speech.line} is {speech.item_id}", related=(speech.line,))
        elif end is not None and speech.start_ms is not None and end < speech.start_ms:
            ctx.emit("vad.speech-pairing", "SHOULD", f"speech of {item_id} stops at {end} ms, before it started ({speech.start_ms} ms, "
                     f"line {speech.line})", related=(speech.line,))

    def timeout(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        ctx.last_vad_turn = ctx.line
        configured = ctx.idle_timeout()
        if configured is False:
            ctx.emit("vad.idle-timeout", "SHOULD", "`input_audio_buffer.timeout_triggered`, but idle timeouts are not configured (they need "
                     "server_vad with idle_timeout_ms)")
        for rid, line in ctx.default_active.items():
            ctx.emit("vad.idle-timeout", "SHOULD", f"`input_audio_buffer.timeout_triggered` while {rid} (created at line {line}) is still in "
                     "progress; the idle timer starts after response.done", related=(line,))
            break
        item_id = text(event, "item_id")
        if item_id is not None:
            self.timeouts[item_id] = ctx.here()

    def committed(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        item_id = text(event, "item_id")
        timed_out = item_id is not None and self.timeouts.pop(item_id) is not None
        speech = self.speech
        if ctx.vad():
            ctx.last_vad_turn = ctx.line
            if (speech is not None and item_id is not None and speech.item_id == item_id and not timed_out and ctx.client_seen
                    and ctx.pending_commits == 0 and not self._excused(speech.line)):
                ctx.emit("input.commit-creates-item", "MUST", f"`input_audio_buffer.committed` for {item_id} while its speech (started at line "
                         f"{speech.line}) has not stopped; with turn detection the server commits after `speech_stopped`",
                         related=(speech.line,))
        if speech is not None and speech.item_id == item_id:
            self.speech, self.speech_closed = None, ctx.line

    # --- input transcription ------------------------------------------------------------------

    def transcription(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        item_id = text(event, "item_id")
        if item_id is None:
            return
        info = ctx.items.get(item_id)
        if info is None:
            if not ctx.unknown_ok(ctx.items):
                ctx.emit("transcription.per-item", "MUST", f"{code(ctx.type)} for {item_id}, which was never committed or created in this session")
            return
        if info.committed is None and not info.input_audio and not (ctx.ordering.transcription_before_item and info.added is None):
            ctx.emit("transcription.per-item", "MUST", f"{code(ctx.type)} for {item_id}, which is not a user audio item ({info.kind or 'unknown kind'})")
            return
        index = integer(event, "content_index")
        kind = (ctx.type or "").removeprefix(_TRANSCRIPTION)
        if index is None or kind == "segment":
            return
        closed = (info.transcripts or {}).get(index)
        if closed is not None:
            what = "a delta" if kind == "delta" else f"a second end ({kind})"
            ctx.emit("transcription.per-item", "SHOULD", f"{what} for the input transcription of {item_id} (content {index}) after it ended at "
                     f"line {closed}", related=(closed,))
            return
        if kind in ("completed", "failed"):
            if info.transcripts is None:
                info.transcripts = {}
            info.transcripts[index] = ctx.line

    def finish(self) -> None:
        ctx = self.ctx
        for item_id, ref in self.timeouts.items():
            went_on = ctx.last_response_done > ref[0]
            ctx.emit("vad.idle-timeout", "SHOULD" if went_on else "INFO", f"the idle timeout for {item_id} was never followed by "
                     "`input_audio_buffer.committed` for it" + ("" if went_on else " before the transcript ends"), ref=ref)

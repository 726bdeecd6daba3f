"""Server voice activity detection for the reference server: an energy threshold, deterministic.

OpenAI's server VAD is a model; ours only needs to behave like one at the protocol level: speech
starts when a 20 ms frame is loud enough, stops after ``silence_duration_ms`` of quiet, and the
start is moved back by ``prefix_padding_ms`` (spec ``RealtimeTurnDetection``: "Amount of audio to
include before the VAD detected speech"). Positions are milliseconds of all audio appended in the
session (spec ``speech_started.audio_start_ms``: "Milliseconds from the start of all audio written
to the buffer during the session").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .audio import Format, decode, rms

FRAME_MS = 20
#: Loudness (RMS, full scale 1) that counts as speech at the session's ``threshold`` of 1.0;
#: the default threshold 0.5 hears anything above about -34 dBFS.
ENERGY_AT_FULL_THRESHOLD = 0.04
#: ``semantic_vad`` waits for the end of a thought; here its eagerness maps to a silence length.
SEMANTIC_SILENCE_MS = {"low": 800, "medium": 500, "auto": 500, "high": 250}


@dataclass(frozen=True)
class Settings:
    threshold: float = 0.5
    prefix_padding_ms: int = 300
    silence_duration_ms: int = 200

    @classmethod
    def of(cls, turn_detection: dict[str, Any]) -> Settings:
        if turn_detection.get("type") == "semantic_vad":
            return cls(silence_duration_ms=SEMANTIC_SILENCE_MS.get(turn_detection.get("eagerness") or "auto", 500))
        return cls(
            float(turn_detection.get("threshold") if turn_detection.get("threshold") is not None else 0.5),
            int(turn_detection.get("prefix_padding_ms") if turn_detection.get("prefix_padding_ms") is not None else 300),
            int(turn_detection.get("silence_duration_ms") if turn_detection.get("silence_duration_ms") is not None else 200),
        )


@dataclass(frozen=True)
class Change:
    kind: Literal["started", "stopped"]
    #: Position in the session's audio, in milliseconds.
    ms: int


class VoiceDetector:
    def __init__(self, settings: Settings, fmt: Format, position_ms: float = 0.0) -> None:
        self.settings = settings
        self.format = fmt
        self.speaking = False
        self._pending = bytearray()
        self._frame_bytes = fmt.bytes_for(FRAME_MS)
        self.reset(position_ms)

    def reset(self, position_ms: float) -> None:
        """Forget any speech in progress; the next audio starts at ``position_ms``."""
        self.speaking = False
        self._pending.clear()
        self._ms = position_ms
        self._floor = position_ms
        self._last_loud_end = position_ms

    def feed(self, data: bytes) -> list[Change]:
        changes = []
        self._pending += data
        energy = self.settings.threshold * ENERGY_AT_FULL_THRESHOLD
        while len(self._pending) >= self._frame_bytes:
            frame = bytes(self._pending[: self._frame_bytes])
            del self._pending[: self._frame_bytes]
            start = self._ms
            self._ms += FRAME_MS
            loud = rms(decode(frame, self.format)) >= energy
            if not self.speaking:
                if loud:
                    self.speaking = True
                    self._last_loud_end = self._ms
                    changes.append(Change("started", int(max(self._floor, start - self.settings.prefix_padding_ms))))
            elif loud:
                self._last_loud_end = self._ms
            elif self._ms - self._last_loud_end >= self.settings.silence_duration_ms:
                self.speaking = False
                changes.append(Change("stopped", int(self._ms)))
        return changes

"""Audio for the live half, model-free and deterministic: the three GA formats, a tone to answer with,
speech-like audio for a probe to send, and the energy a voice detector looks at.

GA knows three input/output formats (``audio/pcm`` at 24 kHz, G.711 ``audio/pcmu`` and
``audio/pcma`` at 8 kHz; spec ``RealtimeAudioFormats``). The reference server speaks all three, so
it decodes G.711 itself: ``audioop`` is deprecated and gone from Python 3.13.
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Format:
    """One GA audio format: its ``type``, sample rate and bytes per sample."""

    type: str
    rate: int
    sample_bytes: int

    def bytes_for(self, ms: int) -> int:
        return self.rate * ms // 1000 * self.sample_bytes

    def ms_of(self, size: int) -> float:
        return size / self.sample_bytes * 1000 / self.rate


PCM = Format("audio/pcm", 24000, 2)
PCMU = Format("audio/pcmu", 8000, 1)
PCMA = Format("audio/pcma", 8000, 1)
FORMATS = {f.type: f for f in (PCM, PCMU, PCMA)}


def format_of(config: object) -> Format:
    """The format an ``audio.*.format`` object names; PCM when it names none we know."""
    kind = config.get("type") if isinstance(config, dict) else None
    return FORMATS.get(kind, PCM) if isinstance(kind, str) else PCM


# --- G.711 (ITU-T G.711, the classic segment/mantissa construction) -----------------------------

_ULAW_BIAS, _ULAW_CLIP = 0x84, 8159
_ULAW_SEGMENT_ENDS = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)


def _ulaw_encode(sample: int) -> int:
    value = sample >> 2  # the 14-bit construction
    if value < 0:
        value, mask = -value, 0x7F
    else:
        mask = 0xFF
    value = min(value, _ULAW_CLIP) + (_ULAW_BIAS >> 2)
    segment = next((index for index, end in enumerate(_ULAW_SEGMENT_ENDS) if value <= end), 8)
    if segment >= 8:
        return 0x7F ^ mask
    return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask


def _ulaw_decode(code: int) -> int:
    code = ~code & 0xFF
    exponent, mantissa = (code >> 4) & 0x07, code & 0x0F
    magnitude = (((mantissa << 3) + _ULAW_BIAS) << exponent) - _ULAW_BIAS
    return -magnitude if code & 0x80 else magnitude


_ALAW_SEGMENT_ENDS = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def _alaw_encode(sample: int) -> int:
    value = sample >> 3
    if value >= 0:
        mask = 0xD5
    else:
        mask, value = 0x55, -value - 1
    segment = next((index for index, end in enumerate(_ALAW_SEGMENT_ENDS) if value <= end), 8)
    if segment >= 8:
        return 0x7F ^ mask
    code = segment << 4
    code |= (value >> 1) & 0x0F if segment < 2 else (value >> segment) & 0x0F
    return code ^ mask


def _alaw_decode(code: int) -> int:
    code ^= 0x55
    value = (code & 0x0F) << 4
    segment = (code & 0x70) >> 4
    if segment == 0:
        value += 8
    elif segment == 1:
        value += 0x108
    else:
        value = (value + 0x108) << (segment - 1)
    return value if code & 0x80 else -value


_DECODE = {"audio/pcmu": tuple(_ulaw_decode(c) for c in range(256)), "audio/pcma": tuple(_alaw_decode(c) for c in range(256))}
_ENCODE = {"audio/pcmu": _ulaw_encode, "audio/pcma": _alaw_encode}


def decode(data: bytes, fmt: Format) -> array:
    """Linear 16-bit samples of ``data`` (a trailing odd byte of PCM16 is ignored)."""
    if fmt.type in _DECODE:
        table = _DECODE[fmt.type]
        return array("h", (table[byte] for byte in data))
    samples = array("h")
    samples.frombytes(data[: len(data) - len(data) % 2])
    if sys.byteorder == "big":  # PCM16 on the wire is little-endian
        samples.byteswap()
    return samples


def encode(samples: array | list[int], fmt: Format) -> bytes:
    if fmt.type in _ENCODE:
        encoder = _ENCODE[fmt.type]
        return bytes(encoder(sample) for sample in samples)
    return struct.pack(f"<{len(samples)}h", *samples)


# --- what the server sends, and what a probe sends ----------------------------------------------


@cache
def tone(fmt: Format, ms: int, frequency: int = 440, level: float = 0.25) -> bytes:
    """``ms`` of a sine tone. 440 Hz fits a whole number of periods into every 100 ms, so chunks of
    it join without clicks."""
    count = fmt.rate * ms // 1000
    samples = [round(level * 32767 * math.sin(2 * math.pi * frequency * n / fmt.rate)) for n in range(count)]
    return encode(samples, fmt)


@cache
def silence(fmt: Format, ms: int) -> bytes:
    return encode([0] * (fmt.rate * ms // 1000), fmt)


@cache
def speech_like(fmt: Format, ms: int, level: float = 0.3) -> bytes:
    """Audio with the coarse shape of a voice: a gliding fundamental near 150 Hz with harmonics
    weighted like a vowel's formants, its loudness rising and falling four times a second like
    syllables. A detector that listens for energy hears speech; one that listens for speech may."""
    count = fmt.rate * ms // 1000
    samples = []
    phase = 0.0
    for n in range(count):
        t = n / fmt.rate
        pitch = 150 + 25 * math.sin(2 * math.pi * 0.7 * t)
        phase += 2 * math.pi * pitch / fmt.rate
        voice = sum(weight * math.sin(harmonic * phase) for harmonic, weight in ((1, 1.0), (2, 0.6), (3, 0.5), (5, 0.35), (8, 0.2)))
        syllables = 0.55 + 0.45 * math.sin(2 * math.pi * 4 * t) ** 2
        samples.append(round(level * 32767 * syllables * voice / 2.65))
    return encode(samples, fmt)


def rms(samples: array) -> float:
    """Root mean square loudness, from 0 (silence) to 1 (full scale)."""
    if not samples:
        return 0.0
    return math.sqrt(sum(sample * sample for sample in samples) / len(samples)) / 32768

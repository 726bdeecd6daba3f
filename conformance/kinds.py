"""The verdicts a payload can get, named where a command can read them without the models."""

from __future__ import annotations

from typing import Literal

VerdictKind = Literal["valid", "invalid", "unknown-type", "beta-name", "not-json"]
VERDICTS: tuple[VerdictKind, ...] = ("valid", "invalid", "unknown-type", "beta-name", "not-json")

"""Corpus hygiene: ids are permanent, fixtures carry no credentials, and none is oversized.

* **Ids.** Every fixture and scenario id ever issued is in the committed registry
  (``conformance/data/ids.json``). An id in use must be registered and active; an active id may
  not disappear (retire it with a reason: a tombstone); a retired id is never used again. So a
  renamed fixture — an old id gone, a new one unregistered — fails with a message saying so.
* **Credentials.** Nothing in a fixture or transcript may be what the suite's one credential scanner
  (:mod:`conformance.credentials`) would redact: a key-like string, a member named like a secret, a
  header value, a URL's user info or secret-like query parameter, and in a binary frame as in text.
  :func:`redact` is that scanner's redaction, so what the self-test refuses is what gets replaced.
* **Size.** A fixture file stays under :data:`SIZE_BUDGET`; audio is shortened, not carried whole.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import credentials
from ..credentials import REDACTED  # noqa: F401 - re-exported: callers used hygiene.REDACTED
from ..jsonpath import ROOT

REGISTRY = Path(__file__).resolve().parents[1] / "data" / "ids.json"
SIZE_BUDGET = 64 * 1024


def load_registry(path: Path = REGISTRY) -> dict[str, Any]:
    return json.loads(path.read_text())


def id_problems(kind: str, in_use: Iterable[str], registry: dict[str, Any]) -> list[str]:
    """``kind`` is ``fixtures`` or ``scenarios``."""
    entry = registry.get(kind, {})
    active, retired = set(entry.get("active", ())), dict(entry.get("retired", {}))
    used = set(in_use)
    singular = kind.rstrip("s")
    problems = []
    for name in sorted(used & set(retired)):
        problems.append(f"{singular} id {name!r} was retired ({retired[name]}); ids are never reused, choose a new one")
    for name in sorted(used - active - set(retired)):
        problems.append(f"{singular} id {name!r} is not in the registry {REGISTRY.name}: add it to {kind}.active (ids are permanent once merged; if you renamed a {singular}, restore its old id instead)")
    for name in sorted(active - used):
        problems.append(f"{singular} id {name!r} is registered but gone: ids are never renamed or silently removed; restore it, or move it to {kind}.retired with a reason")
    return problems


def credential_kind(text: str) -> str | None:
    """What ``text`` looks like (``"an OpenAI API key"``, ...) when it holds a key-like string."""
    return credentials.kind_of(text)


def credential_problems(document: Any, where: str) -> list[str]:
    """What the credential scanner would redact in ``document`` (a fixture, or one transcript line,
    whose binary frame is scanned as bytes), one message each."""
    problems = [f"{where}: {found.path} {_advice(found.why)}" for found in credentials.redact(document)[1]]
    binary = document.get("binary") if isinstance(document, dict) and "dir" in document else None
    if isinstance(binary, str):
        try:
            data = base64.b64decode(binary, validate=True)
        except (binascii.Error, ValueError):
            data = b""
        problems += [f"{where}: $.binary (a binary frame) {_advice(why)}" for why in credentials.redact_bytes(data)[1]]
    return problems


def _advice(why: str) -> str:
    if why.startswith("looks like"):
        return f"{why}; redact it (fixtures never carry credentials)"
    return f'{why}; replace it with "REDACTED"'


def size_problems(paths: Iterable[Path], budget: int = SIZE_BUDGET) -> list[str]:
    return [
        f"{path}: {size:,} bytes is over the {budget // 1024} KiB budget; shorten its audio (keeping it valid base64)"
        for path in paths
        if (size := path.stat().st_size) > budget
    ]


def redact(value: Any, path: str = ROOT) -> tuple[Any, list[str]]:
    """A copy of ``value`` without credentials, and the JSON paths of what changed (the scanner of
    :mod:`conformance.credentials`; a string keeps what is not a credential, so that an error
    message still reads). What it cannot see (a member *name* that looks like a key) stays as it
    is, for the caller to refuse."""
    if isinstance(value, str):
        text, found = credentials.redact_text(value)
        return text, [path] * bool(found)
    redacted, found = credentials.redact(value, path)
    return redacted, [item.path for item in found]

"""Corpus hygiene: ids are permanent, fixtures carry no credentials, and none is oversized.

* **Ids.** Every fixture and scenario id ever issued is in the committed registry
  (``conformance/data/ids.json``). An id in use must be registered and active; an active id may
  not disappear (retire it with a reason: a tombstone); a retired id is never used again. So a
  renamed fixture — an old id gone, a new one unregistered — fails with a message saying so.
* **Credentials.** No string in a fixture may look like an API key, an ephemeral client secret, a
  bearer token or a JWT, and members named like secrets must hold a placeholder. :func:`redact`
  applies the same rules to a payload before it joins the corpus, so that what the scanner would
  refuse is what gets replaced.
* **Size.** A fixture file stays under :data:`SIZE_BUDGET`; audio is shortened, not carried whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..jsonpath import ROOT, child

REGISTRY = Path(__file__).resolve().parents[1] / "data" / "ids.json"
SIZE_BUDGET = 64 * 1024

_SECRET_PATTERNS = {
    "an OpenAI API key": re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    "an ephemeral client secret": re.compile(r"\bek_[A-Za-z0-9]{16,}"),
    "a bearer token": re.compile(r"\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*"),
    "a JSON Web Token": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
}
_SECRET_NAMES = re.compile(r"^(authorization|api[_-]?key|client[_-]?secret|secret|access[_-]?token|refresh[_-]?token|password)$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^(|REDACTED|<[^>]*>|x+|\*+)$", re.IGNORECASE)
REDACTED = "REDACTED"


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


def _strings(value: Any, path: str = ROOT) -> Iterator[tuple[str, str | None, Any]]:
    """(path, member name, value) for every member and array item, depth first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield child(path, key), key, item
            yield from _strings(item, child(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield child(path, index), None, item
            yield from _strings(item, child(path, index))


def credential_kind(text: str) -> str | None:
    """What ``text`` looks like (``"an OpenAI API key"``, ...) when it holds a credential."""
    return next((what for what, pattern in _SECRET_PATTERNS.items() if pattern.search(text)), None)


def credential_problems(document: Any, where: str) -> list[str]:
    problems = []
    for path, name, value in _strings(document):
        if not isinstance(value, str):
            continue
        for what, pattern in _SECRET_PATTERNS.items():
            if pattern.search(value):
                problems.append(f"{where}: {path} looks like {what}; redact it (fixtures never carry credentials)")
        if name and _SECRET_NAMES.match(name) and not _PLACEHOLDER.match(value):
            problems.append(f"{where}: {path} is named like a secret and holds a value; replace it with \"REDACTED\"")
    return problems


def size_problems(paths: Iterable[Path], budget: int = SIZE_BUDGET) -> list[str]:
    return [
        f"{path}: {size:,} bytes is over the {budget // 1024} KiB budget; shorten its audio (keeping it valid base64)"
        for path in paths
        if (size := path.stat().st_size) > budget
    ]


def redact(value: Any, path: str = ROOT) -> tuple[Any, list[str]]:
    """A copy of ``value`` without credentials, and the JSON paths of what changed.

    The rules are :func:`credential_problems`' own: every substring that looks like a key or token
    becomes ``"REDACTED"`` (the rest of the string stays, so that an error message still reads),
    and a member named like a secret that holds a string other than a placeholder becomes
    ``"REDACTED"`` whole. What the scanner cannot see (a member *name* that looks like a key)
    stays as it is, for the caller to refuse.
    """
    changed: list[str] = []
    return _redacted(value, path, None, changed), changed


def _redacted(value: Any, path: str, name: str | None, changed: list[str]) -> Any:
    if isinstance(value, dict):
        return {key: _redacted(item, child(path, key), key, changed) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item, child(path, index), None, changed) for index, item in enumerate(value)]
    if not isinstance(value, str):
        return value
    if name and _SECRET_NAMES.match(name) and not _PLACEHOLDER.match(value):
        changed.append(path)
        return REDACTED
    redacted = value
    for pattern in _SECRET_PATTERNS.values():
        redacted = pattern.sub(REDACTED, redacted)
    if redacted != value:
        changed.append(path)
    return redacted

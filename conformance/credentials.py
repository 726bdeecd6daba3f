"""Credentials in what the suite writes: one scanner for JSON values, text and bytes.

Everything the suite writes from what it saw — a recorded transcript (``record``, ``probe
--record``, ``serve --record``), a fixture (``fixture add``), a line on stdout or stderr — goes
through :func:`redact`, :func:`redact_text` or :func:`redact_bytes`, and the corpus self-test
(:mod:`conformance.corpus.hygiene`) asks the same scanner what it would change: what the self-test
refuses is exactly what redaction replaces. It finds:

* **key-like strings** anywhere in a string: OpenAI keys (``sk-…``), ephemeral client secrets
  (``ek_…``), bearer tokens, JSON Web Tokens, and a few well-known provider key shapes;
* **members named like a secret** at any depth (``api_key``, ``openai_api_key``, ``X-Api-Key``,
  ``client_secret``, ``secret``, ``password``, ``token``, ``access_token``, ``authorization``, …):
  every string inside them. ``token`` inside ``logprobs`` is a text token, and a name under a JSON
  Schema's ``properties`` is a parameter's name, so neither is one; plural counts such as
  ``max_output_tokens`` or ``cached_tokens`` never are, and numbers are never redacted;
* **header maps** (``headers``, as an MCP tool has): every value in them, since any header may
  carry a credential;
* **URLs and assignments in text**: the user info of ``scheme://user:pass@host``, and the value of
  a secret-like parameter in ``?key=…``, ``&api_key=…`` or ``api_key=…`` as raw text has it, or
  ``"api_key": "…"`` as JSON inside a string has it.

A credential becomes ``"REDACTED"``; the rest of a string stays, so that a message still reads.
Placeholders (``REDACTED``, ``<your key>``, ``xxx``, ``***``, ``$OPENAI_API_KEY``) are left alone.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .jsonpath import ROOT, child

REDACTED = "REDACTED"

#: Key-like strings, by what they look like. Each starts with a literal, which is what lets a
#: 10 MB audio string be scanned in milliseconds; the word boundary before it is checked apart.
KEY_PATTERNS = {
    "an OpenAI API key": re.compile(r"sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}"),
    "an ephemeral client secret": re.compile(r"ek_[A-Za-z0-9]{16,}"),
    "a bearer token": re.compile(r"Bearer\s+[A-Za-z0-9._~+/-]{16,}=*"),
    "a JSON Web Token": re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    "an AWS access key": re.compile(r"(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "a GitHub token": re.compile(r"gh[pousr]_[A-Za-z0-9]{30,}"),
    "a Google API key": re.compile(r"AIza[0-9A-Za-z_-]{35}"),
    "a Slack token": re.compile(r"xox[abposr]-[A-Za-z0-9-]{10,}"),
}
#: A literal each key pattern's match holds, to skip a pattern at once when a string lacks it.
_KEY_ANCHORS = {"an OpenAI API key": ("sk-",), "an ephemeral client secret": ("ek_",), "a bearer token": ("Bearer",), "a JSON Web Token": ("eyJ",),
                "an AWS access key": ("AKIA", "ASIA"), "a GitHub token": ("gh",), "a Google API key": ("AIza",), "a Slack token": ("xox",)}
_PLACEHOLDER = re.compile(r"^(|\[?REDACTED\]?|<[^>]*>|x+|\*+|\.\.\.|…|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$", re.IGNORECASE)
#: Words that make a member name a secret's, wherever they stand in it.
_SECRET_WORDS = frozenset({"secret", "password", "passwd", "passphrase", "authorization", "apikey", "credential", "credentials", "cookie"})
#: Two-word names (``api_key``, ``private_key``): a key is a secret only when qualified.
_SECRET_PAIRS = frozenset({("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("session", "key")})
#: Members holding a map of HTTP headers.
_HEADER_MAPS = frozenset({"headers", "http_headers", "extra_headers", "request_headers", "default_headers", "additional_headers"})
#: Members whose ``token`` is a piece of text, not a credential.
_TEXT_TOKENS = frozenset({"logprobs", "top_logprobs"})
#: A JSON Schema's ``properties`` names parameters; a parameter called ``password`` holds no secret.
_SCHEMA_NAMES = "properties"

# Text forms, each found from its literal (``=``, ``:``, ``://``) and then checked for what stands
# before it (``_BEFORE_*``, searched in a short window ending at the literal).
#
# ``name=value`` (a URL's query, an environment line): the secret-like member names, plus the short
# ones URLs use (``?key=``, ``?sig=``).
_PARAMETER = r"(?:[A-Za-z0-9]+[_-])*(?:api[_-]?key|apikey|key|secret|password|passwd|pwd|token|sig|signature|auth|credential|jwt)"
_VALUE = r"(?:(?:Bearer|Basic|Token)\s+)?[^\s&#\"'\\,;<>=][^\s&#\"'\\,;<>]*"
_ASSIGNMENT = re.compile(rf"=(?P<value>{_VALUE})")
_BEFORE_ASSIGNMENT = re.compile(rf"(?<![\w-]){_PARAMETER}\Z", re.IGNORECASE)
# ``"api_key": "value"`` (JSON or YAML inside a string, escaped quotes included), and
# ``Authorization: value`` at the start of a line (a header dump); not prose ("credentials: send one").
_MEMBER = r"(?:[A-Za-z0-9]+[_-])*(?:api[_-]?key|apikey|secret|password|passwd|token|authorization|credentials?|cookie)"
_PAIR = re.compile(rf":[ \t]*\\?[\"']?(?P<value>{_VALUE})")
_BEFORE_PAIR = re.compile(rf"(?:(?<![\w-])\\?[\"']{_MEMBER}\\?[\"'][ \t]*|(?m:^)[ \t]*{_MEMBER}[ \t]*)\Z", re.IGNORECASE)
# ``scheme://user:password@host``.
_USERINFO = re.compile(r"://(?P<value>[^/\s@?#\"'<>]+)(?=@)")
_BEFORE_USERINFO = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*\Z")
#: How far before its literal a name is looked for.
_WINDOW = 80
#: A name the ``_BEFORE_*`` patterns accept holds one of these (a cheap test before the pattern).
_NAME_WORDS = ("key", "secret", "passw", "pwd", "token", "sig", "auth", "credential", "cookie", "jwt")
#: Values a name=value pair may hold that are not secrets.
_NOT_A_SECRET = re.compile(r"^(?:[0-9.,:+-]+|true|false|null|none)$", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """A credential that redaction replaced: where (a JSON path) and why (``looks like an OpenAI
    API key``, ``is named like a secret``, ...)."""

    path: str
    why: str


def kind_of(text: str) -> str | None:
    """What ``text`` looks like (``"an OpenAI API key"``, ...) when it holds a key-like string."""
    for what, pattern in KEY_PATTERNS.items():
        if any(anchor in text for anchor in _KEY_ANCHORS[what]) and any(_starts_a_word(text, match.start()) for match in pattern.finditer(text)):
            return what
    return None


def _starts_a_word(text: str, at: int) -> bool:
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")


def is_secret_name(name: str) -> bool:
    """Whether a member named ``name`` holds a secret: ``api_key``, ``X-Api-Key``, ``clientSecret``,
    ``access_token``; never a plural count (``max_output_tokens``) or a plain ``key``."""
    words = [word for word in re.split(r"[^a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()) if word]
    if not words:
        return False
    if _SECRET_WORDS.intersection(words) or words[-1] in ("token", "jwt"):
        return True
    return any(pair in _SECRET_PAIRS for pair in zip(words, words[1:], strict=False))


def is_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.match(text.strip()))


# --- text ---------------------------------------------------------------------------------------


def redact_text(text: str, also: Iterable[str] = ()) -> tuple[str, list[str]]:
    """``text`` with every credential replaced, and what each one looked like. ``also``: exact
    values to replace besides (the header values a probe sent), longest first."""
    found: list[str] = []
    for secret in sorted({value for value in also if value}, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
            found.append("a value the suite was given as a credential")
    for what, pattern in KEY_PATTERNS.items():
        if any(anchor in text for anchor in _KEY_ANCHORS[what]):
            text = _replace(pattern, None, text, found, f"looks like {what}", whole=True)
    if "://" in text and "@" in text:
        text = _replace(_USERINFO, _BEFORE_USERINFO, text, found, "holds a URL's user info (a credential)")
    if "=" in text:
        text = _replace(_ASSIGNMENT, _BEFORE_ASSIGNMENT, text, found, "holds a secret-like parameter (name=value)", named=True)
    if ":" in text:
        text = _replace(_PAIR, _BEFORE_PAIR, text, found, "holds a member named like a secret (name: value)", named=True)
    return text, found


def _replace(pattern: re.Pattern[str], before: re.Pattern[str] | None, text: str, found: list[str], why: str, whole: bool = False, named: bool = False) -> str:
    """Each match of ``pattern`` that ``before`` accepts (searched up to the match; without it, the
    match must start a word) has its ``value`` group (``whole``: all of it) replaced. ``named``:
    ``before`` needs a secret-like name, so a window without one of :data:`_NAME_WORDS` is skipped
    before the pattern runs."""
    pieces, kept = [], 0
    for match in pattern.finditer(text):
        start = match.start()
        if before is None:
            if not _starts_a_word(text, start):
                continue
        else:
            window = max(0, start - _WINDOW)
            if named:
                lowered = text[window:start].lower()
                if not any(word in lowered for word in _NAME_WORDS):
                    continue
            if not before.search(text, window, start):
                continue
        begin, end = (match.start(), match.end()) if whole else (match.start("value"), match.end("value"))
        value = text[begin:end]
        if not whole and (is_placeholder(value) or _NOT_A_SECRET.match(value) or value.startswith(REDACTED)):
            continue
        pieces += [text[kept:begin], REDACTED]
        kept = end
        found.append(why)
    return "".join(pieces) + text[kept:] if pieces else text


def scrub(text: str, also: Iterable[str] = ()) -> str:
    """``text`` without credentials: for a line on stdout or stderr."""
    return redact_text(text, also)[0]


def redact_bytes(data: bytes, also: Iterable[str] = ()) -> tuple[bytes, list[str]]:
    """A binary frame without credentials. Bytes map one to one onto Latin-1 characters, so text
    inside the frame (UTF-8 JSON sent as binary, say) is found, and the other bytes stay as they are."""
    text, found = redact_text(data.decode("latin-1"), (value for value in also if value.isascii()))
    return (text.encode("latin-1") if found else data), found


# --- JSON values --------------------------------------------------------------------------------


def redact(value: Any, path: str = ROOT, also: Iterable[str] = ()) -> tuple[Any, list[Found]]:
    """A copy of ``value`` without credentials, and what changed where. What the scanner cannot
    replace without changing the value's shape (a member *name* that looks like a key) stays, for
    the caller to refuse (:func:`kind_of` tells)."""
    found: list[Found] = []
    return _walk(value, path, found, tuple(also), None, False), found


_SECRET_MEMBER = "is named like a secret and holds a value"
_HEADER_VALUE = "is a header value (headers carry credentials)"


def _walk(value: Any, path: str, found: list[Found], also: tuple[str, ...], whole: str | None, text_tokens: bool) -> Any:
    """``whole``: why every string in ``value`` is a credential (it is inside a secret-named member
    or a header map), or ``None``. ``text_tokens``: ``value`` is inside ``logprobs``."""
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            at = child(path, key)
            name = key.lower() if isinstance(key, str) else ""
            if whole is None and name in _HEADER_MAPS and isinstance(item, (dict, list)):
                copy[key] = _walk_headers(item, at, found, also)
                continue
            inner = whole
            if inner is None and is_secret_name(name) and not (name == "token" and text_tokens) and not path.endswith("." + _SCHEMA_NAMES):
                inner = _SECRET_MEMBER
            copy[key] = _walk(item, at, found, also, inner, text_tokens or name in _TEXT_TOKENS)
        return copy
    if isinstance(value, list):
        return [_walk(item, child(path, index), found, also, whole, text_tokens) for index, item in enumerate(value)]
    if not isinstance(value, str):
        return value
    if whole is not None and not is_placeholder(value):
        found.append(Found(path, whole))
        return REDACTED
    redacted, why = redact_text(value, also)
    if why:
        found.append(Found(path, why[0]))
    return redacted


def _walk_headers(headers: dict[str, Any] | list[Any], path: str, found: list[Found], also: tuple[str, ...]) -> Any:
    """A header map's values, whole: ``{"Name": value}``, ``[["Name", value]]`` or ``["Name: value"]``."""
    if isinstance(headers, dict):
        return {name: _walk(value, child(path, name), found, also, _HEADER_VALUE, False) for name, value in headers.items()}
    copy: list[Any] = []
    for index, item in enumerate(headers):
        at = child(path, index)
        if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
            copy.append([item[0], _walk(item[1], child(at, 1), found, also, _HEADER_VALUE, False)])
        elif isinstance(item, str) and ":" in item and not is_placeholder(item.partition(":")[2]):
            found.append(Found(at, _HEADER_VALUE))
            copy.append(f"{item.partition(':')[0]}: {REDACTED}")
        else:
            copy.append(_walk(item, at, found, also, None, False))
    return copy


# --- frames -------------------------------------------------------------------------------------


def redact_frame(frame: Any, also: Iterable[str] = ()) -> tuple[Any, int]:
    """A transcript frame (:class:`conformance.sessions.transcript.Frame`) without credentials,
    whichever it holds — an event, raw text or binary bytes — and how many were replaced."""
    secrets = tuple(also)
    if frame.binary is not None:
        data, found = redact_bytes(frame.binary, secrets)
        return (dataclasses.replace(frame, binary=data) if found else frame), len(found)
    if frame.raw is not None:
        text, found = redact_text(frame.raw, secrets)
        return (dataclasses.replace(frame, raw=text) if found else frame), len(found)
    event, changes = redact(frame.event, also=secrets)
    return (dataclasses.replace(frame, event=event) if changes else frame), len(changes)


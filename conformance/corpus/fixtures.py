"""The fixture corpus: recorded and authored payloads, each with a permanent id, a provenance and
the verdict the reference models must give.

A fixture is one JSON file whose stem is its id. :class:`Fixture` is the format, and
``conformance/schemas/fixture.schema.json`` is its JSON Schema, generated from it. Loading never
stops at a bad file: :func:`load` returns the fixtures it could read and a :class:`LoadError` for
each file it could not, so that one malformed contribution fails one check, not the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ..protocol.dialects import NAMES as DIALECTS
from ..verdict import Direction

FIXTURES_ROOT = Path(__file__).resolve().parents[1] / "data" / "fixtures"
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

Level = Literal["MUST", "SHOULD", "INFO"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Provenance(_Strict):
    kind: Literal["authored", "documented", "captured"] = Field(
        description="authored from the API reference; based on a documented or publicly reported "
        "payload; or captured from a real session (then redacted)"
    )
    source: str = Field(min_length=1, description="how the payload was obtained, in a sentence")
    url: str | None = Field(default=None, description="where the source is public; for a page that changes, a URL with a commit, or give `published`")
    # What a captured payload needs said about it (issue 16): when and where it was read, what
    # produced it, how it was recorded, and every way it differs from what went over the wire.
    published: str | None = Field(default=None, pattern=_DATE, description="when the source published the payload (YYYY-MM-DD)")
    retrieved: str | None = Field(default=None, pattern=_DATE, description="when we read the source (YYYY-MM-DD)")
    server: str | None = Field(default=None, min_length=1, description="which server sent the payload, as the source says (e.g. 'OpenAI Realtime API')")
    model: str | None = Field(default=None, min_length=1, description="the model the session ran, where the source says")
    capture_method: str | None = Field(
        default=None,
        min_length=1,
        description="how the payload was recorded: a raw frame log, or a client's logger that may re-serialize it (keys sorted, nulls dropped)",
    )
    alterations: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None,
        description="every way the payload differs from the wire: audio shortened, strings redacted, ids elided by the publisher; "
        "absent or empty when it is exactly as published",
    )


class Expectation(_Strict):
    verdict: Literal["valid", "invalid", "unknown-type", "beta-name"]
    reason: str | None = Field(default=None, description="why the payload is not valid")
    errors: list[str] | None = Field(default=None, description="JSON paths the reference reports errors at")


class Fixture(_Strict):
    """One payload of the corpus."""

    model_config = ConfigDict(title="Realtime conformance fixture")

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)] = Field(description="permanent; equals the file stem")
    description: Annotated[str, Field(min_length=1, max_length=160, pattern=r"^[^\n]*$")]
    direction: Direction
    protocol: Literal[DIALECTS] = Field(  # type: ignore[valid-type]
        description="the dialect the payload is judged under: ga, or another dialect's fixtures under fixtures/<dialect>/"
    )
    level: Level = Field(description="requirement level of the checks on this payload")
    provenance: Provenance
    payload: Any
    expect: Expectation
    #: Where the fixture was read from, relative to the corpus root's parent ("fixtures/...").
    _source: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        return self._source or f"fixtures/{self.direction}/{self.id}.json"

    @model_validator(mode="after")
    def _invalid_needs_reason(self) -> Fixture:
        if self.expect.verdict != "valid" and not self.expect.reason:
            raise ValueError("a fixture that is not valid must say why in expect.reason")
        return self


@dataclass(frozen=True)
class LoadError:
    path: Path
    message: str


def load(root: Path = FIXTURES_ROOT, dialect: str | None = "ga") -> tuple[list[Fixture], list[LoadError]]:
    """The fixtures of one dialect under ``root`` (GA's by default; ``None``: every dialect's), and
    the files that could not be read at all."""
    fixtures: list[Fixture] = []
    errors: list[LoadError] = []
    for path in sorted(root.rglob("*.json")):
        document = None
        try:
            document = json.loads(path.read_bytes())
            fixture = Fixture.model_validate(document)
        except (OSError, ValueError, ValidationError) as problem:
            if not _of_another_dialect(document, dialect):  # a broken fixture of another dialect is that dialect's error
                errors.append(LoadError(path, _one_line(problem)))
            continue
        if fixture.id != path.stem:
            errors.append(LoadError(path, f"id {fixture.id!r} differs from the file stem {path.stem!r}"))
            continue
        if dialect is not None and fixture.protocol != dialect:
            continue
        fixture._source = f"{root.name}/{path.relative_to(root).as_posix()}"
        fixtures.append(fixture)
    return fixtures, errors


def _of_another_dialect(document: Any, dialect: str | None) -> bool:
    protocol = document.get("protocol") if isinstance(document, dict) else None
    return dialect is not None and isinstance(protocol, str) and protocol in DIALECTS and protocol != dialect


def schema() -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **Fixture.model_json_schema()}


def _one_line(problem: Exception) -> str:
    return " | ".join(line.strip() for line in str(problem).splitlines() if line.strip() and "errors.pydantic.dev" not in line)

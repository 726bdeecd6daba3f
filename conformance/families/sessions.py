"""The session family: whole sessions, read by the implementation frame by frame, in order.

A single event read alone is not how a library meets the protocol: it meets a session, where one
ignored or mistaken event costs everything that depends on it (a response never seen to end, a
transcript never seen to start). Per session, against the implementation:

* ``loses`` — it ignores a valid GA event of the session (MUST, as the corpus family's ``parses``);
* ``rejects`` — it rejects, or crashes on, a valid GA event (MUST);
* ``mistakes`` — it parses a valid GA event as another event type (MUST);
* ``tolerates-unknown`` — an unknown or beta event type in the session is neither mistaken for
  another type nor crashes it (MUST; only for sessions that hold such frames, as recordings do);
* ``well-formed`` — a session file that cannot be read fails this one check instead of the run.

Server frames are read by every implementation that parses server events; client frames only by
one that plays the server side (``Adapter.sides``). Frames of events only other transports carry
(``output_audio_buffer.*`` for a WebSocket-only library) are skipped.

:func:`checks` makes the checks of any list of sessions: the session corpus by default, and the
sessions the live families record (:func:`recorded` turns a transcript into one). Each session is
judged under the dialect its header names; another dialect's sessions live under
``fixtures/<dialect>/sessions/`` and ``checks(dialect=...)`` makes theirs (GA's by default).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..adapters.scope import features_of, produced_by
from ..checks import PASS, Check, Driver, ImplementationFailed, Result, fail
from ..findings import CRASHES_ON_UNKNOWN, MISTAKES_UNKNOWN, mistypes, rejects_valid, unmodelled
from ..corpus.fixtures import FIXTURES_ROOT
from ..protocol.names import BETA_RENAMES, EVENT_TRANSPORTS
from ..sessions.transcript import SUFFIX, Transcript, open_transcript
from ..verdict import judge_value

FAMILY = "session"
SESSIONS_ROOT = FIXTURES_ROOT / "sessions"
#: Lines named in a failure message; the rest are counted.
SHOWN = 6


@dataclass(frozen=True)
class SessionFrame:
    line: int
    direction: str
    text: str
    #: The reference verdict: valid, or unknown-type / beta-name (the frames a reader must tolerate).
    verdict: str
    event_type: str


@dataclass(frozen=True)
class Session:
    """A session the family can replay: its frames as wire text, with the reference's verdicts."""

    id: str
    source: str
    transport: str
    frames: tuple[SessionFrame, ...] = field(repr=False)
    #: The dialect the session speaks (its transcript header's ``protocol``).
    dialect: str = "ga"


def recorded(transcript: Transcript, session_id: str, source: str = "") -> Session:
    """A session from a transcript (authored, captured or recorded live). Frames the reference finds
    invalid or not JSON are left out: no implementation is judged on them here."""
    frames = []
    dialect = transcript.header.protocol
    for frame in transcript:
        if not frame.has_event or not isinstance(frame.event, dict):
            continue
        verdict = judge_value(frame.event, frame.dir) if dialect == "ga" else judge_value(frame.event, frame.dir, dialect)
        if verdict.verdict in ("valid", "unknown-type", "beta-name") and verdict.type is not None:
            frames.append(SessionFrame(frame.line, frame.dir, json.dumps(frame.event, ensure_ascii=False), verdict.verdict, verdict.type))
    return Session(session_id, source or str(transcript.path or session_id), transcript.header.transport, tuple(frames), dialect)


@dataclass(frozen=True)
class LoadError:
    path: Path
    message: str


def load(root: Path | None = None, dialect: str = "ga") -> tuple[list[Session], list[LoadError]]:
    """The session corpus of one dialect (``fixtures/sessions/`` for GA, ``fixtures/<dialect>/sessions/``
    for another). A file that is not a well-formed transcript with a header naming its id and the
    dialect is an error, not a session."""
    root = root if root is not None else SESSIONS_ROOT if dialect == "ga" else FIXTURES_ROOT / dialect / "sessions"
    sessions, errors = [], []
    paths = sorted(root.glob(f"*{SUFFIX}"))
    if not paths:  # an installed package without its data must not pass by checking nothing
        return [], [LoadError(root, f"no session transcripts (*{SUFFIX}) under {root}")]
    for path in paths:
        transcript = open_transcript(path)
        if transcript.header_problem is not None:
            errors.append(LoadError(path, str(transcript.header_problem)))
            continue
        if transcript.header.id != path.stem:
            errors.append(LoadError(path, f"the header's id {transcript.header.id!r} differs from the file stem {path.stem!r}"))
            continue
        if transcript.header.protocol != dialect:
            errors.append(LoadError(path, f"the header's protocol {transcript.header.protocol!r} is not the {dialect!r} of the sessions under {root}"))
            continue
        frames = list(transcript)
        problems = [str(frame.problem) for frame in frames if frame.problem is not None]
        if problems:
            errors.append(LoadError(path, problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")))
            continue
        transcript.frames = iter(frames)
        where = f"{root.parent.name}/{root.name}" if dialect == "ga" else f"{root.parent.parent.name}/{root.parent.name}/{root.name}"
        sessions.append(recorded(transcript, path.stem, f"{where}/{path.name}"))
    return sessions, errors


def checks(sessions: Iterable[Session] | None = None, errors: Iterable[LoadError] = (), dialect: str = "ga") -> list[Check]:
    if sessions is None:
        sessions, errors = load(dialect=dialect)
    found = [_well_formed(error) for error in errors]
    for session in sessions:
        found.extend(_checks_for(session))
    return found


def _checks_for(session: Session) -> list[Check]:
    needs = frozenset().union(*(
        features_of(json.loads(frame.text)) if frame.direction == "client" else produced_by(json.loads(frame.text)) for frame in session.frames
    ))

    def check(name: str, run: Callable[[Driver], Result]) -> Check:
        return Check(id=f"{FAMILY}/{session.id}/{name}", family=FAMILY, level="MUST", run=run, source=session.source, produced_by=needs)

    made = [
        check("loses", lambda driver: _judge(driver, session, "loses")),
        check("rejects", lambda driver: _judge(driver, session, "rejects")),
        check("mistakes", lambda driver: _judge(driver, session, "mistakes")),
    ]
    if any(frame.verdict != "valid" for frame in session.frames):
        made.append(check("tolerates-unknown", lambda driver: _judge(driver, session, "tolerates-unknown")))
    return made


def _well_formed(error: LoadError) -> Check:
    message = f"{error.path}: {error.message}"
    return Check(id=f"{FAMILY}/{error.path.stem}/well-formed", family=FAMILY, level="MUST", run=lambda driver: fail(message), source=str(error.path))


def _judge(driver: Driver, session: Session, aspect: str) -> Result:
    """Replay the session in order and collect the frames that show ``aspect``."""
    sides = [side for side in ("server", "client") if side == "server" or driver.plays("server")]
    adapter = driver.adapter
    carried = adapter.transports
    # A client need not read what it does not use; ignoring it loses nothing of its application's.
    used = adapter.scope.uses if aspect == "loses" and adapter.conformance_class == "client" else (lambda event_type: True)
    problems: list[str] = []
    first: SessionFrame | None = None
    crashed = False
    read = 0
    for frame in session.frames:
        if frame.direction not in sides:
            continue
        limited = EVENT_TRANSPORTS.get(frame.event_type)
        if limited and not limited & carried:
            continue
        if (aspect == "tolerates-unknown") != (frame.verdict != "valid"):
            continue
        if not used(frame.event_type):
            continue
        read += 1
        problem = _problem(driver, frame, aspect, session.dialect)
        if problem:
            problems.append(f"line {frame.line} `{frame.event_type}`: {problem}")
            first = first or frame
            crashed = crashed or problem.startswith("crashed")
    if not problems:
        return PASS
    assert first is not None
    cause = {
        "loses": unmodelled(first.event_type),
        "rejects": rejects_valid(first.event_type),
        "mistakes": mistypes(first.event_type),
        "tolerates-unknown": CRASHES_ON_UNKNOWN if crashed else MISTAKES_UNKNOWN,
    }[aspect]
    shown = "; ".join(problems[:SHOWN]) + (f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else "")
    what = {"loses": "ignored", "rejects": "rejected", "mistakes": "mistook", "tolerates-unknown": "mishandled"}[aspect]
    return fail(f"{what} {len(problems)} of the {read} {'unknown or beta' if aspect == 'tolerates-unknown' else 'valid GA' if session.dialect == 'ga' else 'valid ' + session.dialect} events of "
                f"session {session.id}: {shown}", cause)


def _problem(driver: Driver, frame: SessionFrame, aspect: str, session_dialect: str = "ga") -> str:
    try:
        parsed = driver.parse(frame.direction, frame.text)  # type: ignore[arg-type]
    except ImplementationFailed as crash:
        return f"crashed ({crash})" if aspect in ("rejects", "tolerates-unknown") else ""
    if aspect == "loses":
        return "ignored" if parsed.outcome == "ignored" else ""
    if aspect == "rejects":
        return f"rejected: {parsed.detail or 'no reason given'}" if parsed.outcome == "rejected" else ""
    if aspect == "mistakes":
        return f"parsed as {parsed.event_type!r}" if parsed.outcome == "accepted" and parsed.event_type != frame.event_type else ""
    if parsed.outcome == "accepted" and parsed.event_type not in _same_event(session_dialect, frame.event_type):
        return f"the {frame.verdict} event was taken for {parsed.event_type!r}"
    return ""


def _same_event(dialect: str, kind: str) -> tuple[str | None, ...]:
    """The names that stand for ``kind``: itself and its successor (GA's beta renames), and, in
    another dialect, that dialect's own spelling of it."""
    if dialect == "ga":
        return (kind, BETA_RENAMES.get(kind))
    from ..protocol import dialects

    profile = dialects.get(dialect)
    return (kind, BETA_RENAMES.get(kind), profile.spellings.get(kind), profile.successors.get(kind))

"""The session checker: reads a session frame by frame, judges every frame with the reference
models, and checks the ordering and correlation rules of ``session-rules.md`` across frames.

    result = check_frames(open_transcript(path), transport="webrtc")
    checker = SessionChecker(transport="websocket")      # live: feed frames as they happen
    for frame in frames:
        findings = checker.feed(frame)
    result = checker.finish()

Rule ids and levels are the document's (:mod:`.catalogue` lists them, what is checked of each, and
what is left out and why). The rules live in four groups sharing one :class:`~.context.Context`:
:mod:`.lifecycle` (responses, items, parts, deltas, calls, output audio buffer), :mod:`.requests`
(client requests and their answers), :mod:`.conversation` (the conversation's items) and
:mod:`.inputs` (voice activity, idle timeouts, input transcription, transport scope); the session
itself (rules 1 and 3) is checked here.

What it honours (session-rules.md §3): ``conversation.item.*`` interleave freely with
``response.*``; transcription may arrive after ``response.done``; deltas after a client
``response.cancel`` until ``response.done`` are fine; items of one response may overlap;
out-of-band responses run beside the default one. Transport scope: ``output_audio_buffer.*`` only on
WebRTC/SIP, DTMF only on SIP. In an **excerpt**, ids first seen before it are not findings, and a
session ending mid-response is incomplete, not broken; without the excerpt flag an open response
at the end is INFO, never MUST.

Rules left out, with the reason (details per rule in :mod:`.catalogue`): ``error.not-terminal``
(6) is a directive to checkers, honoured by construction — a transcript does not record why a
connection closed. The do-not-flag rules ``response.cancel-trailing-tolerated`` (15),
``item.may-overlap`` (19) and ``transcription.unordered`` (35) produce no findings by design and
are tested as passes. Parts left out: the SHOULD echo of a client event_id in errors (4, 12:
§3 item 6 says not to flag null event_ids); acknowledgement order (2: correlation is positional);
the metadata echo of out-of-band responses (13: a response does not name its request); the
response-level modality check (23: its own exception); the mirror's initial status (24); the
tools an MCP listing should have imported (27); what follows an MCP approval (28, §3 item 13);
"append is never acknowledged" (29: no event could acknowledge it); buffers between 0 and 100 ms
(31); ``audio_end_ms = 0`` (38, §3 item 11).

Memory stays flat however long the session: a finished response is dropped at once and only its
id is remembered; ids (server and client event ids, items, calls, finished responses) live in
windows of the most recent 65,536 (:class:`~.state.Window`); streamed text is kept as a running
hash (:class:`~.state.Digest`); findings beyond 1,000 per rule are counted, not kept. What the
windows cost: an event id repeated more than 65,536 ids later is not seen as repeated, and once a
window has forgotten ids, a reference to an id it does not hold is no longer flagged (it may be one
it forgot) — bounded memory costs detections on very long sessions, never false alarms.
"""

from __future__ import annotations

import re

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import fastpath
from ..jsonpath import ROOT
from ..protocol import dialects
from ..protocol.names import BETA_RENAMES, TRANSPORTS
from ..verdict import FieldError, Verdict, judge, judge_value
from .catalogue import RULES, Rule
from .context import Context, code, obj, text
from .conversation import Conversation
from .findings import LEVELS, Finding, Level
from .inputs import Inputs
from .lifecycle import Lifecycle
from .requests import Requests
from .state import Window
from .transcript import Frame, LineProblem, Transcript

__all__ = ["RULES", "Finding", "Level", "Rule", "SessionChecker", "SessionResult", "check_frames", "check_transcript"]

#: Findings kept per rule; the rest are counted in :attr:`SessionResult.suppressed`.
KEPT_PER_RULE = 1_000
#: The level of the ``event.verdict`` finding for each verdict that is not ``valid``.
VERDICT_LEVELS: dict[str, Level] = {"invalid": "MUST", "not-json": "MUST", "beta-name": "SHOULD", "unknown-type": "INFO"}


@dataclass
class SessionResult:
    events: int
    #: valid / invalid / unknown-type / beta-name / not-json
    verdicts: Counter[str]
    #: False when a response is still open at the end (an excerpt cut, or a connection closed).
    complete: bool
    #: In line order; at most :data:`KEPT_PER_RULE` per rule.
    findings: list[Finding]
    #: Findings not kept, per rule.
    suppressed: Counter[str] = field(default_factory=Counter)
    #: All findings, kept or not, per level.
    levels: Counter[str] = field(default_factory=Counter)
    transport: str = "websocket"
    excerpt: bool = False
    #: The dialect the session was judged under.
    dialect: str = "ga"

    @property
    def conforms(self) -> bool:
        """No event invalid (or not JSON), and no MUST finding."""
        return not (self.verdicts["invalid"] or self.verdicts["not-json"] or self.levels["MUST"])


#: An id a publisher elided in a pasted excerpt: "…", "...", "event_…", "resp_xxx".
PLACEHOLDER_ID = re.compile(r"^(?:[A-Za-z]+_)?(?:…+|\.{3,}|[xX]{3,})$|…|\.\.\.")


def carries_placeholder(value: Any, key: str = "") -> bool:
    """Whether an id member anywhere in ``value`` (``event_id``, ``item_id``, an item's ``id``, …)
    holds a placeholder rather than an id."""
    if isinstance(value, dict):
        return any(carries_placeholder(item, name) for name, item in value.items())
    if isinstance(value, list):
        return any(carries_placeholder(item, key) for item in value)
    return isinstance(value, str) and (key == "id" or key.endswith("_id")) and PLACEHOLDER_ID.search(value) is not None


class SessionChecker:
    """Streaming: :meth:`feed` each frame in order, then :meth:`finish` once."""

    def __init__(self, *, transport: str = "websocket", excerpt: bool = False, dialect: str = "ga") -> None:
        if transport not in TRANSPORTS:
            raise ValueError(f"unknown transport {transport!r}; expected one of {', '.join(TRANSPORTS)}")
        self.transport, self.excerpt = transport, excerpt
        # Another dialect's frames are judged under it and read by the rules as GA (its to_ga
        # translation), with its ordering differences (protocol/dialects, session-rules.md §4).
        self.dialect = dialect
        self._profile = None if dialect == "ga" else dialects.get(dialect)
        self.ctx = ctx = Context(transport, excerpt)
        if self._profile is not None:
            ctx.ordering = self._profile.ordering
        lifecycle = Lifecycle(ctx)
        self._requests = Requests(ctx, lifecycle)
        self._conversation = Conversation(ctx)
        self._groups = (Inputs(ctx), self._conversation, lifecycle, self._requests)
        self._lifecycle = lifecycle
        self._server: dict[str, list[Any]] = {}
        for group in self._groups:
            for kind, handler in group.server.items():
                self._server.setdefault(kind, []).append(handler)
        self._server_ids: Window[str, int] = Window()
        self._session_created = 0
        self._opened = False
        self.events = 0
        self.verdicts: Counter[str] = Counter()
        self._kept: list[Finding] = []
        self._per_rule: Counter[str] = Counter()
        self.suppressed: Counter[str] = Counter()
        self.levels: Counter[str] = Counter()
        self._finished: SessionResult | None = None
        #: Lines of an excerpt whose ids a publisher elided ("event_…"): no finding may rest on them.
        self._placeholders: set[int] = set()

    # --- reading ------------------------------------------------------------------------------

    def feed(self, frame: Frame) -> list[Finding]:
        """Judge one frame and apply the rules; returns the findings this frame produced."""
        ctx = self.ctx
        ctx.begin(frame.line, frame.event_type, frame.event_id)
        self.events += 1
        if self.excerpt and frame.has_event and carries_placeholder(frame.event):
            self._placeholders.add(frame.line)
        if frame.dir == "client":
            ctx.client_seen = True
        kind = self._judge(frame)
        if kind is not None or (frame.dir == "client" and frame.has_event and isinstance(frame.event, dict)):
            ctx.type = kind
            try:
                event = frame.event if self._profile is None else self._as_ga(frame)
                if frame.dir == "server":
                    self._server_event(event, kind)  # type: ignore[arg-type]
                else:
                    self._client_event(event, kind)
            except Exception as error:  # noqa: BLE001 - a checker bug must not cost the session its other findings
                ctx.emit("checker.internal", "INFO", f"the session checker failed on this frame ({type(error).__name__}: {error}); "
                         "the rules go on with the next one")
        return self._keep(ctx.found)

    def note_header_problem(self, problem: LineProblem) -> list[Finding]:
        """Report a problem with the transcript as a whole: a bad header (its defaults are used
        instead), an unreadable or empty file."""
        self.ctx.begin(problem.line, None, None)
        self.ctx.emit("transcript.line", "MUST", f"{problem.path}: expected {problem.expected}, got {problem.got}")
        return self._keep(self.ctx.found)

    def _judge(self, frame: Frame) -> str | None:
        """Count the frame's verdict, report it unless valid, and return the event type the rules
        should read it as (``None``: nothing they can use)."""
        ctx = self.ctx
        if frame.problem is not None:
            problem = frame.problem
            verdict = "not-json" if problem.got.startswith("not JSON") else "invalid"
            self.verdicts[verdict] += 1
            ctx.emit("transcript.line", "MUST", f"{problem.path}: expected {problem.expected}, got {problem.got}")
            return None
        if frame.binary is not None:
            self.verdicts["not-json"] += 1
            ctx.emit("event.verdict", "MUST", f"a binary frame of {len(frame.binary)} bytes from the {frame.dir}; every Realtime event is a JSON text frame")
            return None
        if frame.raw is not None:
            self._report(_safely(lambda: judge(frame.raw or "", frame.dir)))
            return None
        if self._profile is not None:
            return self._judge_under_dialect(frame)
        try:
            proof = fastpath.valid_value_type(frame.event, frame.dir)
        except Exception:  # noqa: BLE001 - the verdict below says what went wrong
            proof = None
        if proof is not None:  # proved valid by the structs derived from the models: no verdict to build
            self.verdicts["valid"] += 1
            return proof if type(proof) is str else proof[0]
        verdict = _safely(lambda: judge_value(frame.event, frame.dir))
        self._report(verdict)
        if not isinstance(frame.event, dict) or verdict.type is None:
            return None
        if verdict.verdict in ("valid", "invalid"):
            return verdict.type
        if verdict.verdict == "beta-name":
            return BETA_RENAMES.get(verdict.type)
        return None

    def _judge_under_dialect(self, frame: Frame) -> str | None:
        profile = self._profile
        verdict = _safely(lambda: judge_value(frame.event, frame.dir, self.dialect))
        self._report(verdict)
        if not isinstance(frame.event, dict) or verdict.type is None:
            return None
        if verdict.verdict in ("valid", "invalid"):
            return profile.read_as(verdict.type)  # type: ignore[union-attr]
        if verdict.verdict == "beta-name":
            return profile.read_as(profile.successors.get(verdict.type, verdict.type))  # type: ignore[union-attr]
        return None

    def _as_ga(self, frame: Frame) -> Any:
        """The frame's event as GA shapes (the rules read GA); the event itself when it has none."""
        translate = self._profile.to_ga if self._profile is not None else None
        if translate is None or not isinstance(frame.event, dict):
            return frame.event
        translated = translate(frame.event, frame.dir)
        return translated if isinstance(translated, dict) else frame.event

    def _report(self, verdict: Verdict) -> None:
        self.verdicts[verdict.verdict] += 1
        if verdict.verdict == "valid":
            return
        errors = "; ".join(f"{error.path}: expected {error.expected}, got {error.got}" for error in verdict.errors[:3])
        more = f" (and {len(verdict.errors) - 3} more)" if len(verdict.errors) > 3 else ""
        self.ctx.emit("event.verdict", VERDICT_LEVELS[verdict.verdict], f"{code(verdict.type)} is {verdict.verdict}: {errors}{more}")

    def _server_event(self, event: dict[str, Any], kind: str) -> None:
        ctx = self.ctx
        self._opening(kind)
        event_id = text(event, "event_id")
        if event_id is not None:
            first = self._server_ids.get(event_id)
            if first is not None:
                ctx.emit("event-id.unique", "MUST", f"server event_id {event_id!r} was already used at line {first}; server event ids are unique "
                         "within a session", related=(first,))
            else:
                self._server_ids[event_id] = ctx.line
        if kind in ("session.created", "session.updated"):
            ctx.configure(obj(event, "session"))
        self._conversation.any_event(event)
        for handler in self._server.get(kind, ()):
            handler(event)

    def _opening(self, kind: str) -> None:
        """Rule 1: session.created opens the session, once."""
        ctx = self.ctx
        if kind == "session.created":
            if self._session_created:
                ctx.emit("session.created-first", "MUST", f"a second `session.created` (the first was at line {self._session_created})",
                         related=(self._session_created,))
            else:
                self._session_created = ctx.line
            self._opened = True
        elif not self._opened and kind != "error":  # a refused session may get an error and nothing else
            self._opened = True
            if not ctx.excerpt:
                ctx.emit("session.created-first", "MUST", f"the session's first server event is {code(ctx.wire_type)}; a session starts with "
                         "`session.created` (if the transcript starts mid-session, mark it an excerpt)")

    def _client_event(self, event: dict[str, Any], kind: str | None) -> None:
        # Every client event is numbered and its event_id remembered, even one of a type the server
        # does not know: the server may well answer it with an error that names it.
        request = self._requests.client_event(event)
        handler = self._requests.client.get(kind) if kind else None
        if handler is not None:
            handler(event, request)

    def _keep(self, found: list[Finding]) -> list[Finding]:
        if self.excerpt and self._placeholders:
            found = [f for f in found if not ({f.line, *f.related_lines} & self._placeholders)]
        for finding in found:
            self.levels[finding.level] += 1
            if self._per_rule[finding.rule] < KEPT_PER_RULE:
                self._per_rule[finding.rule] += 1
                self._kept.append(finding)
            else:
                self.suppressed[finding.rule] += 1
        return found

    # --- the end ------------------------------------------------------------------------------

    def finish(self) -> SessionResult:
        """End the session: report what is still owed, and return the result (idempotent)."""
        if self._finished is not None:
            return self._finished
        ctx = self.ctx
        ctx.begin(0, None, None)
        for group in self._groups:
            try:
                group.finish()
            except Exception as error:  # noqa: BLE001 - as in feed
                ctx.emit("checker.internal", "INFO", f"the session checker failed at the end ({type(error).__name__}: {error})")
        self._keep(ctx.found)
        findings = sorted(self._kept, key=lambda f: (f.line, LEVELS.index(f.level), f.rule))
        self._finished = SessionResult(self.events, self.verdicts, self._lifecycle.complete, findings, self.suppressed, self.levels,
                                       self.transport, self.excerpt, self.dialect)
        return self._finished


def check_frames(frames: Iterable[Frame], *, transport: str = "websocket", excerpt: bool = False, dialect: str = "ga") -> SessionResult:
    checker = SessionChecker(transport=transport, excerpt=excerpt, dialect=dialect)
    for frame in frames:
        checker.feed(frame)
    return checker.finish()


def check_transcript(transcript: Transcript, *, transport: str | None = None, excerpt: bool | None = None, dialect: str | None = None) -> SessionResult:
    """Check an open transcript; ``transport``, ``excerpt`` and ``dialect`` override its header."""
    checker = SessionChecker(
        transport=transport or transcript.header.transport,
        excerpt=transcript.header.excerpt if excerpt is None else excerpt,
        dialect=dialect or transcript.header.protocol,
    )
    if transcript.header_problem is not None:
        checker.note_header_problem(transcript.header_problem)
    for frame in transcript:
        checker.feed(frame)
    if checker.events == 0 and (transcript.header_problem is None or transcript.header_problem.line > 0):
        checker.note_header_problem(LineProblem(1, ROOT, "at least one frame after the header", "an empty transcript"))
    return checker.finish()


def _safely(judging: Any) -> Verdict:
    try:
        return judging()
    except Exception as error:  # noqa: BLE001 - a validator bug is a verdict, not a crash
        return Verdict("invalid", errors=(FieldError(ROOT, "an event the validator can judge", f"internal error {type(error).__name__}: {error}"),))

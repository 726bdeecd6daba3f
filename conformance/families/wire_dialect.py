"""A client pointed at a server of another dialect: one finding, naming both dialects and the first
frame that shows it.

The scripted server speaks the implementation's dialect (``Adapter.dialect``). A client frame that
the server's dialect refuses but another dialect accepts (:func:`conformance.detect.fits` judges it
under every dialect) for want of members the other dialect does not ask for is a frame of that
other dialect: a beta client's flat ``session.update`` (no ``session.type``) sent to a GA endpoint,
which the endpoint refuses, so the application sees nothing at all. A frame the server's dialect
accepts with members it does not know is not such evidence (it is that dialect with extra members),
nor is a frame no dialect accepts, nor one with a value the server's dialect does not allow
(``semantic_vad`` sent to xAI, which has only ``server_vad``): those are invalid frames, judged by
``sends-valid-events`` as such.

Every failing check of a scenario whose client speaks another dialect is that one finding
(``speaks-another-dialect``), since whatever else went wrong follows from it.
"""

from __future__ import annotations

from ..checks import Result, fail
from ..detect import choose, fits
from ..findings import Cause
from ..live.wire_runner import ScenarioRun

SPEAKS_ANOTHER = Cause("speaks-another-dialect", "the library sends another dialect's events than its server speaks: the server refuses them, and the application gets nothing it asked for")


def mismatch(run: ScenarioRun) -> Result | None:
    """The failure naming the client's dialect, the server's and the first frame that shows it, or
    ``None`` when every client frame the server's dialect refuses is refused by every dialect."""
    if "_dialect_mismatch" in run.__dict__:
        return run.__dict__["_dialect_mismatch"]  # type: ignore[no-any-return]
    run.__dict__["_dialect_mismatch"] = found = _mismatch(run)
    return found


def _mismatch(run: ScenarioRun) -> Result | None:
    session = run.session
    if session is None:
        return None
    ours = session.dialect
    evidence = []
    for frame in session.client_frames:
        if not frame.has_event or not isinstance(frame.event, dict):
            continue
        _, verdicts = fits(frame.event, "client")
        if verdicts[ours].ok or not verdicts[ours].errors or any(error.got != "absent" for error in verdicts[ours].errors):
            continue  # valid here, or wrong in a value (semantic_vad where only server_vad exists): invalid, not another dialect
        valid = frozenset(name for name, verdict in verdicts.items() if verdict.ok)
        if valid:
            evidence.append((frame, valid, verdicts[ours]))
    if not evidence:
        return None
    common = frozenset.intersection(*(valid for _, valid, _ in evidence)) or evidence[0][1]
    theirs = choose(common) or " or ".join(sorted(common))
    frame, valid, verdict = evidence[0]
    why = verdict.errors[0] if verdict.errors else None
    refused = f"{verdict.verdict}" + (f" at {why.path} (expected {why.expected}, got {why.got})" if why else "")
    return fail(
        f"the client speaks {theirs}, but the server it is pointed at speaks {ours}: line {frame.line}, its {frame.event_type or 'frame'} "
        f"is valid under {', '.join(sorted(valid))} and {refused} under {ours} ({len(evidence)} such frame(s))",
        SPEAKS_ANOTHER,
    )


def attribute(result: Result, run: ScenarioRun) -> Result:
    """``result``, or, when it failed in a session whose client speaks another dialect, the same failure
    under that one cause."""
    if result.passed or result.cause is SPEAKS_ANOTHER:
        return result
    found = mismatch(run)
    if found is None:
        return result
    return Result(False, f"{found.message}; here: {result.message}", SPEAKS_ANOTHER, result.level)

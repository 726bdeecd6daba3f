"""Checks: one requirement, checked against one implementation, with a permanent id.

A check's ``run`` gets a :class:`Driver` — the adapter behind a guard — and returns a
:class:`Result`. The driver turns a crash inside the implementation into a failed result and a
hang into a timed-out one, so that no implementation can take the run down or lose the other
checks' results. A check that cannot concern the implementation (an event of a transport it does
not use, a capability of the other side of the connection) raises :class:`NotApplicable`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .adapters.adapter import DEFAULT_CALL_TIMEOUT, Adapter, Capability, Direction, ImplementationFailed, NotApplicable, NotImplementedCapability, Parsed
from .classes import judge_level
from .findings import Cause, crashes, hangs
from .protocol.names import EVENT_TRANSPORTS

Level = Literal["MUST", "SHOULD", "INFO"]
LEVELS: tuple[Level, ...] = ("MUST", "SHOULD", "INFO")

@dataclass(frozen=True)
class Result:
    passed: bool
    message: str = ""
    #: Why it failed (:mod:`conformance.findings`); ``None``: the check's own id stands for the cause.
    cause: Cause | None = None
    #: The level of this failure when it is lower than the check's (a null on a string member sent
    #: by a client is SHOULD where other invalid frames are MUST).
    level: Level | None = None


PASS = Result(True)


def fail(message: str, cause: Cause | None = None, level: Level | None = None) -> Result:
    return Result(False, message, cause, level)


@dataclass(frozen=True)
class Check:
    """One requirement. ``id`` is permanent: reports and baselines refer to it."""

    id: str
    family: str
    level: Level
    run: Callable[[Driver], Result] = field(repr=False, compare=False)
    event_type: str | None = None
    #: Where the check's input comes from (a fixture file, a scenario), for failure messages.
    source: str = ""
    #: The features (:data:`conformance.adapters.scope.FEATURES`) a client needs to send its input.
    sends: frozenset[str] = frozenset()
    #: The features without which no server sends its input.
    produced_by: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """The check's own name, the last part of its id (``parses``, ``round-trip``)."""
        return self.id.rpartition("/")[2]


def not_applicable(check: Check, adapter: Adapter) -> str | None:
    """Why ``check`` cannot concern ``adapter`` whatever it does, or ``None``: the check's event
    travels only over transports the implementation does not use."""
    carried = EVENT_TRANSPORTS.get(check.event_type or "")
    if carried and not carried & adapter.transports:
        return (
            f"{check.event_type} travels only over {'/'.join(sorted(carried))}, and "
            f"{adapter.name} connects over {'/'.join(sorted(adapter.transports))}"
        )
    return None


def run_check(check: Check, driver: Driver) -> tuple[bool | None, str, bool]:
    """Run ``check`` through ``driver``: ``(passed, message, applicable)``. ``passed`` is ``None``
    when the implementation lacks a capability the check needs; a crash or a hang is a failure."""
    reason = not_applicable(check, driver.adapter)
    if reason:
        return None, reason, False
    try:
        result = check.run(driver)
    except NotApplicable as why:
        return None, str(why), False
    except NotImplementedCapability as missing:
        return None, str(missing), True
    except ImplementationFailed as crash:
        return False, str(crash), True
    return result.passed, result.message, True


@dataclass(frozen=True)
class Ran:
    """One check, settled for one implementation: its level for that implementation's class and
    scope, and what running it gave (``passed`` is ``None`` when it did not run)."""

    passed: bool | None
    message: str
    applicable: bool
    level: Level
    cause: Cause | None = None
    #: Whether the check's event type is one the implementation does not use ("not used", INFO).
    not_used: bool = False


def evaluate(check: Check, driver: Driver) -> Ran:
    """Run ``check`` for ``driver``'s implementation as its class and scope say
    (:func:`conformance.classes.judge_level`): at its level there, or not at all."""
    adapter = driver.adapter
    judged = judge_level(
        family=check.family, check=check.name, level=check.level, klass=adapter.conformance_class, scope=adapter.scope,
        event_type=check.event_type, sends=check.sends, produced_by=check.produced_by, name=adapter.name,
    )
    if judged.outcome == "not-applicable":
        return Ran(None, judged.message, False, judged.level)
    if judged.outcome == "not-implemented":
        return Ran(None, judged.message, True, judged.level)
    reason = not_applicable(check, adapter)
    if reason:
        return Ran(None, reason, False, judged.level)
    try:
        result = check.run(driver)
    except NotApplicable as why:
        return Ran(None, str(why), False, judged.level)
    except NotImplementedCapability as missing:
        return Ran(None, str(missing), True, _lower(judged.level, getattr(missing, "level", None)))
    except ImplementationFailed as crash:
        return Ran(False, str(crash), True, judged.level, getattr(crash, "cause", None))
    level = judged.level
    if not result.passed and result.level is not None and LEVELS.index(result.level) > LEVELS.index(level):
        level = result.level
    message = result.message
    not_used = judged.not_used
    if not_used and not result.passed and adapter.refusal_ends_receive and result.cause is not None and result.cause.id.startswith("rejects-valid/"):
        # not used, but refusing it ends the receive loop: nothing after it reaches the application
        level, not_used = check.level, False
        message = f"{adapter.name} does not use {check.event_type}, but refusing it ends its receive loop ({adapter.refusal_ends_receive}): {message}"
    elif not_used and not result.passed:
        message = f"not used: {adapter.name} does not hand {check.event_type} to its application ({message})"
    return Ran(result.passed, message, True, level, result.cause, not_used)


def _lower(level: Level, other: Level | None) -> Level:
    """The lower of two levels (a missing action of a client is INFO, as its scope's gaps are)."""
    return other if other is not None and LEVELS.index(other) > LEVELS.index(level) else level


class Driver:
    """An adapter behind a guard: every call runs with a timeout and with its exceptions caught."""

    def __init__(self, adapter: Adapter, timeout: float = DEFAULT_CALL_TIMEOUT, failure_expected: bool = False) -> None:
        self.adapter = adapter
        self.timeout = timeout
        #: The baseline lists the check as failing: a property check then skips shrinking (it
        #: must still fail, but a known failure needs no minimal example).
        self.failure_expected = failure_expected
        #: Set once a call hung: later calls fail at once instead of waiting out the timeout again
        #: (a property check would otherwise wait on every step of shrinking).
        self.hung: str | None = None

    def _call(self, what: str, function: Callable[..., Any], *args: Any) -> Any:
        if self.hung:
            raise ImplementationFailed(f"{what} was not attempted: {self.hung}")
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["value"] = function(*args)
            except BaseException as error:  # noqa: BLE001 - reported, never swallowed
                box["error"] = error

        worker = threading.Thread(target=target, name=f"conformance-{what}", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            self.hung = f"{what} did not return within {self.timeout:g} s (hanging)"
            raise _failed(self.hung, hangs(what))
        if "error" in box:
            error = box["error"]
            if isinstance(error, (NotImplementedCapability, NotApplicable, ImplementationFailed)):
                raise error  # an adapter that explains a failure itself (a harness's stderr) keeps its words
            raise _failed(f"{what} raised {type(error).__name__}: {_first_line(error)}", crashes(what, type(error).__name__)) from error
        return box["value"]

    def parse(self, direction: Direction, text: str) -> Parsed:
        self.require(Capability.PARSE_SERVER if direction == "server" else Capability.PARSE_CLIENT)
        parsed = self._call(f"parsing a {direction} event", self.adapter.parse, direction, text)
        if not isinstance(parsed, Parsed):
            raise ImplementationFailed(f"the adapter's parse returned {type(parsed).__name__}, not Parsed")
        return parsed

    def dump(self, direction: Direction, obj: Any) -> Any:
        self.require(Capability.DUMP_SERVER if direction == "server" else Capability.DUMP_CLIENT)
        return self._call(f"dumping a {direction} event", self.adapter.dump, direction, obj)

    def build_client(self, event: dict[str, Any]) -> str:
        self.require(Capability.BUILD_CLIENT)
        if not self.adapter.builds_events:
            raise NotApplicable(
                f"{self.adapter.name}'s application never builds protocol events: it sends what {self.adapter.name} makes of the "
                "application's settings and actions, which the wire family judges (configuration fidelity, sends-valid-events)"
            )
        return self._call("building a client event", self.adapter.build_client, event)

    def require(self, capability: Capability) -> None:
        """Raise :class:`NotApplicable` now if ``capability`` belongs to a side of the connection the
        implementation does not play, and :class:`NotImplementedCapability` if it lacks it."""
        if capability.side not in self.adapter.sides:
            raise NotApplicable(f"{self.adapter.name} plays the {'/'.join(sorted(self.adapter.sides))} side; only a {capability.side} needs to {capability.value}")
        if capability in self.adapter.missing:
            raise NotImplementedCapability(capability)

    def plays(self, side: str) -> bool:
        return side in self.adapter.sides


def _failed(message: str, cause: Cause) -> ImplementationFailed:
    failure = ImplementationFailed(message)
    failure.cause = cause  # type: ignore[attr-defined]
    return failure


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else "(no message)"

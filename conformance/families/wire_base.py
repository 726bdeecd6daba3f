"""What every wire scenario is made of: the scenario as data (:class:`WireScenario`), its checks
(:class:`CheckSpec`), how one play of it is set up for one client (:class:`Play`: how the user's
turns start, the odd frame chosen for it, the server's dialect), and what the checks read of a run.

Checks read the session as GA reads it (:meth:`~conformance.live.scripted_server.PlayedSession.as_ga`),
so one check judges a client of any dialect; what the client sent is judged as sent, under the
server's dialect, by ``sends-valid-events``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..adapters.wire import AppStep, Settings
from ..checks import Level, Result
from ..jsonpath import MISSING
from ..live.scripted_server import Script, Step
from ..live.wire_runner import ScenarioRun
from ..sessions.transcript import Frame
from .wire_events import SPEECH_SECONDS, Events, user_turn

#: How the application starts a user turn: it sends text (``send_text``), it speaks
#: (``append_audio``, server VAD starts the response), or it does nothing (the server plays anyway).
Trigger = Literal["text", "audio", "none"]


@dataclass(frozen=True)
class Play:
    """One play of a scenario for one client."""

    trigger: Trigger = "text"
    #: The odd frame chosen for this client, as wire text (``strictly-refused-event``).
    odd: str | None = None
    #: Why that frame was chosen (what refused it).
    odd_note: str = ""
    #: The dialect the server speaks.
    dialect: str = "ga"


TEXT = Play()

Evaluate = Callable[["WireScenario", ScenarioRun], Result]


@dataclass(frozen=True)
class CheckSpec:
    name: str
    level: Level
    evaluate: Evaluate = field(repr=False)
    #: What the check needs of the library beyond what its scenario needs.
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WireScenario:
    id: str
    description: str
    #: The script the server plays, for one play (a builder may ignore the play).
    build: Callable[..., Script] = field(repr=False)
    #: What the application does, with each user turn written as ``send_text`` (see :meth:`app_for`).
    app: tuple[AppStep, ...] = ()
    settings: Settings = Settings()
    #: Actions and behaviours the scenario needs from the library (see WireAdapter).
    needs: frozenset[str] = frozenset()
    checks: tuple[CheckSpec, ...] = ()
    #: The scenario's time bound, in seconds.
    bound: float = 20.0
    #: How its user turns may start, in order of preference; empty: it has no user turn to start
    #: (or starts it with ``send_text`` only, which ``needs`` then says).
    triggers: tuple[Trigger, ...] = ()
    #: Plays the scenario itself instead of :func:`~conformance.live.wire_runner.run_scenario`
    #: (``first-update-every-connection`` opens many connections).
    runner: Callable[..., ScenarioRun] | None = field(default=None, repr=False)
    #: The odd frame is chosen per client (``strictly-refused-event``).
    chooses_odd: bool = False

    def script(self, play: Play = TEXT) -> Script:
        return self.build(play)

    def app_for(self, play: Play) -> tuple[AppStep, ...]:
        """The application's steps for ``play``: each user turn sent as text, spoken (``SPEECH_SECONDS``
        of audio appended) or left out."""
        if play.trigger == "text" or not self.triggers:
            return self.app
        if play.trigger == "none":
            return tuple(step for step in self.app if step.action != "send_text")
        return tuple(AppStep("append_audio", seconds=SPEECH_SECONDS) if step.action == "send_text" else step for step in self.app)


def asked(e: Events, play: Play, turn: int) -> list[Step] | None:
    """How the server starts the response to the user's turn ``turn``: ``None`` when the user types
    (the response waits for the client's ``response.create``), the server VAD turn when the user
    speaks (the second turn only on audio appended after the first)."""
    return user_turn(e, turn, fresh=turn > 1) if play.trigger == "audio" else None


# --- what the checks read of a run -------------------------------------------------------------------


def absolute(run: ScenarioRun, frame: Frame) -> float:
    assert run.session is not None
    return run.session.connection.opened + (frame.t or 0.0)


def steps_of(run: ScenarioRun) -> tuple[Step, ...]:
    return run.script.steps if run.script is not None else ()


def sent_labelled(run: ScenarioRun, label: str) -> Frame | None:
    """The frame the server sent for the step labelled ``label``, as GA reads it."""
    assert run.session is not None
    for step, frame in zip(steps_of(run), run.session.sent):
        if step.label == label:
            return run.session.as_ga(frame)
    return None


def odd_frame(run: ScenarioRun) -> Frame | None:
    """The frame the script labelled as the odd one, as sent."""
    assert run.session is not None
    for step, frame in zip(steps_of(run), run.session.sent):
        if step.label == "the odd frame":
            return frame
    return None


def client(run: ScenarioRun, kind: str | None = None) -> list[Frame]:
    """The client's frames (of type ``kind``), as GA reads them."""
    assert run.session is not None
    return [frame for frame in run.session.ga_frames if frame.dir == "client" and (kind is None or frame.event_type == kind)]


def server(run: ScenarioRun, kind: str | None = None) -> list[Frame]:
    """The server's frames (of type ``kind``), as GA reads them."""
    assert run.session is not None
    return [frame for frame in run.session.ga_frames if frame.dir == "server" and (kind is None or frame.event_type == kind)]


def turn_frames(run: ScenarioRun, play: Play | None = None) -> list[Frame]:
    """The client frames that start a user turn: ``response.create`` for a text turn, an audio append
    for a spoken one (server VAD creates the response)."""
    trigger = play.trigger if play is not None else getattr(run, "trigger", "text")
    return client(run, "input_audio_buffer.append" if trigger == "audio" else "response.create")


def where(frame: Frame) -> str:
    return f"line {frame.line}"


def shown(value: Any) -> str:
    return "absent" if value is MISSING else json.dumps(value)[:120]

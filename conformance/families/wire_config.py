"""Configuration fidelity: what the application configures is exactly what goes on the wire.

One scenario per group of settings (each turn-detection type with its members, turn detection off,
function tools with their JSON schemas, input transcription, noise reduction, the voice, output
modalities), plus ``session-config`` (instructions, a tool and turn detection off together). The
server plays ``session.created`` and answers each ``session.update``; ``carries-configuration``
(MUST) merges the client's ``session.update`` s as the server does (a member present replaces the
one before) and compares every member the application set with what it asked for:

* a member left out, or sent with another value (``semantic_vad`` sent as ``server_vad``, a tool's
  schema stripped), fails, named by its path, so one member lost in several scenarios is one
  finding (``configuration-not-sent/<path>``);
* a member the application did not set and the library sends anyway (a default written out) is not
  judged here: the documentation does not forbid it, and an invalid one fails ``sends-valid-events``.

A group the library cannot send at all is outside its scope (``Check.sends``): not-implemented, INFO.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..adapters.wire import AppStep, Settings, Tool
from ..checks import PASS, Result, fail
from ..compare import first_difference
from ..findings import Cause
from ..jsonpath import MISSING, lookup
from ..live.scripted_server import Script, Step
from ..live.wire_runner import ScenarioRun
from ..protocol import dialects
from ..verdict import judge
from .wire_base import TEXT, CheckSpec, Play, WireScenario, client, shown
from .wire_events import LOOKUP_ORDER, Events, declared_tool, merge, replies

CONFIGURED = Settings(instructions="You are the conformance suite's test assistant.", turn_detection="off", tools=(LOOKUP_ORDER,))

#: A function whose JSON schema has what schemas have: nested objects, arrays, enums, numbers with
#: bounds, descriptions, required members and additionalProperties (inside ``properties``, where any
#: library's tool API takes the schema as it is).
BOOK_REPAIR = Tool(
    name="book_repair",
    description="Book a repair slot for a bicycle.",
    parameters={
        "type": "object",
        "properties": {
            "bike": {
                "type": "object",
                "description": "The bicycle to repair.",
                "properties": {
                    "kind": {"type": "string", "enum": ["road", "mountain", "city", "cargo"]},
                    "wheel_size_inches": {"type": "number", "minimum": 12, "maximum": 29},
                },
                "required": ["kind"],
                "additionalProperties": False,
            },
            "problems": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "What is wrong, in the customer's words."},
            "urgent": {"type": "boolean"},
        },
        "required": ["bike", "problems"],
    },
    output='{"slot":"2026-12-08T10:00"}',
)

GROUPS: dict[str, tuple[str, Settings]] = {
    "config-server-vad": ("server VAD with every member set", Settings(turn_detection={"type": "server_vad", "threshold": 0.7, "prefix_padding_ms": 400, "silence_duration_ms": 650, "create_response": True, "interrupt_response": False})),
    "config-semantic-vad": ("semantic VAD with its eagerness and both response members", Settings(turn_detection={"type": "semantic_vad", "eagerness": "low", "create_response": True, "interrupt_response": False})),
    "config-turn-detection-off": ("voice activity detection off (turn_detection: null)", Settings(turn_detection="off")),
    "config-tools": ("two function tools, one with a nested JSON schema", Settings(tools=(LOOKUP_ORDER, BOOK_REPAIR))),
    "config-transcription": ("input transcription with a model, a language and a prompt", Settings(transcription={"model": "gpt-4o-transcribe", "language": "en", "prompt": "Order numbers look like A-1042."})),
    "config-noise-reduction": ("near-field input noise reduction", Settings(noise_reduction={"type": "near_field"})),
    "config-voice": ("a voice other than the default", Settings(voice="cedar")),
    "config-output-modalities": ("text output only", Settings(output_modalities=("text",))),
}


def settings_features(settings: Settings) -> frozenset[str]:
    """What sending ``settings`` takes: each configured member's feature
    (:data:`conformance.adapters.scope.FEATURES`)."""
    found = set()
    if settings.instructions is not None:
        found.add("session.instructions")
    if settings.turn_detection == "off":
        found.add("session.turn-detection-off")
    elif isinstance(settings.turn_detection, Mapping):
        found.add("session.turn-detection")
        if settings.turn_detection.get("create_response") is False or settings.turn_detection.get("interrupt_response") is False:
            found.add("session.turn-detection-responses")
    if settings.tools:
        found.add("function-calls")
    if settings.transcription is not None:
        found.add("session.transcription")
    if settings.noise_reduction is not None:
        found.add("session.noise-reduction")
    if settings.voice is not None:
        found.add("session.voice")
    if settings.output_modalities is not None:
        found.add("session.output-modalities")
    return frozenset(found)


def uncarried(dialect: str, settings: Settings) -> str | None:
    """Why a client of ``dialect`` cannot send ``settings`` at all (the dialect has no place for them),
    or ``None``: the GA ``session.update`` of them, written in the dialect, is valid there and reads
    back as what was configured."""
    if dialect == "ga":
        return None
    profile = dialects.get(dialect)
    sent = profile.from_ga({"type": "session.update", "session": settings.ga_session()}, "client")
    if sent is None:
        return f"the {dialect} dialect has no session.update"
    verdict = judge(json.dumps(sent), "client", dialect)
    if not verdict.ok:
        error = verdict.errors[0] if verdict.errors else None
        return f"the {dialect} dialect has no place for it" + (f" ({error.path}: expected {error.expected}, got {error.got})" if error else "")
    back = profile.to_ga(sent, "client") or {}
    lost = differences(settings, back.get("session") or {})
    return f"the {dialect} dialect cannot carry it ({lost[0]})" if lost else None


def _script(play: Play = TEXT) -> Script:
    """``session.created``, then a short wait for the client's ``session.update`` s."""
    e = Events()
    return Script(
        steps=(Step(send=e.session_created(), label="session.created"), Step(when={"type": "session.update"}, label="the configuration")),
        replies=replies(e),
        wait_timeout=3,
        linger=0.5,
    )


def carries_configuration(scenario: WireScenario, run: ScenarioRun) -> Result:
    updates = client(run, "session.update")
    if not updates:
        return fail("the client sent no session.update, so the server keeps its defaults (voice activity detection on, no tools, no instructions)",
                    Cause("configuration-not-sent/session", "what the application configures never reaches the server"))
    effective: dict[str, Any] = {}
    for frame in updates:
        effective = merge(effective, frame.event.get("session") or {})
    problems = differences(scenario.settings, effective)
    if problems:
        member_path = problems[0].split(":", 1)[0]
        return fail(f"after {len(updates)} session.update(s): " + "; ".join(problems),
                    Cause(f"configuration-not-sent/{member_path.removeprefix('$.')}", f"what the application configures at {member_path} never reaches the server as configured"))
    return PASS


def differences(settings: Settings, effective: dict[str, Any]) -> list[str]:
    """Each configured member that the merged ``session`` does not carry as configured, ``$.session.…: expected …, got …``."""
    problems: list[str] = []
    if settings.instructions is not None and lookup(effective, "$.instructions") != settings.instructions:
        problems.append(f"$.session.instructions: expected {settings.instructions!r}, got {shown(lookup(effective, '$.instructions'))}")
    problems += _setting(effective, "audio.input.turn_detection", settings.turn_detection if settings.turn_detection != "default" else None)
    problems += _setting(effective, "audio.input.transcription", settings.transcription)
    problems += _setting(effective, "audio.input.noise_reduction", settings.noise_reduction)
    if settings.voice is not None and lookup(effective, "$.audio.output.voice") != settings.voice:
        problems.append(f"$.session.audio.output.voice: expected {settings.voice!r}, got {shown(lookup(effective, '$.audio.output.voice'))}")
    if settings.output_modalities is not None and lookup(effective, "$.output_modalities") != list(settings.output_modalities):
        problems.append(f"$.session.output_modalities: expected {list(settings.output_modalities)}, got {shown(lookup(effective, '$.output_modalities'))}")
    for tool in settings.tools:
        problems += _tool(effective, tool)
    return problems


def _setting(effective: dict[str, Any], where: str, wanted: Any) -> list[str]:
    """``"off"``: an explicit null; an object: each of its members, as configured."""
    if wanted is None:
        return []
    path = f"$.{where}"
    value = lookup(effective, path)
    if wanted == "off":
        return [] if value is None else [f"$.session.{where}: expected an explicit null (turned off), got {shown(value)}"]
    if not isinstance(value, dict):
        return [f"$.session.{where}: expected {shown(dict(wanted))}, got {shown(value)}"]
    return [
        f"$.session.{where}.{member}: expected {shown(expected)}, got {shown(value.get(member, MISSING))}"
        for member, expected in wanted.items()
        if first_difference(expected, value.get(member, MISSING), exact_numbers=False) is not None
    ]


def _tool(effective: dict[str, Any], tool: Tool) -> list[str]:
    sent = declared_tool(effective.get("tools"), tool.name)
    if sent is None:
        return [f"$.session.tools: expected the function {tool.name!r}, got {shown(effective.get('tools', MISSING))}"]
    problems = []
    if sent.get("type") != "function":
        problems.append(f"$.session.tools[{tool.name!r}].type: expected \"function\", got {shown(sent.get('type', MISSING))}")
    if sent.get("description") != tool.description:
        problems.append(f"$.session.tools[].description: expected {tool.description!r}, got {shown(sent.get('description', MISSING))}")
    difference = first_difference(dict(tool.parameters), sent.get("parameters", MISSING), "$.session.tools[].parameters", exact_numbers=False)
    if difference is not None:
        problems.append(str(difference))
    return problems


SCENARIOS: tuple[WireScenario, ...] = tuple(
    WireScenario(
        name,
        f"the application configures {what}",
        _script,
        app=(AppStep("wait", until={"script": "done"}, seconds=5),),
        settings=settings,
        needs=frozenset({"configure"}),
        checks=(CheckSpec("carries-configuration", "MUST", carries_configuration),),
    )
    for name, (what, settings) in GROUPS.items()
)

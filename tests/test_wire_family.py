"""The wire family as data and as checks: its scenarios play valid GA sessions (but for the one odd
frame each tolerance scenario is about), their ids are permanent, the reference client passes every
wire check, and an implementation without a wire adapter, or one that leaves a behaviour to the
application, is not judged on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.checks import Driver, run_check
from conformance.corpus import hygiene
from conformance.families import wire
from conformance.adapters import registry
from conformance.adapters import wire as live
from conformance.adapters.adapter import Adapter
from conformance.implementations.reference.adapter import ReferenceAdapter
from conformance.protocol import dialects
from conformance.verdict import judge

def _built(step) -> object:
    """A step's event as the server sends it to a client that declared nothing yet."""
    return step.send([]) if callable(step.send) else step.send


ODD_VERDICTS = {
    "unknown-event-type": "unknown-type",
    "new-field": "valid",
    "beta-event-name": "beta-name",
    "missing-required-field": "invalid",
    "not-json-frame": "not-json",
    "recoverable-error": "valid",
    "missing-event-id": "invalid",
    "empty-event-id": "valid",
    "frame-without-type": "invalid",
    "delta-missing-member": "invalid",
    "strictly-refused-event": "valid",
}
PLAYS = [wire.Play(trigger) for trigger in ("text", "audio", "none")]


def test_scenario_ids_are_registered_and_permanent() -> None:
    assert hygiene.id_problems("wire_scenarios", (s.id for s in wire.SCENARIOS), hygiene.load_registry()) == []
    assert len(wire.SCENARIOS_BY_ID) == len(wire.SCENARIOS)


@pytest.mark.parametrize("play", PLAYS, ids=[play.trigger for play in PLAYS])
@pytest.mark.parametrize("scenario", wire.SCENARIOS, ids=[s.id for s in wire.SCENARIOS])
def test_every_scripted_frame_is_valid_ga_but_the_odd_one(scenario, play) -> None:
    script = scenario.script(play)
    for step in script.steps:
        if not step.sends:
            continue
        verdict = judge(step.text if step.text is not None else json.dumps(_built(step)), "server")
        if step.label == "the odd frame":
            assert verdict.verdict == ODD_VERDICTS[scenario.id], step
            if scenario.id == "new-field":
                assert verdict.unknown_fields, "the new-field frame has no new field"
        else:
            assert verdict.ok, (step.label, [str(e) for e in verdict.errors])


@pytest.mark.parametrize("dialect", ["xai", "inworld"])
@pytest.mark.parametrize("scenario", wire.SCENARIOS, ids=[s.id for s in wire.SCENARIOS])
def test_a_dialect_server_sends_each_scripted_event_valid_in_its_dialect_but_the_odd_one(scenario, dialect) -> None:
    profile = dialects.get(dialect)
    for play in (wire.Play("text", dialect=dialect), wire.Play("audio", dialect=dialect)):
        for step in scenario.script(play).steps:
            if not step.sends or step.label == "the odd frame" or step.text is not None:
                continue
            sent = profile.from_ga(_built(step), "server")
            if sent is None:
                continue  # the dialect has no such event: the server leaves it out
            verdict = judge(json.dumps(sent), "server", dialect)
            assert verdict.ok, (step.label, sent.get("type"), [str(e) for e in verdict.errors])


def test_audio_turns_open_with_the_servers_vad_and_text_turns_wait_for_response_create() -> None:
    scenario = wire.SCENARIOS_BY_ID["unknown-event-type"]
    spoken = scenario.script(wire.Play("audio")).steps
    heard = [step for step in spoken if step.label.endswith("heard")]
    assert [step.when for step in heard] == [{"type": "input_audio_buffer.append"}] * 2 and [step.fresh for step in heard] == [False, True]
    assert not any(step.when == {"type": "response.create"} for step in spoken)
    assert [step.action for step in scenario.app_for(wire.Play("audio"))].count("append_audio") == 2
    typed = scenario.script(wire.Play("text")).steps
    assert sum(step.when == {"type": "response.create"} for step in typed) == 2 and not any(step.label.endswith("heard") for step in typed)


def test_the_replayed_session_waits_for_the_users_audio_once() -> None:
    steps = wire.SCENARIOS_BY_ID["replay-spoken-response"].script(wire.Play("audio")).steps
    waits = [step for step in steps if step.when == {"type": "input_audio_buffer.append"}]
    assert len(waits) == 1 and waits[0].sends and waits[0].send["type"] == "input_audio_buffer.speech_started"
    assert not any(step.when == {"type": "input_audio_buffer.append"} for step in wire.SCENARIOS_BY_ID["replay-spoken-response"].script(wire.Play("none")).steps)


def test_the_odd_frames_are_the_ones_the_scenarios_name() -> None:
    odd = {s.id for s in wire.SCENARIOS if any(step.label == "the odd frame" for step in s.build().steps)}
    assert odd == set(ODD_VERDICTS)


def test_scenarios_need_only_what_adapters_can_declare() -> None:
    declared = set(live.NEEDS)
    assert all(s.needs <= declared and all(spec.needs <= declared for spec in s.checks) for s in wire.SCENARIOS)


def test_check_ids_are_wire_scenario_check_and_unique() -> None:
    ids = [check.id for check in wire.checks()]
    assert len(ids) == len(set(ids))
    assert all(check_id.startswith("wire/") and check_id.split("/")[1] in wire.SCENARIOS_BY_ID for check_id in ids)
    levels = {check.id: check.level for check in wire.checks()}
    assert levels["wire/session-config/carries-configuration"] == "MUST"
    assert levels["wire/barge-in/truncates"] == "SHOULD" and levels["wire/connect/sends-on-connect"] == "INFO"


def test_the_reference_client_passes_every_wire_check() -> None:
    driver = Driver(ReferenceAdapter())
    outcomes = {check.id: run_check(check, driver) for check in wire.checks()}
    failing = {check_id: message for check_id, (passed, message, _) in outcomes.items() if not passed}
    assert failing == {}
    assert all(applicable for _, _, applicable in outcomes.values())


class _Named(Adapter):
    def __init__(self, name: str) -> None:
        self.name = name  # type: ignore[misc]


def test_without_a_wire_adapter_the_wire_checks_do_not_apply() -> None:
    passed, message, applicable = run_check(wire.checks()[0], Driver(_Named("some-server")))
    assert (passed, applicable) == (None, False) and "has no wire adapter" in message


class _TransportOnly(live.WireAdapter):
    name = "transport-only"
    leaves_to_application = {"playback": "the application plays the audio"}
    missing = {"interrupt": "it has no way to stop a response"}

    def client(self) -> live.WireClient:
        raise AssertionError("no scenario may run")


class _WithWire(Adapter):
    name = "transport-only"

    def wire_adapter(self) -> live.WireAdapter:
        return _TransportOnly()


def test_behaviour_left_to_the_application_does_not_apply_and_a_missing_action_is_not_implemented() -> None:
    checks = {check.id: check for check in wire.checks([wire.SCENARIOS_BY_ID["barge-in"], wire.SCENARIOS_BY_ID["app-interrupt"]])}
    driver = Driver(_WithWire())
    assert run_check(checks["wire/barge-in/truncates"], driver)[:2] == (None, "transport-only leaves this to the application: the application plays the audio")
    assert run_check(checks["wire/barge-in/truncates"], driver)[2] is False
    passed, message, applicable = run_check(checks["wire/app-interrupt/cancels"], driver)
    assert (passed, applicable) == (None, True) and "cannot interrupt" in message


def test_a_wire_adapter_that_cannot_load_fails_the_checks(monkeypatch) -> None:
    shipped = registry.built_in()
    broken = registry.Implementation("broken-install", None, "conformance.implementations.no_such_module:Nothing", Path("."))
    monkeypatch.setattr(registry, "built_in", lambda: {**shipped, "broken-install": broken})
    passed, message, applicable = run_check(wire.checks()[0], Driver(_Named("broken-install")))
    assert (passed, applicable) == (False, True) and "cannot be loaded" in message

"""How the families judge sending and rejecting, after the precision audit (issue 15): what a
sender may add is tolerated only while it stays valid, nulls that cannot mean anything are
optional, ignoring an invalid event is not accepting it, a library's class is judged apart from
the type it reports, and a message names every difference."""

from __future__ import annotations

import json
import uuid

from conformance.checks import Driver
from conformance.detection import all_checks, run
from conformance.families.roundtrip import NULL_EQUALS_ABSENT, sends_unchanged, without_nulls
from conformance.adapters.adapter import Parsed
from conformance.implementations.reference.adapter import ReferenceAdapter

CHECKS = all_checks(("corpus", "snapshot"))


class Sender(ReferenceAdapter):
    """The reference, with its sent JSON passed through ``change``."""

    def __init__(self, change) -> None:
        self.change = change

    def build_client(self, event):
        return json.dumps(self.change(json.loads(super().build_client(event))))


def results(adapter, *ids: str) -> dict[str, str]:
    found = run(adapter, [CHECKS[i] for i in ids])
    return {check_id: "pass" if result.passed else result.message for check_id, result in found.items()}


def generates_item_ids(event):
    item = event.get("item")
    if isinstance(item, dict) and "id" not in item:
        event["item"]["id"] = uuid.uuid4().hex
    return event


def test_an_item_id_the_caller_did_not_give_may_be_generated() -> None:
    found = results(Sender(generates_item_ids), "snapshot/item-create-user-text/wire", "corpus/client-item-create-user-text-appended/sends-unchanged", "snapshot/item-create-with-ids/wire")
    assert set(found.values()) == {"pass"}


def test_a_generated_id_must_still_be_valid() -> None:
    def numeric_ids(event):
        event.setdefault("event_id", 42)
        if isinstance(event.get("item"), dict):
            event["item"].setdefault("id", 7)
        return event

    found = results(Sender(numeric_ids), "snapshot/item-create-user-text/wire", "snapshot/response-create-default/wire")
    assert "the sent event is not a valid client event: $.event_id: expected string, got integer 42" in found["snapshot/response-create-default/wire"]
    assert "$.item.id: expected string, got integer 7" in found["snapshot/item-create-user-text/wire"]


def test_a_null_that_cannot_differ_from_absence_may_be_left_out_and_one_that_can_may_not() -> None:
    def drop_nulls(event):
        def walk(value):
            if isinstance(value, dict):
                return {key: walk(item) for key, item in value.items() if item is not None}
            return value

        return walk(event)

    found = results(Sender(drop_nulls), "snapshot/session-update-tracing-null/wire", "snapshot/session-update-server-vad-idle-timeout-null/wire", "snapshot/session-update-turn-detection-null/wire")
    assert found["snapshot/session-update-tracing-null/wire"] == "pass"
    assert found["snapshot/session-update-server-vad-idle-timeout-null/wire"] == "pass"
    assert "$.session.audio.input.turn_detection: expected null, got absent" in found["snapshot/session-update-turn-detection-null/wire"]
    assert set(NULL_EQUALS_ABSENT) == {"$.session.tracing", "$.session.audio.input.turn_detection.idle_timeout_ms"}


def test_a_message_names_every_difference_not_only_the_first() -> None:
    def rewrites(event):
        event["session"]["model"] = "other"
        event["session"]["instructions"] = "Be long."
        event["session"].pop("reasoning")
        event["session"]["voice"] = "alloy"
        return event

    message = results(Sender(rewrites), "snapshot/session-update-full/wire")["snapshot/session-update-full/wire"]
    assert message.startswith("the sent JSON differs from the snapshot at 4 places: ")
    for path in ("$.session.model", "$.session.instructions", "$.session.reasoning"):
        assert path in message
    assert message.endswith("(and 1 more)")


def test_ignoring_an_invalid_event_is_not_accepting_it() -> None:
    class Ignores(ReferenceAdapter):
        def parse(self, direction, text):
            parsed = super().parse(direction, text)
            return Parsed("ignored") if parsed.outcome == "rejected" else parsed

    class Accepts(ReferenceAdapter):
        def parse(self, direction, text):
            parsed = super().parse(direction, text)
            return Parsed("accepted", parsed.event_type) if parsed.outcome == "rejected" else parsed

    check = "corpus/invalid-speech-started-ms-as-string/rejects"
    assert results(Ignores(), check) == {check: "pass"}
    assert results(Accepts(), check)[check].startswith("accepted an invalid payload as 'input_audio_buffer.speech_started'")


def test_the_class_of_an_unknown_event_is_judged_apart_from_the_type_it_reports() -> None:
    class RightTypeWrongClass(ReferenceAdapter):
        def parse(self, direction, text):
            parsed = super().parse(direction, text)
            if parsed.outcome == "ignored":
                return Parsed("accepted", json.loads(text)["type"], None, model_type="conversation.created")
            return parsed

    found = results(RightTypeWrongClass(), "corpus/unknown-type-xai-ping/tolerates-unknown-type", "corpus/unknown-type-xai-ping/not-typed-as-known-event")
    assert found["corpus/unknown-type-xai-ping/tolerates-unknown-type"] == "pass"
    assert "came back as an object of the conversation.created event's class (it reports type 'ping')" in found["corpus/unknown-type-xai-ping/not-typed-as-known-event"]
    assert CHECKS["corpus/unknown-type-xai-ping/not-typed-as-known-event"].level == "SHOULD"


def test_sends_unchanged_keeps_the_callers_ids_and_nulls() -> None:
    driver = Driver(Sender(lambda event: {**event, "event_id": "evt_other"}))
    assert sends_unchanged(driver, {"type": "input_audio_buffer.commit"}).passed
    result = sends_unchanged(driver, {"type": "input_audio_buffer.commit", "event_id": "evt_mine"})
    assert not result.passed and '$.event_id: expected string "evt_mine", got string "evt_other"' in result.message


def test_a_turn_detection_default_may_be_spelled_out_but_no_other_value() -> None:
    def spells_out(threshold):
        def change(event):
            detection = event.get("session", {}).get("audio", {}).get("input", {}).get("turn_detection")
            if isinstance(detection, dict) and detection.get("type") == "server_vad":
                detection.setdefault("threshold", threshold)
                detection.setdefault("prefix_padding_ms", 300)
            return event

        return Sender(change)

    check = "snapshot/session-update-server-vad-idle-timeout-null/wire"
    assert results(spells_out(0.5), check) == {check: "pass"}
    assert "$.session.audio.input.turn_detection.threshold: expected absent, got number 0.7 (a member was invented)" in results(spells_out(0.7), check)[check]


def test_null_and_absent_are_one_for_a_library_whose_application_cannot_tell_them_apart() -> None:
    class DropsNulls(ReferenceAdapter):
        def dump(self, direction, obj):
            return without_nulls(super().dump(direction, obj))

    class AttributeLibrary(DropsNulls):
        nulls_distinct = False

    check = "corpus/error-server-error-null-details/lossless-dump"
    assert "expected null, got absent" in results(DropsNulls(), check)[check]
    assert results(AttributeLibrary(), check) == {check: "pass"}


def test_a_number_written_another_way_is_the_same_number_unless_the_protocol_wants_an_integer() -> None:
    def floats(event):
        truncation = event.get("session", {}).get("truncation")
        if isinstance(truncation, dict):
            truncation["retention_ratio"] = float(truncation["retention_ratio"])
        if event.get("type") == "conversation.item.truncate":
            event["audio_end_ms"] = float(event["audio_end_ms"])
        return event

    driver = Driver(Sender(floats))
    ratio = {"type": "session.update", "session": {"type": "realtime", "truncation": {"type": "retention_ratio", "retention_ratio": 1}}}
    assert sends_unchanged(driver, ratio).passed
    truncate = results(Sender(floats), "snapshot/item-truncate/wire")["snapshot/item-truncate/wire"]
    assert "the sent event is not a valid client event: $.audio_end_ms: expected integer, got number 1500.0" in truncate

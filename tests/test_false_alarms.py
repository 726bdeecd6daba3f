"""Each kind of false alarm an audit of the shipped baselines found (issue 19), as a test that failed
before the suite knew classes, scopes and findings: an object the application never receives judged,
one cause counted along its consequences, MUST claimed for what the protocol does not promise, a
proxy's compatibility step called a departure, a payload invalid only by a missing event_id used as a
rejection case, placeholder ids in a pasted excerpt, and early beta traffic without usage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance import judge_value
from conformance.adapters.adapter import Parsed
from conformance.adapters.scope import Scope
from conformance.broken.parsers import BROKEN_BY_NAME
from conformance.checks import Driver, evaluate
from conformance.corpus import fixtures as corpus
from conformance.families import corpus as corpus_family
from conformance.families import properties, sessions, wire
from conformance.families.proxy import forwarded
from conformance.findings import group
from conformance.implementations.reference.adapter import ReferenceAdapter
from conformance.records import CheckRecord
from conformance.sessions.rules import check_transcript
from conformance.sessions.transcript import Frame, open_transcript
from conformance.settling import settle_all

CORPUS = {check.id: check for check in corpus_family.checks()}
RESPONSE_DONE = "corpus/captured-peeb-cleanstop-response-done-1/lossless-dump"


class DropsConversationId(ReferenceAdapter):
    """Reads response.done but loses the response's conversation_id, as pipecat's models do."""

    name = "drops-conversation-id"

    def dump(self, direction: str, obj: Any) -> Any:
        wire = super().dump(direction, obj)  # type: ignore[arg-type]
        if isinstance(wire.get("response"), dict):
            wire["response"].pop("conversation_id", None)
        return wire


class ServiceThatReadsUsage(DropsConversationId):
    """The same reader inside a service that hands its application only the response's usage."""

    name = "service-reading-usage"
    conformance_class = "client"
    application_paths = {"response.done": ("$.response.usage", "$.response.status")}


# --- 1. an object the application never receives ----------------------------------------------


def test_a_client_is_judged_on_what_its_application_receives_and_a_model_on_everything() -> None:
    check = CORPUS[RESPONSE_DONE]
    assert evaluate(check, Driver(DropsConversationId())).passed is False
    assert evaluate(check, Driver(ServiceThatReadsUsage())).passed is True


# --- 2. one cause, counted once -----------------------------------------------------------------


def test_an_unmodelled_type_is_one_finding_however_many_checks_see_it() -> None:
    ignores_mcp = BROKEN_BY_NAME["ignores-mcp-events"].adapter()
    checks = [c for c in CORPUS.values() if (c.event_type or "").startswith("mcp_list_tools")]
    checks += [c for c in properties.checks() if c.id.startswith("property/mcp_list_tools.completed/")]
    checks += [c for c in sessions.checks() if c.id.startswith("session/mcp-")]
    records = settle_all(ignores_mcp, checks, timeout=5)
    failing = [r for r in records if r.outcome == "fail"]
    findings, membership = group(records)
    assert len(failing) > len(findings) >= 1
    assert {f.id for f in findings} <= {f"unmodelled-type/{t}" for t in ("mcp_list_tools.in_progress", "mcp_list_tools.completed", "mcp_list_tools.failed")}
    # a fixture's parses and lossless-dump are one finding: the second is the first's consequence
    by_fixture: dict[str, set[str]] = {}
    for record in failing:
        by_fixture.setdefault(record.id.rsplit("/", 1)[0], set()).add(membership[record.id])
    assert all(len(ids) == 1 for ids in by_fixture.values())


def test_a_lax_policy_is_one_should_finding_not_one_per_fixture() -> None:
    lax = BROKEN_BY_NAME["accepts-missing-required"].adapter()
    rejects = [c for c in CORPUS.values() if c.id.endswith("/rejects")]
    records = settle_all(lax, rejects, timeout=5)
    findings, _ = group(records)
    accepted = [f for f in findings if f.id == "accepts-invalid-events"]
    assert len([r for r in records if r.outcome == "fail"]) > 1
    assert len(accepted) == 1 and accepted[0].level == "SHOULD"


def record(check_id: str, cause: str, level: str = "MUST") -> CheckRecord:
    return CheckRecord(check_id, check_id.split("/")[0], None, level, "fail", "failed", "", cause, "")


def test_a_dead_receive_loop_is_one_finding_along_its_consequences() -> None:
    records = [
        record("wire/recoverable-error/next-events-reach-app", "receive-loop-ends/recoverable-error"),
        record("wire/recoverable-error/stays-alive", "receive-loop-ends/recoverable-error"),
        record("wire/recoverable-error/closes-cleanly", "no-close-frame", "SHOULD"),
    ]
    findings, membership = group(records)
    assert [f.id for f in findings] == ["receive-loop-ends/recoverable-error"]
    assert set(membership.values()) == {"receive-loop-ends/recoverable-error"}


def test_one_member_sent_wrong_is_one_finding_across_scenarios() -> None:
    sent = {"type": "response.create", "response": {"instructions": None}}
    from conformance.families.roundtrip import invalid_sent_cause

    cause, level = invalid_sent_cause(sent, judge_value(sent, "client"))
    records = [record(f"wire/{scenario}/sends-valid-events", cause.id, level) for scenario in ("new-field", "function-call", "app-interrupt")]
    findings, _ = group(records)
    assert len(findings) == 1 and findings[0].level == "SHOULD"  # a null for a string member is SHOULD


# --- 3. MUST only where the protocol says so ---------------------------------------------------


def test_surviving_frames_outside_the_protocol_is_should() -> None:
    levels = {check.id: check.level for check in wire.checks()}
    assert levels["wire/not-json-frame/next-events-reach-app"] == "SHOULD"
    assert levels["wire/missing-required-field/stays-alive"] == "SHOULD"
    assert levels["wire/unknown-event-type/next-events-reach-app"] == "MUST"


def test_an_integer_beyond_what_json_promises_is_info() -> None:
    assert CORPUS["corpus/rate-limits-updated-large-counts/lossless-dump"].level == "INFO"
    from conformance.generation import INTEROPERABLE

    assert INTEROPERABLE == 2**53 - 1


class TextOnlyClient(ReferenceAdapter):
    name = "text-only"
    conformance_class = "client"
    scope = Scope(sends=frozenset({"text-input", "session.instructions"}))


def test_a_feature_a_client_cannot_send_is_not_implemented_at_info() -> None:
    check = CORPUS["corpus/client-item-truncate/sends-unchanged"]
    ran = evaluate(check, Driver(TextOnlyClient()))
    assert (ran.passed, ran.applicable, ran.level) == (None, True, "INFO")
    assert "cannot send truncation" in ran.message


def test_an_event_only_an_unsendable_setting_produces_does_not_apply() -> None:
    timeout = next(c for c in CORPUS.values() if c.event_type == "input_audio_buffer.timeout_triggered" and c.id.endswith("/parses"))
    mcp = next(c for c in CORPUS.values() if c.event_type == "mcp_list_tools.completed" and c.id.endswith("/parses"))
    for check in (timeout, mcp):
        ran = evaluate(check, Driver(TextOnlyClient()))
        assert ran.applicable is False, check.id
        assert evaluate(check, Driver(ReferenceAdapter())).applicable is True


# --- 4. a proxy's compatibility step -----------------------------------------------------------


def frame(line: int, direction: str, event: Any) -> Frame:
    return Frame(line=line, dir=direction, t=0.0, event=event)


def test_a_proxy_that_repairs_an_invalid_event_is_info_and_one_that_changes_a_valid_one_is_must() -> None:
    invalid = {"type": "session.update", "event_id": "e1", "session": {"instructions": "x"}}
    repaired = {**invalid, "session": {"type": "realtime", "instructions": "x"}}
    result = forwarded([frame(1, "client", invalid)], [frame(1, "client", repaired)], "client event", "probe", "upstream")
    assert (result.passed, result.level) == (False, "INFO")
    valid = {"type": "session.update", "event_id": "e1", "session": {"type": "realtime", "instructions": "x"}}
    changed = {**valid, "session": {"type": "realtime", "instructions": "y"}}
    result = forwarded([frame(1, "client", valid)], [frame(1, "client", changed)], "client event", "probe", "upstream")
    assert (result.passed, result.level) == (False, None)


# --- 5. a payload invalid only by a missing event_id -------------------------------------------


def test_a_payload_invalid_only_by_its_missing_event_id_is_no_rejection_case() -> None:
    fixtures, _ = corpus.load()
    missing = [f for f in fixtures if corpus_family.only_missing_event_id(f)]
    assert {f.id for f in missing} >= {"invalid-speech-stopped-missing-event-id", "captured-uia-function-call-arguments-done-1"}
    assert not any(check_id.split("/")[1] in {f.id for f in missing} for check_id in CORPUS)
    assert "corpus/client-invalid-commit-event-id-null/rejects" in CORPUS  # a wrong event_id is still one


# --- 6. a pasted excerpt -------------------------------------------------------------------------

EXCERPT = [
    {"dir": "client", "event": {"type": "session.update", "session": {"type": "realtime", "instructions": "x"}}},
    {"dir": "server", "event": {"type": "input_audio_buffer.cleared", "event_id": "event_…"}},
    {"dir": "server", "event": {"type": "input_audio_buffer.cleared", "event_id": "event_…"}},
    {"dir": "client", "event": {"type": "input_audio_buffer.clear"}},
    {"dir": "server", "event": {"type": "input_audio_buffer.cleared", "event_id": "event_x9"}},
]


@pytest.mark.parametrize("excerpt", [True, False])
def test_placeholder_ids_and_absent_replies_are_no_evidence_in_an_excerpt(tmp_path: Path, excerpt: bool) -> None:
    path = tmp_path / "pasted.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in EXCERPT))
    rules = {f.rule for f in check_transcript(open_transcript(path), excerpt=excerpt).findings if f.level != "INFO"}
    if excerpt:
        assert rules == set()
    else:  # the same frames as a whole session: a repeated id, an update never answered
        assert {"event-id.unique", "session.update-acked"} <= rules


# --- 7. early beta traffic ----------------------------------------------------------------------


def test_the_beta_takes_a_completed_transcription_without_usage() -> None:
    event = {"type": "conversation.item.input_audio_transcription.completed", "event_id": "e", "item_id": "i", "content_index": 0, "transcript": "hi"}
    assert judge_value(event, "server", "beta").ok
    assert not judge_value(event, "server").ok  # GA requires it


# --- found while regenerating the baselines under findings --------------------------------------


def test_the_echo_of_a_forced_tool_choice_does_not_apply_to_a_client_that_cannot_force_one() -> None:
    check = CORPUS["corpus/session-created-tools-tracing-truncation/parses"]
    assert evaluate(check, Driver(TextOnlyClient())).applicable is False
    assert evaluate(check, Driver(ReferenceAdapter())).applicable is True


class AcceptsEverything(ReferenceAdapter):
    name = "accepts-everything"

    def parse(self, direction: str, text: str) -> Parsed:  # type: ignore[override]
        event = json.loads(text)
        return Parsed("accepted", str(event.get("type")), event)


def test_accepting_a_payload_the_protocol_leaves_open_stays_info() -> None:
    open_question = evaluate(CORPUS["corpus/invalid-content-part-item-vocabulary/rejects"], Driver(AcceptsEverything()))
    assert (open_question.passed, open_question.level) == (False, "INFO")
    invalid = evaluate(CORPUS["corpus/invalid-item-truncated-boolean-index/rejects"], Driver(AcceptsEverything()))
    assert (invalid.passed, invalid.level) == (False, "SHOULD")


class RefusesConversationCreated(ReferenceAdapter):
    """A client that hands its application no conversation.created, and whose parser refuses it."""

    name = "refuses-conversation-created"
    conformance_class = "client"
    scope = Scope(consumes=frozenset({"response.output_audio.delta"}))

    def parse(self, direction: str, text: str) -> Parsed:  # type: ignore[override]
        if json.loads(text).get("type") == "conversation.created":
            return Parsed("rejected", "conversation.created", detail="ValidationError: conversation.object")
        return super().parse(direction, text)  # type: ignore[arg-type]


class DiesOnRefusal(RefusesConversationCreated):
    name = "dies-on-refusal"
    refusal_ends_receive = "its parser re-raises and the receive loop has no try (loop.py:9)"


def test_refusing_an_unused_type_is_info_unless_the_refusal_ends_the_receive_loop() -> None:
    check = CORPUS["corpus/conversation-created/parses"]
    dropped = evaluate(check, Driver(RefusesConversationCreated()))
    assert (dropped.passed, dropped.level, dropped.not_used) == (False, "INFO", True)
    fatal = evaluate(check, Driver(DiesOnRefusal()))
    assert (fatal.passed, fatal.level, fatal.not_used) == (False, "MUST", False)
    assert "refusing it ends its receive loop (its parser re-raises" in fatal.message


def test_the_echo_of_transcription_members_a_client_cannot_set_does_not_apply_to_it() -> None:
    from conformance.adapters.scope import features_of, produced_by

    echo = {"type": "session.created", "session": {"type": "realtime", "audio": {"input": {"transcription": {"model": "m", "languages": ["en"]}}}}}
    assert "session.transcription-extras" in produced_by(echo)
    assert "session.transcription-extras" not in produced_by({"type": "session.created", "session": {"audio": {"input": {"transcription": {"model": "m", "language": "en"}}}}})
    assert "session.transcription-extras" in features_of({"type": "session.update", "session": echo["session"]})
    basic = Scope(sends=frozenset({"session.transcription"}), why={"session.transcription-extras": "__init__ raises TypeError (events.py:9)"})
    assert basic.unsendable(produced_by(echo)) == ["session.transcription-extras"]
    assert Scope(sends=frozenset({"session.transcription"})).unsendable(produced_by(echo)) == []


class DeliversOnlyRaw(ReferenceAdapter):
    """A client whose typed listeners miss conversation.created: its application gets it raw."""

    name = "delivers-only-raw"
    conformance_class = "client"
    typed_listeners = True

    def parse(self, direction: str, text: str) -> Parsed:  # type: ignore[override]
        event = json.loads(text)
        if event.get("type") == "conversation.created":
            return Parsed("accepted", "conversation.created", event, detail="$.conversation.id: Expected string", untyped=True)
        return super().parse(direction, text)  # type: ignore[arg-type]

    def dump(self, direction: str, obj: Any) -> Any:
        return obj if isinstance(obj, dict) else super().dump(direction, obj)  # type: ignore[arg-type]


class ModelThatLeavesItRaw(DeliversOnlyRaw):
    name = "model-leaving-it-raw"
    conformance_class = "model"


def test_an_event_a_client_delivers_only_raw_is_an_info_finding_and_a_models_gap_is_must() -> None:
    parses = CORPUS["corpus/conversation-created/parses"]
    raw = evaluate(parses, Driver(DeliversOnlyRaw()))
    assert (raw.passed, raw.level) == (False, "INFO") and raw.cause is not None
    assert raw.cause.id == "typed-path-misses/conversation.created" and "only raw" in raw.message
    assert evaluate(CORPUS["corpus/conversation-created/lossless-dump"], Driver(DeliversOnlyRaw())).passed is True
    model = evaluate(parses, Driver(ModelThatLeavesItRaw()))
    assert (model.passed, model.level) == (False, "MUST") and model.cause is not None and model.cause.id == "unmodelled-type/conversation.created"


class RawIsItsPath(DeliversOnlyRaw):
    """LiveKit's and the Agents SDK's application gets every event raw: no typed path to miss."""

    name = "raw-is-its-path"
    typed_listeners = False


def test_raw_delivery_is_no_finding_where_raw_is_the_applications_one_path() -> None:
    assert evaluate(CORPUS["corpus/conversation-created/parses"], Driver(RawIsItsPath())).passed is True

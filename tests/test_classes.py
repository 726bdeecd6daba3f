"""The class table: docs/classes.md shows exactly the table the suite applies, every row names a
check that exists, and every check has a row; and the table does what its rules say."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.adapters.scope import FEATURES, Scope, features_of, produced_by
from conformance.classes import RULES, judge_level, row_for, table
from conformance.detection import all_checks
from conformance.families import probe, wire

DOC = Path(__file__).resolve().parents[1] / "docs" / "classes.md"
CHECKS = [*all_checks().values(), *wire.checks()]


def test_the_docs_show_the_table_the_suite_applies() -> None:
    text = DOC.read_text()
    published = text.split("<!-- classes:start -->", 1)[1].split("<!-- classes:end -->", 1)[0].strip()
    assert published == table().strip(), "regenerate it: python -c 'from conformance.classes import table; print(table())'"


def test_every_row_names_checks_that_exist_and_every_check_has_a_row() -> None:
    names = {(check.family, check.name) for check in CHECKS}
    names |= {("probe", check_id.rsplit("/", 1)[1]) for check_id in probe.check_ids()}
    named = {(row.family, row.check) for row in RULES if row.check != "*"}
    # only a broken corpus makes the first two; the third only a session holding unknown or beta frames
    assert named - names <= {("corpus", "well-formed"), ("session", "well-formed"), ("session", "tolerates-unknown")}
    assert [name for name in sorted(names) if row_for(*name) is None] == []


def judged(check: str, klass: str, scope: Scope = Scope(), family: str = "corpus", **given: object):  # type: ignore[no-untyped-def]
    return judge_level(family=family, check=check, level="MUST", klass=klass, scope=scope, **given)  # type: ignore[arg-type]


def test_a_model_is_held_to_everything_and_a_client_to_what_it_uses_and_sends() -> None:
    scope = Scope(consumes=frozenset({"response.done"}), sends=frozenset({"text-input"}))
    assert judged("parses", "model", scope, event_type="session.created").level == "MUST"
    assert judged("parses", "client", scope, event_type="response.done").level == "MUST"
    not_used = judged("parses", "client", scope, event_type="session.created")
    assert (not_used.level, not_used.not_used) == ("INFO", True)
    cannot = judged("sends-unchanged", "client", scope, sends=frozenset({"truncation"}))
    assert (cannot.level, cannot.outcome) == ("INFO", "not-implemented")
    assert judged("parses", "client", scope, produced_by=frozenset({"mcp"})).outcome == "not-applicable"
    assert judged("tolerates-unknown-type", "client", scope, event_type="x.unknown").level == "MUST"
    assert judged("rejects", "client").level == "SHOULD"
    assert judged("check", "model", family="wire").outcome == "not-applicable"
    assert judged("check", "server", family="probe").outcome is None


def test_several_classes_are_judged_as_the_one_that_asks_most() -> None:
    both = judged("check", ("model", "client"), family="wire")  # type: ignore[arg-type]
    assert both.outcome is None and both.level == "MUST"


@pytest.mark.parametrize(("event", "features"), [
    ({"type": "conversation.item.truncate", "item_id": "i", "content_index": 0, "audio_end_ms": 0}, {"truncation"}),
    ({"type": "session.update", "session": {"type": "transcription"}}, {"transcription-sessions"}),
    ({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}}}, {"session.turn-detection-off"}),
    ({"type": "session.update", "session": {"type": "realtime", "tools": [{"type": "mcp", "server_label": "x"}], "tool_choice": {"type": "mcp", "server_label": "x"}}},
     {"mcp", "session.forced-tool-choice", "session.tool-choice"}),
    ({"type": "response.create", "response": {"conversation": "none"}}, {"out-of-band-responses"}),
    ({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}}, {"text-input"}),
])
def test_what_a_client_event_needs_sent(event: dict, features: set[str]) -> None:
    assert features_of(event) == features
    assert features <= set(FEATURES)


def test_what_a_server_event_presupposes() -> None:
    assert produced_by({"type": "input_audio_buffer.timeout_triggered"}) == {"session.idle-timeout"}
    assert produced_by({"type": "conversation.item.added", "item": {"type": "mcp_call"}}) == {"mcp"}
    assert produced_by({"type": "response.output_audio.delta"}) == frozenset()


def test_a_scope_names_only_known_features() -> None:
    with pytest.raises(ValueError, match="unknown feature"):
        Scope(sends=frozenset({"telepathy"}))

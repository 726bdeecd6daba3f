"""The dialect profiles: each is complete, built from GA's models by its documented differences, and
the validator judges under it while GA, asked for nothing, stays exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance import judge, judge_value
from conformance.protocol import CLIENT_EVENT_MODELS, SERVER_EVENT_MODELS, dialects
from conformance.protocol.dialects import NAMES, UnknownDialect
from conformance.protocol.dialects.translate import beta_to_ga, ga_to_beta, ga_to_xai, xai_to_ga

from .spec_reference import SPEC_EXAMPLES

OTHERS = [name for name in NAMES if name != "ga"]
BETA_EXAMPLES = SPEC_EXAMPLES / "beta"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_ga_is_the_reference_models_untouched() -> None:
    ga = dialects.get("ga")
    assert ga.client is CLIENT_EVENT_MODELS and ga.server is SERVER_EVENT_MODELS
    assert ga.base is None and ga.to_ga is None


@pytest.mark.parametrize("name", OTHERS)
def test_every_dialect_is_complete_and_says_where_each_difference_is_documented(name: str) -> None:
    dialect = dialects.get(name)
    assert dialect.base in NAMES and dialect.documented and dialect.differences
    assert all(difference.what and difference.where for difference in dialect.differences)
    assert dialect.client and dialect.server and not set(dialect.client) & set(dialect.server)
    assert dialect.to_ga is not None and dialect.from_ga is not None
    assert not set(dialect.absent) & set(dialect.server), "an event the dialect does not have cannot be one of its events"


def test_an_unknown_dialect_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownDialect, match="known: ga, beta, azure-preview, xai, inworld"):
        dialects.get("klingon")


@pytest.mark.parametrize("name", ["xai", "inworld"])
def test_a_dialect_built_on_ga_derives_every_event_it_shares_from_the_ga_model(name: str) -> None:
    """So that a fix to a GA model reaches the dialect: its models are GA's classes, or subclasses."""
    dialect = dialects.get(name)
    shared = set(dialect.server) & set(SERVER_EVENT_MODELS)
    assert len(shared) >= 40
    assert [kind for kind in shared if not issubclass(dialect.server[kind], SERVER_EVENT_MODELS[kind])] == []


def test_the_beta_shares_gas_event_envelopes() -> None:
    beta = dialects.get("beta")
    assert issubclass(beta.server["response.audio.delta"], SERVER_EVENT_MODELS["response.output_audio.delta"])
    assert issubclass(beta.server["input_audio_buffer.speech_started"], SERVER_EVENT_MODELS["input_audio_buffer.speech_started"])


# --- the validator under a dialect --------------------------------------------------------------------

PING = {"type": "ping", "event_id": "e1", "timestamp": 1764096000}
BETA_DELTA = {"type": "response.audio.delta", "event_id": "e2", "response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0, "delta": "AAAA"}


def test_without_a_dialect_the_verdict_is_gas_and_says_nothing_more() -> None:
    verdict = judge(json.dumps(PING), "server")
    assert verdict.verdict == "unknown-type" and verdict.dialect is None and verdict.note is None


def test_a_verdict_under_a_dialect_names_it_and_points_to_the_dialects_that_take_the_event() -> None:
    under_ga = judge(json.dumps(PING), "server", "ga")
    assert under_ga.verdict == "unknown-type" and under_ga.dialect == "ga" and under_ga.note == "valid under xai, inworld"
    under_xai = judge(json.dumps(PING), "server", "xai")
    assert under_xai.ok and under_xai.dialect == "xai" and under_xai.type == "ping"
    beta_name = judge_value(BETA_DELTA, "server", "ga")
    assert beta_name.verdict == "beta-name" and beta_name.note.endswith("; valid under beta, azure-preview")


def test_a_gas_name_under_the_beta_names_the_beta_spelling() -> None:
    ga_delta = {**BETA_DELTA, "type": "response.output_audio.delta"}
    verdict = judge_value(ga_delta, "server", "beta")
    assert verdict.verdict == "unknown-type"
    assert (verdict.errors[0].path, verdict.errors[0].expected) == ("$.type", "the beta name 'response.audio.delta'")
    assert verdict.note == "valid under ga, xai, inworld"


def test_the_beta_refuses_ga_session_members_as_its_endpoints_do() -> None:
    verdict = judge_value({"type": "session.update", "session": {"type": "realtime", "modalities": ["text"]}}, "client", "beta")
    assert verdict.verdict == "invalid"
    assert verdict.errors[0].path == "$.session.type" and "unknown_parameter" in verdict.errors[0].expected


def test_xai_takes_16k_pcm_which_ga_refuses() -> None:
    update = {"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"format": {"type": "audio/pcm", "rate": 16000}}}}}
    assert judge_value(update, "client", "ga").verdict == "invalid"
    assert judge_value(update, "client", "inworld").ok
    flat = {"type": "session.update", "session": {"audio": {"input": {"format": {"type": "audio/pcm", "rate": 16000}}}}}
    assert judge_value(flat, "client", "xai").ok
    assert judge_value({"type": "session.update", "session": {"audio": {"input": {"format": {"type": "audio/pcm", "rate": 12000}}}}}, "client", "xai").verdict == "invalid"


def test_an_event_a_dialect_does_not_send_is_not_one_of_its_events() -> None:
    limits = {"type": "rate_limits.updated", "event_id": "e", "rate_limits": []}
    verdict = judge_value(limits, "server", "xai")
    assert verdict.verdict == "unknown-type" and "xAI does not send" in verdict.errors[0].got and verdict.note.startswith("valid under ga")


def test_not_json_is_not_json_under_every_dialect() -> None:
    for name in NAMES:
        verdict = judge("{", "server", name)
        assert verdict.verdict == "not-json" and verdict.dialect == name


def test_a_duplicate_member_is_invalid_under_a_dialect_too() -> None:
    verdict = judge('{"type": "ping", "event_id": "e", "timestamp": 1, "timestamp": 2}', "server", "xai")
    assert verdict.verdict == "invalid" and verdict.errors[0].path == "$.timestamp"


# --- translation ------------------------------------------------------------------------------------


def test_the_beta_session_reads_as_gas_and_back() -> None:
    flat = {"modalities": ["text", "audio"], "voice": "alloy", "input_audio_format": "g711_ulaw", "turn_detection": None, "max_response_output_tokens": 200}
    ga = beta_to_ga({"type": "session.update", "session": flat}, "client")
    assert ga["session"] == {"type": "realtime", "audio": {"input": {"turn_detection": None, "format": {"type": "audio/pcmu"}}, "output": {"voice": "alloy"}},
                             "output_modalities": ["audio"], "max_output_tokens": 200}
    assert judge_value(ga, "client").ok
    back = ga_to_beta(ga, "client")["session"]
    assert back == {"voice": "alloy", "turn_detection": None, "input_audio_format": "g711_ulaw", "modalities": ["audio"], "max_response_output_tokens": 200}


def test_the_beta_has_no_item_done_and_its_own_names() -> None:
    assert ga_to_beta({"type": "conversation.item.done", "item": {}}, "server") is None
    assert ga_to_beta({"type": "conversation.item.added", "item": {}}, "server")["type"] == "conversation.item.created"
    assert beta_to_ga(BETA_DELTA, "server")["type"] == "response.output_audio.delta"


def test_xais_flat_voice_and_turn_detection_read_as_gas() -> None:
    ga = xai_to_ga({"type": "session.updated", "event_id": "e", "session": {"voice": "ara", "turn_detection": {"type": None}, "modalities": ["audio"]}}, "server")
    assert ga["session"]["audio"] == {"output": {"voice": "ara"}, "input": {"turn_detection": None}}
    assert ga_to_xai({"type": "rate_limits.updated"}, "server") is None
    sent = ga_to_xai({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}, "output": {"voice": "eve"}}}}, "client")
    assert sent["session"] == {"voice": "eve", "turn_detection": {"type": None}}


# --- the published beta examples ----------------------------------------------------------------------


def _beta_fixtures() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in (FIXTURES / "beta").rglob("beta-spec-*.json")}


@pytest.mark.skipif(not BETA_EXAMPLES.is_dir(), reason=f"the published beta examples are not at {BETA_EXAMPLES}")
def test_every_published_beta_example_is_a_fixture_and_gets_the_verdict_the_beta_gives_it() -> None:
    fixtures = {json.dumps(f["payload"], sort_keys=True): f for f in _beta_fixtures().values()}
    examples = sorted(BETA_EXAMPLES.rglob("*.json"))
    assert len(examples) == 53
    wrong = []
    for path in examples:
        payload = json.loads(path.read_text())
        fixture = fixtures.get(json.dumps(payload, sort_keys=True))
        if fixture is None:
            wrong.append(f"{path.name}: no beta fixture holds it")
            continue
        verdict = judge_value(payload, path.parent.name, "beta")
        if verdict.verdict != fixture["expect"]["verdict"]:
            wrong.append(f"{path.name}: the beta says {verdict.verdict}, the fixture {fixture['expect']['verdict']}")
    assert wrong == []


def test_the_beta_examples_that_are_not_valid_under_the_beta_are_the_ones_we_decided() -> None:
    not_valid = {stem: f["expect"]["verdict"] for stem, f in _beta_fixtures().items() if f["expect"]["verdict"] != "valid"}
    assert not_valid == {
        "beta-spec-client-input-audio-buffer-append": "invalid",  # a placeholder, not base64
        "beta-spec-client-response-create-2": "invalid",  # GA's output_modalities, refused by beta endpoints
        **{f"beta-spec-response-{name}": "unknown-type" for name in (  # the docs group's GA names for the beta's own
            "output-audio-delta", "output-audio-done", "output-audio-transcript-delta", "output-audio-transcript-done",
            "output-text-delta", "output-text-done")},
    }

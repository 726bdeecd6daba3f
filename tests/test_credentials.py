"""The one credential scanner (conformance/credentials.py): each form issue 21 names is found and
replaced wherever it stands, protocol members that merely look alike are not, and the corpus
self-test refuses exactly what redaction replaces."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from conformance import credentials
from conformance.corpus import hygiene
from conformance.live.probe import scrubbed
from conformance.sessions.transcript import Frame

from . import secret_forms as planted


def redacted(value: Any) -> Any:
    return credentials.redact(value)[0]


@pytest.mark.parametrize(
    "value, expected",
    [
        ({"tools": [{"type": "mcp", "headers": {"X-Api-Key": "abc", "Authorization": "Basic dXNlcjpwYXNz"}}]},
         {"tools": [{"type": "mcp", "headers": {"X-Api-Key": "REDACTED", "Authorization": "REDACTED"}}]}),
        ({"headers": [["X-Api-Key", "abc"], "Cookie: session=1"]}, {"headers": [["X-Api-Key", "REDACTED"], "Cookie: REDACTED"]}),
        ({"server_url": "https://mcp.example.com/sse?key=abc&x=1"}, {"server_url": "https://mcp.example.com/sse?key=REDACTED&x=1"}),
        ({"server_url": "https://h/p?model=m&api_key=abc#top"}, {"server_url": "https://h/p?model=m&api_key=REDACTED#top"}),
        ({"server_url": "wss://user:pw@h/p"}, {"server_url": "wss://REDACTED@h/p"}),
        ({"text": "use api_key=abcdef123 please"}, {"text": "use api_key=REDACTED please"}),
        ({"a": {"b": [{"openai_api_key": "k", "token": "t", "secret": "s", "password": "p", "client_secret": "c"}]}},
         {"a": {"b": [{"openai_api_key": "REDACTED", "token": "REDACTED", "secret": "REDACTED", "password": "REDACTED", "client_secret": "REDACTED"}]}}),
        ({"client_secret": {"value": "v", "expires_at": 1}}, {"client_secret": {"value": "REDACTED", "expires_at": 1}}),
        ({"apiKey": "k", "X-Access-Token": "t", "db_password": "p"}, {"apiKey": "REDACTED", "X-Access-Token": "REDACTED", "db_password": "REDACTED"}),
        ({"arguments": '{"password": "hunter2", "user": "me"}'}, {"arguments": '{"password": "REDACTED", "user": "me"}'}),
        ({"message": f"Incorrect API key provided: {planted.OPENAI_KEY}."}, {"message": "Incorrect API key provided: REDACTED."}),
    ],
)
def test_each_form_is_found_and_only_the_credential_replaced(value: Any, expected: Any) -> None:
    assert redacted(value) == expected
    assert hygiene.credential_problems(value, "f") != [] and hygiene.credential_problems(expected, "f") == []


@pytest.mark.parametrize(
    "value",
    [
        {"max_output_tokens": "inf", "max_response_output_tokens": 4096},
        {"usage": {"total_tokens": 5, "input_tokens": 3, "input_token_details": {"cached_tokens": 1, "cached_tokens_details": {"text_tokens": 1}}, "token": 7}},
        {"logprobs": [{"token": "Hello", "logprob": -0.1, "bytes": [72]}], "top_logprobs": [{"token": " world"}]},
        {"parameters": {"type": "object", "properties": {"password": {"type": "string"}, "token": {"type": "string", "description": "the token"}}, "required": ["password"]}},
        {"authorization": "REDACTED", "api_key": "<your key>", "password": "***", "token": "$OPENAI_API_KEY", "secret": "xxx"},
        {"instructions": "missing credentials: send an Authorization header; the key is in the token: field"},
        {"key": "value", "metadata": {"key": "k1"}, "keywords": ["token"]},
        {"url": "wss://api.openai.com/v1/realtime?model=gpt-realtime", "delta": "AAAAkey==", "audio": "ab+key/x=="},
        {"item_id": "item_task-abcdefghijklmnopqrstuvwxyz0123", "name": "desk_ek_0123456789abcdefghij"},
    ],
)
def test_protocol_members_numbers_and_placeholders_are_no_secrets(value: Any) -> None:
    assert credentials.redact(value) == (value, [])
    assert hygiene.credential_problems(value, "f") == []


def test_binary_frames_are_scanned_byte_for_byte() -> None:
    data, found = credentials.redact_bytes(planted.binary())
    assert planted.BINARY_KEY.encode() not in data and planted.BINARY_ASSIGNMENT.encode() not in data and len(found) == 2
    assert data.startswith(b"\x00\x01\xfe")  # the other bytes are kept
    assert credentials.redact_bytes(b"\x00\xff audio") == (b"\x00\xff audio", [])
    line = {"dir": "server", "binary": base64.b64encode(planted.binary()).decode()}
    assert len(hygiene.credential_problems(line, "t.jsonl:2")) == 2  # the corpus self-test reads binary frames too


def test_the_probes_files_get_the_scanner_besides_its_own_header_values() -> None:
    binary = scrubbed(Frame(2, "server", binary=planted.binary()), ("unrelated",))
    assert planted.BINARY_KEY.encode() not in (binary.binary or b"")
    event = scrubbed(Frame(3, "server", event=planted.events()[0]), ("plain-header-value",))
    assert planted.MCP_HEADER not in json.dumps(event.event) and planted.URL_KEY not in json.dumps(event.event)
    raw = scrubbed(Frame(4, "server", raw="you sent plain-header-value"), ("plain-header-value",))
    assert raw.raw == "you sent REDACTED"


def test_every_planted_form_is_redacted_by_the_scanner_and_refused_by_the_self_test() -> None:
    for event in planted.events():
        clean, found = credentials.redact(event)
        assert found and planted.leaks(json.dumps(clean)) == []
        assert hygiene.credential_problems(event, "f") and hygiene.credential_problems(clean, "f") == []
    text, found = credentials.redact_text(planted.texts()[-1])
    assert found and planted.RAW_API_KEY not in text


def test_the_self_test_refuses_a_fixture_with_an_mcp_header_secret() -> None:
    """What `fixture add` wrote into the corpus at e48e404, and the self-test passed."""
    fixture = {"id": "captured-mcp-header", "payload": {"type": "session.update", "session": {"type": "realtime", "tools": [{"type": "mcp", "server_label": "x", "headers": {"X-Api-Key": "plain4711"}}]}}}
    assert hygiene.credential_problems(fixture, "captured-mcp-header.json") == [
        'captured-mcp-header.json: $.payload.session.tools[0].headers["X-Api-Key"] is a header value (headers carry credentials); replace it with "REDACTED"'
    ]

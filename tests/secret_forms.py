"""Every form of credential issue 21 names, each with a value found nowhere else, so that a test can
plant them all in what a command reads and look for each value in everything the command writes.

The values are deliberately not key-shaped where the form is structural (a header value, a member
named like a secret, a URL parameter, user info, ``api_key=`` in raw text): only the structure
gives them away.
"""

from __future__ import annotations

import json
from typing import Any

OPENAI_KEY = "sk-proj-plantedOpenAiKey0123456789abcdef"
EPHEMERAL = "ek_68af296e8e408191a1120ab6383263c2"
BEARER_TOKEN = "plantedBearerToken0123456789"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.cGxhbnRlZFNpZ25hdHVyZQ"
MCP_HEADER = "mcpHeaderValue4711"
URL_KEY = "urlQueryKey4712"
URL_API_KEY = "urlQueryApiKey4713"
RAW_API_KEY = "rawApiKeyValue4714"
USER_INFO = "userInfoPassword4721"
MEMBERS = {
    "openai_api_key": "memberOpenAi4715",
    "token": "memberToken4716",
    "secret": "memberSecret4717",
    "password": "memberPassword4718",
    "client_secret": "memberClientSecret4719",
}
BINARY_KEY = "sk-proj-binaryFrameKey0123456789abcdef"
BINARY_ASSIGNMENT = "binaryApiKey4720"

#: What must appear in no output (each value, or the part of it a leak would show).
MARKERS = (
    OPENAI_KEY, EPHEMERAL, BEARER_TOKEN, JWT, MCP_HEADER, URL_KEY, URL_API_KEY, RAW_API_KEY, USER_INFO,
    *MEMBERS.values(), BINARY_KEY, BINARY_ASSIGNMENT,
)


def events() -> list[dict[str, Any]]:
    """Events holding every structured form, at several depths."""
    return [
        {
            "type": "session.update",
            "event_id": "evt_planted_1",
            "session": {
                "type": "realtime",
                "instructions": f"keys: {OPENAI_KEY}, Bearer {BEARER_TOKEN}, {JWT}, {EPHEMERAL}",
                "tools": [
                    {
                        "type": "mcp",
                        "server_label": "planted",
                        "server_url": f"https://mcp.example.com/sse?key={URL_KEY}&api_key={URL_API_KEY}",
                        "headers": {"X-Api-Key": MCP_HEADER},
                        "require_approval": "never",
                    }
                ],
            },
        },
        {
            "type": "conversation.item.create",
            "event_id": "evt_planted_2",
            "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": f"use wss://me:{USER_INFO}@example.com/ and api_key={RAW_API_KEY}"}]},
        },
        {"type": "response.create", "event_id": "evt_planted_3", "response": {"metadata": {"note": "members below"}, "planted": {"deeper": dict(MEMBERS)}}},
    ]


def texts() -> list[str]:
    """Every event as text, and a frame that is not JSON (raw text with ``api_key=``)."""
    return [json.dumps(event) for event in events()] + [f"not json: api_key={RAW_API_KEY}"]


def binary() -> bytes:
    """A binary frame with a key and an ``api_key`` member in it."""
    return b"\x00\x01\xfe" + json.dumps({"api_key": BINARY_ASSIGNMENT, "note": BINARY_KEY}).encode()


def leaks(text: str) -> list[str]:
    """The markers found in ``text``."""
    return [marker for marker in MARKERS if marker in text]

"""What the application says and hears in the wire scenarios, and the two turns most of them play."""

from __future__ import annotations

from ..adapters.wire import AppStep

FIRST_ASK = "What is the status of order A-1042?"
SECOND_ASK = "Thanks. Is there anything else?"
FIRST_SAID = ("Your order ", "has shipped.")
SECOND_SAID = ("You are ", "welcome.")
MARK_FIRST, MARK_SECOND = "has shipped.", "welcome."

#: Two user turns, each waiting for its answer. A turn is written as ``send_text``; a client that
#: speaks instead appends audio there (``WireScenario.app_for``).
TWO_TURNS = (
    AppStep("pause", seconds=0.2),
    AppStep("send_text", text=FIRST_ASK),
    AppStep("wait", until={"transcript": MARK_FIRST}, seconds=3),
    AppStep("send_text", text=SECOND_ASK),
    AppStep("wait", until={"transcript": MARK_SECOND}, seconds=3),
    AppStep("wait", until={"script": "done"}, seconds=6),
)

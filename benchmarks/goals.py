"""One way for every benchmark to state a goal and whether this run met it, so that ``tox -e
bench`` ends each benchmark with lines a reader can scan (and the note can quote)."""

from __future__ import annotations


def report(goals: list[tuple[str, bool]]) -> None:
    print("\ngoals")
    for text, met in goals:
        print(f"  {'met    ' if met else 'NOT MET'}  {text}")

"""The examples of docs/your-library.md work as the page says: its parse adapter passes every MUST
corpus check, and its wire adapter passes the connect and function-call scenarios' checks that apply
to it."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

from conformance.checks import Check
from conformance.detection import all_checks, run
from conformance.families import wire

PAGE = Path(__file__).resolve().parents[1] / "docs" / "your-library.md"


@pytest.fixture
def examples(tmp_path, monkeypatch):
    """The page's Python files, importable."""
    blocks = re.findall(r"```python\n# (\w+\.py)\n(.*?)```", PAGE.read_text(), re.S)
    assert {name for name, _ in blocks} == {"my_adapters.py", "my_wire.py"}
    for name, code in blocks:
        (tmp_path / name).write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("my_adapters"), importlib.import_module("my_wire")
    for name in ("my_adapters", "my_wire"):
        sys.modules.pop(name, None)


def test_the_parse_adapter_passes_every_must_corpus_check(examples) -> None:
    my_adapters, _ = examples
    checks: dict[str, Check] = all_checks(("corpus",))
    results = run(my_adapters.MyAdapter(), checks.values())
    failing_must = {check_id: r.message for check_id, r in results.items() if not r.passed and checks[check_id].level == "MUST"}
    assert failing_must == {} and len(results) > 100


def test_the_wire_adapter_passes_what_applies_to_it(examples) -> None:
    my_adapters, my_wire = examples

    class WithWire(my_adapters.MyAdapter):
        _wire = my_wire.MyWire()

        def wire_adapter(self):
            return self._wire

    checks = wire.checks([wire.SCENARIOS_BY_ID["connect"], wire.SCENARIOS_BY_ID["function-call"]])
    results = run(WithWire(), checks)
    assert {check_id: r.message for check_id, r in results.items() if not r.passed} == {}
    assert "wire/connect/sends-valid-events" in results and "wire/function-call/round-trip" not in results, "left to the application: not applicable"

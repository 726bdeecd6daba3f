"""The driver between a check and an implementation: crashes and hangs become failed results."""

from __future__ import annotations

import time

import pytest

from conformance.checks import Driver, ImplementationFailed
from conformance.adapters.adapter import Capability, NotImplementedCapability, Parsed
from conformance.implementations.reference.adapter import ReferenceAdapter


class Sleepy(ReferenceAdapter):
    calls = 0

    def parse(self, direction, text):
        Sleepy.calls += 1
        time.sleep(5)
        return Parsed("ignored")


def test_a_hang_fails_once_and_later_calls_fail_at_once() -> None:
    driver = Driver(Sleepy(), timeout=0.2)
    started = time.perf_counter()
    with pytest.raises(ImplementationFailed, match="did not return within 0.2 s"):
        driver.parse("server", "{}")
    with pytest.raises(ImplementationFailed, match="was not attempted"):
        driver.parse("server", "{}")
    assert time.perf_counter() - started < 1
    assert Sleepy.calls == 1


def test_a_crash_names_the_exception() -> None:
    class Crashes(ReferenceAdapter):
        def dump(self, direction, obj):
            raise RecursionError("maximum recursion depth exceeded")

    with pytest.raises(ImplementationFailed, match="dumping a server event raised RecursionError: maximum recursion depth"):
        Driver(Crashes()).dump("server", None)


def test_a_missing_capability_is_reported_before_calling() -> None:
    class NoClient(ReferenceAdapter):
        missing = frozenset({Capability.BUILD_CLIENT})

    with pytest.raises(NotImplementedCapability, match="build client events"):
        Driver(NoClient()).build_client({"type": "response.cancel"})


def test_a_parse_that_returns_something_else_is_an_adapter_failure() -> None:
    class Sloppy(ReferenceAdapter):
        def parse(self, direction, text):
            return {"ok": True}

    with pytest.raises(ImplementationFailed, match="returned dict, not Parsed"):
        Driver(Sloppy()).parse("server", "{}")

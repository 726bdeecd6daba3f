"""--snapshot-update (syrupy's option): snapshots are written only from the reference."""

from __future__ import annotations

import pytest

from .conftest import write_adapter
from .test_option_realtime_impl import BROKEN_DUMP


def test_updating_snapshots_from_another_implementation_is_refused(run_suite, pytester) -> None:
    result, report = run_suite("--realtime-impl", write_adapter(pytester, BROKEN_DUMP), "--snapshot-update", selection="snapshot/")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--snapshot-update with --realtime-impl broken_adapter:Adapter is refused*Update them with --realtime-impl reference*"])
    assert report is None


def test_a_changed_snapshot_fails_with_the_difference(run_suite, pytester) -> None:
    pytester.makepyfile(
        changed_snapshot="""
from conformance.implementations.reference.adapter import ReferenceAdapter

class Adapter(ReferenceAdapter):
    name = "adds-a-member"

    def build_client(self, event):
        import json
        sent = json.loads(super().build_client(event))
        sent["session"]["voice"] = "alloy"  # a beta session field on a GA event
        return json.dumps(sent)
"""
    )
    result, report = run_suite("--realtime-impl", "changed_snapshot:Adapter", selection="snapshot/session-update-tracing-null/")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*snapshot/session-update-tracing-null/wire [[]MUST] fail for adds-a-member: the sent JSON differs from the snapshot at 1 place: $.session.voice: expected absent, got string \"alloy\" (a member was invented)*"])

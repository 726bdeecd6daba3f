"""Hypothesis settings profiles for the property checks.

``ci`` is deterministic (derandomized, no example database) and is what tox uses; ``dev`` is the
default for local runs; ``fuzz`` runs many more examples: ``pytest --hypothesis-profile=fuzz``.
``HYPOTHESIS_PROFILE`` picks one; otherwise a CI environment gets ``ci``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def register(*, load: bool = True) -> None:
    settings.register_profile("ci", max_examples=25, derandomize=True, deadline=None, database=None, print_blob=True, suppress_health_check=_QUIET)
    settings.register_profile("dev", max_examples=25, deadline=None, print_blob=True, suppress_health_check=_QUIET)
    settings.register_profile("fuzz", max_examples=1000, deadline=None, print_blob=True, suppress_health_check=_QUIET)
    if load:
        settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

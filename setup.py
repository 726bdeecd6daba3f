"""The one thing pyproject.toml cannot say: the optional C extension of the batch path.

``conformance/_cbatch.c`` runs the per-event loop of the validator's batch path
(:mod:`conformance.batch`, :mod:`conformance.bulk`). It is optional: where no compiler is at hand
the build goes on without it and the same verdicts come from the Python path, more slowly."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "conformance._cbatch",
            sources=["conformance/_cbatch.c"],
            optional=True,
            extra_compile_args=["-O3"],
        )
    ]
)

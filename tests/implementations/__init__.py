"""Tests of the built-in adapters against their real libraries: each file skips unless its library is
installed, and the implementation's tox env runs it (tox -e openai-agents, livekit, openai-types)."""

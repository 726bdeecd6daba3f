"""GA: the default dialect, the reference models themselves (nothing here changes them)."""

from __future__ import annotations

from ..client_events import CLIENT_EVENT_MODELS
from ..names import BETA_RENAMES, LEGACY_GA_ALIASES
from ..server_events import SERVER_EVENT_MODELS
from .profile import Dialect

GA = Dialect(
    name="ga",
    title="OpenAI Realtime API, GA (no OpenAI-Beta header)",
    base=None,
    documented="https://developers.openai.com/api/reference/resources/realtime (openai/openai-openapi openapi.json)",
    client=CLIENT_EVENT_MODELS,
    server=SERVER_EVENT_MODELS,
    successors=BETA_RENAMES,
    notes={name: f"'{name}' is in the GA union but GA documents '{successor}' instead" for name, successor in LEGACY_GA_ALIASES.items()},
    rules_read_as=dict(BETA_RENAMES),
)

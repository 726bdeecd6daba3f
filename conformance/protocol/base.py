"""The base model and the field types every protocol model shares.

Decisions that hold for every model, so that they are made once:

* **Strict types.** ``"1000"`` is not an integer and ``1`` is not a boolean. JSON numbers that
  the spec types as ``number`` accept integers too, and keep them as integers, so a dump gives
  back ``1`` and not ``1.0``.
* **Unknown fields are kept.** Servers add undocumented fields (``obfuscation`` on deltas was
  one). A model that rejects or drops them rejects or corrupts real traffic, so every model keeps
  them, dumps them back, and :func:`conformance.verdict.judge` reports each one.
* **Optional means nullable.** The spec marks many optional fields non-nullable, yet its own
  examples and live servers send ``null`` for them (``status_details``, ``usage``,
  ``transcription``, ``noise_reduction``, ``include``; inventory §9). Every optional field accepts
  ``null``. Required fields never do, unless the spec says so.
* **No injected defaults.** Optional fields default to "unset", and dumps leave unset fields out,
  so the wire JSON comes back as it came in.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError


class Model(BaseModel):
    """Base of every protocol model."""

    model_config = ConfigDict(
        strict=True,
        extra="allow",
        allow_inf_nan=False,
        protected_namespaces=(),
        # Fields are named as on the wire; no aliases anywhere.
        populate_by_name=False,
    )

    def wire(self) -> dict[str, Any]:
        """The wire JSON of this object: unset fields left out, explicit nulls and unknown fields kept."""
        return self.model_dump(mode="json", exclude_unset=True)


#: A JSON number. Integers stay integers so that a dump reproduces the wire text.
Number = Annotated[int | float, WithJsonSchema({"type": "number"})]


def bounded_number(minimum: float, maximum: float) -> Any:
    """A :data:`Number` within ``[minimum, maximum]``. (Field constraints would be lost from the
    JSON Schema behind ``Number``'s schema override, so the bounds are stated in both places.)"""

    def check(value: int | float) -> int | float:
        if not minimum <= value <= maximum:
            raise PydanticCustomError("number_range", "outside [{minimum}, {maximum}]", {"minimum": minimum, "maximum": maximum})
        return value

    return Annotated[
        int | float,
        AfterValidator(check),
        WithJsonSchema({"type": "number", "minimum": minimum, "maximum": maximum}),
    ]

_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

try:  # SIMD base64: validating audio is the hot path of a validator that checks hours of traffic
    from pybase64 import b64decode as _fast_b64decode
except ImportError:  # pragma: no cover - pybase64 is a dependency, but the check must not need it
    _fast_b64decode = None


def check_base64(value: str) -> str:
    """Accept standard, padded base64 (RFC 4648 §4) and nothing else."""
    if _fast_b64decode is not None:
        try:
            _fast_b64decode(value, validate=True)
            return value
        except ValueError:
            pass  # say precisely why, below
    _explain_base64(value)
    return value


def _explain_base64(value: str) -> None:
    """Raise the reason ``value`` is not base64; return quietly if it is. ``bytes.translate``
    deletes the alphabet in one C pass, several times faster than decoding."""
    if len(value) % 4:
        raise PydanticCustomError(
            "base64", "length {length} is not a multiple of 4", {"length": len(value)}
        )
    try:
        leftover = value.encode("ascii").translate(None, _BASE64_ALPHABET)
    except UnicodeEncodeError:
        raise PydanticCustomError("base64", "contains non-ASCII characters") from None
    if leftover and not (leftover in (b"=", b"==") and value.endswith(leftover.decode())):
        outside = leftover.replace(b"=", b"")
        if outside:
            raise PydanticCustomError(
                "base64", "character '{char}' is outside the base64 alphabet", {"char": chr(outside[0])}
            )
        raise PydanticCustomError("base64", "padding '=' is misplaced")


#: Base64 text, such as audio. Kept as the original string so that dumps are byte-identical.
Base64 = Annotated[
    str,
    AfterValidator(check_base64),
    WithJsonSchema({"type": "string", "format": "base64", "contentEncoding": "base64"}),
]

#: The client-chosen ``event_id``, at most 512 characters.
ClientEventId = Annotated[str, Field(max_length=512)]

#: Item status, the same set on every item type.
ItemStatus = Literal["completed", "incomplete", "in_progress"]

#: A free-form JSON object, such as a function's parameter schema or tracing metadata.
JSONObject = dict[str, Any]

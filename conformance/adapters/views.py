"""What an application sees of a library's parsed object, as a JSON value.

Libraries built on pydantic hold a parsed event as a model, and their applications read its
attributes; none of them serializes a *server* event back to JSON. The faithful JSON of what the
application sees is therefore neither a plain ``model_dump()`` (every absent optional field would
show up as an invented ``null``) nor a send-side idiom such as ``exclude_none=True`` (which hides
nulls the server did send). :func:`application_view` keeps every member the library holds:

* a field the input set, ``null`` included;
* a field the input did not set but the library filled with a value (a default or a generated
  id): the application sees it, so the view shows it as what it is, an invented member;
* undocumented members the library kept (``extra="allow"``);

and leaves out only fields that are unset *and* ``None``: to the application those are absent.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python


def application_view(value: Any) -> Any:
    if isinstance(value, BaseModel):
        view: dict[str, Any] = {}
        for name, field in type(value).model_fields.items():
            item = getattr(value, name, None)
            if item is None and name not in value.model_fields_set:
                continue
            view[field.serialization_alias or field.alias or name] = application_view(item)
        for name, item in (value.model_extra or {}).items():
            view[name] = application_view(item)
        return view
    if isinstance(value, (list, tuple)):
        return [application_view(item) for item in value]
    if isinstance(value, dict):
        return {key: application_view(item) for key, item in value.items()}
    return to_jsonable_python(value)

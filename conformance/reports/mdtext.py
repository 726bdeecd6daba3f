"""Text that Markdown shows as written: report text (messages, names, ids) is data, never markup.

:func:`plain` escapes what running text would read as markup; :func:`code` makes a code span that
holds any text, backticks included, so that a check id such as ``a`b<img>`` cannot close its span
early and leave raw HTML behind it.
"""

from __future__ import annotations

import re

#: What Markdown would read as markup in running text (an underscore only at a word's edge).
_SPECIAL = re.compile(r"[\\`*\[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BACKTICKS = re.compile(r"`+")


def plain(text: str) -> str:
    """Plain text that Markdown shows as written: no emphasis, links, HTML or table breaks."""
    return _SPECIAL.sub(r"\\\g<0>", text)


def cell(text: str) -> str:
    """Plain text for a table cell, on one line."""
    return plain(" ".join(text.splitlines()))


def code(text: str) -> str:
    """``text`` as a code span, on one line: fenced by one backtick more than its longest run of
    backticks, with a space inside the fence where the text starts or ends with a backtick or with
    spaces at both ends (CommonMark strips one space from each end)."""
    text = " ".join(text.splitlines())
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    padded = text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ") and text.strip() != "")
    pad = " " if padded else ""
    return f"{fence}{pad}{text}{pad}{fence}" if text.strip() else f"{fence} {fence}"

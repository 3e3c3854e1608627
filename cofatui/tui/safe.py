"""Data is shown literally: never parsed as markup, never passed to the terminal raw.

Every value that comes from the database or a file goes through :func:`plain` (or
:func:`clean`) before it reaches a widget. ``Text`` objects are not parsed for
``[markup]`` or ``$variables``; control characters (ESC, BEL, C1 controls…) are
replaced so a company name holding ``\\x1b]52;…`` cannot drive the user's terminal.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """The value as text with control and bidi-override characters removed."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value)).replace("\n", " ").replace("\t", " ")


def plain(value: object, style: str = "") -> Text:
    """A rich Text that renders exactly the characters of ``value`` (cleaned)."""
    return Text(clean(value), style=style, no_wrap=True, overflow="ellipsis")

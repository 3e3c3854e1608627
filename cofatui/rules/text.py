"""What a text input may hold (issue 13 item 4), whichever form or filter it comes from.

Refused everywhere:

- **lone surrogates** (U+D800–U+DFFF): not characters at all. A JSON ``"\\ud800"``
  decodes to one in Python, and the database drivers then fail to encode it (a 500
  before this rule);
- **control characters** (Unicode category Cc: U+0000–U+001F, U+007F–U+009F): NUL ends
  a string in C (SQLite's full-text index stops there, PostgreSQL refuses it), BEL, ESC
  and the like drive terminals, and none of them is ever typed in a form;
- **text-direction overrides** (U+202A–U+202E embeddings and overrides, U+2066–U+2069
  isolates, category Cf): invisible, they make a name read differently from what it
  holds ("Trojan Source" spoofing) and reorder the columns of a TUI list. The rest of
  Cf stays allowed on purpose: the zero-width joiner and non-joiner (U+200D, U+200C)
  are needed to write Persian and Indic names and emoji, the left-to-right and
  right-to-left marks (U+200E, U+200F) only hint the direction of neutral characters
  in Arabic or Hebrew text and override nothing, and a soft hyphen is harmless.

Line breaks (LF, CR, the Unicode line and paragraph separators, VT, FF, NEL) are refused
in single-line fields: a company name or a reference is shown on one line, and a break
would split a CSV export's row. A **multi-line** field (comments, reasons: marked
:data:`MULTI_LINE` on the schema field) accepts a newline, written LF or CR LF (what a
browser's text area sends), and a **tab** (text pasted from a spreadsheet or an e-mail
holds tabs; it is plain spacing there). A lone CR stays refused: on a terminal it moves
back to the start of the line and lets later text overwrite what was shown.

Any text is also at most :data:`MAX_TEXT_CHARS` characters, the longest text column of
the database; each form's own, shorter limits are its business rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cofatui.errors import FieldError

__all__ = ["MAX_TEXT_CHARS", "MULTI_LINE", "MultiLine", "text_errors", "text_refusal"]

#: The longest text column (4 000 characters): no text input may be longer.
MAX_TEXT_CHARS = 4000

CONTROL_CHARACTER = "input.control_character"
LINE_BREAK = "input.line_break"
DIRECTION_CONTROL = "input.direction_control"
INVALID_UNICODE = "input.invalid_unicode"
TOO_LONG = "common.too_long"


@dataclass(frozen=True)
class MultiLine:
    """Marks a text field that may hold line breaks and tabs:
    ``comments: Annotated[str, MULTI_LINE]`` (``schemas.MultiLineText`` also says so
    in the OpenAPI schema)."""


MULTI_LINE = MultiLine()

_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_DIRECTION = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# One search finds the first character worth a closer look; almost every text has
# none, so the check costs one regular-expression scan.
_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + _DIRECTION + "\ud800-\udfff]")
_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029" + _DIRECTION
                         + "\ud800-\udfff]|\r(?!\n)")


def text_refusal(value: str, *, multiline: bool = False,
                 max_chars: int = MAX_TEXT_CHARS) -> tuple[str, dict[str, object]] | None:
    """The first reason ``value`` cannot be stored as text, as ``(code, params)``, or
    None. ``position`` counts characters from 1; ``character`` is ``U+XXXX``."""
    if len(value) > max_chars:
        return TOO_LONG, {"max": max_chars, "length": len(value)}
    found = (_MULTI_LINE if multiline else _SINGLE_LINE).search(value)
    if found is None:
        return None
    char = found.group()[0]
    params: dict[str, object] = {"position": found.start() + 1,
                                 "character": f"U+{ord(char):04X}"}
    if "\ud800" <= char <= "\udfff":
        return INVALID_UNICODE, params
    if char in _DIRECTION:
        return DIRECTION_CONTROL, params
    if char in _LINE_BREAKS and not multiline:
        return LINE_BREAK, params
    return CONTROL_CHARACTER, params


def text_errors(field: str, value: str, *, multiline: bool = False,
                max_chars: int = MAX_TEXT_CHARS, line: int | None = None) -> list[FieldError]:
    """The refusal of text ``value`` typed in ``field`` (line ``line`` of a list), as
    a list of at most one :class:`FieldError`."""
    refusal = text_refusal(value, multiline=multiline, max_chars=max_chars)
    if refusal is None:
        return []
    code, params = refusal
    return [FieldError(field, code, params, line=line)]

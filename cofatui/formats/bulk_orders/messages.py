"""What a bulk-order line (or file) is told: the seed's message and a coded detail.

A result carries two things (issue 14, item 3):

- ``key``, the line's **code**: a key of ``cofatui/reference/bulk_errors.json``, the
  seed's list ("Montant non valide"…) or one of the codes cofatui adds there
  (``cofatui_errors``: ``identifier_type_invalid``, ``not_processed``…). Its text, in
  French or English, is the seed's short message (:func:`line_message`).
- ``detail``, a coded message (``bulk.*``, catalogs ``i18n/<lang>/errors/bulk.toml``,
  or ``identifiers.*`` when the identifier rules said it) naming the field and the
  reason, with typed parameters rendered in the reader's language.

Both are data, so a result is stored as (key, detail code, detail parameters) and
worded when someone reads it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from cofatui import i18n, reference
from cofatui.errors import message_text
from cofatui.formats.imports import LineProblem
from cofatui.i18n.messages import Term
from cofatui.reference import BulkErrorMessage

__all__ = ["FIELDS", "LineError", "field_term", "line_message", "line_messages"]

#: The ten fields of an order line, in file order (positions 1 to 10).
FIELDS = ("country", "easy_number", "identifier_type", "identifier_value",
          "client_reference", "product", "action", "amount", "outstanding", "operation")


@dataclass(frozen=True, slots=True)
class LineError:
    """Why a line does not run: the seed's code, the field at fault and the detail.

    ``field`` is one of :data:`FIELDS`, or None when the line as a whole is at fault
    (its characters, its length, its number of fields, a duplicate…).
    """

    key: str
    detail: LineProblem
    field: str | None = None

    def message(self, language: str | None = None) -> str:
        """The seed's message for ``key`` in ``language`` (default: the UI's)."""
        return line_message(self.key).text(language or i18n.get_language())

    def detail_text(self, language: str | None = None) -> str:
        """The detail in ``language`` (default: the UI's)."""
        return message_text(self.detail.code, self.detail.params, language)

    @classmethod
    def of(cls, key: str, code: str, field: str | None = None, /,
           **params: object) -> LineError:
        """``LineError.of("invalid_amount", "bulk.amount_format", "amount", value=…)``:
        the line's code, the detail's code, the field at fault, the detail's
        parameters (which may include one named ``field``)."""
        return cls(key, LineProblem(code, params), field)


def field_term(field: str) -> Term:
    """A field's name as a message parameter, worded in the reader's language."""
    return Term(f"errors.bulk.field.{field}")


@cache
def _cofatui_errors() -> Mapping[str, BulkErrorMessage]:
    # The codes cofatui adds live beside the seed's list in the same file, under their
    # own key, so that ``reference.bulk_errors()`` stays exactly the seed's table.
    raw: Any = json.loads(resources.files(reference).joinpath("bulk_errors.json")
                          .read_text(encoding="utf-8"))
    return MappingProxyType({e["key"]: BulkErrorMessage(**e) for e in raw["cofatui_errors"]})


def line_message(key: str) -> BulkErrorMessage:
    """The message of a line or file code: the seed's, else one cofatui adds.

    An unknown key is a programming error (KeyError).
    """
    try:
        return reference.bulk_error(key)
    except KeyError:
        return _cofatui_errors()[key]


def line_messages() -> tuple[BulkErrorMessage, ...]:
    """Every code a bulk import may show: the seed's, then cofatui's."""
    return (*reference.bulk_errors(), *_cofatui_errors().values())

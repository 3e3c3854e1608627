"""Every input of the SQL repository checked once, before it reaches the database
(issue 13 item 4): texts (:mod:`cofatui.rules.text`), numbers
(:mod:`cofatui.rules.numbers`) and free-form JSON (:mod:`cofatui.rules.json_depth`).

The SQL repository is what every backend ends in: the embedded TUI calls it, the API
server calls it, and the HTTP repository reaches the server. So the check sits here,
installed on every public method of every area (:func:`install`, called by
``SqlArea.__init_subclass__``) rather than written at the top of each method: a method
added tomorrow is guarded without anyone remembering to, and there is one place to
read what "a clean input" means. Business rules (a country from the reference table,
a name's length) stay with each form's rules; this guard only keeps out what no
column can hold or no screen can show.

How arguments are named in the refusals, as the API and the TUI name the fields: a
plain argument by its parameter name (``text``, ``amount``), the fields of a model
argument by their own names (``name``, ``amount_min``: a model is the request body or
the query parameters), a nested model's as ``filter.text``, a list's items as
``invoices[2].amount`` with ``line=2`` (counted from 1, like the claims rules), a
JSON document's values by their path (``payload.lines[1].comment``).

Which texts may span lines: a model field marked :data:`~cofatui.rules.text.MULTI_LINE`
on its schema, and the plain parameters of :data:`MULTI_LINE_ARGUMENTS`. A decimal is
an amount of money unless its schema field is marked
:attr:`~cofatui.rules.numbers.DecimalKind.RATE`.

Cost: one ``isinstance`` chain per argument and a cached plan per model class; a
string is scanned once by a precompiled regular expression. A portfolio page's
criteria take microseconds against the query's milliseconds.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel

from cofatui.errors import FieldError, ValidationFailed
from cofatui.rules.json_depth import json_errors
from cofatui.rules.numbers import DecimalKind, decimal_errors, float_errors, integer_errors
from cofatui.rules.text import MULTI_LINE, text_errors

__all__ = ["MULTI_LINE_ARGUMENTS", "check_arguments", "guarded", "input_errors", "install"]

#: Plain (non-model) parameters of repository methods whose text may span lines: an
#: underwriter's comment, a document's comment, a draft's payload (a form's comments).
MULTI_LINE_ARGUMENTS = frozenset({"comment", "payload"})

_GUARDED = "__cofatui_input_guarded__"
F = TypeVar("F", bound=Callable[..., Any])


# --- installing ---------------------------------------------------------------------


def install(cls: type) -> None:
    """Guard every public method ``cls`` defines itself (inherited ones were guarded
    in their own class; a method already guarded is left alone)."""
    for name, attr in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(attr) or getattr(attr, _GUARDED, False):
            continue
        setattr(cls, name, guarded(attr))


def guarded(method: F) -> F:
    """``method`` (of an object: its first parameter is ``self``) with its arguments
    checked first; a refusal is a :class:`ValidationFailed` listing every bad field."""
    names = [p.name for p in inspect.signature(method).parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][1:]

    @functools.wraps(method)
    def checked(self: object, *args: Any, **kwargs: Any) -> Any:
        check_arguments(zip(names, args, strict=False), kwargs.items())
        return method(self, *args, **kwargs)

    setattr(checked, _GUARDED, True)
    return checked  # type: ignore[return-value]


def check_arguments(*named: Any) -> None:
    """Raise :class:`ValidationFailed` if any ``(name, value)`` pair is refused."""
    errors: list[FieldError] = []
    for pairs in named:
        for name, value in pairs:
            if value is not None:
                _check(name, value, name in MULTI_LINE_ARGUMENTS, DecimalKind.AMOUNT, None,
                       errors, top=True)
    if errors:
        raise ValidationFailed(errors)


def input_errors(field: str, value: object, *, multiline: bool = False) -> list[FieldError]:
    """The refusals of one input ``value`` named ``field`` (a model's fields by their
    own names), as the guard finds them."""
    errors: list[FieldError] = []
    _check(field, value, multiline, DecimalKind.AMOUNT, None, errors, top=True)
    return errors


# --- checking -----------------------------------------------------------------------


def _check(field: str, value: object, multiline: bool, kind: DecimalKind, line: int | None,
           errors: list[FieldError], top: bool = False) -> None:
    # Most frequent first: texts, then ids. Enum members are str or int too, but
    # only ever one of their fixed values.
    if isinstance(value, str):
        if not isinstance(value, Enum):
            errors.extend(text_errors(field, value, multiline=multiline, line=line))
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if not isinstance(value, Enum):
            errors.extend(integer_errors(field, value, line=line))
    elif isinstance(value, Decimal):
        errors.extend(decimal_errors(field, value, kind, line=line))
    elif isinstance(value, BaseModel):
        _check_model(field, value, line, errors, top)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value, start=1):
            _check(f"{field}[{i}]", item, multiline, kind, line if line is not None else i,
                   errors)
    elif isinstance(value, Mapping):
        found = json_errors(field, value, multiline=multiline)
        errors.extend(FieldError(e.field, e.code, e.params, line=line) for e in found)
    elif isinstance(value, float):
        errors.extend(float_errors(field, value, line=line))
    # Anything else (dates, bytes, callables) has nothing to check here.


def _check_model(field: str, model: BaseModel, line: int | None, errors: list[FieldError],
                 top: bool) -> None:
    prefix = "" if top else f"{field}."
    for name, multiline, kind in _plan(type(model)):
        value = getattr(model, name, None)
        if value is not None:
            _check(prefix + name, value, multiline, kind, line, errors)


@functools.cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, bool, DecimalKind], ...]:
    """(field, may span lines, kind of decimal) of each field of ``model``."""
    out = []
    for name, info in model.model_fields.items():
        metadata = info.metadata
        kind = DecimalKind.RATE if DecimalKind.RATE in metadata else DecimalKind.AMOUNT
        out.append((name, MULTI_LINE in metadata, kind))
    return tuple(out)


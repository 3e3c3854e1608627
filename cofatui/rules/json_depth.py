"""A free-form JSON document (a draft's payload, a custom-field map) is kept only if it
can be read back.

A draft nested 500 levels deep used to be saved and then never read again: pydantic's
serializer gives up beyond about 255 levels ("Circular reference detected (depth
exceeded)"), Python's ``json`` module raises ``RecursionError`` near 1 000, and the
answer was a 500 every time. No form nests more than four levels (a claim, its lines,
a line's invoice references), so :data:`MAX_JSON_DEPTH` = 32 leaves ample room and
stays far below every reader's limit.

What the document holds is checked too, as every input is: its texts (keys and values)
by :mod:`cofatui.rules.text`, its whole numbers within 64 bits (a bigger one cannot be
read back by most JSON readers, and Python refuses to print one of more than 4 300
digits), its other numbers finite (``NaN`` is not JSON).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cofatui.errors import FieldError
from cofatui.rules.numbers import float_errors
from cofatui.rules.text import text_errors

__all__ = ["MAX_JSON_DEPTH", "json_errors"]

MAX_JSON_DEPTH = 32
TOO_DEEP = "input.too_deep"
OUT_OF_RANGE = "input.number_out_of_range"
_INT64 = (-(2**63), 2**63 - 1)


def json_errors(field: str, document: object, *, multiline: bool = True,
                max_depth: int = MAX_JSON_DEPTH) -> list[FieldError]:
    """The refusals of ``document`` given in ``field`` (a path per value:
    ``payload.invoices[2].number``; list items count from 1), at most one per value.
    Texts are ``multiline`` (a draft of a form holds its comments). Walked without
    recursion, so a document of any depth is refused rather than crashing the walk."""
    errors: list[FieldError] = []
    stack: list[tuple[str, object, int]] = [(field, document, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, Mapping | list | tuple):
            if depth >= max_depth:
                errors.append(FieldError(path, TOO_DEEP, {"limit": max_depth}))
                continue
            stack.extend(reversed(_children(path, value, depth, multiline, errors)))
        else:
            errors.extend(_scalar_errors(path, value, multiline))
    return errors


def _children(path: str, value: Mapping[Any, Any] | list[Any] | tuple[Any, ...], depth: int,
              multiline: bool, errors: list[FieldError]) -> list[tuple[str, object, int]]:
    if isinstance(value, Mapping):
        out = []
        for key, item in value.items():
            refused = _scalar_errors(path, key, multiline=False)
            if refused:
                # Reported on the object holding it: the key itself would carry the
                # character refused into the field name of the answer.
                errors.extend(refused)
                continue
            out.append((f"{path}.{key}" if path else str(key), item, depth + 1))
        return out
    return [(f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value, start=1)]


def _scalar_errors(path: str, value: object, multiline: bool) -> list[FieldError]:
    if isinstance(value, str):
        return text_errors(path, value, multiline=multiline)
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        low, high = _INT64
        if low <= value <= high:
            return []
        return [FieldError(path, OUT_OF_RANGE, {"min": low, "max": high})]
    if isinstance(value, float):
        return float_errors(path, value)
    return []

"""Assert a refusal by its class, code and parameters, not by its English text.

``with refused(Forbidden, "access.read_only", policy="1234567"): ...`` passes when the
block raises ``Forbidden`` whose code is ``access.read_only`` and whose parameters
include ``policy == "1234567"`` with the same type (a date stays a date; an amount,
which comes back from JSON as :class:`~cofatui.i18n.messages.Amount` rather than
``Money``, keeps its amount and currency). Parameters not named are not checked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest

from cofatui.errors import CofaError, FieldError


@contextlib.contextmanager
def refused(cls: type[CofaError], code: str, /,
            **params: object) -> Iterator[pytest.ExceptionInfo[CofaError]]:
    with pytest.raises(cls) as info:
        yield info
    assert_coded(info.value, code, **params)


def assert_coded(error: CofaError | FieldError, code: str, /, **params: object) -> None:
    assert error.code == code, f"code {error.code!r}, expected {code!r} ({error.params})"
    for name, expected in params.items():
        assert name in error.params, f"{code}: no parameter {name!r} in {error.params}"
        assert same(error.params[name], expected), \
            f"{code}: {name} = {error.params[name]!r}, expected {expected!r}"


def same(actual: object, expected: object) -> bool:
    """Equal and of the same kind: a date is not its ISO text, an amount keeps its currency."""
    amount = getattr(expected, "amount", None)
    if hasattr(expected, "currency") and isinstance(amount, Decimal):
        return bool(getattr(actual, "amount", None) == amount
                    and getattr(actual, "currency", None) == getattr(expected, "currency", None))
    if isinstance(expected, datetime) or isinstance(actual, datetime):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, date):
        return type(actual) is date and actual == expected
    if isinstance(expected, (Decimal, int)) and not isinstance(expected, bool):
        return isinstance(actual, (Decimal, int)) and not isinstance(actual, bool) \
            and actual == expected
    if isinstance(expected, (list, tuple)):
        return isinstance(actual, (list, tuple)) and len(actual) == len(expected) \
            and all(same(a, e) for a, e in zip(actual, expected, strict=True))
    return actual == expected


def field_codes(error: CofaError) -> dict[str, str]:
    """``{field: code}`` of a ValidationFailed's first refusal per field."""
    out: dict[str, str] = {}
    for e in getattr(error, "errors", []):
        out.setdefault(e.field, e.code)
    return out

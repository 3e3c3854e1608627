"""The one error hierarchy of cofatui.

Every layer raises these and only these to its callers: the SQL repository translates
SQLAlchemy errors into them, the API turns them into HTTP status codes and the HTTP
repository turns the status codes back into the same classes. The UI shows
``str(error)``, never a traceback.

This module sits at the bottom of the import graph (rules and formats use it too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class CofaError(Exception):
    """Base of every error a user may see. ``str()`` is the user-facing message."""

    code = "error"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message}


@dataclass(frozen=True)
class FieldError:
    """One message attached to one field (or a line/column of an imported file)."""

    field: str
    message: str
    line: int | None = None

    def where(self) -> str:
        return f"line {self.line}, {self.field}" if self.line is not None else self.field


class ValidationFailed(CofaError):
    """Input was refused; ``errors`` says which field and why."""

    code = "validation_failed"
    http_status = 422

    def __init__(self, errors: Iterable[FieldError] | Mapping[str, str] | str,
                 field: str | None = None) -> None:
        if isinstance(errors, str):
            items = [FieldError(field or "", errors)]
        elif isinstance(errors, Mapping):
            items = [FieldError(k, v) for k, v in errors.items()]
        else:
            items = list(errors)
        self.errors: list[FieldError] = items
        text = "; ".join(
            f"{e.where()}: {e.message}" if e.field else e.message for e in items
        )
        super().__init__(text or "Invalid input")

    def by_field(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for e in self.errors:
            out.setdefault(e.field, e.message)
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "error": self.code,
            "message": self.message,
            "fields": [
                {"field": e.field, "message": e.message, "line": e.line} for e in self.errors
            ],
        }


class NotFound(CofaError):
    code = "not_found"
    http_status = 404


class Forbidden(CofaError):
    code = "forbidden"
    http_status = 403


class Unauthenticated(CofaError):
    code = "unauthenticated"
    http_status = 401


class Conflict(CofaError):
    """A stale write (the row changed since it was read) or a uniqueness clash."""

    code = "conflict"
    http_status = 409


class RuleViolation(CofaError):
    """A business rule refuses the operation (e.g. an Express agreement on a covered company)."""

    code = "rule_violation"
    http_status = 400


class Unavailable(CofaError):
    """The database or server cannot be reached right now; retrying later may work."""

    code = "unavailable"
    http_status = 503


ERRORS_BY_CODE: dict[str, type[CofaError]] = {
    cls.code: cls
    for cls in (CofaError, ValidationFailed, NotFound, Forbidden, Unauthenticated, Conflict,
                RuleViolation, Unavailable)
}


def error_from_dict(payload: Mapping[str, object]) -> CofaError:
    """Rebuild an error from its ``to_dict()`` form (used by the HTTP client)."""
    code = str(payload.get("error", "error"))
    message = str(payload.get("message", "Error"))
    cls = ERRORS_BY_CODE.get(code, CofaError)
    if cls is ValidationFailed:
        raw = payload.get("fields") or []
        fields = [
            FieldError(str(f.get("field", "")), str(f.get("message", "")),
                       f.get("line") if isinstance(f.get("line"), int) else None)
            for f in raw if isinstance(f, Mapping)
        ] if isinstance(raw, list) else []
        return ValidationFailed(fields or message)
    return cls(message)

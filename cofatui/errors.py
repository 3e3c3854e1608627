"""The one error hierarchy of cofatui, whose messages are data.

Every layer raises these and only these to its callers: the SQL repository translates
SQLAlchemy errors into them, the API turns them into HTTP status codes and the HTTP
repository turns the status codes back into the same classes.

A refusal carries a stable **code** and typed **parameters**, never a sentence:
``RuleViolation("claims.deadline_passed", deadline=date(2026, 11, 28))``,
``FieldError("amount", "common.must_be_positive", line=4)``. The catalogs
(``i18n/<lang>/errors/<area>.toml``, key ``errors.<code>``) hold one text per code in
each language; :meth:`CofaError.text` renders it in a language with Babel formatting of
the parameters (``cofatui.i18n.messages``). ``str(error)`` is the text in the current UI
language, which is what a screen shows; the API sends ``code``, ``params`` and the
English text (``message``, for scripts), and :func:`error_from_dict` rebuilds the same
exception with the same code and parameters on the client.

This module sits at the bottom of the import graph (rules and formats use it too); it
depends only on the catalogs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar

from cofatui.i18n.messages import decode_params, encode_params, render

#: The catalog prefix of error codes: code ``claims.deadline_passed`` is the entry
#: ``errors.claims.deadline_passed``.
CATALOG_PREFIX = "errors."


def message_text(code: str, params: Mapping[str, object] | None = None,
                 language: str | None = None) -> str:
    """The text of error ``code`` in ``language`` (default: the UI's). A code with no
    catalog entry renders as itself."""
    return render(CATALOG_PREFIX + code, params, language) if _is_code(code) else \
        render(code, params, language)


def _is_code(code: str) -> bool:
    return bool(code) and " " not in code and "." in code


class CofaError(Exception):
    """Base of every error a user may see: a code and its parameters."""

    kind: ClassVar[str] = "error"
    http_status: ClassVar[int] = 400

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, object] = params

    def text(self, language: str | None = None) -> str:
        """The message in ``language`` (default: the UI's)."""
        return message_text(self.code, self.params, language)

    @property
    def message(self) -> str:
        """The message in the current UI language (what a screen shows)."""
        return self.text()

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, object]:
        return {"error": self.kind, "code": self.code, "params": encode_params(self.params),
                "message": self.text("en")}


@dataclass(frozen=True)
class FieldError:
    """One refusal attached to one field (or a line/column of an imported file)."""

    field: str
    code: str
    params: Mapping[str, object] = dataclass_field(default_factory=dict)
    line: int | None = None

    def text(self, language: str | None = None) -> str:
        return message_text(self.code, self.params, language)

    @property
    def message(self) -> str:
        """The refusal in the current UI language."""
        return self.text()

    def where(self, language: str | None = None) -> str:
        if self.line is None:
            return self.field
        return render("errors.where.line", {"line": self.line, "field": self.field}, language)

    def full_text(self, language: str | None = None) -> str:
        """``line 4, amount: must be above 0`` (the place, then the refusal)."""
        said = self.text(language)
        if not (self.field or self.line):
            return said
        return render("errors.where.said", {"where": self.where(language), "said": said},
                      language)

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "code": self.code, "params": encode_params(self.params),
                "line": self.line, "message": self.text("en")}


class ValidationFailed(CofaError):
    """Input was refused; ``errors`` says which field and why."""

    kind = "validation_failed"
    http_status = 422

    def __init__(self, errors: Iterable[FieldError] | Mapping[str, str] | str,
                 field: str | None = None, **params: object) -> None:
        if isinstance(errors, str):
            items = [FieldError(field or "", errors, params)]
        elif isinstance(errors, Mapping):
            items = [FieldError(k, v) for k, v in errors.items()]
        else:
            items = list(errors)
        self.errors: list[FieldError] = items
        super().__init__("validation.failed")

    @classmethod
    def at(cls, field: str, code: str, /, **params: object) -> ValidationFailed:
        """One refusal of one field: ``ValidationFailed.at("amount", "common.above_zero")``."""
        return cls([FieldError(field, code, params)])

    def text(self, language: str | None = None) -> str:
        joiner = render("errors.where.joiner", None, language)
        said = joiner.join(e.full_text(language) for e in self.errors)
        return said or message_text("validation.failed", None, language)

    def by_field(self) -> dict[str, str]:
        """The first refusal of each field, in the current UI language."""
        out: dict[str, str] = {}
        for e in self.errors:
            out.setdefault(e.field, e.message)
        return out

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "fields": [e.to_dict() for e in self.errors]}


class NotFound(CofaError):
    kind = "not_found"
    http_status = 404


class Forbidden(CofaError):
    kind = "forbidden"
    http_status = 403


class Unauthenticated(CofaError):
    kind = "unauthenticated"
    http_status = 401


class Conflict(CofaError):
    """A stale write (the row changed since it was read) or a uniqueness clash."""

    kind = "conflict"
    http_status = 409


class RuleViolation(CofaError):
    """A business rule refuses the operation (e.g. an Express agreement on a covered company)."""

    kind = "rule_violation"
    http_status = 400


class Unavailable(CofaError):
    """The database or server cannot be reached right now; retrying later may work."""

    kind = "unavailable"
    http_status = 503


class TooManyRequests(CofaError):
    """429: the server refuses to do this now (too many logins from an address, for a
    login, or at once); ``retry_after`` seconds may be enough. The wait is also the
    message's ``count`` parameter, for its plural."""

    kind = "too_many_requests"
    http_status = 429

    def __init__(self, code: str, /, *, retry_after: int | None = None,
                 **params: object) -> None:
        if retry_after is None:  # rebuilt from an answer: the wait is in the parameters
            count = params.get("count")
            retry_after = count if isinstance(count, int) else 1
        params.setdefault("count", retry_after)
        super().__init__(code, **params)
        self.retry_after = retry_after


ERRORS_BY_KIND: dict[str, type[CofaError]] = {
    cls.kind: cls
    for cls in (CofaError, ValidationFailed, NotFound, Forbidden, Unauthenticated, Conflict,
                RuleViolation, Unavailable, TooManyRequests)
}


def error_from_dict(payload: Mapping[str, object]) -> CofaError:
    """Rebuild an error from its ``to_dict()`` form (used by the HTTP client): the same
    class, code and parameters. A body without a code (an older server, a proxy) keeps
    its English ``message`` as the code, which renders as itself."""
    cls = ERRORS_BY_KIND.get(str(payload.get("error", "error")), CofaError)
    if cls is ValidationFailed:
        raw = payload.get("fields") or []
        fields = [_field_from_dict(f) for f in raw if isinstance(f, Mapping)] \
            if isinstance(raw, list) else []
        return ValidationFailed(fields or _code_of(payload))
    return cls(_code_of(payload), **decode_params(payload.get("params")))


def _code_of(payload: Mapping[str, Any]) -> str:
    code = payload.get("code")
    return str(code) if isinstance(code, str) and code else str(payload.get("message", "Error"))


def _field_from_dict(raw: Mapping[str, Any]) -> FieldError:
    line = raw.get("line")
    return FieldError(str(raw.get("field", "")), _code_of(raw), decode_params(raw.get("params")),
                      line if isinstance(line, int) else None)

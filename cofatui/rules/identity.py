"""The pure checks of user accounts: what a login, a name, an e-mail address or a phone
number may be, which rights may be given on a contract, and which characters a label
may hold. ``repository/sql/identity.py`` applies them before it writes; the password
policy is ``rules.passwords``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from cofatui.enums import Rights, Role
from cofatui.errors import FieldError

LANGUAGES = ("fr", "en")
#: Custom starts with every section none; ``cofatui user rights --section`` opens them.
ASSIGNABLE_RIGHTS = (Rights.FULL, Rights.READ_ONLY, Rights.CUSTOM)
#: The longest text of each field of a user account.
FIELD_LIMITS = {"title": 10, "first_name": 80, "last_name": 80, "email": 200, "phone": 40,
                "fax": 40}

LOGIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{2,79}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
PHONE_RE = re.compile(r"[0-9+(). /-]*")


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character (a newline, an escape…)."""
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def user_field_errors(login: str, fields: Mapping[str, str]) -> list[FieldError]:
    """The refusals of a new account's login and fields (``first_name``, ``last_name``,
    ``email``, ``title``, ``phone``, ``fax``, ``language``), one per field at fault."""
    errors = []
    if not LOGIN_RE.fullmatch(login):
        errors.append(FieldError("login", "users.login_format"))
    for name in ("first_name", "last_name", "email"):
        if not fields[name]:
            errors.append(FieldError(name, "users.required"))
    for name, limit in FIELD_LIMITS.items():
        if len(fields[name]) > limit or has_control(fields[name]):
            errors.append(FieldError(name, "users.at_most_printable", {"limit": limit}))
    if fields["email"] and not EMAIL_RE.fullmatch(fields["email"]):
        errors.append(FieldError("email", "users.not_an_email"))
    for name in ("phone", "fax"):
        if not PHONE_RE.fullmatch(fields[name]):
            errors.append(FieldError(name, "users.phone_chars"))
    if fields["language"] not in LANGUAGES:
        errors.append(FieldError("language", "users.one_of", {"choices": list(LANGUAGES)}))
    return errors


def parse_attachments(contracts: Sequence[tuple[str, str]], role: Role | str
                      ) -> tuple[list[tuple[str, str]], list[FieldError]]:
    """The (policy number, rights) pairs to attach a user to, each contract once, and
    the refusals: rights that cannot be given, a contract named twice, contracts for an
    underwriter (who sees every contract)."""
    out: list[tuple[str, str]] = []
    errors = []
    for number, rights in contracts:
        number = number.strip()
        if rights not in {r.value for r in ASSIGNABLE_RIGHTS}:
            errors.append(FieldError("contracts", "users.rights_one_of",
                                     {"policy": number,
                                      "choices": [r.value for r in ASSIGNABLE_RIGHTS]}))
        elif number in {n for n, _ in out}:
            errors.append(FieldError("contracts", "users.contract_twice", {"policy": number}))
        else:
            out.append((number, rights))
    if out and role == Role.UNDERWRITER:
        errors.append(FieldError("contracts", "users.underwriter_no_contracts"))
    return out, errors

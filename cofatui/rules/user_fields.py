"""The pure checks of a new user (issue 16 item 3, seed "Création d'un utilisateur",
SPEC §7): every field mandatory; civilité ``mr``/``mrs``/``ms``; phone and fax read by
``phonenumbers`` and stored as E.164; the e-mail's syntax checked by
``email-validator`` (no DNS look-up); the generated login; the activation code's
lifetime and tries. ``repository/sql/activation.py`` applies them before it writes, and
the users import (item 6) line by line.

Our choices: a number written without its country code is read as French (the seed's
market); the login is the first name's initial, ".", then the last name, lower-case
ASCII (accents dropped, letters and digits kept, spaces made hyphens, apostrophes and
other signs removed), and ``2``, ``3``… are added when taken."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from cofatui.enums import Role
from cofatui.errors import FieldError
from cofatui.rules.identity import FIELD_LIMITS, LANGUAGES, has_control

#: The civilités of the seed's form.
TITLES = ("mr", "mrs", "ms")
#: What people type for them, in French or English, any case, with or without the
#: final dot: read as the codes (Mademoiselle is no longer an official title: ms).
TITLE_SYNONYMS = {
    "mr": "mr", "m": "mr", "monsieur": "mr", "mister": "mr", "sr": "mr",
    "mrs": "mrs", "mme": "mrs", "madame": "mrs",
    "ms": "ms", "mlle": "ms", "mademoiselle": "ms", "miss": "ms"}
#: The roles an administrator gives at creation.
CREATABLE_ROLES = (Role.POLICYHOLDER, Role.CONTRACT_ADMIN)
#: A number without its country code is read in this region.
DEFAULT_REGION = "FR"
#: An activation code is valid this long, and cancelled after this many wrong tries.
CODE_VALIDITY = timedelta(hours=72)
CODE_MAX_TRIES = 5
#: Random bits of a code (at least 60): 16 characters of a 32-letter alphabet.
CODE_BITS = 80
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = CODE_BITS // 5
MAX_LOGIN = 80


@dataclass(frozen=True)
class NewUserFields:
    """A new user's fields once checked and normalised (E.164 phones, the e-mail as
    email-validator normalises it, lower-case codes)."""

    title: str
    last_name: str
    first_name: str
    phone: str
    fax: str
    email: str
    language: str
    role: Role


def new_user_fields(given: Mapping[str, object]
                    ) -> tuple[NewUserFields | None, list[FieldError]]:
    """Check ``title``, ``last_name``, ``first_name``, ``phone``, ``fax``, ``email``,
    ``language`` and ``role`` of a new user: the normalised fields, or None and the
    refusals (one per field at fault)."""
    errors: list[FieldError] = []
    text = {name: str(given.get(name) or "").strip()
            for name in ("title", "last_name", "first_name", "phone", "fax", "email",
                         "language", "role")}
    for name in ("title", "last_name", "first_name", "phone", "fax", "email", "language"):
        if not text[name]:
            errors.append(FieldError(name, "user_fields.required"))
    for name in ("last_name", "first_name", "email"):
        limit = FIELD_LIMITS[name]
        if len(text[name]) > limit or has_control(text[name]):
            errors.append(FieldError(name, "user_fields.at_most_printable",
                                     {"limit": limit}))
    title = title_code(text["title"])
    if text["title"] and title not in TITLES:
        errors.append(FieldError("title", "user_fields.one_of", {"choices": list(TITLES)}))
    language = text["language"].lower()
    if text["language"] and language not in LANGUAGES:
        errors.append(FieldError("language", "user_fields.one_of",
                                 {"choices": list(LANGUAGES)}))
    role = text["role"] or Role.POLICYHOLDER.value
    if role not in {r.value for r in CREATABLE_ROLES}:
        errors.append(FieldError("role", "user_fields.one_of",
                                 {"choices": [r.value for r in CREATABLE_ROLES]}))
    phones = {}
    for name in ("phone", "fax"):
        if text[name]:
            phones[name], error = e164(name, text[name])
            if error is not None:
                errors.append(error)
    email = text["email"]
    if email and not any(e.field == "email" for e in errors):
        email, error = checked_email(email)
        if error is not None:
            errors.append(error)
    if errors:
        return None, errors
    return NewUserFields(title=title, last_name=text["last_name"],
                         first_name=text["first_name"], phone=phones["phone"],
                         fax=phones["fax"], email=email, language=language,
                         role=Role(role)), []


def changed_field_errors(fields: dict[str, str], given: Mapping[str, object]
                         ) -> list[FieldError]:
    """A modification (item 4) checks the fields it changes as a creation does:
    ``fields`` (the account's, with the given ones) gets the civilité's code, E.164
    phones and the normalised e-mail of those ``given``; returns their refusals."""
    errors: list[FieldError] = []
    if given.get("title") is not None:
        fields["title"] = title_code(fields["title"])
        if fields["title"] not in TITLES:
            errors.append(FieldError("title", "user_fields.one_of",
                                     {"choices": list(TITLES)}))
    for name in ("phone", "fax"):
        if given.get(name):
            fields[name], error = e164(name, fields[name])
            errors += [error] if error is not None else []
    if given.get("email") and "@" in fields["email"]:
        fields["email"], error = checked_email(fields["email"])
        errors += [error] if error is not None else []
    return errors


def title_code(text: str) -> str:
    """``mr``, ``mrs`` or ``ms`` for what was typed (``Mme``, ``M.``, ``Mlle``,
    ``Madame``, ``Mrs``…); anything else lower-cased, for the check to refuse."""
    key = text.strip().lower().rstrip(".").strip()
    return TITLE_SYNONYMS.get(key, key)


def e164(field: str, text: str, region: str = DEFAULT_REGION
         ) -> tuple[str, FieldError | None]:
    """A phone or fax number in E.164 (``+33123456789``), or the refusal: not a number,
    or not a valid one for its country."""
    if len(text) > 40 or has_control(text):
        return text, FieldError(field, "user_fields.at_most_printable", {"limit": 40})
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text, FieldError(field, "user_fields.not_a_phone", {"text": text})
    if not phonenumbers.is_valid_number(number):
        return text, FieldError(field, "user_fields.not_a_valid_phone", {"text": text})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def checked_email(text: str) -> tuple[str, FieldError | None]:
    """The address as email-validator normalises it (syntax only, no DNS), or the
    refusal."""
    try:
        # Syntax only: no DNS; ``.test`` names (RFC 6761, our tests and demos) allowed.
        found = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return text, FieldError("email", "user_fields.not_an_email", {"text": text})
    return str(found.normalized), None


def _ascii(text: str) -> str:
    """Lower-case ASCII letters, digits and inner hyphens of ``text`` (accents
    dropped; anything else removed)."""
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    kept = re.sub(r"[^a-z0-9-]", "", flat.lower().replace(" ", "-").replace("_", "-"))
    return re.sub(r"-{2,}", "-", kept).strip("-")


def login_base(first_name: str, last_name: str) -> str:
    """``j.dupont`` for Jean Dupont: the first name's initial, ".", the last name, in
    ASCII. A name with no Latin letter gives ``u`` (initial) or ``user`` (last name),
    so that the login is always a valid one."""
    initial = _ascii(first_name).replace("-", "")[:1] or "u"
    last = _ascii(last_name)
    return f"{initial}.{(last or 'user')[:MAX_LOGIN - 8]}"


def next_login(base: str, taken: Callable[[str], bool] | set[str]) -> str:
    """``base``, or ``base2``, ``base3``… the first that is not ``taken`` (logins
    compared without case)."""
    def is_taken(login: str) -> bool:
        if callable(taken):
            return taken(login)
        return login.lower() in taken

    if not is_taken(base):
        return base
    number = 2
    while is_taken(f"{base}{number}"):
        number += 1
    return f"{base}{number}"


def format_code(raw: bytes) -> str:
    """A code of :data:`CODE_LENGTH` characters from at least ``CODE_BITS`` random bits,
    in groups of four (``ABCD-EFGH-JKLM-NPQR``): 32 letters and digits without the
    look-alikes I, O, 0 and 1."""
    value = int.from_bytes(raw, "big")
    chars = []
    for _ in range(CODE_LENGTH):
        value, index = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    text = "".join(chars)
    return "-".join(text[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """A typed code as it is hashed: upper-case, without spaces or hyphens."""
    return re.sub(r"[\s-]", "", text).upper()


#: A user's contact e-mail and postal address (seed 003 §II; issue 18 item 2), with
#: the lengths of their ``user`` columns.
CONTACT_LIMITS = {"contact_email": 200, "address": 200, "address_complement1": 200,
                  "address_complement2": 200, "postal_code": 10, "city": 100, "country": 2}


def contact_fields(given: Mapping[str, object]) -> tuple[dict[str, str], list[FieldError]]:
    """The contact e-mail (notifications go there, else to the login e-mail) and the
    postal address, all optional: stripped, the e-mail normalised, the country an ISO
    3166 alpha-2 code upper-cased; and the refusals, one per field at fault."""
    fields = {name: str(given.get(name) or "").strip() for name in CONTACT_LIMITS}
    errors: list[FieldError] = []
    for name, limit in CONTACT_LIMITS.items():
        if len(fields[name]) > limit or has_control(fields[name]):
            errors.append(FieldError(name, "user_fields.at_most_printable", {"limit": limit}))
    if fields["contact_email"] and not any(e.field == "contact_email" for e in errors):
        fields["contact_email"], error = checked_email(fields["contact_email"])
        if error is not None:
            errors.append(FieldError("contact_email", error.code, error.params))
    country = fields["country"] = fields["country"].upper()
    if country and not any(e.field == "country" for e in errors):
        errors += country_errors(country)
    return fields, errors


def country_errors(code: str, field: str = "country") -> list[FieldError]:
    """``code`` is not an ISO 3166 alpha-2 country code as CLDR knows them (none when
    it is). Upper case expected: the callers upper-case what is typed."""
    from babel import Locale

    if len(code) == 2 and code.isalpha() and code in Locale("en").territories:
        return []
    return [FieldError(field, "user_fields.unknown_country", {"code": code})]

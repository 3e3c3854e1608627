"""Rules of the addresses and contacts a claim records (SPEC §6, seed 000 "L’adresse de
facturation est différente", "Coordonnées de la personne chargée du dossier"): a billing
address other than the debtor's, the partner company that invoiced, a contact's name,
e-mail and phone. Pure: they take the values as they are sent and return field errors.

Lengths are those of the columns that keep them (``models.claim``: ``Claim.billing_*``,
``Claim.invoicing_partner``, ``ClaimDeclaration.contact_*``); a test holds them equal.
The country is a code of the reference table (``reference.countries_by_code``), as
written there (``FRA``, not ``fra``: the forms upper-case what is typed). The e-mail and
phone shapes are those of a user account (``rules.identity``). Control characters and
other text hygiene are the generic text rules' business, not repeated here.
"""

from __future__ import annotations

import re

from cofatui.errors import FieldError
from cofatui.reference import countries_by_code
from cofatui.rules.identity import EMAIL_RE, PHONE_RE

__all__ = ["BILLING_LIMITS", "CONTACT_LIMITS", "PARTNER_LIMIT", "billing_errors",
           "contact_errors", "contact_required_errors", "country_errors", "partner_errors"]

#: The longest text of each part of a billing address (the ``claim`` columns).
BILLING_LIMITS = {"address": 300, "postal_code": 20, "city": 100, "country": 3}
#: The longest name of the partner company that invoiced.
PARTNER_LIMIT = 200
#: The longest contact name, e-mail and phone a declaration keeps.
CONTACT_LIMITS = {"name": 120, "email": 200, "phone": 40}
#: Letters, digits, blanks and hyphens, starting with a letter or digit: every country's
#: postal code is written so ("75008", "SW1A 1AA", "1010-001", "H3Z 2Y7").
POSTAL_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")

MANDATORY = "common.mandatory"
MAX_CHARS = "common.max_chars"
UNKNOWN_COUNTRY = "claims_addresses.unknown_country"
POSTAL_CODE_CHARS = "claims_addresses.postal_code_chars"
EMAIL_INVALID = "claims.email_invalid"
PHONE_CHARS = "claims_addresses.phone_chars"
EMAIL_OR_PHONE = "claims_addresses.email_or_phone"


def country_errors(code: str, field: str) -> list[FieldError]:
    """``code`` is not a country of the reference table (none when it is)."""
    if code in countries_by_code():
        return []
    return [FieldError(field, UNKNOWN_COUNTRY, {"code": code})]


def _too_long(field: str, value: str, limit: int) -> list[FieldError]:
    return [FieldError(field, MAX_CHARS, {"max": limit})] if len(value) > limit else []


def billing_errors(address: str, postal_code: str, city: str, country: str,
                   different: bool | None = None) -> list[FieldError]:
    """A billing address other than the debtor's, on the fields ``billing_<part>``.

    All blank means "the debtor's own address" unless ``different`` says the user chose
    another one (the wizard's choice); then the street, the city and the country are
    needed (a postal code is not: some countries have none)."""
    parts = {"address": address, "postal_code": postal_code, "city": city,
             "country": country}
    if different is None:
        different = any(value.strip() for value in parts.values())
    if not different:
        return []
    errors: list[FieldError] = []
    for part, value in parts.items():
        field = f"billing_{part}"
        if part != "postal_code" and not value.strip():
            errors.append(FieldError(field, MANDATORY))
        elif len(value) > BILLING_LIMITS[part]:
            errors.extend(_too_long(field, value, BILLING_LIMITS[part]))
        elif part == "postal_code" and value and not POSTAL_CODE_RE.fullmatch(value):
            errors.append(FieldError(field, POSTAL_CODE_CHARS))
        elif part == "country":
            errors.extend(country_errors(value, field))
    return errors


def partner_errors(name: str, named: bool | None = None) -> list[FieldError]:
    """The partner company that invoiced, on ``invoicing_partner``: blank is "we did"
    unless ``named`` says the user chose a partner (then its name is needed)."""
    if named and not name.strip():
        return [FieldError("invoicing_partner", MANDATORY)]
    return _too_long("invoicing_partner", name, PARTNER_LIMIT)


def contact_errors(prefix: str, name: str, email: str, phone: str) -> list[FieldError]:
    """Lengths of a contact's name, e-mail and phone, the e-mail's shape and the phone's
    characters; fields ``<prefix>name``, ``<prefix>email``, ``<prefix>phone``."""
    errors: list[FieldError] = []
    for part, value in (("name", name), ("email", email), ("phone", phone)):
        errors.extend(_too_long(f"{prefix}{part}", value, CONTACT_LIMITS[part]))
    if email.strip() and len(email) <= CONTACT_LIMITS["email"] \
            and not EMAIL_RE.fullmatch(email.strip()):
        errors.append(FieldError(f"{prefix}email", EMAIL_INVALID))
    if len(phone) <= CONTACT_LIMITS["phone"] and not PHONE_RE.fullmatch(phone.strip()):
        errors.append(FieldError(f"{prefix}phone", PHONE_CHARS))
    return errors


def contact_required_errors(prefix: str, name: str, email: str,
                            phone: str) -> list[FieldError]:
    """The contact in charge of a new claim: a name, and an e-mail or a phone to reach
    them by (seed 000 "Assurez-vous d’avoir rempli tous les champs")."""
    errors: list[FieldError] = []
    if not name.strip():
        errors.append(FieldError(f"{prefix}name", MANDATORY))
    if not email.strip() and not phone.strip():
        errors.append(FieldError(f"{prefix}email", EMAIL_OR_PHONE))
    return errors

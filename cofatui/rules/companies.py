"""What a company the user creates, and a company's own fields under a contract, must
hold (SPEC §3 item 3, seed 001 "Création d'une entreprise"; SPEC §8: the server enforces
the rules the forms check).

The TUI calls these functions to show each refusal at its field before sending, and the
SQL repository calls the same ones for every backend, so a client that skips the form
(a script on the API, an older TUI) meets the same refusals with the same codes.

Lengths are the database columns' (``cofatui/models/company.py`` and ``portfolio.py``;
``tests/contract/test_form_rules_companies.py`` holds them equal): a value that does not
fit is a field error here, never a database message. Text and amounts also pass the
generic checks of ``rules/text`` (no control characters, lone surrogates or line
breaks) and ``rules/numbers`` (a storable amount). Countries are the reference table's
(``cofatui.reference``); the legal identifier is checked with python-stdnum through
``rules/identifiers``. The reference table knows no postal-code formats, so postal
codes are only checked for presence and length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from cofatui import reference
from cofatui.errors import FieldError, ValidationFailed
from cofatui.reference import Country
from cofatui.rules.identifiers import validate_legal_identifier
from cofatui.rules.identity import PHONE_RE
from cofatui.rules.numbers import amount_errors, integer_errors
from cofatui.rules.text import text_errors

__all__ = [
    "COMPANY_MAX_LENGTHS",
    "CUSTOM_FIELD_MAX_LENGTH",
    "ENTRY_AMOUNTS",
    "ENTRY_MAX_LENGTHS",
    "MANDATORY",
    "CompanyFields",
    "EntryChanges",
    "HeadOffice",
    "company_field_errors",
    "head_office_errors",
    "legal_identifier",
    "name_key",
    "portfolio_entry_errors",
]

#: Seed 001: "Les champs suivants sont obligatoires pour créer une nouvelle entreprise".
MANDATORY = ("name", "address", "city", "postal_code", "country")

#: The ``company`` columns a user types into, and their widths.
COMPANY_MAX_LENGTHS: Mapping[str, int] = {
    "name": 200, "name_local": 200, "address": 300, "postal_code": 20, "city": 100,
    "region": 100, "phone": 40,
}
#: ``portfolio_entry.client_reference`` and ``custom_field_value.value``.
ENTRY_MAX_LENGTHS: Mapping[str, int] = {"client_reference": 35}
CUSTOM_FIELD_MAX_LENGTH = 200
#: The amounts of a portfolio entry, in the contract's currency.
ENTRY_AMOUNTS = ("outstanding_amount", "internal_credit_limit")

_IDENTIFIER_FIELDS = ("legal_identifier", "legal_identifier_type")
#: Every text of a creation, in the form's order: each gets the generic text check.
_TEXT_FIELDS = ("name", "name_local", "country", "address", "postal_code", "city", "region",
                "phone", "legal_identifier_type", "legal_identifier_value")


class CompanyFields(Protocol):
    """What a company creation carries (``schemas.CompanyCreate`` has this shape)."""

    @property
    def name(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def postal_code(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def name_local(self) -> str | None: ...
    @property
    def legal_identifier_type(self) -> str | None: ...
    @property
    def legal_identifier_value(self) -> str | None: ...


class EntryChanges(Protocol):
    """A change of a portfolio entry's own fields (``schemas.PortfolioEntryUpdate``)."""

    @property
    def client_reference(self) -> str | None: ...
    @property
    def outstanding_amount(self) -> Decimal | None: ...
    @property
    def internal_credit_limit(self) -> Decimal | None: ...
    @property
    def custom_fields(self) -> Mapping[int, str] | None: ...


@dataclass(frozen=True, slots=True)
class HeadOffice:
    """The company a new branch is attached to, as the database holds it."""

    country: str
    is_branch: bool


def name_key(name: str) -> str:
    """The casefolded name with blanks collapsed: what the name search matches on."""
    return " ".join(name.casefold().split())


def company_field_errors(data: CompanyFields,
                         countries: Mapping[str, Country] | None = None) -> list[FieldError]:
    """Every refusal of a company creation's fields, each at its field, in the form's
    order; empty when the company may be created (the database checks, such as a
    duplicate identifier or the head office, come after).

    Characters are judged as typed (``rules/text``: what the repository's input guard
    refuses, with the same code), lengths as stored: without surrounding blanks.
    """
    countries = reference.countries_by_code() if countries is None else countries
    errors = [FieldError(f, "companies.mandatory") for f in MANDATORY
              if not (getattr(data, f) or "").strip()]
    for f in _TEXT_FIELDS:
        raw = getattr(data, f) or ""
        refused = text_errors(f, raw)
        limit = COMPANY_MAX_LENGTHS.get(f)
        if not refused and limit is not None:
            value = raw.strip()
            refused = text_errors(f, value, max_chars=limit)
            if not refused and f == "name" and len(name_key(value)) > limit:
                # The search key is stored too; casefolding may lengthen it ("ß" -> "ss").
                refused = [FieldError(f, "companies.name_key_too_long",
                                      {"max": limit, "length": len(name_key(value))})]
        errors += refused
    refused_fields = {e.field for e in errors}
    phone = data.phone.strip()
    if phone and "phone" not in refused_fields and not (
            PHONE_RE.fullmatch(phone) and any(ch.isdigit() for ch in phone)):
        errors.append(FieldError("phone", "companies.phone_chars"))
    code = data.country.strip().upper()
    country = countries.get(code) if code and "country" not in refused_fields else None
    if code and country is None and "country" not in refused_fields:
        errors.append(_unknown_country(data.country.strip(), countries))
    if not refused_fields & {"legal_identifier_type", "legal_identifier_value"}:
        errors += _identifier_errors(data, country)
    return errors


def _unknown_country(typed: str, countries: Mapping[str, Country]) -> FieldError:
    """An unknown code; an ISO alpha-2 code ("FR") names the code it stands for."""
    meant = next((c.code for c in countries.values()
                  if c.iso_alpha2 and c.iso_alpha2 == typed.upper()), None)
    if meant is not None:
        return FieldError("country", "companies.country_alpha2",
                          {"country": typed, "meant": meant})
    return FieldError("country", "companies.unknown_country", {"country": typed})


def _identifier_errors(data: CompanyFields, country: Country | None) -> list[FieldError]:
    """The legal identifier, checked only when typed; a type without a value is no
    identifier (it is recommended, not mandatory)."""
    value = (data.legal_identifier_value or "").strip()
    kind = (data.legal_identifier_type or "").strip()
    if not value:
        return []
    if not kind:
        return [FieldError("legal_identifier_type", "companies.choose_identifier_type")]
    if country is None:  # the country's own refusal says it; its types are unknown
        return []
    try:
        validate_legal_identifier(country.code, kind, value)
    except ValidationFailed as exc:
        return [e for e in exc.errors if e.field in _IDENTIFIER_FIELDS]
    return []


def legal_identifier(data: CompanyFields) -> tuple[str, str] | None:
    """The (type, stored value) of a creation that passed :func:`company_field_errors`,
    or None when it carries no identifier."""
    value = (data.legal_identifier_value or "").strip()
    kind = (data.legal_identifier_type or "").strip()
    if not (value and kind):
        return None
    return kind, validate_legal_identifier(data.country, kind, value)


def head_office_errors(country: str, head_office_id: int,
                       head_office: HeadOffice | None) -> list[FieldError]:
    """A branch is attached to an existing head office of its own country (SPEC §3
    item 3: branches are listed under their head office, so a branch of a branch, or
    one abroad, would be shown under the wrong establishment). ``head_office`` is what
    the database holds under ``head_office_id``: None for no such company (an id no
    row can have is refused as out of range)."""
    out_of_range = integer_errors("head_office_id", head_office_id)
    if out_of_range:
        return out_of_range
    if head_office is None:
        return [FieldError("head_office_id", "companies.head_office_not_found",
                           {"company_id": head_office_id})]
    if head_office.is_branch:
        return [FieldError("head_office_id", "companies.head_office_is_branch",
                           {"company_id": head_office_id})]
    wanted = country.strip().upper()
    if wanted and head_office.country != wanted:
        return [FieldError("head_office_id", "companies.head_office_other_country",
                           {"company_id": head_office_id, "country": wanted,
                            "head_office_country": head_office.country})]
    return []


def portfolio_entry_errors(changes: EntryChanges) -> list[FieldError]:
    """Refusals of a change of a company's own fields under a contract (client
    reference, amounts, custom-field values). Whether a custom-field slot exists is the
    contract's business: the repository checks it."""
    errors: list[FieldError] = []
    if changes.client_reference is not None:
        errors += text_errors("client_reference", changes.client_reference,
                              max_chars=ENTRY_MAX_LENGTHS["client_reference"])
    for f in ENTRY_AMOUNTS:
        amount: Decimal | None = getattr(changes, f)
        if amount is None:
            continue
        # A storable amount first: NaN cannot even be compared with 0.
        refused = amount_errors(f, amount)
        if not refused and amount < 0:
            refused = [FieldError(f, "common.not_negative")]
        errors += refused
    for slot, value in sorted((changes.custom_fields or {}).items()):
        errors += text_errors(f"custom_field_{slot}", value, max_chars=CUSTOM_FIELD_MAX_LENGTH)
    return errors

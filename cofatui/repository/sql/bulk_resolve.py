"""Bulk orders: which company a line names (issue 14, item 4).

In the line's country, in the insurer's database only (never a partner's record): the
EasyNumber first; otherwise the identifier value, normalised as stored (``CRScny``
is the Coface reference). The lookup does not require a valid check digit (the seed's
SIRENs fail theirs); when nothing matches, the detail says whether the check digit is
also wrong. Several matches, or an identifier naming another company than the line's
EasyNumber, give ``company_not_unique`` with up to five EasyNumbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.formats.bulk_orders import LineError, OrderLine
from cofatui.formats.bulk_orders.messages import field_term
from cofatui.models import Company, LegalIdentifier
from cofatui.reference import COFACE_REFERENCE_TYPE
from cofatui.repository.sql.companies import PARTNER
from cofatui.repository.sql.search import identifier_variants
from cofatui.rules.identifiers import (
    has_specific_check,
    normalize_coface_reference,
    validate_legal_identifier,
)

__all__ = ["Resolved", "resolve"]

#: At most this many EasyNumbers are named when a line's company is not unique.
SHOWN_MATCHES = 5


@dataclass(frozen=True, slots=True)
class Resolved:
    """The company a line names (what its result shows of it)."""

    id: int
    name: str
    easy_number: str


def resolve(s: Session, order: OrderLine) -> Resolved | LineError:
    """The line's company, or why it cannot be told (``company_not_found``,
    ``company_not_unique``)."""
    found = order.identification
    by_identifier: list[Company] | None = None
    if found.identifier_type and found.identifier_value:
        by_identifier = _by_identifier(s, order.country, found.identifier_type,
                                       found.identifier_value)
    if found.easy_number is not None:
        company = s.execute(select(Company).where(
            Company.easy_number == found.easy_number, Company.country == order.country,
            Company.source != PARTNER)).scalars().first()
        if company is None:
            return LineError.of("company_not_found", "bulk_imports.company_not_found",
                                "easy_number", country=order.country,
                                field=field_term("easy_number"), value=found.easy_number)
        if by_identifier and all(c.id != company.id for c in by_identifier):
            return LineError.of("company_not_unique", "bulk_imports.identifiers_disagree",
                                "identifier_value", easy_number=found.easy_number,
                                type=found.identifier_type, value=found.identifier_value,
                                easy_numbers=_easy_numbers([company, *by_identifier]))
        return _resolved(company)
    assert found.identifier_type and found.identifier_value  # the format checks said so
    matches = by_identifier or []
    if len(matches) == 1:
        return _resolved(matches[0])
    if matches:
        return LineError.of("company_not_unique", "bulk_imports.company_not_unique",
                            "identifier_value", country=order.country,
                            field=field_term("identifier_value"),
                            value=found.identifier_value,
                            easy_numbers=_easy_numbers(matches))
    code = "bulk_imports.company_not_found_check_digit" \
        if _check_digit_wrong(order.country, found.identifier_type, found.identifier_value) \
        else "bulk_imports.company_not_found"
    return LineError.of("company_not_found", code, "identifier_value", country=order.country,
                        field=field_term("identifier_value"), value=found.identifier_value)


def _by_identifier(s: Session, country: str, type_code: str, value: str) -> list[Company]:
    query = select(Company).where(Company.country == country, Company.source != PARTNER)
    if type_code == COFACE_REFERENCE_TYPE:
        try:
            reference = normalize_coface_reference(value)
        except ValidationFailed:
            return []
        query = query.where(Company.coface_reference == reference)
    else:
        query = query.where(Company.id.in_(
            select(LegalIdentifier.company_id).where(
                LegalIdentifier.type_code == type_code,
                LegalIdentifier.value.in_(identifier_variants(value, type_code, country)))))
    return list(s.execute(query.order_by(Company.easy_number)
                          .limit(SHOWN_MATCHES + 1)).scalars())


def _check_digit_wrong(country: str, type_code: str, value: str) -> bool:
    if not has_specific_check(type_code):
        return False
    try:
        validate_legal_identifier(country, type_code, value)
    except ValidationFailed:
        return True
    return False


def _easy_numbers(companies: list[Company]) -> str:
    numbers = sorted({c.easy_number for c in companies})
    shown = ", ".join(numbers[:SHOWN_MATCHES])
    return shown + (", …" if len(numbers) > SHOWN_MATCHES else "")


def _resolved(company: Company) -> Resolved:
    assert company.id is not None
    return Resolved(company.id, company.name, company.easy_number)

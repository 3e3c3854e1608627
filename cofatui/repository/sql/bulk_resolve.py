"""Bulk orders: which company a line names (issue 14, item 4).

In the line's country, in the insurer's database only (never a partner's record): the
EasyNumber first; otherwise the identifier value, normalised as stored (``CRScny``
is the Coface reference). The lookup does not require a valid check digit (the seed's
SIRENs fail theirs); when nothing matches, the detail says whether the check digit is
also wrong. Several matches, or an identifier naming another company than the line's
EasyNumber, give ``company_not_unique`` with up to five EasyNumbers.

A run resolves all its lines before the first one runs (:func:`resolve_all`): the
EasyNumbers, which most lines give, are looked up a few hundred at a time rather than
one query per line, so that the first line starts (and the first progress shows) at
once even on a file of 10 000 lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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

__all__ = ["Resolved", "resolve", "resolve_all"]

#: At most this many EasyNumbers are named when a line's company is not unique.
SHOWN_MATCHES = 5
#: EasyNumbers looked up per query by :func:`resolve_all` (well under the bound
#: parameters SQLite and PostgreSQL take in one statement).
EASY_NUMBERS_PER_QUERY = 500


@dataclass(frozen=True, slots=True)
class Resolved:
    """The company a line names (what its result shows of it)."""

    id: int
    name: str
    easy_number: str


#: The insurer's companies by (country, EasyNumber), as :func:`resolve_all` found them.
ByEasyNumber = Mapping[tuple[str, str], Resolved]


def resolve_all(s: Session, orders: Iterable[OrderLine]) -> dict[int, Resolved | LineError]:
    """Each line's company (or why it cannot be told), by line number."""
    lines = list(orders)
    known = _by_easy_numbers(s, {o.identification.easy_number for o in lines
                                 if o.identification.easy_number is not None})
    return {order.line_no: resolve(s, order, known) for order in lines}


def _by_easy_numbers(s: Session, numbers: set[str]) -> dict[tuple[str, str], Resolved]:
    """The insurer's companies of these EasyNumbers, in any country; of several with
    one number in one country, the first stored (as the line-by-line query gave)."""
    found: dict[tuple[str, str], Resolved] = {}
    wanted = sorted(numbers)
    for start in range(0, len(wanted), EASY_NUMBERS_PER_QUERY):
        chunk = wanted[start:start + EASY_NUMBERS_PER_QUERY]
        rows = s.execute(select(Company.id, Company.name, Company.easy_number,
                                Company.country)
                         .where(Company.easy_number.in_(chunk), Company.source != PARTNER)
                         .order_by(Company.id))
        for company_id, name, easy_number, country in rows:
            found.setdefault((country, easy_number), Resolved(company_id, name, easy_number))
    return found


def resolve(s: Session, order: OrderLine,
            known: ByEasyNumber | None = None) -> Resolved | LineError:
    """The line's company, or why it cannot be told (``company_not_found``,
    ``company_not_unique``). ``known``: the companies of the run's EasyNumbers, looked
    up beforehand (:func:`resolve_all`); without it the EasyNumber is looked up here."""
    found = order.identification
    by_identifier: list[Company] | None = None
    if found.identifier_type and found.identifier_value:
        by_identifier = _by_identifier(s, order.country, found.identifier_type,
                                       found.identifier_value)
    if found.easy_number is not None:
        company = known.get((order.country, found.easy_number)) if known is not None \
            else _by_easy_number(s, order.country, found.easy_number)
        if company is None:
            return LineError.of("company_not_found", "bulk_imports.company_not_found",
                                "easy_number", country=order.country,
                                field=field_term("easy_number"), value=found.easy_number)
        if by_identifier and all(c.id != company.id for c in by_identifier):
            return LineError.of("company_not_unique", "bulk_imports.identifiers_disagree",
                                "identifier_value", easy_number=found.easy_number,
                                type=found.identifier_type, value=found.identifier_value,
                                easy_numbers=_easy_numbers([company, *by_identifier]))
        return company
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


def _by_easy_number(s: Session, country: str, easy_number: str) -> Resolved | None:
    company = s.execute(select(Company).where(
        Company.easy_number == easy_number, Company.country == country,
        Company.source != PARTNER).order_by(Company.id)).scalars().first()
    return _resolved(company) if company is not None else None


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


def _easy_numbers(companies: Iterable[Company | Resolved]) -> str:
    numbers = sorted({c.easy_number for c in companies})
    shown = ", ".join(numbers[:SHOWN_MATCHES])
    return shown + (", …" if len(numbers) > SHOWN_MATCHES else "")


def _resolved(company: Company) -> Resolved:
    assert company.id is not None
    return Resolved(company.id, company.name, company.easy_number)

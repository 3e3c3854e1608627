"""The fields each company-information form needs (issue 17 item 4, seed "ENVOYER DES
INFORMATIONS SUR UNE ENTREPRISE").

- **Negative information** ("Déclaration d'information négative"): its nature
  (commercial or financial), the date of the event (not after today), a description
  (mandatory, at most 2 000 characters), optionally the amount at stake (Money, at
  least 0, with its currency) and documents (up to ten).
- **Information transmission** ("Transmission d'informations sur une entreprise"): one
  of the seed's seven types; for accounts (``ACCOUNTS_TYPES``) the closing date (not
  after today) and whether they are complete; a comment of at most 1 000 characters;
  "ask for a DRA review"; and 1 to 10 documents.

A field the other form has is refused rather than silently dropped: a script sending a
description with a transmission learns it is not kept. The files themselves are checked
by :func:`cofatui.rules.attachments.check_documents`.
"""

from __future__ import annotations

from datetime import date

from cofatui.enums import ACCOUNTS_TYPES, CompanyInfoForm, CompanyInfoStatus
from cofatui.errors import FieldError
from cofatui.rules.currencies import currency_errors
from cofatui.rules.money import Money, UnknownCurrency
from cofatui.schemas_company_info import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    MAX_FILES,
    CompanyInfoIn,
)

#: The outcomes an underwriter may give (in progress is where a submission starts).
OUTCOMES = frozenset({CompanyInfoStatus.ANALYSED, CompanyInfoStatus.NOT_COMPATIBLE,
                      CompanyInfoStatus.ALREADY_KNOWN})

_NEGATIVE_ONLY = ("nature", "event_date", "amount", "currency", "description")
_TRANSMISSION_ONLY = ("info_type", "closing_date", "complete", "comment", "dra_review")


def files_range(form: CompanyInfoForm) -> tuple[int, int]:
    """How many files the form takes: (at least, at most)."""
    return (1 if form == CompanyInfoForm.TRANSMISSION else 0), MAX_FILES


def _set(data: CompanyInfoIn, field: str) -> bool:
    value = getattr(data, field)
    return value not in (None, "", False)


def _date_errors(field: str, value: date | None, today: date) -> list[FieldError]:
    if value is None:
        return [FieldError(field, "common.mandatory")]
    if value > today:
        return [FieldError(field, "company_info.date_in_future", {"today": today})]
    return []


def _amount_errors(data: CompanyInfoIn, today: date) -> list[FieldError]:
    if data.amount is None:
        return ([FieldError("amount", "company_info.currency_without_amount")]
                if data.currency else [])
    if not data.currency:
        return [FieldError("currency", "common.mandatory")]
    errors = currency_errors(data.currency, today)
    if errors:
        return errors
    if not data.amount.is_finite():
        return [FieldError("amount", "money.not_finite")]
    if data.amount < 0:
        return [FieldError("amount", "common.not_negative")]
    try:
        fits = Money(data.amount, data.currency).fits_minor_unit()
    except UnknownCurrency:
        return [FieldError("currency", "money.unknown_currency", {"code": data.currency})]
    if not fits:
        decimals = Money(data.amount, data.currency).decimals
        return [FieldError("amount", "common.max_decimals", {"count": decimals})]
    return []


def _negative_errors(data: CompanyInfoIn, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.nature is None:
        errors.append(FieldError("nature", "common.mandatory"))
    errors += _date_errors("event_date", data.event_date, today)
    if not data.description.strip():
        errors.append(FieldError("description", "common.mandatory"))
    elif len(data.description) > DESCRIPTION_MAX:
        errors.append(FieldError("description", "common.too_long",
                                 {"max": DESCRIPTION_MAX, "length": len(data.description)}))
    return errors + _amount_errors(data, today)


def _transmission_errors(data: CompanyInfoIn, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.info_type is None:
        errors.append(FieldError("info_type", "common.mandatory"))
    elif data.info_type in ACCOUNTS_TYPES:
        errors += _date_errors("closing_date", data.closing_date, today)
        if data.complete is None:
            errors.append(FieldError("complete", "company_info.say_complete"))
    else:
        errors += [FieldError(field, "company_info.accounts_only")
                   for field in ("closing_date", "complete") if _set(data, field)]
    if len(data.comment) > COMMENT_MAX:
        errors.append(FieldError("comment", "common.too_long",
                                 {"max": COMMENT_MAX, "length": len(data.comment)}))
    return errors


def form_errors(data: CompanyInfoIn, today: date) -> list[FieldError]:
    """Every refusal of the form's fields (none when it may be sent), files apart."""
    if data.form == CompanyInfoForm.NEGATIVE:
        other = [FieldError(f, "company_info.not_in_form") for f in _TRANSMISSION_ONLY
                 if _set(data, f)]
        return _negative_errors(data, today) + other
    other = [FieldError(f, "company_info.not_in_form") for f in _NEGATIVE_ONLY if _set(data, f)]
    return _transmission_errors(data, today) + other


def category_of(form: str, info_type: str | None) -> str:
    """What a submission is about, in one word: its type, or "negative" (the
    ``Document.category`` of its files, and the notification's subject)."""
    if form == CompanyInfoForm.NEGATIVE or info_type is None:
        return CompanyInfoForm.NEGATIVE.value
    return str(info_type)


def document_category(data: CompanyInfoIn) -> str:
    """The ``Document.category`` of the form's files (:func:`category_of`)."""
    return category_of(data.form, data.info_type.value if data.info_type else None)


def outcome_refusal(outcome: CompanyInfoStatus) -> FieldError | None:
    """An outcome must be one of :data:`OUTCOMES` (not "in progress")."""
    if outcome not in OUTCOMES:
        return FieldError("outcome", "company_info.choose_outcome")
    return None

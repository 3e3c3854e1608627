"""Paying premium notices (issue 20 item 2 "Payment"): whole notices of one contract and
one currency settled together, with the EUR amount the bank moved when the currency is
not EUR (it also records the rate). The payment, the notices' status and, when the
contract has books, the proposed entry (``ledger_post.book_source``) are one
transaction; the notices are row-locked first, so two racing payments of the same
notice cannot both pass."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import NoticeStatus, Section
from cofatui.errors import FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.models.premiums import PremiumNotice, PremiumPayment
from cofatui.repository.sql.books_access import books_of_contract
from cofatui.repository.sql.premiums_notices import CENTS, NOTICE_NOT_FOUND
from cofatui.schemas_accounting import PaymentCreate, PaymentPublic

if TYPE_CHECKING:
    from cofatui.repository.sql.premiums import SqlPremiums


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def eur_errors(data: PaymentCreate, currency: str, amount: Decimal) -> list[FieldError]:
    """``eur_amount``: absent or the total in EUR; required in another currency, in
    cents, of the net's sign (a net refund is credited)."""
    eur = data.eur_amount
    if currency == "EUR":
        if eur is not None and eur != amount:
            return [FieldError("eur_amount", "premiums.eur_not_total", {"total": amount})]
        return []
    if eur is None:
        return [FieldError("eur_amount", "premiums.eur_required", {"currency": currency})]
    if eur != eur.quantize(CENTS) or _sign(eur) != _sign(amount):
        return [FieldError("eur_amount", "premiums.eur_wrong_sign"
                           if eur == eur.quantize(CENTS) else "premiums.bad_amount",
                           {"decimals": 2})]
    return []


def pay(area: SqlPremiums, data: PaymentCreate) -> PaymentPublic:
    today = area.clock.now().date()
    errors: list[FieldError] = []
    if data.paid_on > today:
        errors.append(FieldError("paid_on", "premiums.paid_in_future"))
    bank = data.bank_account.strip()
    if bank and not (bank.isdigit() and bank.startswith("5")):
        errors.append(FieldError("bank_account", "books.bad_account_number",
                                 {"number": bank, "account_class": "5"}))
    if len(set(data.notice_ids)) != len(data.notice_ids):
        errors.append(FieldError("notice_ids", "premiums.notice_twice"))
    if errors:
        raise ValidationFailed(errors)
    area._visible_or_404(data.contract_id, "premiums.contract_not_found",
                         contract_id=data.contract_id)
    with area._uow(write=True) as s:
        notices = s.execute(select(PremiumNotice)
                            .where(col(PremiumNotice.id).in_(data.notice_ids))
                            .order_by(col(PremiumNotice.id)).with_for_update()
                            ).scalars().all()
        readable = set(area._readable({n.contract_id for n in notices}, Section.ACCOUNTING))
        found = {n.id for n in notices if n.contract_id in readable}
        for nid in data.notice_ids:
            if nid not in found:
                raise NotFound(NOTICE_NOT_FOUND, notice_id=nid)
        if any(n.contract_id != data.contract_id for n in notices):
            raise RuleViolation("premiums.mixed_contracts")
        area._require_write(data.contract_id, Section.ACCOUNTING)
        for n in notices:
            if n.status != NoticeStatus.ISSUED.value:
                raise RuleViolation("premiums.notice_not_due", number=n.number)
        currencies = {n.currency for n in notices}
        if len(currencies) > 1:
            raise RuleViolation("premiums.mixed_currencies",
                                currencies=", ".join(sorted(currencies)))
        currency = currencies.pop()
        amount = sum((n.total for n in notices), Decimal(0))
        errors = eur_errors(data, currency, amount)
        if errors:
            raise ValidationFailed(errors)
        books = books_of_contract(s, data.contract_id)
        payment = PremiumPayment(
            contract_id=data.contract_id, paid_on=data.paid_on,
            bank_account=bank or (books.bank_account if books else "512"),
            currency=currency, amount=amount,
            eur_amount=amount if data.eur_amount is None else data.eur_amount,
            recorded_at=area.clock.now(), recorded_by=area.principal.login)
        s.add(payment)
        s.flush()
        assert payment.id is not None
        for n in notices:
            n.status = NoticeStatus.PAID.value
            n.payment_id = payment.id
        s.flush()
        area._audit(s, "premiums.pay", "premium_payment", payment.id,
                    {"notices": [None, [n.number for n in notices]],
                     "amount": [None, f"{amount} {currency}"],
                     "eur_amount": [None, payment.eur_amount], "paid_on": [None, data.paid_on]},
                    data.contract_id)
        if books is not None:
            from cofatui.repository.sql.ledger_post import book_source

            book_source(s, area.root, "payment", payment.id)
        return payment_publics(s, [payment])[0]


def payment_publics(s: Session, rows: Sequence[PremiumPayment]) -> list[PaymentPublic]:
    ids = [p.id for p in rows]
    numbers: dict[int, list[str]] = {i: [] for i in ids if i is not None}
    for pid, number in s.execute(select(PremiumNotice.payment_id, PremiumNotice.number)
                                 .where(col(PremiumNotice.payment_id).in_(ids or [-1]))
                                 .order_by(col(PremiumNotice.number))).all():
        numbers[pid].append(number)
    out = []
    for p in rows:
        assert p.id is not None
        out.append(PaymentPublic(id=p.id, contract_id=p.contract_id, paid_on=p.paid_on,
                                 bank_account=p.bank_account, currency=p.currency,
                                 amount=p.amount, eur_amount=p.eur_amount,
                                 notice_numbers=numbers[p.id]))
    return out

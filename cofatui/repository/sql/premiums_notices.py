"""Writing and reading premium notices (issue 20 item 2), shared by ``repo.premiums``
and the TopLiner purchase (``product_commands``): numbering, line sums, public rows.

An insurer notice is numbered ``PRM-<year>-<6 digits>`` under the transaction that
writes it: the next number after the year's highest, inserted in a savepoint; when a
concurrent writer took it first (the unique index refuses it), the next one is tried."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import NoticeKind, NoticeLineRole, NoticeOrigin, NoticeStatus
from cofatui.errors import Conflict
from cofatui.models import Contract, Product
from cofatui.models.premiums import PremiumNotice, PremiumNoticeLine, PremiumPayment
from cofatui.schemas_accounting import NoticeLineIn, NoticeLinePublic, NoticePublic

if TYPE_CHECKING:
    from cofatui.repository.sql.core import SqlCore

NOTICE_NOT_FOUND = "premiums.notice_not_found"
#: Attempts at a free number before giving up (each a concurrent notice of the year).
_NUMBER_TRIES = 20
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class LineSpec:
    """A line to write (``NoticeLineIn`` plus what a gathered line bills)."""

    role: NoticeLineRole
    label: str
    amount_excl_tax: Decimal
    tax: Decimal = Decimal(0)
    product_id: int | None = None
    claim_id: int | None = None

    @classmethod
    def of(cls, line: NoticeLineIn) -> LineSpec:
        return cls(line.role, line.label.strip(), line.amount_excl_tax, line.tax)


def next_number(s: Session, year: int) -> str:
    prefix = f"PRM-{year}-"
    last = s.execute(select(func.max(PremiumNotice.number))
                     .where(col(PremiumNotice.number).like(prefix + "%"))).scalar()
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:06d}"


def insert_notice(s: Session, *, contract_id: int, kind: NoticeKind, origin: NoticeOrigin,
                  period: tuple[date, date], due_date: date, currency: str,
                  lines: Sequence[LineSpec], issued_on: date, login: str,
                  number: str = "", product_id: int | None = None,
                  turnover: Decimal | None = None) -> PremiumNotice:
    """Write a notice and its lines; an empty ``number`` is given the next
    ``PRM-<year>-nnnnnn``. A typed number already taken raises IntegrityError to the
    caller (who words it)."""
    amount = sum((ln.amount_excl_tax for ln in lines), Decimal(0))
    tax = sum((ln.tax for ln in lines), Decimal(0))
    notice = PremiumNotice(number=number, contract_id=contract_id, kind=kind.value,
                           origin=origin.value, status=NoticeStatus.ISSUED.value,
                           period_start=period[0], period_end=period[1], issued_on=issued_on,
                           due_date=due_date, currency=currency, amount_excl_tax=amount,
                           tax=tax, total=amount + tax, product_id=product_id,
                           turnover=turnover, created_by=login)
    if number:
        s.add(notice)
        s.flush()
    else:
        for _ in range(_NUMBER_TRIES):
            notice.number = next_number(s, issued_on.year)
            try:
                with s.begin_nested():
                    s.add(notice)
                    s.flush()
                break
            except IntegrityError:  # a concurrent notice took the number: the next one
                continue
        else:
            raise Conflict("premiums.numbering_busy")
    assert notice.id is not None
    if lines:  # a bulk insert: a month's services notice has a line per delivery
        s.execute(insert(PremiumNoticeLine), [
            {"notice_id": notice.id, "line_no": i, "role": ln.role.value, "label": ln.label,
             "amount_excl_tax": ln.amount_excl_tax, "tax": ln.tax,
             "product_id": ln.product_id, "claim_id": ln.claim_id}
            for i, ln in enumerate(lines, start=1)])
    return notice


def notice_publics(s: Session, notices: Sequence[PremiumNotice]) -> list[NoticePublic]:
    """Public rows with their lines, policy numbers and payment dates (three queries)."""
    ids = [n.id for n in notices]
    lines: dict[int, list[NoticeLinePublic]] = {i: [] for i in ids if i is not None}
    for ln in s.execute(select(PremiumNoticeLine)
                        .where(col(PremiumNoticeLine.notice_id).in_(ids or [-1]))
                        .order_by(col(PremiumNoticeLine.notice_id),
                                  col(PremiumNoticeLine.line_no))).scalars():
        lines[ln.notice_id].append(NoticeLinePublic(
            line_no=ln.line_no, role=NoticeLineRole(ln.role), label=ln.label,
            amount_excl_tax=ln.amount_excl_tax, tax=ln.tax, product_id=ln.product_id,
            claim_id=ln.claim_id))
    policies = dict(s.execute(select(Contract.id, Contract.policy_number).where(
        col(Contract.id).in_({n.contract_id for n in notices} or {-1}))).all())
    paid = dict(s.execute(select(PremiumPayment.id, PremiumPayment.paid_on).where(
        col(PremiumPayment.id).in_({n.payment_id for n in notices if n.payment_id}
                                   or {-1}))).all())
    out = []
    for n in notices:
        assert n.id is not None
        out.append(NoticePublic(
            id=n.id, number=n.number, contract_id=n.contract_id,
            policy_number=policies.get(n.contract_id, ""), kind=NoticeKind(n.kind),
            origin=NoticeOrigin(n.origin), status=NoticeStatus(n.status),
            period_start=n.period_start, period_end=n.period_end, issued_on=n.issued_on,
            due_date=n.due_date, currency=n.currency, amount_excl_tax=n.amount_excl_tax,
            tax=n.tax, total=n.total, product_id=n.product_id, turnover=n.turnover,
            payment_id=n.payment_id, paid_on=paid.get(n.payment_id) if n.payment_id else None,
            lines=lines[n.id], version=n.version))
    return out


def topliner_notice(s: Session, core: SqlCore, product: Product,
                    today: date) -> PremiumNotice | None:
    """The notice of a TopLiner just bought, in its billed currency (seed 001: "le
    montant facturé … avec la devise facturée"), issued by cofatui on the insurer's
    behalf in the purchase's transaction. None for a quote without a premium."""
    if product.premium is None or product.premium <= 0 or product.id is None:
        return None
    start = product.effective_date or today
    notice = insert_notice(
        s, contract_id=product.contract_id, kind=NoticeKind.TOPLINER,
        origin=NoticeOrigin.INSURER, period=(start, product.end_date or start),
        due_date=today, currency=product.premium_currency or product.currency,
        issued_on=today, login=core.principal.login, product_id=product.id,
        lines=[LineSpec(NoticeLineRole.CREDIT_INSURANCE, f"TopLiner {product.id}",
                        product.premium)])
    core._audit(s, "premiums.topliner_notice", "premium_notice", notice.id,
                {"number": [None, notice.number], "total": [None, notice.total],
                 "currency": [None, notice.currency], "product_id": [None, product.id]},
                product.contract_id)
    return notice

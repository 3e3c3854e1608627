"""``repo.ilus`` on SQL: ILUs, "demandes d'engagements" (issue 17 item 6). The rules
are in ``rules/ilu.py``; this module gathers the facts and writes each change in one
transaction (the ILU and its notification; the answer and the cover's deletion)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from cofatui import notification_wording as wording
from cofatui.enums import (
    ACTIVE_COVER_STATUSES,
    IluStatus,
    IluView,
    Importance,
    NotificationCategory,
    NotificationTarget,
    NotificationType,
    ProductStatus,
    Role,
    Section,
)
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.i18n.messages import Term
from cofatui.models import Company, Contract, Ilu, Notification, Product
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.engine import is_unique_violation
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.rules import ilu as rules
from cofatui.rules.products import COVER_CODES, ProductFact
from cofatui.schemas import Page, Seek
from cofatui.schemas_ilu import IluAnswer, IluCreate, IluPublic

#: The notification's product code: the notification filter's "ILU – Demande
#: d'engagements" (seed).
ILU_CODE = "ILU"
_ACTIVE = tuple(s.value for s in ACTIVE_COVER_STATUSES)
_OPEN = IluStatus.OPEN.value
#: Active ILUs soonest deadline first (a range of ix_ilu_contract_status; the deadline
#: is NOT NULL); closed and issued ones newest first.
_SOONEST_DEADLINE = (SortKey(col(Ilu.deadline), date), SortKey(col(Ilu.id), int))
_NEWEST = (SortKey(col(Ilu.id), int, descending=True),)


def _key_of(ilu: Ilu, keys: Sequence[SortKey]) -> tuple[date, int] | tuple[int]:
    """An ILU's values of the order ``keys``, for its cursor."""
    assert ilu.id is not None
    return (ilu.deadline, ilu.id) if keys is _SOONEST_DEADLINE else (ilu.id,)


def close_open_ilus(s: Session, product_id: int, reason: str, now: datetime) -> None:
    """The open ILU on a cover deleted or replaced another way closes, and says why
    (called where products end, in that change's transaction). An ILU answered with the
    deletion is already answered when its cover goes, so it stays answered."""
    s.execute(update(Ilu).where(Ilu.product_id == product_id, Ilu.status == _OPEN)
              .values(status=IluStatus.CLOSED.value, closed_reason=reason, closed_at=now,
                      version=Ilu.version + 1))


def expire_overdue(s: Session | Connection, today: date, now: datetime,
                   *only: ColumnElement[bool]) -> int:
    """Store ``expired`` on the open ILUs past their deadline (the expiry job; and on
    one buyer before a new ILU is issued on it); reads treat them as expired anyway.
    Returns how many changed."""
    result = s.execute(update(Ilu).where(Ilu.status == _OPEN, Ilu.deadline < today, *only)
                       .values(status=IluStatus.EXPIRED.value, closed_at=now,
                               version=Ilu.version + 1))
    return int(getattr(result, "rowcount", 0) or 0)


class SqlIlus(SqlArea):
    """``repo.ilus`` on SQL."""

    def _require_underwriter(self) -> None:
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("access.underwriters_only")

    # --- issuing --------------------------------------------------------------------
    def create(self, data: IluCreate) -> IluPublic:
        self._require_underwriter()
        now, today = self.clock.now(), self.clock.today()
        due = rules.deadline(data.deadline, today)
        with self._uow(write=True) as s:
            contract = s.get(Contract, data.contract_id)
            company = s.get(Company, data.company_id)
            # Ids of the form that name nothing: refused at their fields (422).
            if contract is None:
                raise ValidationFailed.at("contract_id", "ilu.no_such_contract")
            if company is None:
                raise ValidationFailed.at("company_id", "companies.no_such_company")
            product = _cover(s, contract.id, company.id)
            # An expired one the job has not stored yet no longer counts as open.
            expire_overdue(s, today, now, Ilu.contract_id == contract.id,
                           Ilu.company_id == company.id)
            if s.execute(select(Ilu.id).where(
                    Ilu.contract_id == contract.id, Ilu.company_id == company.id,
                    Ilu.status == _OPEN)).first() is not None:
                raise RuleViolation("ilu.already_open")
            ilu = Ilu(contract_id=contract.id, company_id=company.id, product_id=product.id,
                      product_code=product.code, cover_amount=product.decided_amount,
                      currency=product.currency, status=_OPEN, deadline=due,
                      message=data.message, issued_at=now, issued_by=self.principal.login)
            s.add(ilu)
            try:
                s.flush()
            except IntegrityError as exc:  # another underwriter's, committed meanwhile
                if is_unique_violation(exc):
                    raise RuleViolation("ilu.already_open") from exc
                raise
            self._notify(s, ilu, company, now)
            self._audit(s, "create_ilu", "ilu", ilu.id,
                        {"company_id": [None, company.id], "deadline": [None, due]},
                        contract.id)
            return self._publics(s, [ilu])[0]

    def _notify(self, s: Session, ilu: Ilu, company: Company, now: datetime) -> None:
        where = f"{company.name} ({company.country})"
        body = Term.of("notices.body.ilu_amount", where=where,
                       amount=wording.money(ilu.cover_amount, ilu.currency)) \
            if ilu.cover_amount is not None else Term.of("notices.body.ilu", where=where)
        notice = wording.Notice("ilu.requested", {"body": body})
        s.add(Notification(contract_id=ilu.contract_id, company_id=company.id,
                           product_id=ilu.product_id, product_code=ILU_CODE,
                           category=NotificationCategory.MANAGEMENT.value,
                           type=NotificationType.ILU_REQUEST.value,
                           importance=Importance.NORMAL.value, **notice.columns(),
                           body=ilu.message[:4000], created_at=now,
                           target_type=NotificationTarget.ILU.value, target_id=ilu.id))

    # --- reading --------------------------------------------------------------------
    def ilus(self, contract_id: int, view: IluView = IluView.ACTIVE,
             company_id: int | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[IluPublic]:
        self._require_read(contract_id, Section.ILU)
        conditions: list[ColumnElement[bool]] = [col(Ilu.contract_id) == contract_id,
                                                 _in_view(view, self.clock.today())]
        if company_id is not None:
            conditions.append(col(Ilu.company_id) == company_id)
        keys = _SOONEST_DEADLINE if view == IluView.ACTIVE else _NEWEST
        return self._page(conditions, keys, offset, limit, seek)

    def get(self, ilu_id: int) -> IluPublic:
        with self._uow() as s:
            ilu = s.get(Ilu, ilu_id)
            if ilu is None:
                raise NotFound("ilu.not_found", ilu_id=ilu_id)
            self._visible_or_404(ilu.contract_id, "ilu.not_found", ilu_id=ilu_id)
            self._require_read(ilu.contract_id, Section.ILU)
            return self._publics(s, [ilu])[0]

    def issued(self, offset: int = 0, limit: int = 100,
               view: IluView | None = None, seek: Seek | None = None) -> Page[IluPublic]:
        self._require_underwriter()
        conditions = [] if view is None else [_in_view(view, self.clock.today())]
        return self._page(conditions, _NEWEST, offset, limit, seek)

    def _page(self, conditions: Sequence[ColumnElement[bool]], keys: Sequence[SortKey],
              offset: int, limit: int, seek: Seek | None) -> Page[IluPublic]:
        """A page in the order of ``keys``, by offset or by key (issue 21), with the
        total and the page's cursors."""
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        with self._uow() as s:
            page = seek_rows(s, select(Ilu).where(*conditions), keys, seek, offset, limit,
                             lambda row: _key_of(row[0], keys))
            total = s.execute(select(func.count()).select_from(Ilu)
                              .where(*conditions)).scalar_one()
            return Page(items=self._publics(s, [row[0] for row in page.rows]),
                        offset=0 if seek else offset, limit=limit, total=total,
                        first_cursor=page.first_cursor, last_cursor=page.last_cursor)

    def _publics(self, s: Session, rows: Sequence[Ilu]) -> list[IluPublic]:
        if not rows:
            return []
        today = self.clock.today()
        contracts: dict[int, str] = {cid: num for cid, num in s.execute(
            select(Contract.id, Contract.policy_number).where(
                Contract.id.in_({r.contract_id for r in rows})))}
        companies = {cid: (name, easy, country) for cid, name, easy, country in s.execute(
            select(Company.id, Company.name, Company.easy_number, Company.country).where(
                Company.id.in_({r.company_id for r in rows})))}
        covers = {pid: amount for pid, amount in s.execute(
            select(Product.id, Product.decided_amount).where(
                Product.id.in_({r.product_id for r in rows}),
                Product.status.in_(_ACTIVE)))}
        out = []
        for r in rows:
            status = rules.status_on(IluStatus(r.status), r.deadline, today)
            # The cover as it stands while the ILU waits; as answered or last known after.
            cover = covers.get(r.product_id, r.cover_amount) if status == IluStatus.OPEN \
                else r.cover_amount
            name, easy, country = companies[r.company_id]
            out.append(IluPublic.model_validate({
                **r.model_dump(), "policy_number": contracts[r.contract_id],
                "company_name": name, "easy_number": easy, "country": country,
                "cover_amount": cover, "status": status,
                "need_above_cover": rules.need_above_cover(r.real_need, r.cover_amount)
                if r.status == IluStatus.ANSWERED else False}))
        return out

    # --- answering ------------------------------------------------------------------
    def answer(self, ilu_id: int, data: IluAnswer) -> IluPublic:
        now, today = self.clock.now(), self.clock.today()
        with self._uow(write=True) as s:
            ilu = s.get(Ilu, ilu_id)
            if ilu is None:
                raise NotFound("ilu.not_found", ilu_id=ilu_id)
            self._visible_or_404(ilu.contract_id, "ilu.not_found", ilu_id=ilu_id)
            self._require_write(ilu.contract_id, Section.ILU)
            if data.delete_cover:
                self._require_write(ilu.contract_id, Section.COVER)
            if ilu.version != data.version:
                raise Conflict("ilu.changed", ilu_id=ilu_id)
            rules.check_answerable(IluStatus(ilu.status), ilu.deadline, today)
            product = s.get(Product, ilu.product_id)
            assert product is not None
            errors = rules.answer_errors(data.delete_cover, data.real_need, ilu.currency,
                                         data.comment)
            if errors:
                raise ValidationFailed(errors)
            if product.status in _ACTIVE:
                ilu.cover_amount = product.decided_amount  # the cover as answered
            ilu.status = IluStatus.ANSWERED.value
            ilu.experience = data.experience.value
            ilu.delete_cover = data.delete_cover
            ilu.real_need = None if data.delete_cover else data.real_need
            ilu.comment = data.comment
            ilu.answered_at = now
            ilu.answered_by = self.principal.login
            s.flush()
            if data.delete_cover:
                # The normal deletion, its rules and its history, in this transaction:
                # refused, it raises and nothing of the answer is kept.
                self.root.products._delete_in(s, product.id, product.version)
            self._audit(s, "answer_ilu", "ilu", ilu.id,
                        {"status": [_OPEN, ilu.status], "experience": [None, ilu.experience],
                         "delete_cover": [None, ilu.delete_cover],
                         "real_need": [None, ilu.real_need]}, ilu.contract_id)
            return self._publics(s, [ilu])[0]


def _cover(s: Session, contract_id: int, company_id: int) -> Product:
    """The buyer's active cover under the contract (``rules.ilu.the_cover``)."""
    products = list(s.execute(select(Product).where(
        Product.contract_id == contract_id, Product.company_id == company_id,
        Product.code.in_(COVER_CODES),
        Product.status.in_(_ACTIVE))).scalars())
    facts = [ProductFact(p.code, ProductStatus(p.status), None) for p in products]
    chosen = rules.the_cover(facts)
    return next(p for p, f in zip(products, facts, strict=True) if f is chosen)


def _in_view(view: IluView, today: date) -> ColumnElement[bool]:
    """Active: open and not past its deadline; closed: answered, expired (stored or
    not yet) or closed."""
    if view == IluView.ACTIVE:
        return and_(col(Ilu.status) == _OPEN, col(Ilu.deadline) >= today)
    return or_(Ilu.status != _OPEN, Ilu.deadline < today)


__all__ = ["ILU_CODE", "SqlIlus", "close_open_ilus", "expire_overdue"]

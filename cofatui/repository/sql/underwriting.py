"""``repo.underwriting`` on SQL: the underwriter's queue of pending requests, the
decisions on them and a company's DRA.

A decision settles a product request like the contract's tables do, so this area
shares the product lifecycle's helpers (settling, history, notifications) by
inheriting them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import col

from cofatui import notification_wording as wording
from cofatui.enums import (
    Importance,
    NotificationType,
    ProductStatus,
    RequestKind,
    Role,
)
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import (
    Company,
    Contract,
    DecisionRequest,
    Product,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql import underwriting_tables as underwriting
from cofatui.repository.sql.keyset_page import EPOCH, or_epoch
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.repository.sql.product_lifecycle import ProductLifecycle
from cofatui.repository.sql.product_requests import pending_only
from cofatui.rules import products as rules
from cofatui.schemas import (
    Page,
    ProductPublic,
    QueueFilter,
    QueueItem,
    Seek,
    UnderwriterDecisionInput,
)


class SqlUnderwriting(ProductLifecycle):
    """``repo.underwriting`` on SQL."""

    def _require_underwriter(self) -> None:
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("access.underwriters_only")

    def queue(self, flt: QueueFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[QueueItem]:
        """Every pending request of every policyholder, oldest first, each beside the
        standing decision it would change."""
        self._require_underwriter()
        flt = flt or QueueFilter()
        limit = max(1, min(limit, MAX_PAGE))
        request = DecisionRequest
        cond = [pending_only()]
        if flt.code:
            cond.append(request.code == ("CRL" if flt.code == "LCR" else flt.code))
        if flt.contract_id:
            cond.append(request.contract_id == flt.contract_id)
        if flt.country:
            cond.append(Company.country == flt.country.upper())
        if flt.text and flt.text.strip():
            from cofatui.repository.sql.search import like_pattern

            cond.append(Company.name_key.like(like_pattern(flt.text.strip().casefold()),
                                              escape="\\"))
        with self._uow() as s:
            found = seek_rows(
                s, select(request, Product, Contract.policy_number, Contract.policyholder,
                          Company.name, Company.country, Company.dra)
                .join(Product, Product.id == request.product_id)
                .join(Contract, Contract.id == request.contract_id)
                .join(Company, Company.id == request.company_id).where(*cond),
                QUEUE_ORDER, seek, max(0, offset), limit,
                lambda row: (row[0].requested_at or EPOCH, row[0].id))
            total = -1 if seek is not None else s.execute(
                select(func.count()).select_from(request)
                .join(Company, Company.id == request.company_id).where(*cond)).scalar_one()
            items = [_queue_item(r, p, num, holder, name, country, dra)
                     for r, p, num, holder, name, country, dra in found.rows]
            return Page(items=items, offset=0 if seek else offset, limit=limit,
                        total=total, first_cursor=found.first_cursor,
                        last_cursor=found.last_cursor)

    def decide(self, product_id: int, decision: UnderwriterDecisionInput,
               version: int) -> ProductPublic:
        """An underwriter decides the request pending on the product (``version`` is the
        product's, as the queue shows it)."""
        self._require_underwriter()
        now = self.clock.now()
        with self._uow(write=True) as s:
            product = s.get(Product, product_id)
            if product is None:
                raise NotFound("portfolio.product_not_found", product_id=product_id)
            if product.version != version:
                raise Conflict("decisions.request_changed", product_id=product_id)
            request = self._pending_request(s, product_id)
            if request is None:
                raise RuleViolation("decisions.not_pending", product_id=product_id)
            status, amount = rules.underwriter_decision(
                decision.decision, request.requested_amount, decision.amount, decision.comment,
                effective=_effective_on(product, request, now), end_date=decision.end_date,
                currency=product.currency)
            before = product.status
            self._settle(s, product, request, status, amount, self.principal.login,
                         decision.comment, decision.end_date, now)
            self._audit(s, "decide_request", "product", product.id,
                        {"request": [request.kind, request.id],
                         "request_status": ["pending", request.status],
                         "status": [before, product.status],
                         "decided_amount": [None, amount]}, product.contract_id)
            return self._outcome(s, product, request)

    def set_company_dra(self, company_id: int, dra: int, version: int, comment: str = "") -> int:
        """Change a company's DRA; every monitored product on it gets a notification.
        Returns the number of notifications sent."""
        self._require_underwriter()
        if not 0 <= dra <= 10:
            raise ValidationFailed.at("dra", "companies.dra_range")
        now = self.clock.now()
        with self._uow(write=True) as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFound("companies.not_found", company_id=company_id)
            if company.version != version:
                raise Conflict("companies.changed", company_id=company_id)
            before = company.dra
            company.dra = dra
            company.dra_updated_at = now
            company.updated_at = now
            s.flush()
            monitored = list(s.execute(select(Product).where(
                Product.company_id == company_id, Product.monitored.is_(True),
                Product.status.in_([p.value for p in rules.LIVE_STATUSES]))).scalars())
            sent = 0
            for product in monitored:
                if product.code == "CCO" and before is not None and dra >= before:
                    continue  # custom opinions are monitored on decrease only
                news = underwriting.monitoring_update(s, product, company)  # the new value
                self._notify(s, product, company, NotificationType.MONITORING_UPDATE,
                             wording.dra_change(before, dra, now.date(), news), comment,
                             importance=Importance.HIGH if dra < (before or 0) else
                             Importance.NORMAL)
                sent += 1
            self._audit(s, "set_company_dra", "company", company.id,
                        {"dra": [before, dra]})
            return sent


#: The queue's order: oldest request first, then the id. A request without its time
#: (rows older than the column, which migration 0007 could not date from their
#: product) sorts first, as the oldest, at EPOCH, and shows that time. The pending
#: requests are few (the queue empties as underwriters decide), so the coalesce costs
#: no index.
#: EPOCH is bound with the column's own type, so that it is stored (and compared) in
#: the column's format: a plain DateTime literal is written otherwise on SQLite.
QUEUE_ORDER = (SortKey(or_epoch(col(DecisionRequest.requested_at)), datetime),
               SortKey(DecisionRequest.id, int))


def _queue_item(r: DecisionRequest, p: Product, policy_number: str, policyholder: str,
                name: str, country: str, dra: int | None) -> QueueItem:
    standing = p.status != ProductStatus.PENDING.value  # a first request has none yet
    return QueueItem(
        product_id=p.id, contract_id=p.contract_id, policy_number=policy_number,
        policyholder=policyholder, company_id=p.company_id, company_name=name,
        country=country, dra=dra, code=r.code, requested_amount=r.requested_amount,
        # The time the queue sorts by (EPOCH when the request has none): a value from
        # the row, so that two reads of the same row give the same item.
        currency=r.currency, requested_at=r.requested_at or EPOCH,
        expected_decision_at=r.expected_decision_at, version=p.version,
        request_id=r.id, kind=RequestKind(r.kind), target_code=r.target_code,
        duration_days=r.duration_days,
        standing_status=ProductStatus(p.status) if standing else None,
        standing_amount=p.decided_amount if standing else None,
        standing_end_date=p.end_date if standing else None)


def _effective_on(product: Product, request: DecisionRequest, now: datetime) -> date:
    """When a decision on ``request`` would take effect: today, or for a renewal the end
    of the decision renewed when that is later."""
    if request.kind == RequestKind.RENEW.value and product.end_date is not None:
        return max(product.end_date, now.date())
    return now.date()

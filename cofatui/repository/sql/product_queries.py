"""Products on companies: lists, history, pending requests, ending guarantees, WAP."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import col

from cofatui.enums import ACTIVE_COVER_STATUSES, ProductStatus, Section
from cofatui.errors import NotFound
from cofatui.models import (
    Company,
    DecisionRequest,
    PortfolioEntry,
    Product,
    ProductEvent,
    WapSnapshot,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.repository.sql.product_requests import pending_only, products_public
from cofatui.schemas import (
    EndingGuarantee,
    Page,
    PendingRequest,
    ProductEventPublic,
    ProductPublic,
    Seek,
    WapPoint,
    WapSummary,
)

CREDIT_DECISION_CODES = ("CRL", "ECL", "RLI", "TOPLINER")
_ACTIVE = [s.value for s in ACTIVE_COVER_STATUSES]

#: Pending requests oldest first, on the bare column so that the order stays a range of
#: ix_product_request_contract_pending. A key must never be NULL (a NULL row would be
#: lost between pages): the list's filter leaves out a request without a time, which
#: every writer stamps and PendingRequest could not show anyway.
_PENDING_KEYS = (SortKey(col(DecisionRequest.requested_at), datetime),
                 SortKey(col(DecisionRequest.id), int))
#: Ending covers soonest first. end_date is bare (never NULL here: the filter bounds it),
#: so the order stays a range of ix_product_contract_end.
_ENDING_KEYS = (SortKey(col(Product.end_date), date), SortKey(col(Product.id), int))


class ProductQueries(SqlArea):
    """Reading products: a company's, their history, pending requests, ending covers, WAP."""
    def of_company(self, contract_id: int, company_id: int) -> list[ProductPublic]:
        self._require_read(contract_id, Section.COVER)
        with self._uow() as s:
            rows = s.execute(select(Product).where(
                Product.contract_id == contract_id, Product.company_id == company_id)
                .order_by(Product.updated_at.desc(), Product.id.desc())).scalars()
            return products_public(s, rows)

    def history(self, product_id: int) -> list[ProductEventPublic]:
        with self._uow() as s:
            product = s.get(Product, product_id)
            if product is None:
                raise NotFound("portfolio.product_not_found", product_id=product_id)
            self._visible_or_404(product.contract_id, "portfolio.product_not_found",
                                 product_id=product_id)
            events = s.execute(select(ProductEvent).where(ProductEvent.product_id == product_id)
                               .order_by(ProductEvent.at.desc(), ProductEvent.id.desc())
                               ).scalars()
            return [ProductEventPublic.model_validate(e) for e in events]

    def pending_requests(self, contract_id: int, offset: int = 0, limit: int = 100,
                         seek: Seek | None = None) -> Page[PendingRequest]:
        """Every pending request of the contract, oldest first, with the standing decision
        each one would change; ``total`` counts them all. By ``offset``, or by key where
        ``seek`` says (issue 21)."""
        self._require_read(contract_id)
        limit = max(1, min(limit, MAX_PAGE))
        request = DecisionRequest
        where = [request.contract_id == contract_id, pending_only(),
                 col(request.requested_at).is_not(None)]
        with self._uow() as s:
            query = (select(request, Company.name, Product.status, Product.decided_amount)
                     .join(Company, Company.id == request.company_id)
                     .join(Product, Product.id == request.product_id)
                     .where(*where))
            page = seek_rows(s, query, _PENDING_KEYS, seek, offset, limit,
                             lambda row: (row[0].requested_at, row[0].id))
            total = s.execute(select(func.count()).select_from(request)
                              .where(*where)).scalar_one()
            items = [PendingRequest(
                request_id=r.id, product_id=r.product_id, company_id=r.company_id,
                company_name=name, code=r.code, kind=r.kind, target_code=r.target_code,
                requested_amount=r.requested_amount, currency=r.currency,
                requested_at=r.requested_at, expected_decision_at=r.expected_decision_at,
                standing_status=None if status == ProductStatus.PENDING else status,
                standing_amount=None if status == ProductStatus.PENDING else amount)
                for r, name, status, amount in page.rows]
            return Page(items=items, offset=0 if seek else max(0, offset), limit=limit,
                        total=total, first_cursor=page.first_cursor,
                        last_cursor=page.last_cursor)

    def ending_guarantees(self, contract_id: int, within_days: int, offset: int = 0,
                          limit: int = 100, seek: Seek | None = None
                          ) -> Page[EndingGuarantee]:
        """Standing covers ending between today and ``within_days`` from now, soonest
        first, one page of them with the true total (ix_product_contract_end). By
        ``offset``, or by key where ``seek`` says (issue 21)."""
        self._require_read(contract_id, Section.COVER)
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        today = self.clock.today()
        cond = (Product.contract_id == contract_id,
                Product.status.in_(_ACTIVE),
                Product.end_date >= today,
                Product.end_date <= today + timedelta(days=max(0, within_days)))
        with self._uow() as s:
            query = (select(Product, Company.name)
                     .join(Company, Company.id == Product.company_id).where(*cond))
            page = seek_rows(s, query, _ENDING_KEYS, seek, offset, limit,
                             lambda row: (row[0].end_date, row[0].id))
            total = s.execute(select(func.count()).select_from(Product).where(*cond)
                              ).scalar_one()
            items = [EndingGuarantee(
                product_id=p.id, company_id=p.company_id, company_name=name, code=p.code,
                decided_amount=p.decided_amount, currency=p.currency, end_date=p.end_date,
                status=p.status, version=p.version)
                for p, name in page.rows]
        return Page(items=items, offset=0 if seek else offset, limit=limit, total=total,
                    first_cursor=page.first_cursor, last_cursor=page.last_cursor)

    def wap(self, contract_id: int) -> WapSummary:
        """DRA of the portfolio weighted by the amount of each active credit decision."""
        from cofatui.rules.wap import compute_wap, wap_distribution, wap_trend

        self._require_read(contract_id, Section.COVER)
        with self._uow() as s:
            rows = s.execute(
                select(Company.dra, func.sum(Product.decided_amount), func.count())
                .join(Company, Company.id == Product.company_id)
                .where(Product.contract_id == contract_id,
                       Product.code.in_(CREDIT_DECISION_CODES),
                       Product.status.in_(_ACTIVE),
                       Company.dra.is_not(None))
                .group_by(Company.dra)).all()
            # sum() keeps the Money column type, so amounts come back as Decimal.
            exact = [(int(dra), amount or Decimal(0)) for dra, amount, _ in rows]
            history_rows = s.execute(
                select(WapSnapshot.day, WapSnapshot.wap)
                .where(WapSnapshot.contract_id == contract_id)
                .order_by(WapSnapshot.day.desc()).limit(24)).all()
            companies = s.execute(select(func.count()).select_from(PortfolioEntry).where(
                PortfolioEntry.contract_id == contract_id)).scalar_one()
        value = compute_wap(exact)
        history = [WapPoint(day=day.date(), wap=w) for day, w in reversed(history_rows)]
        previous = next((p.wap for p in reversed(history) if p.wap is not None), None)
        trend = wap_trend(Decimal(str(previous)) if previous is not None else None, value)
        return WapSummary(contract_id=contract_id, wap=value, trend=trend,
                          distribution=wap_distribution(exact), history=history,
                          companies=companies)

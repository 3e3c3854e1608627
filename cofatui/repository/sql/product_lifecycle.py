"""The decision lifecycle of a product (SPEC §5): requests made on a standing decision.

A product row holds the standing decision; what the user asks for on top of it (a new
amount, a transform, a renewal — or the first request, while there is no decision yet)
is a ``product_request`` row, decided by the contract's rules at once or later by an
underwriter. Granted, the request becomes the standing decision and the one it replaces
is kept in the history as ``replaced``; refused, the standing decision stays and the
notification says so; cancelled, only the request goes. The standing decision cannot be
deleted (nor its monitoring stopped) while a request on it is pending.

Each command is one transaction that also moves the product's version, so two requests
on one product cannot both be made (and a partial unique index says the same).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from cofatui import notification_wording as wording
from cofatui.enums import (
    Importance,
    NotificationType,
    ProductStatus,
    RequestKind,
    RequestStatus,
)
from cofatui.errors import ValidationFailed
from cofatui.models import Company, Contract, DecisionRequest, Product
from cofatui.repository.sql import underwriting_tables as underwriting
from cofatui.repository.sql.ilus import close_open_ilus
from cofatui.repository.sql.product_commands import ProductCommands
from cofatui.repository.sql.product_requests import pending_only, product_public
from cofatui.rules import ilu as ilu_rules
from cofatui.rules import products as rules
from cofatui.schemas import (
    ProductPublic,
    ProductRequest,
)

# Read by every change of a product (built once).
_PENDING = select(DecisionRequest).where(
    DecisionRequest.product_id == bindparam("product_id"), pending_only())
_OTHERS = select(Product.code, Product.status, Product.monitored).where(
    Product.contract_id == bindparam("contract_id"),
    Product.company_id == bindparam("company_id"), Product.id != bindparam("product_id"))


class ProductLifecycle(ProductCommands):
    # --- reading ------------------------------------------------------------------------
    def _pending_request(self, s: Session, product_id: int) -> DecisionRequest | None:
        return s.execute(_PENDING, {"product_id": product_id}).scalars().first()

    def _existing(self, s: Session, product: Product) -> rules.ExistingProduct:
        others = [rules.ProductFact(code, ProductStatus(status), None, monitored)
                  for code, status, monitored in s.execute(_OTHERS, {
                      "contract_id": product.contract_id,
                      "company_id": product.company_id, "product_id": product.id})]
        pending = self._pending_request(s, product.id)
        return rules.ExistingProduct(product.code, ProductStatus(product.status),
                                     product.monitored, others,
                                     pending=pending.kind if pending else None,
                                     end_date=product.end_date)

    def _outcome(self, s: Session, product: Product, request: DecisionRequest) -> ProductPublic:
        """What a command on a request returns: the new product when a transform was
        granted, else the product with its request (if still pending)."""
        if request.result_product_id is not None:
            new = s.get(Product, request.result_product_id)
            assert new is not None
            return self._public(s, new)
        return self._public(s, product)

    def _public(self, s: Session, product: Product,
                pending: DecisionRequest | Literal["read"] | None = "read") -> ProductPublic:
        """The product as flushed (its version moved) with its pending request: read,
        unless the caller knows it (``None``: the command was refused while one was
        pending)."""
        s.flush()
        if isinstance(pending, str):
            pending = self._pending_request(s, product.id)
        return product_public(product, pending)

    # --- asking -------------------------------------------------------------------------
    def _check_amount(self, code: str, amount: Decimal | None, currency: str) -> None:
        """The amount rules of an order (``rules.products.request_errors``) for a new
        amount on ``code``, in the product's currency, before anything is written."""
        errors = rules.request_errors(rules.ProductRequestData(
            code if code in rules.AMOUNT_CODES else "CRL", amount, currency=currency))
        if errors:
            raise ValidationFailed(errors)

    def modify(self, product_id: int, amount: Decimal, version: int) -> ProductPublic:
        """A new amount is a request on the standing decision: decided at once by the
        rules or pending, the standing decision in force meanwhile."""
        with self._uow(write=True) as s:
            return self._modify_in(s, product_id, amount, version)

    def _modify_in(self, s: Session, product_id: int, amount: Decimal,
                   version: int) -> ProductPublic:
        """:meth:`modify` in the caller's unit of work (a bulk order's line)."""
        now = self.clock.now()
        product = self._load_for_change(s, product_id, version)
        self._check_amount(product.code, amount, product.currency)
        rules.check_modify(self._existing(s, product))
        asked = ProductRequest(contract_id=product.contract_id, company_id=product.company_id,
                               code=product.code, amount=amount,
                               guarantor_company_id=product.guarantor_company_id)
        before = product.decided_amount
        self._event(s, product, "modify", self.principal.login, amount)
        self._notify(s, product, self._company(s, product), NotificationType.MODIFICATION,
                     wording.change_requested(product.code, amount, product.currency))
        request = self._ask(s, product, RequestKind.MODIFY, asked, now)
        self._audit(s, "modify_product", "product", product.id,
                    {"request": [None, request.id], "requested_amount": [before, amount],
                     "request_status": [None, request.status]}, product.contract_id)
        return self._public(s, product)

    def transform(self, product_id: int, target: str, version: int,
                  amount: Decimal | None = None) -> ProductPublic:
        """Agrément ↔ @rating cover, as a request: CRL → RLI is decided like an @rating
        cover on the buyer, RLI → CRL asks for an amount and is decided like an Agrément.
        Granted, the old product is replaced by a new one (returned); otherwise the
        product is returned with its request (pending or refused)."""
        now = self.clock.now()
        with self._uow(write=True) as s:
            product = self._load_for_change(s, product_id, version)
            if target == "CRL":
                self._check_amount("CRL", amount, product.currency)
            rules.check_transform(self._existing(s, product), target)
            asked = ProductRequest(contract_id=product.contract_id, company_id=product.company_id,
                                   code=target, amount=amount if target == "CRL" else None)
            self._event(s, product, "transform_request", self.principal.login, asked.amount,
                        f"into {target}")
            request = self._ask(s, product, RequestKind.TRANSFORM, asked, now,
                                target_code=target)
            self._audit(s, "transform_product", "product", product.id,
                        {"request": [None, request.id], "target": [None, target],
                         "request_status": [None, request.status]}, product.contract_id)
            return self._outcome(s, product, request)

    def renew(self, product_id: int, version: int) -> ProductPublic:
        """A renewal request on a standing cover that ends: the same amount for a new
        period as long as the one renewed (a TopLiner's duration), decided like an
        amendment."""
        now = self.clock.now()
        with self._uow(write=True) as s:
            product = self._load_for_change(s, product_id, version)
            existing = self._existing(s, product)
            rules.check_renew(existing)
            assert product.end_date is not None
            days = rules.renewal_days(product.effective_date, product.end_date,
                                      product.duration_days)
            asked = ProductRequest(contract_id=product.contract_id, company_id=product.company_id,
                                   code=product.code, amount=product.decided_amount,
                                   duration_days=days,
                                   guarantor_company_id=product.guarantor_company_id)
            self._event(s, product, "renew_request", self.principal.login,
                        product.decided_amount, f"{days} days")
            request = self._ask(s, product, RequestKind.RENEW, asked, now)
            self._audit(s, "renew_product", "product", product.id,
                        {"request": [None, request.id],
                         "request_status": [None, request.status]}, product.contract_id)
            return self._public(s, product)

    def _company(self, s: Session, product: Product) -> Company:
        company = s.get(Company, product.company_id)
        assert company is not None
        return company

    def _ask(self, s: Session, product: Product, kind: RequestKind, asked: ProductRequest,
             now: datetime, *, target_code: str | None = None) -> DecisionRequest:
        """Record the request and have the contract's rules decide it when they can."""
        contract = s.get(Contract, product.contract_id)
        assert contract is not None
        company = self._company(s, product)
        decision = self._decide(s, contract, company, asked, now)
        request = self._new_request(product, kind, asked.amount, now, decision.expected_at,
                                    target_code=target_code,
                                    duration_days=asked.duration_days)
        s.add(request)
        _touch(product, now)  # moves the version: one request at a time per product
        s.flush()
        self._touch_entry(s, product, now)
        if decision.immediate:
            amount = decision.amount if decision.amount is not None else asked.amount
            self._settle(s, product, request, decision.status,
                         None if decision.status == ProductStatus.REFUSED else amount,
                         decision.decided_by, getattr(decision, "comment", ""), None, now,
                         premium=getattr(decision, "premium", None))
        return request

    # --- deciding -----------------------------------------------------------------------
    def _settle(self, s: Session, product: Product, request: DecisionRequest,
                status: ProductStatus, amount: Decimal | None, decided_by: str, comment: str,
                end_date: date | None, now: datetime, premium: Decimal | None = None) -> None:
        """Apply a decision on ``request``: the first decision of the product, a new
        standing decision replacing the old one, a transform, or a refusal that leaves
        the standing decision as it is."""
        request.status = RequestStatus(status.value).value
        request.decided_amount = amount
        request.decided_at = now
        request.decided_by = decided_by
        request.comment = comment
        company = self._company(s, product)
        kind = RequestKind(request.kind)
        if kind == RequestKind.INITIAL:
            self._first_decision(s, product, company, status, amount, decided_by, comment,
                                 end_date, now)
        elif status == ProductStatus.REFUSED:
            _touch(product, now)
            s.flush()
            self._event(s, product, f"{kind.value}_refused", decided_by,
                        request.requested_amount, comment)
            self._notify(s, product, company, NotificationType.DECISION,
                         wording.request_refused(
                             kind.value, product.code, product.currency,
                             request.requested_amount, product.decided_amount,
                             request.target_code), comment, importance=Importance.HIGH)
        elif kind == RequestKind.TRANSFORM:
            self._transformed(s, product, company, request, status, amount, decided_by,
                              comment, end_date, now)
        else:
            self._replace_decision(s, product, request, status, amount, decided_by, comment,
                                   end_date, now, premium)
            self._notify_decision(s, product, company)
        self._touch_entry(s, product, now)

    def _first_decision(self, s: Session, product: Product, company: Company,
                        status: ProductStatus, amount: Decimal | None, decided_by: str,
                        comment: str, end_date: date | None, now: datetime) -> None:
        """The first request decided: the product gets its decision."""
        product.status = status.value
        product.decided_amount = amount
        product.decided_at = now
        product.decided_by = decided_by
        product.comment = comment
        product.expected_decision_at = None
        product.effective_date = now.date() if amount is not None else None
        product.end_date = end_date
        product.monitored = product.code in rules.MONITORED_CODES and \
            status != ProductStatus.REFUSED
        product.updated_at = now
        underwriting.deliver(s, product, company)  # information products deliver
        if rules.topliner_becomes_quote(product.code, status):
            self._quote(product, company, now)
        s.flush()
        self._event(s, product, "decision", decided_by, amount, comment)
        self._notify_decision(s, product, company)

    def _keep_replaced(self, s: Session, product: Product, actor: str) -> None:
        """The standing decision about to be replaced, kept in the history."""
        when = f" on {product.decided_at:%d %b %Y}" if product.decided_at else ""
        by = f" by {product.decided_by}" if product.decided_by else ""
        self._event(s, product, "replaced", actor, product.decided_amount,
                    f"{product.status.replace('_', ' ')}{when}{by}"
                    + (f" until {product.end_date:%d %b %Y}" if product.end_date else ""),
                    status=ProductStatus.REPLACED.value)

    def _replace_decision(self, s: Session, product: Product, request: DecisionRequest,
                          status: ProductStatus, amount: Decimal | None, decided_by: str,
                          comment: str, end_date: date | None, now: datetime,
                          premium: Decimal | None) -> None:
        """A granted amendment or renewal becomes the standing decision."""
        self._keep_replaced(s, product, decided_by)
        if request.kind == RequestKind.RENEW.value:
            assert product.end_date is not None
            start = max(product.end_date, now.date())
            end_date = end_date or start + timedelta(days=request.duration_days or 0)
            if premium is not None:
                product.premium = premium
        else:
            end_date = end_date or product.end_date
            product.effective_date = now.date()
        product.status = status.value
        product.requested_amount = request.requested_amount
        product.decided_amount = amount
        product.decided_at = now
        product.decided_by = decided_by
        product.comment = comment
        product.end_date = end_date
        product.expected_decision_at = None
        product.updated_at = now
        s.flush()
        self._event(s, product, "decision", decided_by, amount, comment)

    def _transformed(self, s: Session, product: Product, company: Company,
                     request: DecisionRequest, status: ProductStatus, amount: Decimal | None,
                     decided_by: str, comment: str, end_date: date | None,
                     now: datetime) -> None:
        """A granted transform: the old product is replaced by a new one of the target
        code, which becomes the standing decision."""
        target = request.target_code or ""
        self._keep_replaced(s, product, decided_by)
        product.status = ProductStatus.REPLACED.value
        product.updated_at = now
        new = Product(contract_id=product.contract_id, company_id=product.company_id,
                      code=target, status=status.value,
                      requested_amount=request.requested_amount, decided_amount=amount,
                      currency=product.currency, requested_at=request.requested_at,
                      decided_at=now, effective_date=now.date(), end_date=end_date,
                      decided_by=decided_by, comment=comment, updated_at=now,
                      guarantor_company_id=product.guarantor_company_id if target == "CRL"
                      else None)
        s.add(new)
        s.flush()
        request.result_product_id = new.id
        close_open_ilus(s, product.id, ilu_rules.COVER_REPLACED, now)
        self._event(s, product, "transform", decided_by, product.decided_amount,
                    f"replaced by {target} #{new.id}")
        self._event(s, new, "transform", decided_by, amount,
                    f"from {product.code} #{product.id}")
        self._event(s, new, "decision", decided_by, amount, comment)
        self._notify(s, new, company, NotificationType.DECISION,
                     wording.transformed(product.code, target, amount, new.currency), comment)

    # --- cancelling, deleting -----------------------------------------------------------
    def cancel_request(self, product_id: int, version: int) -> ProductPublic:
        """The user withdraws the pending request: only the request goes (a first
        request was all the product had, so the product ends with it)."""
        now = self.clock.now()
        with self._uow(write=True) as s:
            product = self._load_for_change(s, product_id, version)
            rules.check_cancel_request(self._existing(s, product))
            request = self._pending_request(s, product_id)
            assert request is not None
            self._withdraw(s, product, request, now)
            return self._public(s, product)

    def _withdraw(self, s: Session, product: Product, request: DecisionRequest,
                  now: datetime) -> None:
        before = product.status
        request.status = RequestStatus.CANCELLED.value
        request.decided_at = now
        request.decided_by = self.principal.login
        if request.kind == RequestKind.INITIAL.value:
            product.status = ProductStatus.DELETED.value
        _touch(product, now)
        s.flush()
        self._event(s, product, "cancel_request", self.principal.login,
                    request.requested_amount, request.kind)
        entry = self._touch_entry(s, product, now)
        if product.status == ProductStatus.DELETED.value:
            self._maybe_keep_company(s, product, entry, now)
        self._audit(s, "cancel_request", "product", product.id,
                    {"request": [request.kind, request.id],
                     "request_status": ["pending", request.status],
                     "status": [before, product.status]}, product.contract_id)

    def _maybe_keep_company(self, s: Session, product: Product, entry: object,
                            now: datetime) -> None:
        """The company stays two years after its last cover goes, so later unpaid
        invoices can be declared."""
        live = s.execute(select(func.count()).select_from(Product).where(
            Product.contract_id == product.contract_id,
            Product.company_id == product.company_id, Product.id != product.id,
            Product.status.in_([st.value for st in rules.LIVE_STATUSES]))).scalar_one()
        if entry is not None and not live:
            entry.keep_until = rules.deleted_company_kept_until(now.date())

    def delete(self, product_id: int, version: int) -> ProductPublic:
        """Delete the standing decision — refused while a request on it is pending. A
        product that is only a first request waiting is cancelled instead."""
        with self._uow(write=True) as s:
            return self._delete_in(s, product_id, version)

    def _delete_in(self, s: Session, product_id: int, version: int) -> ProductPublic:
        """:meth:`delete` in the caller's unit of work (a bulk order's line)."""
        now = self.clock.now()
        product = self._load_for_change(s, product_id, version)
        existing = self._existing(s, product)
        if product.status == ProductStatus.PENDING:
            rules.check_cancel_pending(existing)
            request = self._pending_request(s, product_id)
            if request is not None:
                self._withdraw(s, product, request, now)
                return self._public(s, product)
        else:
            rules.check_delete(existing)
        before = product.status
        product.status = ProductStatus.DELETED.value
        product.updated_at = now
        s.flush()
        self._event(s, product, "delete", self.principal.login, None)
        close_open_ilus(s, product.id, ilu_rules.COVER_DELETED, now)  # it says so
        self._maybe_keep_company(s, product, self._touch_entry(s, product, now), now)
        self._audit(s, "delete_product", "product", product.id,
                    {"status": [before, product.status]}, product.contract_id)
        return self._public(s, product, pending=None)  # none: check_delete said so

    def stop_monitoring(self, product_id: int, version: int) -> ProductPublic:
        """Stopping the monitoring ends the product (status deleted, SPEC §5); refused
        while a request on it is pending."""
        with self._uow(write=True) as s:
            return self._stop_monitoring_in(s, product_id, version)

    def _stop_monitoring_in(self, s: Session, product_id: int, version: int) -> ProductPublic:
        """:meth:`stop_monitoring` in the caller's unit of work (a bulk order's line)."""
        now = self.clock.now()
        product = self._load_for_change(s, product_id, version)
        rules.check_stop_monitoring(self._existing(s, product))
        before = product.status
        product.monitored = False
        product.status = ProductStatus.DELETED.value
        product.updated_at = now
        s.flush()
        self._event(s, product, "stop_monitoring", self.principal.login, None)
        self._audit(s, "stop_monitoring", "product", product.id,
                    {"status": [before, product.status], "monitored": [True, False]},
                    product.contract_id)
        self._touch_entry(s, product, now)
        return self._public(s, product, pending=None)  # none: check_stop_monitoring said so

    # --- the underwriter's queue --------------------------------------------------------

def _touch(product: Product, now: datetime) -> None:
    """Write the product even when nothing else of it changes (a request made, refused
    or withdrawn), so that its version moves and a stale copy is refused."""
    product.updated_at = now
    flag_modified(product, "updated_at")


__all__ = ["ProductLifecycle"]

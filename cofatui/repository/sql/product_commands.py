"""Ordering and changing products on a company (NEW ACTION), the company detail, the
underwriter's queue and decisions. The rules themselves live in ``rules.products``;
this module gathers the facts, applies the outcome in one transaction, records the
history, the notification and the audit entry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from cofatui import notification_wording as wording
from cofatui.enums import (
    ClaimStatus,
    Importance,
    NotificationCategory,
    NotificationType,
    ProductStatus,
    RequestKind,
    Section,
)
from cofatui.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from cofatui.models import (
    Claim,
    ClaimInvoice,
    Company,
    Contract,
    CustomFieldDefinition,
    CustomFieldValue,
    DecisionRequest,
    Favourite,
    Notification,
    PortfolioEntry,
    Product,
    ProductEvent,
)
from cofatui.repository.sql import underwriting_tables as underwriting
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.product_requests import product_public, products_public
from cofatui.repository.sql.search import search_key
from cofatui.rules import products as rules
from cofatui.rules import underwriting as underwriting_rules
from cofatui.rules.section_rights import read_refusal
from cofatui.schemas import (
    ClaimPublic,
    CompanyDetail,
    NewActionItem,
    ProductPublic,
    ProductRequest,
)

INFORMATION = {"CCO", "RCO", "ROM", "RSC", "RSM", "REPORT_INSTANT", "REPORT_FULL",
               "REPORT_CREDIT"}
REPORT_INVESTIGATION_DAYS = 3
_EVENT_INSERT = insert(ProductEvent)
# The statements every order runs, built once (bound by contract_id and company_id).
_PRODUCT_FACTS = select(Product.code, Product.status, Product.decided_at, Product.monitored,
                        Product.quote_valid_until).where(
    Product.contract_id == bindparam("contract_id"),
    Product.company_id == bindparam("company_id"))
_OLDEST_UNPAID = select(func.min(ClaimInvoice.due_date)).join(
    Claim, Claim.id == ClaimInvoice.claim_id).where(
    Claim.contract_id == bindparam("contract_id"), Claim.company_id == bindparam("company_id"),
    Claim.status.in_([ClaimStatus.PENDING.value, ClaimStatus.ACCEPTED.value,
                      ClaimStatus.REJECTED.value]))
_ENTRY = select(PortfolioEntry).where(PortfolioEntry.contract_id == bindparam("contract_id"),
                                      PortfolioEntry.company_id == bindparam("company_id"))


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """What every order on a contract reads of the contract itself: its row (loaded in
    an earlier unit of work, only read) and its decision tables. An order by hand
    reads them in its own transaction; a bulk run reads them once for all its lines
    (:meth:`ProductCommands._contract_facts`), so a change to the contract or its
    tables made while a file runs applies from the next import."""

    contract: Contract
    tables: underwriting_rules.Tables


class ProductCommands(SqlArea):
    # --- company detail and NEW ACTION -------------------------------------------------
    def company_detail(self, contract_id: int, company_id: int) -> CompanyDetail:
        access = self._access(contract_id)  # the user's version checked once
        refusal = read_refusal(access, Section.COVER)
        if refusal is not None:
            raise refusal
        with self._uow() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFound("companies.not_found", company_id=company_id)
            public = self.root.companies._companies_public(s, [company])[0]
            entry = s.execute(select(PortfolioEntry).where(
                PortfolioEntry.contract_id == contract_id,
                PortfolioEntry.company_id == company_id)).scalars().first()
            # A customised user whose custom-fields section is none sees none of them.
            shows_fields = read_refusal(access, Section.CUSTOM_FIELDS) is None
            definitions = list(s.execute(select(CustomFieldDefinition).where(
                CustomFieldDefinition.contract_id == contract_id)).scalars()) \
                if shows_fields else []
            names = {d.slot: d.name for d in definitions}
            values: dict[int, str] = {}
            if entry is not None and shows_fields:
                for slot, value in s.execute(
                        select(CustomFieldDefinition.slot, CustomFieldValue.value)
                        .join(CustomFieldValue,
                              CustomFieldValue.definition_id == CustomFieldDefinition.id)
                        .where(CustomFieldValue.entry_id == entry.id)):
                    values[slot] = value
            products = products_public(s, s.execute(
                select(Product).where(Product.contract_id == contract_id,
                                      Product.company_id == company_id)
                .order_by(Product.updated_at.desc(), Product.id.desc())).scalars())
            claims = self._company_claims(s, contract_id, company) \
                if read_refusal(access, Section.CLAIMS) is None else []
            others = [num for cid, num in s.execute(
                select(Contract.id, Contract.policy_number)
                .join(PortfolioEntry, PortfolioEntry.contract_id == Contract.id)
                .where(PortfolioEntry.company_id == company_id,
                       Contract.id.in_(self.contract_ids or [-1]))) if cid != contract_id]
            favourite = s.execute(select(Favourite.id).where(
                Favourite.user_id == self.principal.user_id,
                Favourite.company_id == company_id)).first() is not None
            head = s.get(Company, company.head_office_id) if company.head_office_id else None
            currency = s.execute(select(Contract.currency)
                                 .where(Contract.id == contract_id)).scalar_one_or_none()
            if currency is None:
                raise NotFound("access.contract_not_found", contract_id=contract_id)
            return CompanyDetail(
                company=public, contract_id=contract_id, currency=currency,
                entry_id=entry.id if entry else None,
                entry_version=entry.version if entry else None,
                client_reference=entry.client_reference if entry else "",
                outstanding_amount=entry.outstanding_amount if entry else None,
                internal_credit_limit=entry.internal_credit_limit if entry else None,
                custom_fields=values, custom_field_names=names,
                custom_field_formats={d.slot: d.format for d in definitions},
                favourite=favourite,
                products=products, claims=claims, other_contracts=sorted(others),
                head_office_name=head.name if head else None)

    def _company_claims(self, s: Session, contract_id: int, company: Company) -> list[ClaimPublic]:
        count = (select(func.count()).where(ClaimInvoice.claim_id == Claim.id)
                 .correlate(Claim).scalar_subquery())
        rows = s.execute(select(Claim, count).where(
            Claim.contract_id == contract_id, Claim.company_id == company.id)
            .order_by(Claim.id.desc())).all()
        return [ClaimPublic.model_validate({**c.model_dump(), "company_name": company.name,
                                            "invoice_count": n}) for c, n in rows]

    def _facts(self, s: Session, contract: Contract, company_id: int) -> rules.CompanyFacts:
        # Only the columns the rules look at: no product object to build and track.
        on = {"contract_id": contract.id, "company_id": company_id}
        products = [rules.ProductFact(code, ProductStatus(status),
                                      decided_at.date() if decided_at else None,
                                      monitored, quote_valid_until)
                    for code, status, decided_at, monitored, quote_valid_until
                    in s.execute(_PRODUCT_FACTS, on)]
        oldest = s.execute(_OLDEST_UNPAID, on).scalar()
        today = self.clock.today()
        allowed = _allowed_codes(contract)
        return rules.CompanyFacts(products=products, allowed_codes=allowed,
                                  oldest_unpaid_days=(today - oldest).days if oldest else None)

    def new_action_menu(self, contract_id: int, company_id: int) -> list[NewActionItem]:
        self._require_read(contract_id, Section.COVER)
        with self._uow() as s:
            contract = s.get(Contract, contract_id)
            if contract is None or s.get(Company, company_id) is None:
                raise NotFound("access.contract_or_company_not_found")
            facts = self._facts(s, contract, company_id)
        return [NewActionItem(code=e.code, allowed=e.allowed, reason_code=e.reason_code,
                              reason=e.reason)
                for e in rules.new_action_menu(facts, self.clock.today())]

    # --- ordering ----------------------------------------------------------------------
    def request(self, request: ProductRequest) -> ProductPublic:
        with self._uow(write=True) as s:
            return self._request_in(s, request)

    def _contract_facts(self, s: Session, contract_id: int) -> ContractFacts:
        contract = s.get(Contract, contract_id)
        if contract is None:
            raise NotFound("access.contract_or_company_not_found")
        return ContractFacts(contract, underwriting.load_tables(s, contract_id))

    def _request_in(self, s: Session, request: ProductRequest,
                    facts: ContractFacts | None = None) -> ProductPublic:
        """:meth:`request` in the caller's unit of work (a bulk order's line runs it
        inside the transaction that also stores the line's result, with the facts of
        the contract its run read once)."""
        section = Section.INFORMATION if request.code in INFORMATION else Section.COVER
        self._require_write(request.contract_id, section)
        data = rules.ProductRequestData(
            code=request.code, amount=request.amount, duration_days=request.duration_days,
            language=request.language, guarantor_company_id=request.guarantor_company_id,
            client_reference=request.client_reference,
            new_investigation=request.new_investigation, company_id=request.company_id)
        now = self.clock.now()
        contract = facts.contract if facts is not None else s.get(Contract, request.contract_id)
        assert contract is None or contract.id == request.contract_id
        company = s.get(Company, request.company_id)
        if contract is None or company is None:
            raise NotFound("access.contract_or_company_not_found")
        locked = self._lock_entry(s, contract.id, company.id)
        guarantor = None
        if request.guarantor_company_id is not None:
            guarantor = s.get(Company, request.guarantor_company_id)
            if guarantor is None:
                raise ValidationFailed.at("guarantor_company_id", "companies.no_such_company")
        # Amounts are in the contract's currency: its decimals, and it must be in use.
        rules.check_request(replace(data, currency=contract.currency),
                            self._facts(s, contract, company.id), self.clock.today())
        entry = self._ensure_entry(s, contract, company, request.client_reference, now,
                                   locked)
        for identified in (company, guarantor):  # found by an extended search
            if identified is not None:
                self.root.companies._adopt_partner_company(s, identified, contract.id)
        decision = self._decide(s, contract, company, request, now,
                                facts.tables if facts is not None else None)
        product = Product(
            contract_id=contract.id, company_id=company.id, code=request.code,
            status=decision.status.value, requested_amount=request.amount,
            decided_amount=decision.amount if decision.immediate else None,
            currency=contract.currency, requested_at=now,
            decided_at=now if decision.immediate else None,
            expected_decision_at=decision.expected_at,
            effective_date=now.date() if decision.immediate else None,
            guarantor_company_id=request.guarantor_company_id,
            decided_by=decision.decided_by, language=request.language,
            duration_days=request.duration_days,
            monitored=request.code in rules.MONITORED_CODES and decision.immediate,
            updated_at=now)
        underwriting.record(product, decision)  # delivered DRA, opinion, reason
        if decision.immediate and rules.topliner_becomes_quote(request.code,
                                                                 decision.status):
            self._quote(product, company, now)
        s.add(product)
        s.flush()
        self._event(s, product, "request", self.principal.login, product.requested_amount)
        if decision.immediate:
            self._event(s, product, "decision", decision.decided_by, product.decided_amount)
            self._notify_decision(s, product, company)
        first = None
        if not decision.immediate:  # the first request waits: no decision yet
            first = self._new_request(product, RequestKind.INITIAL, request.amount, now,
                                      decision.expected_at,
                                      duration_days=request.duration_days)
            s.add(first)
        entry.updated_at = now
        self._audit(s, "request_product", "product", product.id,
                    {"code": [None, product.code], "status": [None, product.status],
                     "amount": [None, product.requested_amount]}, contract.id)
        if first is not None:
            s.flush()  # the request's id; the rest is flushed by the commit
        return product_public(product, first)

    def _decide(self, s: Session, contract: Contract, company: Company,
                request: ProductRequest, now: datetime,
                tables: underwriting_rules.Tables | None = None) -> rules.Decision:
        if request.code == "REPORT_FULL" and request.new_investigation:
            return rules.Decision(False, ProductStatus.PENDING,
                                  expected_at=now + timedelta(days=REPORT_INVESTIGATION_DAYS))
        # The contract's decision tables decide (SPEC §4), or an underwriter will.
        asked = underwriting_rules.Asked(request.code, request.amount, request.duration_days)
        return underwriting.decide(s, contract.id, company, asked, now, tables)

    def _new_request(self, product: Product, kind: RequestKind, amount: Decimal | None,
                     now: datetime, expected_at: datetime | None, *,
                     target_code: str | None = None,
                     duration_days: int | None = None) -> DecisionRequest:
        return DecisionRequest(
            product_id=product.id, contract_id=product.contract_id,
            company_id=product.company_id, kind=kind.value, code=product.code,
            target_code=target_code, requested_amount=amount, currency=product.currency,
            duration_days=duration_days, requested_at=now, expected_decision_at=expected_at,
            requested_by=self.principal.login)

    def _lock_entry(self, s: Session, contract_id: int,
                    company_id: int) -> PortfolioEntry | None:
        """On PostgreSQL, hold the company's portfolio entry until the transaction ends
        (``SELECT … FOR UPDATE``), so that two orders of one product on one company at
        once (two bulk imports, an import and a user) are decided one after the other:
        the second reads the first's product and is refused. A company not yet in the
        portfolio has no entry to lock: the company's row is locked instead (``FOR NO
        KEY UPDATE``, which leaves rows referring to it free to be written), so the
        second first order waits and then finds the entry and the product. SQLite runs
        one writer at a time anyway.

        Returns the entry read under the lock (so that the order need not read it
        again), or None: not in the portfolio, or not read (SQLite)."""
        if self.dialect != "postgresql":
            return None
        entry = select(PortfolioEntry).where(
            PortfolioEntry.contract_id == contract_id,
            PortfolioEntry.company_id == company_id).with_for_update()
        locked = s.execute(entry).scalars().first()
        if locked is None:
            s.execute(select(Company.id).where(Company.id == company_id)
                      .with_for_update(key_share=True))
            # The entry may have been committed while this waited: lock it as well.
            locked = s.execute(entry).scalars().first()
        return locked

    def _ensure_entry(self, s: Session, contract: Contract, company: Company,
                      client_reference: str, now: datetime,
                      entry: PortfolioEntry | None = None) -> PortfolioEntry:
        """The company's portfolio entry (``entry``: already read, under the lock),
        added when the company is new to the portfolio and it has room."""
        if entry is None:
            entry = s.execute(_ENTRY, {"contract_id": contract.id,
                                       "company_id": company.id}).scalars().first()
        if entry is None:
            count = s.execute(select(func.count()).select_from(PortfolioEntry).where(
                PortfolioEntry.contract_id == contract.id)).scalar_one()
            if count >= contract.max_portfolio_companies:
                raise RuleViolation("portfolio.full", limit=contract.max_portfolio_companies)
            entry = PortfolioEntry(contract_id=contract.id, company_id=company.id,
                                   client_reference=client_reference, updated_at=now,
                                   search_text=search_key(company.name, company.country,
                                                          company.easy_number, client_reference))
            s.add(entry)
            s.flush()
        elif client_reference and client_reference != entry.client_reference:
            entry.client_reference = client_reference
            entry.search_text = search_key(company.name, company.country, company.easy_number,
                                           client_reference)
        entry.keep_until = None
        return entry

    # --- changes on an existing product -----------------------------------------------
    def _load_for_change(self, s: Session, product_id: int, version: int) -> Product:
        product = s.get(Product, product_id)
        if product is None:
            raise NotFound("portfolio.product_not_found", product_id=product_id)
        self._visible_or_404(product.contract_id, "portfolio.product_not_found",
                             product_id=product_id)
        section = Section.INFORMATION if product.code in INFORMATION else Section.COVER
        self._require_write(product.contract_id, section)
        if product.version != version:
            raise Conflict("decisions.product_changed", product_id=product_id)
        return product

    def _touch_entry(self, s: Session, product: Product, now: datetime) -> PortfolioEntry | None:
        entry = s.execute(select(PortfolioEntry).where(
            PortfolioEntry.contract_id == product.contract_id,
            PortfolioEntry.company_id == product.company_id)).scalars().first()
        if entry is not None:
            entry.updated_at = now
        return entry

    # --- TopLiner quotes ------------------------------------------------------------------
    def _quote(self, product: Product, company: Company, now: datetime) -> None:
        """An accepted TopLiner becomes a quote: the amount granted, its period, its premium
        and how long it may be bought. It is not a cover until the user buys it."""
        # Priced by the contract's tariff (``rules.underwriting``), read in the unit of work
        # the company was loaded in.
        s = Session.object_session(company)
        assert s is not None
        quote = underwriting.topliner_quote(s, product, company, now)
        product.status = ProductStatus.QUOTED.value
        product.decided_amount = quote.granted
        product.premium = quote.premium
        # The tariff bills in the cover's currency: its notice is in it (issue 20).
        product.premium_currency = product.currency
        product.effective_date, product.end_date = quote.start, quote.end
        product.quote_valid_until = quote.valid_until
        product.monitored = False

    def answer_topliner_quote(self, product_id: int, answer: str,
                              version: int) -> ProductPublic:
        """The user's answer to a TopLiner quote: ``refuse`` and ``new_simulation`` record a
        refusal (the TUI then opens the form again with the same values), ``buy`` makes the
        cover active for its duration from today."""
        now = self.clock.now()
        with self._uow(write=True) as s:
            product = self._load_for_change(s, product_id, version)
            rules.quote_answer(ProductStatus(product.status), product.quote_valid_until,
                               answer, now.date())
            company = s.get(Company, product.company_id)
            assert company is not None
            before = product.status
            product.status = rules.quote_answer_status(answer, product.requested_amount,
                                                       product.decided_amount).value
            product.updated_at = now
            if answer == "buy":
                product.effective_date, product.end_date = rules.topliner_period(
                    now.date(), product.duration_days or rules.TOPLINER_MIN_DAYS)
            s.flush()
            self._event(s, product, f"quote_{answer}", self.principal.login,
                        product.decided_amount,
                        f"premium {product.premium} {product.currency}" if answer == "buy"
                        else "")
            if answer == "buy":
                # Its premium notice, in the same transaction as the purchase (issue 20).
                # Imported here: premium notices (and their schemas) stay out of start-up.
                from cofatui.repository.sql.premiums_notices import topliner_notice

                topliner_notice(s, self.root, product, now.date())
                self._notify(s, product, company, NotificationType.DECISION,
                             wording.topliner_bought(product.decided_amount, product.currency,
                                                     product.end_date, product.premium))
            self._audit(s, "answer_topliner_quote", "product", product.id,
                        {"status": [before, product.status], "answer": [None, answer]},
                        product.contract_id)
            self._touch_entry(s, product, now)
            return ProductPublic.model_validate(product)

    # --- underwriter ---------------------------------------------------------------------
    # --- history, notifications -------------------------------------------------------
    def _event(self, s: Session, product: Product, action: str, actor: str,
               amount: Decimal | None, comment: str = "", status: str | None = None) -> None:
        """A line of the product's history, with the product's status (or ``status``),
        sent at once as a plain INSERT, so that the history keeps the order of the
        calls: it is never read back in the transaction, and needs no ORM object nor
        flush. ``product`` has its id (it was flushed)."""
        s.connection().execute(_EVENT_INSERT, dict(
            product_id=product.id, at=self.clock.now(), action=action,
            status=product.status if status is None else status, amount=amount,
            comment=comment, actor=actor))

    def _notify_decision(self, s: Session, product: Product, company: Company) -> None:
        is_report = product.code.startswith("REPORT")
        kind = NotificationType.REPORT_DELIVERED if is_report else NotificationType.DECISION
        notice = wording.decision(product.code, product.status, product.currency,
                                  product.requested_amount, product.decided_amount,
                                  product.premium, dra=product.delivered_dra,
                                  dra_on=product.delivered_dra_on,
                                  opinion=product.opinion_amount,
                                  insured_percentage=product.insured_percentage)
        importance = Importance.HIGH if product.status == ProductStatus.REFUSED \
            else Importance.NORMAL
        self._notify(s, product, company, kind, notice, product.comment, importance=importance)

    def _notify(self, s: Session, product: Product, company: Company, kind: NotificationType,
                notice: wording.Notice, body: str = "",
                importance: Importance = Importance.NORMAL) -> None:
        category = NotificationCategory.INFORMATION if product.code in INFORMATION \
            else NotificationCategory.INSURANCE
        s.add(Notification(contract_id=product.contract_id, company_id=company.id,
                           product_id=product.id, product_code=product.code,
                           category=category.value, type=kind.value,
                           importance=importance.value, **notice.columns(), body=body[:4000],
                           created_at=self.clock.now()))


def _allowed_codes(contract: Contract) -> frozenset[str]:
    codes = {c.strip() for c in contract.products_allowed.split(",") if c.strip()}
    if "REPORT" in codes:
        codes |= rules.REPORT_CODES
    return frozenset(codes)


"""Claims: submission of a declaration with its lines, and the claims list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ClaimStatus, DeclarationKind, Section
from cofatui.errors import NotFound, RuleViolation, ValidationFailed
from cofatui.models import (
    Claim,
    ClaimDeclaration,
    ClaimInvoice,
    ClaimPayment,
    Company,
    Contract,
    PortfolioEntry,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.claim_rules import due_date_shifts
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.exchange_rates import (
    balances_of,
    claim_amount,
    line_balances,
    lines_of,
)
from cofatui.repository.sql.keyset_page import EPOCH, or_epoch
from cofatui.repository.sql.latest_claims import claim_added
from cofatui.repository.sql.ledger_hook import book_source
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.rules import claims as rules
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    ClaimPublic,
    CurrencyAmount,
    InvoiceLine,
    Page,
    PaymentLine,
    Seek,
)


def insert_lines(s: Session, claim_id: int, declaration_id: int,
                 invoices: Sequence[InvoiceLine], payments: Sequence[PaymentLine]) -> None:
    """A declaration's lines in two multi-row INSERTs: a claim may carry hundreds of
    lines, and building an ORM object per line cost more than the rest of the
    submission (100 invoices: ~60 ms of 90)."""
    if invoices:
        s.execute(insert(ClaimInvoice), [
            {"claim_id": claim_id, "declaration_id": declaration_id, "validated": False,
             **line.model_dump()} for line in invoices])
    if payments:
        s.execute(insert(ClaimPayment), [
            {"claim_id": claim_id, "declaration_id": declaration_id, "validated": False,
             "type": p.type, "invoice_references": ",".join(p.invoice_references),
             "payment_date": p.payment_date, "currency": p.currency, "amount": p.amount}
            for p in payments])


def new_declaration(claim_id: int | None, kind: DeclarationKind,
                    data: ClaimCreate | AdditionalDeclaration, now: datetime,
                    login: str) -> ClaimDeclaration:
    """A declaration row (the first one, or an additional one) with its contacts."""
    return ClaimDeclaration(
        claim_id=claim_id, kind=kind.value, submitted_at=now, submitted_by=login,
        intervention_requested=data.intervention_requested,
        contact_name=data.contact_name.strip(), contact_email=data.contact_email.strip(),
        contact_phone=data.contact_phone.strip(),
        alt_contact_name=data.alt_contact_name.strip(),
        alt_contact_email=data.alt_contact_email.strip(),
        alt_contact_phone=data.alt_contact_phone.strip(), comments=data.comments)


def claim_form(data: ClaimCreate, invoices: Sequence[rules.InvoiceInput],
               payments: Sequence[rules.PaymentInput]) -> rules.ClaimForm:
    """The fields of a claim declaration as the claim rules read them."""
    return rules.ClaimForm(
        reason=data.reason, own_reference=data.own_reference, comments=data.comments,
        billing=(data.billing_address, data.billing_postal_code, data.billing_city,
                 data.billing_country),
        invoicing_partner=data.invoicing_partner,
        contact=(data.contact_name, data.contact_email, data.contact_phone),
        alt_contact=(data.alt_contact_name, data.alt_contact_email, data.alt_contact_phone),
        intervention_requested=data.intervention_requested,
        invoices=invoices, payments=payments)


class ClaimSubmission(SqlArea):
    """Declaring a claim, and the contract's claims list."""
    def submit(self, data: ClaimCreate) -> ClaimPublic:
        self._require_write(data.contract_id, Section.CLAIMS)
        today = self.clock.today()
        invoices = [rules.InvoiceInput(**line.model_dump()) for line in data.invoices]
        payments = [rules.PaymentInput(**line.model_dump()) for line in data.payments]
        with self._uow(write=True) as s:
            contract = s.get(Contract, data.contract_id)
            company = s.get(Company, data.company_id)
            if contract is None or company is None:
                raise NotFound("access.contract_or_company_not_found")
            in_portfolio = s.execute(select(PortfolioEntry.id).where(
                PortfolioEntry.contract_id == contract.id,
                PortfolioEntry.company_id == company.id)).first()
            if not in_portfolio:
                raise RuleViolation("claim_follow_up.not_in_portfolio")
            if not data.insured and not contract.option_uninsured_collection:
                raise RuleViolation("claim_follow_up.no_uninsured_collection")
            # The deadline moves with the buyer's active extension of due date, read
            # here, in the transaction that writes the claim.
            errors = rules.claim_errors(claim_form(data, invoices, payments), today,
                                        contract.max_declaration_days,
                                        shifts=due_date_shifts(s, contract.id, company.id))
            if errors:
                raise ValidationFailed(errors)
            rules.check_one_open_claim_per_debtor(s.execute(select(Claim.status).where(
                Claim.contract_id == contract.id, Claim.company_id == company.id)).scalars())
            now = self.clock.now()
            # In the contract's currency at the rates of the declaration date (today);
            # None while lines in another currency wait for one (rules.indemnity).
            lines = lines_of(data.invoices, data.payments)
            claim = Claim(
                contract_id=contract.id, company_id=company.id,
                own_reference=data.own_reference, status=ClaimStatus.PENDING.value,
                insured=data.insured, reason=data.reason,
                intervention_requested=data.intervention_requested,
                billing_address=data.billing_address, billing_postal_code=data.billing_postal_code,
                billing_city=data.billing_city, billing_country=data.billing_country,
                invoicing_partner=data.invoicing_partner, currency=contract.currency,
                claim_amount=claim_amount(s, lines, contract.currency, now.date()),
                created_at=now, status_on=now.date(),
                submitted_at=now, updated_at=now, created_by=self.principal.login)
            s.add(claim)
            s.flush()
            assert claim.id is not None
            claim.reference = f"DMS-{now.year}-{claim.id:06d}"
            claim_added(s, claim, company)
            declaration = new_declaration(claim.id, DeclarationKind.INITIAL, data, now,
                                          self.principal.login)
            s.add(declaration)
            s.flush()
            assert declaration.id is not None
            insert_lines(s, claim.id, declaration.id, data.invoices, data.payments)
            s.flush()
            # Registered: D 416 / C 411 and the part not covered, with the claim.
            book_source(s, self.root, "claim", claim.id)
            self._audit(s, "submit_claim", "claim", claim.id,
                        {"reference": [None, claim.reference],
                         "invoices": [None, len(data.invoices)]}, contract.id)
            s.flush()
            return self._claim_public(claim, company.name, len(data.invoices),
                                      balances_of(lines))

    def rows(self, contract_id: int, offset: int = 0, limit: int = 100,
             seek: Seek | None = None) -> Page[ClaimPublic]:
        self._require_read(contract_id, Section.CLAIMS)
        limit = max(1, min(limit, MAX_PAGE))
        with self._uow() as s:
            invoice_count = (select(func.count()).where(ClaimInvoice.claim_id == Claim.id)
                             .correlate(Claim).scalar_subquery())
            found = seek_rows(
                s, select(Claim, Company.name, invoice_count)
                .join(Company, Company.id == Claim.company_id)
                .where(Claim.contract_id == contract_id),
                CLAIM_ORDER, seek, max(0, offset), limit,
                lambda row: (row[0].updated_at or EPOCH, row[0].id))
            total = -1 if seek is not None else s.execute(
                select(func.count()).select_from(Claim).where(
                    Claim.contract_id == contract_id)).scalar_one()
            balances = line_balances(s, [c.id for c, _, _ in found.rows])
            return Page(items=[self._claim_public(c, name, count, balances.get(c.id, []))
                               for c, name, count in found.rows],
                        offset=0 if seek else offset, limit=limit, total=total,
                        first_cursor=found.first_cursor, last_cursor=found.last_cursor)

    @staticmethod
    def _claim_public(claim: Claim, company_name: str, invoices: int,
                      balances: list[CurrencyAmount]) -> ClaimPublic:
        return ClaimPublic.model_validate({
            **claim.model_dump(), "company_name": company_name, "invoice_count": invoices,
            "balances": balances})


#: The contract's claims, the latest updated first, then the latest made. A claim
#: without its time (none is written so, but the column allows it) sorts last, at
#: EPOCH, bound with the column's type so that SQLite compares it in the column's own
#: format. The coalesce costs ix_claim_contract_updated its order, not its range: a
#: contract's claims are read by the index and sorted.
_UPDATED = col(Claim.updated_at)
CLAIM_ORDER = (SortKey(or_epoch(_UPDATED), datetime,
                       descending=True),
               SortKey(col(Claim.id), int, descending=True))

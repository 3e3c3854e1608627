"""After the declaration: the claims portfolio (one row per debtor), the claim detail,
additional declarations, attachments, and the claims handler's actions (validate lines,
status, indemnity) that notify the policyholder."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofatui import notification_wording as wording
from cofatui.enums import (
    ACTIVE_COVER_STATUSES,
    ClaimStatus,
    DeclarationKind,
    DocumentCategory,
    DocumentSource,
    Importance,
    NotificationCategory,
    NotificationType,
    Role,
    Section,
)
from cofatui.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    RuleViolation,
    ValidationFailed,
)
from cofatui.models import (
    Claim,
    ClaimDebtor,
    ClaimDeclaration,
    ClaimInvoice,
    ClaimPayment,
    Company,
    Contract,
    Document,
    Notification,
    NotificationState,
    Product,
    User,
    UserContract,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.claim_rules import claim_invoices, claim_payments, due_date_shifts
from cofatui.repository.sql.claim_submission import insert_lines, new_declaration
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.document_store import keep_document
from cofatui.repository.sql.exchange_rates import (
    assess,
    assessment_public,
    claim_amount,
    claim_lines,
    declaration_date,
    line_balances,
)
from cofatui.repository.sql.keyset_page import EPOCH
from cofatui.repository.sql.latest_claims import (
    PORTFOLIO_ORDER,
    claim_changed,
    debtor_count,
    order_key,
    text_match,
)
from cofatui.repository.sql.ledger_hook import book_source
from cofatui.repository.sql.paging import encode_cursor, seek_rows
from cofatui.rules import addresses
from cofatui.rules import claims as rules
from cofatui.rules.attachments import check_attachment
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimDetail,
    ClaimPublic,
    ClaimStatusChange,
    CurrencyAmount,
    DebtorClaimsRow,
    DeclarationPublic,
    DocumentPublic,
    IndemnityUpdate,
    InvoicePublic,
    LineValidation,
    Page,
    PaymentPublic,
    Seek,
)

COVER_CODES = ("CRL", "ECL", "RLI", "TOPLINER")


PROBE = 1000  # filtered portfolio: matches read before deciding to count them


def _debtor_keys(s: Session, cond: list[Any], offset: int, limit: int,
                 total: int | None = None) -> list[int]:
    """Claim ids of the debtors' rows, newest first (``ix_claim_debtor_order``).

    An offset skips index entries one by one: past the middle (the list's End key),
    knowing the total, the page is read from the other end and turned round."""
    if total is not None and offset > total // 2:
        end = min(total, offset + limit)
        ids = s.execute(select(ClaimDebtor.claim_id).where(*cond)
                        .order_by(*(key.element.asc() for key in order_key()))
                        .offset(total - end).limit(end - offset)).scalars()
        return list(ids)[::-1]
    return list(s.execute(select(ClaimDebtor.claim_id).where(*cond).order_by(*order_key())
                          .offset(offset).limit(limit)).scalars())


def _debtor_rows(s: Session, contract_id: int, claim_ids: list[int]) -> list[DebtorClaimsRow]:
    """The portfolio rows of these latest claims, in the order given."""
    if not claim_ids:
        return []
    rows = s.execute(
        select(Company.id.label("company_id"), Company.name.label("company_name"),
               Company.country, Company.easy_number, ClaimDebtor.claims,
               Claim.id.label("latest_claim_id"), Claim.reference.label("latest_reference"),
               Claim.status.label("latest_status"), Claim.insured,
               Claim.intervention_requested, Claim.collector, Claim.currency,
               Claim.claim_amount, Claim.covered_amount, Claim.calculated_indemnity,
               Claim.updated_at)
        .select_from(Claim)
        .join(Company, Company.id == Claim.company_id)
        .join(ClaimDebtor, (ClaimDebtor.contract_id == contract_id)
              & (ClaimDebtor.company_id == Claim.company_id))
        .where(Claim.id.in_(claim_ids))).all()
    by_id = {row.latest_claim_id: row for row in rows}
    balances = line_balances(s, claim_ids)
    return [DebtorClaimsRow.model_validate({**by_id[i]._mapping, "balances": balances.get(i, [])})
            for i in claim_ids if i in by_id]


def _cursor(row: DebtorClaimsRow) -> str:
    """A portfolio row's cursor: its values of ``PORTFOLIO_ORDER`` (the row's time is
    its latest claim's, which ``claim_debtor`` keeps)."""
    return encode_cursor((row.updated_at or EPOCH, row.latest_claim_id))


class ClaimFollowUp(SqlArea):
    """A registered claim: the claims portfolio, detail, declarations, documents and
    the handler's commands."""
    # --- reads ---------------------------------------------------------------------------
    def portfolio(self, contract_id: int, text: str | None = None, offset: int = 0,
                  limit: int = 100, seek: Seek | None = None) -> Page[DebtorClaimsRow]:
        """One row per debtor: its latest claim and how many it has had.

        Read from the tables kept with the claims (``latest_claims``): the page's keys
        are a range of ``ix_claim_debtor_order`` read from the index alone, then the
        page's claims and companies by primary key, as columns (a page is read, never
        written). By offset (counted: one row unfiltered; filtered, see
        ``_matching_keys``), or by key as ``seek`` says (issue 21; not counted)."""
        self._require_read(contract_id, Section.CLAIMS)
        limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
        needle = (text or "").strip()
        cond = [ClaimDebtor.contract_id == contract_id]
        with self._uow() as s:
            if seek is not None:
                if needle:
                    cond.append(text_match(needle, s.get_bind().dialect.name))
                found = seek_rows(s, select(ClaimDebtor.claim_id, ClaimDebtor.updated_at)
                                  .where(*cond), PORTFOLIO_ORDER, seek, 0, limit,
                                  lambda row: (row[1] or EPOCH, row[0]))
                keys, total = [row[0] for row in found.rows], -1
            elif needle:
                keys, total = self._matching_keys(s, contract_id, needle, offset, limit)
            else:
                total = debtor_count(s, contract_id)
                keys = _debtor_keys(s, cond, offset, limit, total) if offset < total else []
            rows = _debtor_rows(s, contract_id, keys)
            return Page(items=rows, offset=0 if seek else offset, limit=limit, total=total,
                        first_cursor=_cursor(rows[0]) if rows else None,
                        last_cursor=_cursor(rows[-1]) if rows else None)

    def _matching_keys(self, s: Session, contract_id: int, needle: str, offset: int,
                       limit: int) -> tuple[list[int], int]:
        """The page's claim ids and the number of debtors matching ``needle``.

        Through the FTS5 trigram index (SQLite, three characters or more) the matches
        are counted first; then the page either sorts the matches or, when they are
        dense, walks the contract's rows newest first until it is full. With a ``LIKE``
        (PostgreSQL, whose planner picks the pg_trgm index or the walk; short needles)
        up to PROBE matches are read first: fewer, and they are all there is, no count
        needed (one index search instead of two); more, and they are counted."""
        dialect = s.get_bind().dialect.name
        cond = [ClaimDebtor.contract_id == contract_id]
        if dialect == "sqlite" and len(needle) >= 3:
            total = s.execute(select(func.count()).select_from(ClaimDebtor).where(
                *cond, text_match(needle, dialect))).scalar_one()
            walk = (offset + limit) * debtor_count(s, contract_id) < total * total
            cond.append(text_match(needle, dialect, walk=walk))
            return (_debtor_keys(s, cond, offset, limit, total) if offset < total
                    else []), total
        cond.append(text_match(needle, dialect))
        probe = _debtor_keys(s, cond, 0, PROBE) if offset + limit <= PROBE else None
        if probe is not None and len(probe) < PROBE:
            return probe[offset:offset + limit], len(probe)
        total = s.execute(select(func.count()).select_from(ClaimDebtor).where(*cond)
                          ).scalar_one()
        if probe is not None:
            return probe[offset:offset + limit], total
        return (_debtor_keys(s, cond, offset, limit, total) if offset < total else []), total

    def _claim_for(self, s: Session, claim_id: int) -> Claim:
        claim = s.get(Claim, claim_id)
        if claim is None:
            raise NotFound("claim_follow_up.claim_not_found", claim_id=claim_id)
        self._visible_or_404(claim.contract_id, "claim_follow_up.claim_not_found",
                             claim_id=claim_id)
        self._require_read(claim.contract_id, Section.CLAIMS)
        return claim

    def detail(self, claim_id: int) -> ClaimDetail:
        with self._uow() as s:
            claim = self._claim_for(s, claim_id)
            contract = s.get(Contract, claim.contract_id)
            company = s.get(Company, claim.company_id)
            assert contract is not None and company is not None
            declarations = [DeclarationPublic.model_validate(d) for d in s.execute(
                select(ClaimDeclaration).where(ClaimDeclaration.claim_id == claim.id)
                .order_by(ClaimDeclaration.id)).scalars()]
            invoices = [InvoicePublic.model_validate(i) for i in s.execute(
                select(ClaimInvoice).where(ClaimInvoice.claim_id == claim.id)
                .order_by(ClaimInvoice.id)).scalars()]
            payments = [PaymentPublic.model_validate(p) for p in s.execute(
                select(ClaimPayment).where(ClaimPayment.claim_id == claim.id)
                .order_by(ClaimPayment.id)).scalars()]
            documents = [DocumentPublic.model_validate(d) for d in s.execute(
                select(Document).where(Document.claim_id == claim.id)
                .order_by(Document.created_at.desc(), Document.id.desc())).scalars()]
            history = self._company_claim_list(s, claim.contract_id, company)
            limit = self._credit_limit(s, claim)
            assessed = assess(s, claim, limit, contract.insured_percentage, self.clock.today())
            return ClaimDetail(
                claim=_public(claim, company.name, len(invoices), [
                    CurrencyAmount(currency=t.currency, amount=t.balance.amount)
                    for t in assessed.totals]),
                assessment=assessment_public(assessed),
                contract_policy_number=contract.policy_number,
                insured_percentage=contract.insured_percentage,
                max_declaration_days=contract.max_declaration_days,
                due_date_shifts=due_date_shifts(s, claim.contract_id, claim.company_id),
                credit_limit=limit,
                conditions_used=claim.conditions_used, collector=claim.collector,
                billing_address=claim.billing_address,
                billing_postal_code=claim.billing_postal_code,
                billing_city=claim.billing_city, billing_country=claim.billing_country,
                invoicing_partner=claim.invoicing_partner, declarations=declarations,
                invoices=invoices, payments=payments, documents=documents,
                debtor_history=history)

    def _company_claim_list(self, s: Session, contract_id: int,
                            company: Company) -> list[ClaimPublic]:
        count = (select(func.count()).where(ClaimInvoice.claim_id == Claim.id)
                 .correlate(Claim).scalar_subquery())
        rows = s.execute(select(Claim, count).where(Claim.contract_id == contract_id,
                                                    Claim.company_id == company.id)
                         .order_by(Claim.id.desc())).all()
        balances = line_balances(s, [c.id for c, _ in rows])
        return [_public(c, company.name, n, balances.get(c.id, [])) for c, n in rows]

    def _credit_limit(self, s: Session, claim: Claim) -> Decimal | None:
        """The credit limit on the debtor: the largest active cover decided."""
        return s.execute(select(func.max(Product.decided_amount)).where(
            Product.contract_id == claim.contract_id, Product.company_id == claim.company_id,
            Product.code.in_(COVER_CODES),
            Product.status.in_([st.value for st in ACTIVE_COVER_STATUSES]))).scalar()

    # --- policyholder commands ------------------------------------------------------------
    def add_declaration(self, claim_id: int, data: AdditionalDeclaration,
                        version: int) -> ClaimPublic:
        """New invoices, payments, an intervention request or a new contact. What was
        declared before is never changed."""
        if not (data.invoices or data.payments or data.intervention_requested
                or data.contact_name.strip() or data.alt_contact_name.strip()):
            raise ValidationFailed("claim_follow_up.nothing_added")
        today, now = self.clock.today(), self.clock.now()
        with self._uow(write=True) as s:
            claim = self._claim_for(s, claim_id)
            self._require_write(claim.contract_id, Section.CLAIMS)
            if claim.version != version:
                raise Conflict("claim_follow_up.claim_changed", claim_id=claim_id)
            if claim.status in (ClaimStatus.CLOSED, ClaimStatus.CANCELLED, ClaimStatus.DRAFT):
                raise RuleViolation("claim_follow_up.not_open")
            contract = s.get(Contract, claim.contract_id)
            assert contract is not None
            declared = claim_invoices(s, claim.id)
            known = {i.number for i in declared}
            invoices = [rules.InvoiceInput(**line.model_dump()) for line in data.invoices]
            payments = [rules.PaymentInput(**line.model_dump()) for line in data.payments]
            errors: list[FieldError] = [
                # The same deadline as the first declaration's, moved by the buyer's
                # active extension; a line already in the claim is refused.
                *(rules.invoice_errors(invoices, today, contract.max_declaration_days,
                                       shifts=due_date_shifts(s, claim.contract_id,
                                                              claim.company_id),
                                       existing=declared) if invoices else []),
                *rules.payment_errors(payments, known | {i.number for i in invoices}, today,
                                      existing=claim_payments(s, claim.id)),
                *rules.header_errors(claim.reason, data.comments, ""),
                *addresses.contact_errors("contact_", data.contact_name, data.contact_email,
                                          data.contact_phone),
                *rules.alt_contact_errors(
                    data.alt_contact_name, data.alt_contact_email, data.alt_contact_phone,
                    data.intervention_requested or claim.intervention_requested),
            ]
            if errors:
                raise ValidationFailed(errors)
            declaration = new_declaration(claim.id, DeclarationKind.ADDITIONAL, data, now,
                                          self.principal.login)
            s.add(declaration)
            s.flush()
            assert claim.id is not None and declaration.id is not None
            insert_lines(s, claim.id, declaration.id, data.invoices, data.payments)
            claim.claim_amount = self._amount(s, claim)
            if data.intervention_requested:
                claim.intervention_requested = True
            claim.updated_at = now
            s.flush()
            claim_changed(s, claim)
            # New invoices change what is registered and the part not covered.
            book_source(s, self.root, "claim", claim.id)
            self._audit(s, "add_declaration", "claim", claim.id,
                        {"invoices": [None, len(data.invoices)],
                         "payments": [None, len(data.payments)],
                         "intervention_requested": [None, data.intervention_requested]},
                        claim.contract_id)
            count = s.execute(select(func.count()).where(
                ClaimInvoice.claim_id == claim.id)).scalar_one()
            company = s.get(Company, claim.company_id)
            assert company is not None
            return _public(claim, company.name, count,
                           line_balances(s, [claim.id]).get(claim.id, []))

    def _amount(self, s: Session, claim: Claim) -> Decimal | None:
        """In the contract's currency at the declaration date's rates; None while lines
        wait for a rate (rules.indemnity)."""
        assert claim.id is not None
        return claim_amount(s, claim_lines(s, claim.id), claim.currency,
                            declaration_date(claim, self.clock.today()))

    def add_document(self, claim_id: int, filename: str, content: bytes, category: str,
                     comment: str = "") -> DocumentPublic:
        """Attach a PDF or image (checked by its content) to a registered claim, under
        its name with the extension of what it holds (rules.attachments)."""
        attachment = check_attachment(filename, content)
        if category not in {c.value for c in DocumentCategory}:
            raise ValidationFailed.at("category", "claim_follow_up.choose_category")
        if len(comment) > 500:
            raise ValidationFailed.at("comment", "claim_follow_up.at_most_chars", limit=500)
        with self._uow(write=True) as s:
            claim = self._claim_for(s, claim_id)
            self._require_write(claim.contract_id, Section.CLAIMS)
            if claim.status == ClaimStatus.DRAFT or not claim.reference:
                raise RuleViolation("claim_follow_up.attach_registered_only")
            document = Document(
                source=DocumentSource.CLAIMS.value, contract_id=claim.contract_id,
                company_id=claim.company_id, claim_id=claim.id, filename=attachment.name,
                content_type=attachment.media_type,
                size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                category=category, comment=comment, created_at=self.clock.now(),
                created_by=self.principal.login)
            keep_document(s, document, content)
            self._audit(s, "add_document", "claim", claim.id,
                        {"document": [None, document.filename], "sha256": [None, document.sha256]},
                        claim.contract_id)
            return DocumentPublic.model_validate(document)

    # --- claims handler ------------------------------------------------------------------
    def _require_handler(self) -> None:
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("access.handlers_only")

    def _handler_claim(self, s: Session, claim_id: int, version: int) -> Claim:
        self._require_handler()
        claim = s.get(Claim, claim_id)
        if claim is None:
            raise NotFound("claim_follow_up.claim_not_found", claim_id=claim_id)
        if claim.version != version:
            raise Conflict("claim_follow_up.claim_changed", claim_id=claim_id)
        return claim

    def validate_lines(self, claim_id: int, lines: LineValidation,
                       version: int) -> ClaimPublic:
        with self._uow(write=True) as s:
            claim = self._handler_claim(s, claim_id, version)
            changed = 0
            for model, ids in ((ClaimInvoice, lines.invoice_ids),
                               (ClaimPayment, lines.payment_ids)):
                for row in s.execute(select(model).where(model.claim_id == claim.id,
                                                         model.id.in_(ids or [-1]))).scalars():
                    if not row.validated:
                        row.validated = True
                        changed += 1
            claim.updated_at = self.clock.now()
            s.flush()
            claim_changed(s, claim)
            self._audit(s, "validate_claim_lines", "claim", claim.id,
                        {"validated": [None, changed]}, claim.contract_id)
            return self._claim_out(s, claim)

    def set_status(self, claim_id: int, change: ClaimStatusChange,
                   version: int) -> ClaimPublic:
        allowed = {ClaimStatus.ACCEPTED, ClaimStatus.REJECTED, ClaimStatus.CLOSED,
                   ClaimStatus.CANCELLED, ClaimStatus.PENDING}
        if change.status not in allowed:
            raise ValidationFailed.at("status", "claim_follow_up.choose_status")
        if change.status == ClaimStatus.REJECTED and not change.comment.strip():
            raise ValidationFailed.at("comment", "claim_follow_up.say_why_rejected")
        with self._uow(write=True) as s:
            claim = self._handler_claim(s, claim_id, version)
            if claim.status in (ClaimStatus.CLOSED, ClaimStatus.CANCELLED):
                raise RuleViolation("claim_follow_up.final")
            before = claim.status
            claim.status = change.status.value
            # The day a cancellation (or any move) is booked on (issue 20 item 5).
            claim.status_on = self.clock.today()
            claim.updated_at = self.clock.now()
            s.flush()
            claim_changed(s, claim)
            book_source(s, self.root, "claim", claim.id)
            self._notify_claim(s, claim, NotificationType.CLAIM_UPDATE,
                               wording.claim_update(claim.reference, change.status.value),
                               change.comment)
            self._audit(s, "set_claim_status", "claim", claim.id,
                        {"status": [before, claim.status]}, claim.contract_id)
            return self._claim_out(s, claim)

    def set_indemnity(self, claim_id: int, update: IndemnityUpdate, version: int) -> ClaimPublic:
        with self._uow(write=True) as s:
            claim = self._handler_claim(s, claim_id, version)
            # What the handler typed, before anything is computed: a computed amount
            # is the rules' own.
            typed = {name: value for name, value in (
                ("covered_amount", update.covered_amount),
                ("calculated_indemnity", update.calculated_indemnity)) if value is not None}
            errors = rules.indemnity_errors(typed, update.indemnity_date, update.collector,
                                            claim.currency, self.clock.today())
            if errors:
                raise ValidationFailed(errors)
            contract = s.get(Contract, claim.contract_id)
            assert contract is not None
            limit = self._credit_limit(s, claim)
            # Every payment declared, initial or additional, is already netted in the
            # claim amount, so nothing is "recovered" on top of it here. Lines in another
            # currency are converted at the declaration date's recorded rates; until each
            # has one, nothing is computed on a sum of mixed currencies.
            assessed = assess(s, claim, limit, contract.insured_percentage,
                              self.clock.today())
            computed = assessed.indemnity
            if computed is None:
                waiting = assessed.amount.waiting
                raise RuleViolation(
                    "claim_follow_up.indemnity_waits_for_rate",
                    count=sum(w.invoices + w.payments for w in waiting),
                    invoices=sum(w.invoices for w in waiting),
                    payments=sum(w.payments for w in waiting),
                    currencies=[w.currency for w in waiting])
            covered = update.covered_amount if update.covered_amount is not None \
                else computed.covered_amount
            indemnity = update.calculated_indemnity if update.calculated_indemnity is not None \
                else computed.calculated_indemnity
            before = {"claim_amount": claim.claim_amount,
                      "covered_amount": claim.covered_amount,
                      "calculated_indemnity": claim.calculated_indemnity,
                      "indemnity_date": claim.indemnity_date}
            claim.claim_amount = computed.claim_amount
            claim.covered_amount = covered
            claim.calculated_indemnity = indemnity
            claim.indemnity_date = update.indemnity_date or self.clock.today()
            if update.collector is not None:
                claim.collector = update.collector
            claim.conditions_used = computed.conditions_used[:500]
            claim.updated_at = self.clock.now()
            s.flush()
            claim_changed(s, claim)
            # The indemnity agreed (and the uninsured part) are booked with it.
            book_source(s, self.root, "claim", claim.id)
            self._notify_claim(s, claim, NotificationType.INDEMNITY,
                               wording.claim_indemnity(claim.reference, indemnity,
                                                       claim.currency),
                               claim.conditions_used)
            self._audit(s, "set_indemnity", "claim", claim.id,
                        {k: [v, getattr(claim, k)] for k, v in before.items()},
                        claim.contract_id)
            return self._claim_out(s, claim)

    def _claim_out(self, s: Session, claim: Claim) -> ClaimPublic:
        company = s.get(Company, claim.company_id)
        count = s.execute(select(func.count()).where(
            ClaimInvoice.claim_id == claim.id)).scalar_one()
        assert company is not None and claim.id is not None
        return _public(claim, company.name, count, line_balances(s, [claim.id]).get(claim.id, []))

    def _notify_claim(self, s: Session, claim: Claim, kind: NotificationType,
                      notice: wording.Notice, body: str) -> None:
        """Notify the contract; users who opted out get it already hidden."""
        note = Notification(contract_id=claim.contract_id, company_id=claim.company_id,
                            claim_id=claim.id, product_code="CLAIM",
                            category=NotificationCategory.MANAGEMENT.value, type=kind.value,
                            importance=Importance.HIGH.value, **notice.columns(),
                            body=body[:4000], created_at=self.clock.now())
        s.add(note)
        s.flush()
        opted_out: Sequence[int] = list(s.execute(
            select(User.id).join(UserContract, UserContract.user_id == User.id).where(
                UserContract.contract_id == claim.contract_id,
                User.notify_opt_out.is_(True))).scalars())
        s.add_all([NotificationState(user_id=uid, notification_id=note.id, read=True,
                                     deleted=True) for uid in opted_out])


def _public(claim: Claim, company_name: str, invoices: int,
            balances: list[CurrencyAmount]) -> ClaimPublic:
    return ClaimPublic.model_validate({**claim.model_dump(), "company_name": company_name,
                                       "invoice_count": invoices, "balances": balances})

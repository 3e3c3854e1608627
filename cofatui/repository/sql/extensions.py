"""Extensions of due date: request (free within the DMC, else for the insurer), cancel,
modify, the underwriter's decision, and the claim deadline they move."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cofatui import notification_wording as wording
from cofatui.enums import (
    ACTIVE_COVER_STATUSES,
    ExtensionStatus,
    Importance,
    NotificationCategory,
    NotificationType,
    ProductStatus,
    Role,
    Section,
)
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import (
    Claim,
    Company,
    Contract,
    Extension,
    ExtensionInvoice,
    ExtensionPlanLine,
    Notification,
    Product,
)
from cofatui.repository.sql.core import SqlArea
from cofatui.rules import extensions as rules
from cofatui.schemas import (
    ExtensionCreate,
    ExtensionDecisionInput,
    ExtensionInvoiceLine,
    ExtensionPublic,
    PlanLineInput,
)

POLICYHOLDER, UNDERWRITER = "policyholder", "underwriter"


def _invoices(lines: Sequence[ExtensionInvoiceLine]) -> list[rules.ExtensionInvoice]:
    return [rules.ExtensionInvoice(i.number, i.invoice_date, i.due_date, i.amount)
            for i in lines]


def _plan(lines: Sequence[PlanLineInput]) -> list[rules.PlanLine]:
    return [rules.PlanLine(p.due_date, p.amount) for p in lines]


def _terms(contract: Contract) -> rules.ContractTerms:
    return rules.ContractTerms(contract.dmc_days)


class SqlExtensions(SqlArea):
    """``repo.extensions`` on SQL."""
    def rows(self, contract_id: int, company_id: int | None = None
             ) -> list[ExtensionPublic]:
        self._require_read(contract_id, Section.CLAIMS)
        with self._uow() as s:
            cond = [Extension.contract_id == contract_id]
            if company_id is not None:
                cond.append(Extension.company_id == company_id)
            rows = s.execute(select(Extension).where(*cond)
                             .order_by(Extension.id.desc()).limit(500)).scalars()
            return [self._extension_public(s, e) for e in rows]

    def request(self, data: ExtensionCreate) -> ExtensionPublic:
        self._require_write(data.contract_id, Section.CLAIMS)
        invoices, plan = _invoices(data.invoices), _plan(data.plan)
        now = self.clock.now()
        with self._uow(write=True) as s:
            contract = s.get(Contract, data.contract_id)
            company = s.get(Company, data.company_id)
            if contract is None or company is None:
                raise NotFound("access.contract_or_company_not_found")
            # The same rules as the form shows at its fields, before anything is written.
            errors = rules.request_errors(data.reason, data.currency, invoices, plan,
                                          self.clock.today(), _terms(contract))
            if errors:
                raise ValidationFailed(errors)
            rules.check_offered(contract.products_allowed.split(","))
            rules.check_one_extension_per_buyer(s.execute(select(Extension.status).where(
                Extension.contract_id == contract.id,
                Extension.company_id == company.id)).scalars())
            rules.check_no_open_claim(s.execute(select(Claim.status).where(
                Claim.contract_id == contract.id, Claim.company_id == company.id)).scalars())
            needed, why = self._needs_request(s, contract, company, invoices, plan)
            extension = Extension(
                contract_id=contract.id, company_id=company.id, reason=data.reason.strip(),
                currency=data.currency, created_at=now, updated_at=now, comment=why,
                status=(ExtensionStatus.PENDING if needed else ExtensionStatus.ACTIVE).value,
                decided_by="" if needed else "rule:within-dmc",
                decided_at=None if needed else now)
            s.add(extension)
            s.flush()
            self._write_lines(s, extension, data.invoices, data.plan, POLICYHOLDER)
            self._audit(s, "request_extension", "extension", extension.id,
                        {"status": [None, extension.status],
                         "total": [None, rules.invoices_total(invoices)]}, contract.id)
            s.flush()
            return self._extension_public(s, extension)

    def _needs_request(self, s: Session, contract: Contract, company: Company,
                       invoices: list[rules.ExtensionInvoice],
                       plan: list[rules.PlanLine]) -> tuple[bool, str]:
        covers = list(s.execute(select(Product.status).where(
            Product.contract_id == contract.id, Product.company_id == company.id,
            Product.code.in_(("CRL", "ECL", "RLI", "TOPLINER")))).scalars())
        terminated = bool(covers) and not any(st in {a.value for a in ACTIVE_COVER_STATUSES}
                                              for st in covers) and \
            ProductStatus.TERMINATED.value in covers
        in_default = company.dra == 0
        return rules.plan_needs_request(invoices, plan, contract.dmc_days, terminated,
                                        in_default)

    def _write_lines(self, s: Session, extension: Extension,
                     invoices: Sequence[ExtensionInvoiceLine] | None,
                     plan: Sequence[PlanLineInput], proposed_by: str) -> None:
        if invoices is not None:
            s.add_all([ExtensionInvoice(extension_id=extension.id, number=i.number,
                                        invoice_date=i.invoice_date, due_date=i.due_date,
                                        amount=i.amount) for i in invoices])
        s.add_all([ExtensionPlanLine(extension_id=extension.id, due_date=p.due_date,
                                     amount=p.amount, proposed_by=proposed_by) for p in plan])

    def _load(self, s: Session, extension_id: int, version: int) -> Extension:
        extension = s.get(Extension, extension_id)
        if extension is None:
            raise NotFound("extension_requests.not_found", extension_id=extension_id)
        if self.principal.role != Role.UNDERWRITER:
            self._visible_or_404(extension.contract_id, "extension_requests.not_found",
                                 extension_id=extension_id)
        if extension.version != version:
            raise Conflict("extension_requests.changed", extension_id=extension_id)
        return extension

    def cancel(self, extension_id: int, version: int) -> ExtensionPublic:
        with self._uow(write=True) as s:
            extension = self._load(s, extension_id, version)
            self._require_write(extension.contract_id, Section.CLAIMS)
            rules.check_can_cancel(extension.status)
            extension.status = ExtensionStatus.CANCELLED.value
            extension.updated_at = self.clock.now()
            s.flush()
            self._audit(s, "cancel_extension", "extension", extension.id,
                        {"status": ["pending", "cancelled"]}, extension.contract_id)
            return self._extension_public(s, extension)

    def modify(self, extension_id: int, plan: Sequence[PlanLineInput],
               version: int) -> ExtensionPublic:
        """A new plan for an active extension; outside the DMC it goes back to the insurer."""
        with self._uow(write=True) as s:
            extension = self._load(s, extension_id, version)
            self._require_write(extension.contract_id, Section.CLAIMS)
            rules.check_can_modify(extension.status)
            invoices = self._invoice_rules(s, extension)
            errors = rules.plan_errors(invoices, _plan(plan), extension.currency,
                                       self.clock.today())
            if errors:
                raise ValidationFailed(errors)
            contract, company = s.get(Contract, extension.contract_id), \
                s.get(Company, extension.company_id)
            assert contract is not None and company is not None
            needed, why = self._needs_request(s, contract, company, invoices, _plan(plan))
            s.execute(delete(ExtensionPlanLine).where(
                ExtensionPlanLine.extension_id == extension.id))
            self._write_lines(s, extension, None, plan, POLICYHOLDER)
            now = self.clock.now()
            extension.status = (ExtensionStatus.PENDING if needed
                                 else ExtensionStatus.ACTIVE).value
            extension.decided_by = "" if needed else "rule:within-dmc"
            extension.decided_at = None if needed else now
            extension.comment = why
            extension.updated_at = now
            s.flush()
            self._audit(s, "modify_extension", "extension", extension.id,
                        {"status": ["active", extension.status]}, extension.contract_id)
            return self._extension_public(s, extension)

    def decide(self, extension_id: int, decision: ExtensionDecisionInput,
               version: int) -> ExtensionPublic:
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("extension_requests.underwriters_only")
        if decision.decision not in ("accept", "accept_other_plan", "refuse"):
            raise ValidationFailed.at("decision", "extension_requests.choose_decision")
        if decision.decision == "refuse" and not decision.comment.strip():
            raise ValidationFailed.at("comment", "extension_requests.say_why_refused")
        with self._uow(write=True) as s:
            extension = self._load(s, extension_id, version)
            if extension.status != ExtensionStatus.PENDING:
                raise RuleViolation("extension_requests.not_pending", extension_id=extension_id)
            if decision.decision == "accept_other_plan":
                errors = rules.plan_errors(self._invoice_rules(s, extension),
                                           _plan(decision.plan), extension.currency,
                                           self.clock.today())
                if errors:
                    raise ValidationFailed(errors)
                self._write_lines(s, extension, None, decision.plan, UNDERWRITER)
            now = self.clock.now()
            extension.status = (ExtensionStatus.REFUSED if decision.decision == "refuse"
                                else ExtensionStatus.ACTIVE).value
            extension.decided_by = self.principal.login
            extension.decided_at = now
            extension.comment = decision.comment
            extension.updated_at = now
            s.flush()
            public = self._extension_public(s, extension)
            s.add(Notification(
                contract_id=extension.contract_id, company_id=extension.company_id,
                product_code="EXTENSION", category=NotificationCategory.MANAGEMENT.value,
                type=NotificationType.DECISION.value,
                importance=(Importance.HIGH if decision.decision == "refuse"
                            else Importance.NORMAL).value,
                **wording.extension_decided(extension.status,
                                            public.declaration_deadline).columns(),
                body=decision.comment[:4000], created_at=now))
            self._audit(s, "decide_extension", "extension", extension.id,
                        {"status": ["pending", extension.status]}, extension.contract_id)
            return public

    def _invoice_rules(self, s: Session, extension: Extension) -> list[rules.ExtensionInvoice]:
        return [rules.ExtensionInvoice(i.number, i.invoice_date, i.due_date, i.amount)
                for i in s.execute(select(ExtensionInvoice).where(
                    ExtensionInvoice.extension_id == extension.id)
                    .order_by(ExtensionInvoice.id)).scalars()]

    def _extension_public(self, s: Session, extension: Extension) -> ExtensionPublic:
        invoices = self._invoice_rules(s, extension)
        lines = list(s.execute(select(ExtensionPlanLine).where(
            ExtensionPlanLine.extension_id == extension.id)
            .order_by(ExtensionPlanLine.due_date, ExtensionPlanLine.id)).scalars())
        proposed = [PlanLineInput(due_date=p.due_date, amount=p.amount) for p in lines
                    if p.proposed_by == POLICYHOLDER]
        counter = [PlanLineInput(due_date=p.due_date, amount=p.amount) for p in lines
                   if p.proposed_by == UNDERWRITER]
        in_force = counter or proposed
        contract = s.get(Contract, extension.contract_id)
        company = s.get(Company, extension.company_id)
        assert contract is not None and company is not None
        deadline = rules.shifted_declaration_deadline(invoices, _plan(in_force),
                                                      contract.max_declaration_days,
                                                      extension.status)
        return ExtensionPublic(
            id=extension.id, contract_id=extension.contract_id,
            company_id=extension.company_id, company_name=company.name,
            status=extension.status, reason=extension.reason, currency=extension.currency,
            invoices=[ExtensionInvoiceLine(number=i.number, invoice_date=i.invoice_date,
                                           due_date=i.due_date, amount=i.amount)
                      for i in invoices],
            plan=in_force, proposed_plan=proposed, total=rules.invoices_total(invoices),
            declaration_deadline=deadline, decided_by=extension.decided_by,
            comment=extension.comment, created_at=extension.created_at,
            decided_at=extension.decided_at, version=extension.version)

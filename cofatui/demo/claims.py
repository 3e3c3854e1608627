"""Demo claims (with declarations, invoices, payments) and extensions of due date.

They are few (about 2 % and 0.5 % of the companies), so rows are plain dicts with
Decimal amounts and aware datetimes, inserted through SQLAlchemy Core.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cofatui.demo.names import FIRST_NAMES, LAST_NAMES
from cofatui.enums import (
    ClaimReason,
    ClaimStatus,
    Collector,
    DeclarationKind,
    ExtensionStatus,
    InvoiceType,
    PaymentType,
)

CENT = Decimal("0.01")
Dict = dict[str, Any]

_CLAIM_STATUSES = ((ClaimStatus.PENDING, 30), (ClaimStatus.ACCEPTED, 25),
                   (ClaimStatus.REJECTED, 8), (ClaimStatus.CLOSED, 20),
                   (ClaimStatus.CANCELLED, 10), (ClaimStatus.DRAFT, 7))
_REASONS = ((ClaimReason.FINANCIAL_DIFFICULTIES, 35), (ClaimReason.INSOLVENCY, 20),
            (ClaimReason.COMMERCIAL_DISPUTE, 15), (ClaimReason.TECHNICAL_DISPUTE, 5),
            (ClaimReason.NON_TRANSFER, 10), (ClaimReason.OTHER, 15))
_COMMENTS = (
    "Several reminders sent without answer; the buyer invokes cash-flow difficulties.",
    "The buyer disputes the quality of the last delivery and withholds payment.",
    "Receivership announced in the official gazette last week.",
    "Partial payment received, the balance is still outstanding.",
    "Payment promised several times but never made.",
    "",
)
_EXTENSION_REASONS = (
    "Temporary cash-flow difficulties after the loss of a major customer.",
    "Seasonal activity: the buyer is paid by its own customers in the spring.",
    "Delayed payment from a public customer of the buyer.",
    "Reorganisation of the buyer's accounts payable department.",
)


@dataclass
class ClaimSet:
    claims: list[Dict] = field(default_factory=list)
    declarations: list[Dict] = field(default_factory=list)
    invoices: list[Dict] = field(default_factory=list)
    payments: list[Dict] = field(default_factory=list)
    allocations: list[Dict] = field(default_factory=list)
    #: (claim id, contract id, company id, status, reference, currency, indemnity, at, ...)
    events: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class ExtensionSet:
    extensions: list[Dict] = field(default_factory=list)
    invoices: list[Dict] = field(default_factory=list)
    plan: list[Dict] = field(default_factory=list)


@dataclass(frozen=True)
class ContractTerms:
    id: int
    currency: str
    insured_percentage: Decimal
    dmc_days: int
    max_declaration_days: int
    uninsured_option: bool
    requester: str


def _pick(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(int(rng.uniform(low, high) * 100)) / 100


def _contact(rng: random.Random) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = f"{first}.{last}@durand-industries.example".lower().replace(" ", "")
    phone = f"+33 1 {rng.randint(40, 79)} {rng.randint(10, 99)} {rng.randint(10, 99)} " \
            f"{rng.randint(10, 99)}"
    return f"{first} {last}", email, phone


class ClaimBuilder:
    def __init__(self, rng: random.Random, now: datetime, next_ids: dict[str, int]) -> None:
        self.rng = rng
        self.now = now  # aware UTC
        self.today = now.date()
        self.ids = next_ids

    def _take(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def claims(self, debtors: Sequence[tuple[int, str, int, ContractTerms]],
               forced: Sequence[ClaimStatus]) -> ClaimSet:
        """One claim per debtor (``(company id, country, cover units, terms)``), and for
        some debtors an older, final one before it: at most one claim per debtor is ever
        open (pending or rejected)."""
        out = ClaimSet()
        rng = self.rng
        for n, (company_id, country, cover_units, terms) in enumerate(debtors):
            if rng.random() < 0.1:
                older = rng.choice((ClaimStatus.CLOSED, ClaimStatus.CANCELLED))
                self._claim(out, company_id, country, cover_units, terms, older, 200)
            status = forced[n] if n < len(forced) else _pick(rng, _CLAIM_STATUSES)
            self._claim(out, company_id, country, cover_units, terms, status, 0)
        return out

    def _claim(self, out: ClaimSet, company_id: int, country: str, cover_units: int,
               terms: ContractTerms, status: ClaimStatus, older_by: int) -> None:
        rng = self.rng
        claim_id = self._take("claim")
        created = self.now - timedelta(days=older_by + 2 + rng.random() * 330,
                                       minutes=rng.randint(0, 600))
        draft = status is ClaimStatus.DRAFT
        submitted = None if draft else created + timedelta(minutes=rng.randint(5, 90))
        final = status in (ClaimStatus.CLOSED, ClaimStatus.CANCELLED, ClaimStatus.ACCEPTED,
                           ClaimStatus.REJECTED)
        updated = created if not final else min(
            self.now, created + timedelta(days=rng.randint(5, 120)))
        reference = None if submitted is None else f"DMS-{submitted.year}-{claim_id:06d}"
        insured = not (terms.uninsured_option and rng.random() < 0.1)
        intervention = rng.random() < 0.6
        collector = (Collector.INSURER if rng.random() < 0.8 else Collector.THIRD_PARTY) \
            if intervention else Collector.NONE
        decl_id = self._take("claim_declaration")
        contact, email, phone = _contact(rng)
        alt = _contact(rng) if rng.random() < 0.3 else ("", "", "")
        out.declarations.append({
            "id": decl_id, "claim_id": claim_id, "kind": DeclarationKind.INITIAL.value,
            "submitted_at": submitted, "submitted_by": terms.requester,
            "intervention_requested": intervention, "contact_name": contact,
            "contact_email": email, "contact_phone": phone, "alt_contact_name": alt[0],
            "alt_contact_email": alt[1], "alt_contact_phone": alt[2],
            "comments": rng.choice(_COMMENTS)})
        declared_on = (submitted or created).date()
        validated = status in (ClaimStatus.ACCEPTED, ClaimStatus.CLOSED)
        tax_rate = Decimal("0.20") if country == "FRA" else Decimal(0)
        lines = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
            kind = _pick(rng, ((InvoiceType.IN, 85), (InvoiceType.AG, 5), (InvoiceType.PLP, 5),
                               (InvoiceType.OUB, 5)))
            amount = _money(rng, 800, 60_000) if kind is InvoiceType.IN \
                else _money(rng, 50, 2_500)
            lines.append(self._invoice(out, claim_id, decl_id, kind, declared_on, terms,
                                       amount, tax_rate, validated))
        total = sum((line["amount_excl_tax"] + line["tax"] for line in lines), Decimal(0))
        paid = Decimal(0)
        if rng.random() < 0.4:
            for line in rng.sample(lines, k=min(len(lines), rng.choice((1, 1, 2)))):
                amount = ((line["amount_excl_tax"] + line["tax"])
                          * Decimal(rng.uniform(0.05, 0.3))).quantize(CENT)
                pay_id = self._take("claim_payment")
                out.payments.append({
                    "id": pay_id, "claim_id": claim_id, "declaration_id": decl_id,
                    "type": rng.choice((PaymentType.SE.value, PaymentType.CN.value)),
                    "invoice_references": line["number"],
                    "payment_date": min(declared_on, line["due_date"] + timedelta(
                        days=rng.randint(1, 20))),
                    "currency": terms.currency, "amount": amount, "validated": validated})
                out.allocations.append({"id": self._take("payment_allocation"),
                                        "payment_id": pay_id, "invoice_id": line["id"],
                                        "amount": amount})
                paid += amount
        if validated and submitted is not None and rng.random() < 0.15:
            extra_decl = self._take("claim_declaration")
            extra_at = min(self.now, submitted + timedelta(days=rng.randint(3, 40)))
            out.declarations.append({
                "id": extra_decl, "claim_id": claim_id,
                "kind": DeclarationKind.ADDITIONAL.value, "submitted_at": extra_at,
                "submitted_by": terms.requester, "intervention_requested": False,
                "contact_name": "", "contact_email": "", "contact_phone": "",
                "alt_contact_name": "", "alt_contact_email": "", "alt_contact_phone": "",
                "comments": "Late-payment interest added."})
            line = self._invoice(out, claim_id, extra_decl, InvoiceType.PLP, declared_on,
                                 terms, _money(rng, 40, 900), Decimal(0), validated)
            total += line["amount_excl_tax"] + line["tax"]
        claim_amount = total - paid
        covered = indemnity = None
        indemnity_date: date | None = None
        conditions = ""
        if insured and status in (ClaimStatus.ACCEPTED, ClaimStatus.CLOSED) \
                and rng.random() < 0.8:
            limit = Decimal(cover_units) / 1000 if cover_units else claim_amount
            covered = min(claim_amount, limit)
            indemnity = (covered * terms.insured_percentage / 100).quantize(
                CENT, rounding=ROUND_HALF_UP)
            assert submitted is not None
            indemnity_date = submitted.date() + timedelta(days=rng.randint(30, 150))
            if status is ClaimStatus.CLOSED:
                indemnity_date = min(indemnity_date, self.today)
            conditions = (f"Insured percentage {terms.insured_percentage:f} %, credit limit "
                          f"{terms.currency} {limit:,.2f}, maximum credit duration "
                          f"{terms.dmc_days} days")
        out.claims.append({
            "id": claim_id, "contract_id": terms.id, "company_id": company_id,
            "reference": reference,
            "own_reference": f"LIT-{created.year}-{claim_id % 10_000:04d}",
            "status": status.value, "insured": insured, "reason": _pick(rng, _REASONS).value,
            "intervention_requested": intervention, "collector": collector.value,
            "billing_address": "", "billing_postal_code": "", "billing_city": "",
            "billing_country": "", "invoicing_partner": "", "currency": terms.currency,
            "claim_amount": claim_amount, "covered_amount": covered,
            "calculated_indemnity": indemnity, "indemnity_date": indemnity_date,
            "conditions_used": conditions, "created_at": created, "submitted_at": submitted,
            "updated_at": updated, "created_by": terms.requester, "version": 1})
        if reference is not None and submitted is not None:
            out.events.append((claim_id, terms.id, company_id, "pending", reference,
                               terms.currency, None, submitted))
            if status is not ClaimStatus.PENDING:
                out.events.append((claim_id, terms.id, company_id, status.value, reference,
                                   terms.currency, None, updated))
            if indemnity is not None and indemnity_date is not None \
                    and indemnity_date <= self.today:
                at = datetime(indemnity_date.year, indemnity_date.month, indemnity_date.day,
                              10, tzinfo=self.now.tzinfo)
                out.events.append((claim_id, terms.id, company_id, "indemnity", reference,
                                   terms.currency, indemnity, min(at, self.now)))

    def _invoice(self, out: ClaimSet, claim_id: int, decl_id: int, kind: InvoiceType,
                 declared_on: date, terms: ContractTerms, amount: Decimal, tax_rate: Decimal,
                 validated: bool) -> Dict:
        rng = self.rng
        invoice_date = declared_on - timedelta(days=rng.randint(30, terms.max_declaration_days
                                                                - 5))
        due = invoice_date + timedelta(days=min(rng.choice((30, 45, 60, 90)),
                                                (declared_on - invoice_date).days - 1))
        line = {
            "id": self._take("claim_invoice"), "claim_id": claim_id, "declaration_id": decl_id,
            "type": kind.value, "number": f"{invoice_date.year}{rng.randint(1, 999_999):06d}",
            "invoice_date": invoice_date, "due_date": due, "currency": terms.currency,
            "amount_excl_tax": amount, "tax": (amount * tax_rate).quantize(CENT),
            "validated": validated}
        out.invoices.append(line)
        return line

    def extensions(self, buyers: Sequence[tuple[int, ContractTerms]],
                   forced: Sequence[ExtensionStatus]) -> ExtensionSet:
        out = ExtensionSet()
        rng = self.rng
        for n, (company_id, terms) in enumerate(buyers):
            status = forced[n] if n < len(forced) else _pick(rng, (
                (ExtensionStatus.PENDING, 35), (ExtensionStatus.ACTIVE, 40),
                (ExtensionStatus.REFUSED, 15), (ExtensionStatus.CANCELLED, 10)))
            ext_id = self._take("extension")
            created = self.now - timedelta(days=rng.uniform(1, 90))
            decided = None if status in (ExtensionStatus.PENDING, ExtensionStatus.CANCELLED) \
                else min(self.now, created + timedelta(hours=rng.uniform(4, 72)))
            comment = {
                ExtensionStatus.REFUSED: "Refused: the buyer's situation does not allow an "
                                         "extension.",
                ExtensionStatus.CANCELLED: "Cancelled by the policyholder.",
                ExtensionStatus.ACTIVE: "Accepted.",
            }.get(status, "")
            total = Decimal(0)
            latest_due = created.date()
            for _ in range(rng.randint(1, 3)):
                invoice_date = created.date() - timedelta(days=rng.randint(20, 80))
                due = invoice_date + timedelta(days=60)
                amount = _money(rng, 2_000, 40_000)
                total += amount
                latest_due = max(latest_due, due)
                out.invoices.append({
                    "id": self._take("extension_invoice"), "extension_id": ext_id,
                    "number": f"{invoice_date.year}{rng.randint(1, 999_999):06d}",
                    "invoice_date": invoice_date, "due_date": due, "amount": amount})
            self._plan(out, ext_id, total, latest_due, "policyholder")
            if status is ExtensionStatus.ACTIVE and rng.random() < 0.4:
                self._plan(out, ext_id, total, latest_due + timedelta(days=15), "underwriter")
                comment = "Accepted with another payment plan."
            out.extensions.append({
                "id": ext_id, "contract_id": terms.id, "company_id": company_id,
                "status": status.value, "reason": rng.choice(_EXTENSION_REASONS),
                "currency": terms.currency, "comment": comment,
                "decided_by": "underwriter" if decided else "", "created_at": created,
                "decided_at": decided, "updated_at": decided or created, "version": 1})
        return out

    def _plan(self, out: ExtensionSet, ext_id: int, total: Decimal, after: date,
              proposed_by: str) -> None:
        """Two or three instalments whose total is exactly the invoices' total."""
        rng = self.rng
        count = rng.randint(2, 3)
        left = total
        for i in range(count):
            amount = left if i == count - 1 else (total / count).quantize(CENT)
            left -= amount
            out.plan.append({
                "id": self._take("extension_plan_line"), "extension_id": ext_id,
                "due_date": after + timedelta(days=30 * (i + 1)), "amount": amount,
                "proposed_by": proposed_by})

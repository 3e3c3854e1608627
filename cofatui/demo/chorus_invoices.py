"""Chorus Pro demo invoices (issue 18 item 11): a showcase in every state, then as
many more as asked (``cofatui demo --chorus-invoices N``), each with its lines and the
history of the moves that brought it there, as the table of ``rules/chorus_states.py``
allows them.

The showcase goes from SOFAXIS (``supplier``) to the Ville de Bourges (``buyer``), so
both sides of the acceptance walk see it: one invoice per state (but *deposited*,
which the technical checks leave in the deposit's own transaction), a suspension of
each reason, an ``INCONNU`` engagement, a rejection paid by direct debit (the
supplier may turn it into a transfer, the buyer undo it), another one cancelled by its
381 and re-issued as a draft, and non-compliant invoices with the checks they failed.

The others are built as tuples in their stored form and written by the bulk loader
(100 000 invoices in seconds): suppliers SOFAXIS and the policyholder's company,
recipients every active public structure, states weighted like a live portfolio.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from cofatui import notification_wording as wording
from cofatui.demo.chorus import (
    BUYER,
    DEMO_STRUCTURE,
    PUBLIC_STRUCTURES,
    SOFAXIS,
    SUPPLIER,
    ChorusDirectoryIds,
    StructureSpec,
)
from cofatui.demo.loader import BulkLoader, money_units
from cofatui.demo.requests import _pdf
from cofatui.enums import (
    CHORUS_DOCUMENT_SOURCE,
    ChorusActor,
    ChorusDepositKind,
    ChorusInvoiceType,
    ChorusPaymentMode,
    ChorusState,
    ChorusSuspensionReason,
    ChorusVatRate,
    Importance,
    NotificationCategory,
    NotificationTarget,
    NotificationType,
)
from cofatui.models import Document, DocumentContent, Notification
from cofatui.models.chorus import ChorusInvoice, ChorusInvoiceEvent, ChorusInvoiceLine
from cofatui.rules.chorus_checks import (
    DepositedInvoice,
    DirectorySnapshot,
    ServiceSnapshot,
    StructureSnapshot,
    technical_checks,
)
from cofatui.rules.chorus_states import PROCESSING
from cofatui.schemas_chorus import PUBLIC_INVOICES_SERVICE, UNKNOWN_ENGAGEMENT

__all__ = ["DEFAULT_INVOICES", "INVOICE_COLUMNS", "write_invoices"]

#: Generated invoices beside the showcase when ``cofatui demo`` is not told otherwise.
DEFAULT_INVOICES = 200

S = ChorusState
Row = tuple[Any, ...]


class Dice:
    """The draws this generator makes, from ``random()`` alone: ``randrange`` and
    ``choice`` cost microseconds each, and a hundred thousand invoices draw millions."""

    def __init__(self, seed_text: str) -> None:
        self.random = random.Random(seed_text).random

    def below(self, n: int) -> int:
        """0 ≤ x < n."""
        return int(self.random() * n)

    def pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.random() * len(items))]

    def digits(self, n: int) -> str:
        return f"{int(self.random() * 10 ** n):0{n}d}"

INVOICE_COLUMNS = (
    "id", "number", "type", "frame", "deposit_kind", "supplier_structure_id",
    "recipient_siret", "recipient_structure_id", "service_code", "engagement",
    "market_number", "invoice_date", "delivery_date", "due_date", "currency",
    "payment_mode", "iban", "payment_terms", "total_excl_tax", "total_vat",
    "total_incl_tax", "amount_due", "state", "origin_invoice_id", "replaces_invoice_id",
    "suspension_reason", "mandate_number", "last_comment", "main_document_id",
    "attachments_size", "created_at", "created_by", "deposited_at", "state_changed_at",
    "version")
LINE_COLUMNS = ("id", "invoice_id", "position", "label", "quantity", "unit", "unit_price",
                "vat_rate", "exemption_reason", "amount_excl_tax")
EVENT_COLUMNS = ("id", "invoice_id", "at", "actor", "login", "from_state", "to_state",
                 "comment", "reasons", "suspension_reason", "mandate_number")
NOTIFICATION_COLUMNS = ("id", "user_id", "contract_id", "product_code", "category", "type",
                        "importance",
                        "kind", "params", "title", "body", "created_at", "target_type",
                        "target_id")
DOCUMENT_COLUMNS = ("id", "source", "contract_id", "company_id", "chorus_invoice_id",
                    "filename", "content_type", "size", "sha256", "category", "comment",
                    "created_at", "created_by")

_IBANS = {SOFAXIS.siret: "FR7630001007941234567890185",
          DEMO_STRUCTURE.siret: "FR7630006000011234567890189"}
#: A SIRET no structure of the directory has (the ``recipient_unknown`` check).
UNKNOWN_RECIPIENT = "21180033300029"
_EXEMPT = "Exonération de TVA, article 261 C du CGI"
#: (label, unit, quantity, unit price in thousandths, VAT rate): amounts are built in
#: their stored form (``Money``: thousandths) and summed as integers, which is exact.
Line = tuple[str, str, int, int, ChorusVatRate]
#: Each rate in per mille of the base.
_PER_MILLE = {ChorusVatRate.STANDARD: 200, ChorusVatRate.INTERMEDIATE: 100,
              ChorusVatRate.REDUCED: 55, ChorusVatRate.SUPER_REDUCED: 21,
              ChorusVatRate.ZERO: 0, ChorusVatRate.EXEMPT: 0}


def _units(text: str) -> int:
    return money_units(Decimal(text))


#: Per supplier, what it sells (label, unit, price, rate): insurance is VAT-exempt.
#: (label, unit, unit price, VAT rate) per supplier: insurance is VAT-exempt.
_CATALOGUE: dict[str, tuple[tuple[str, str, int, ChorusVatRate], ...]] = {
    SOFAXIS.siret: (
        ("Assurance statutaire CNRACL — cotisation trimestrielle", "trimestre",
         _units("4820.00"), ChorusVatRate.EXEMPT),
        ("Assurance statutaire IRCANTEC — cotisation trimestrielle", "trimestre",
         _units("1275.50"), ChorusVatRate.EXEMPT),
        ("Accompagnement à la prévention des risques professionnels", "jour",
         _units("850.00"), ChorusVatRate.STANDARD),
        ("Expertise médicale — contre-visite", "acte", _units("180.00"),
         ChorusVatRate.STANDARD),
        ("Formation des agents au document unique", "session", _units("1200.00"),
         ChorusVatRate.STANDARD)),
    DEMO_STRUCTURE.siret: (
        ("Ramettes de papier A4 recyclé", "carton", _units("32.40"),
         ChorusVatRate.STANDARD),
        ("Ouvrages pour la bibliothèque", "unité", _units("24.90"), ChorusVatRate.REDUCED),
        ("Repas de la cantine scolaire", "repas", _units("4.35"),
         ChorusVatRate.INTERMEDIATE),
        ("Presse quotidienne régionale — abonnement", "mois", _units("28.00"),
         ChorusVatRate.SUPER_REDUCED),
        ("Maintenance des bornes de recharge", "heure", _units("78.00"),
         ChorusVatRate.STANDARD),
        ("Livraison intracommunautaire de pièces détachées", "lot", _units("640.00"),
         ChorusVatRate.ZERO)),
}
_RETURN_COMMENTS = {
    S.TO_RECYCLE: "Le code service indiqué ne correspond pas à la prestation : merci de "
                  "redéposer avec le bon service.",
    S.SUSPENDED: "Merci de joindre le bon de livraison signé.",
    S.REJECTED: "Prestation non commandée par la collectivité.",
}
_TOO_EARLY = "Facture reçue avant la fin de la prestation : traitée à l'échéance."

#: The generated invoices' states, weighted like a live portfolio (no *deposited*:
#: the checks end it in the deposit's own transaction).
_WEIGHTS: tuple[tuple[ChorusState, int], ...] = (
    (S.DRAFT, 4), (S.NON_COMPLIANT, 5), (S.MADE_AVAILABLE, 14), (S.TO_RECYCLE, 3),
    (S.SUSPENDED, 4), (S.COMPLETED, 3), (S.REJECTED, 3), (S.SERVICE_DONE, 10),
    (S.MANDATED, 12), (S.MADE_AVAILABLE_ACCOUNTANT, 8), (S.ACCOUNTED, 14),
    (S.PAYMENT_IN_PROGRESS, 20))


@dataclass(frozen=True)
class Step:
    """One move of an invoice's history."""

    actor: ChorusActor
    source: ChorusState | None
    target: ChorusState
    comment: str = ""
    suspension_reason: ChorusSuspensionReason | None = None
    mandate_number: str = ""


@dataclass
class InvoiceSpec:
    """What one demo invoice is; its rows are derived from it."""

    number: str
    supplier: StructureSpec
    recipient_siret: str
    #: The moves that led it where it is (the last one's target is its state).
    steps: list[Step]
    lines: list[Line]
    invoice_date: date
    service_code: str = ""
    engagement: str = ""
    market_number: str = ""
    type: ChorusInvoiceType = ChorusInvoiceType.INVOICE
    frame: str = "A1"
    payment_mode: ChorusPaymentMode | None = ChorusPaymentMode.VIREMENT
    deposit_kind: ChorusDepositKind = ChorusDepositKind.ENTRY
    origin: int | None = None  # an index in the list being written
    replaces: int | None = None
    #: Files beside the main PDF (name, bytes), e.g. the completion's delivery note.
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class _Out:
    invoices: list[Row] = field(default_factory=list)
    lines: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    documents: list[Row] = field(default_factory=list)
    contents: list[Row] = field(default_factory=list)
    notifications: list[Row] = field(default_factory=list)


def totals(lines: Sequence[Line]) -> tuple[int, int]:
    """Excl. tax and VAT in thousandths: Σ lines, VAT per rate on its base rounded
    half-up to the cent (EN 16931 BR-CO-17), the rules' arithmetic on integers."""
    bases: dict[ChorusVatRate, int] = {}
    for _label, _unit, quantity, price, rate in lines:
        bases[rate] = bases.get(rate, 0) + quantity * price
    vat = sum((base * _PER_MILLE[rate] + 5_000) // 10_000 * 10
              for rate, base in bases.items())
    return sum(bases.values()), vat


# --- histories --------------------------------------------------------------------------


def _deposit(non_compliant: bool = False) -> list[Step]:
    """Created as a draft, deposited, checked (as ``repo.chorus_invoices.create``
    writes them: three rows in one instant); the reasons come from the checks."""
    return [Step(ChorusActor.SUPPLIER, None, S.DRAFT),
            Step(ChorusActor.SUPPLIER, S.DRAFT, S.DEPOSITED),
            Step(ChorusActor.SYSTEM, S.DEPOSITED,
                 S.NON_COMPLIANT if non_compliant else S.MADE_AVAILABLE)]


def history(state: ChorusState, rng: Dice, *, reports_payment: bool,
            too_early: bool = False) -> list[Step]:
    """The moves that lead a new invoice to ``state``."""
    if state is S.DRAFT:
        return [Step(ChorusActor.SUPPLIER, None, S.DRAFT)]
    if state is S.NON_COMPLIANT:
        return _deposit(non_compliant=True)
    steps = _deposit()
    if state is S.MADE_AVAILABLE:
        return steps
    recipient = ChorusActor.RECIPIENT
    if state in (S.SUSPENDED, S.COMPLETED):
        reason = ChorusSuspensionReason.TOO_EARLY if too_early \
            else ChorusSuspensionReason.MISSING_DOCUMENTS
        steps.append(Step(recipient, S.MADE_AVAILABLE, S.SUSPENDED,
                          _TOO_EARLY if too_early else _RETURN_COMMENTS[S.SUSPENDED],
                          suspension_reason=reason))
        if state is S.COMPLETED:
            steps.append(Step(ChorusActor.SUPPLIER, S.SUSPENDED, S.COMPLETED,
                              "" if too_early else "Bon de livraison joint."))
        return steps
    if state in (S.TO_RECYCLE, S.REJECTED):
        steps.append(Step(recipient, S.MADE_AVAILABLE, state, _RETURN_COMMENTS[state]))
        return steps
    # Processing: forward only, sometimes jumping a state (seed 003 §XXIII).
    last = PROCESSING.index(state) if reports_payment or state is not \
        S.PAYMENT_IN_PROGRESS else PROCESSING.index(S.ACCOUNTED)
    source = S.MADE_AVAILABLE
    for index, target in enumerate(PROCESSING[:last + 1]):
        if index < last and rng.random() < 0.25:
            continue
        mandate = f"M{rng.digits(6)}" if target is S.MANDATED else ""
        steps.append(Step(recipient, source, target, mandate_number=mandate))
        source = target
    return steps


# --- rows ---------------------------------------------------------------------------------


class _Checks:
    """The technical checks of ``rules/chorus_checks.py`` over the demo's directory:
    a demo invoice is non-compliant exactly when depositing it would make it so, with
    the same reasons."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.snapshots = {spec.siret: _snapshot(spec, today)
                          for spec in (SOFAXIS, DEMO_STRUCTURE, *PUBLIC_STRUCTURES)}
        self.known: dict[tuple[Any, ...], str] = {}

    def reasons(self, spec: InvoiceSpec) -> str:
        """The failed checks as the history stores them (JSON), ``"[]"`` for none."""
        # The checks read whether there is an engagement, never which.
        key = (spec.supplier.siret, spec.recipient_siret, spec.type, spec.service_code,
               bool(spec.engagement.strip()))
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._reasons(spec)
        return found

    def _reasons(self, spec: InvoiceSpec) -> str:
        recipient = self.snapshots.get(spec.recipient_siret)
        failures = technical_checks(
            DepositedInvoice(spec.type, spec.service_code, spec.engagement),
            DirectorySnapshot(supplier=self.snapshots[spec.supplier.siret],
                              recipient=recipient if recipient and recipient.public
                              else None),
            self.today)
        return json.dumps([{"code": f.code, "params": dict(f.params)} for f in failures],
                          default=str)


def _snapshot(spec: StructureSpec, today: date) -> StructureSnapshot:
    services = [ServiceSnapshot(PUBLIC_INVOICES_SERVICE)] if spec.public else []
    services += [ServiceSnapshot(
        s.code, s.active,
        None if s.starts_in is None else today + timedelta(days=s.starts_in),
        None if s.ends_in is None else today + timedelta(days=s.ends_in),
        s.engagement_required) for s in spec.services]
    return StructureSnapshot(
        active=spec.active, public=spec.public,
        service_code_required=spec.service_code_required,
        engagement_required=spec.engagement_required,
        engagement_or_service_required=spec.engagement_or_service_required,
        services=tuple(services))


class _Writer:
    def __init__(self, loader: BulkLoader, take: Callable[[str], int], now: datetime,
                 directory: ChorusDirectoryIds) -> None:
        self.loader = loader
        self.take = take
        self.now = now
        self.directory = directory
        self.out = _Out()
        self.checks = _Checks(now.date())

    def login_of(self, spec: InvoiceSpec, actor: ChorusActor) -> str:
        if actor is ChorusActor.SYSTEM:
            return ""
        if actor is ChorusActor.RECIPIENT:
            return BUYER if spec.recipient_siret == PUBLIC_STRUCTURES[0].siret else ""
        return SUPPLIER if spec.supplier is SOFAXIS else "demo"

    def _times(self, spec: InvoiceSpec, rng: Dice) -> list[datetime]:
        """When each move happened: the deposit and its checks in the draft's instant
        (``create`` deposits at once), the others a few days apart, all before now."""
        at = datetime.combine(spec.invoice_date, time(9)) + timedelta(
            minutes=rng.below(8 * 60))
        times = []
        for step in spec.steps:
            if times and step.target not in (S.DEPOSITED, S.MADE_AVAILABLE,
                                             S.NON_COMPLIANT):
                at += timedelta(days=1 + rng.below(5), minutes=rng.below(240))
            times.append(at)
        if times[-1] > self.now:
            shift = times[-1] - self.now + timedelta(minutes=5)
            times = [t - shift for t in times]
        return times

    def add(self, spec: InvoiceSpec, ids: Sequence[int], rng: Dice,
            notify: bool = False) -> int:
        """The rows of one invoice (and, with ``notify``, the notification of its
        last move); returns its id."""
        ts, day = self.loader.ts, self.loader.day
        iid = self.take("chorus_invoice")
        excl, vat = totals(spec.lines)
        incl = excl + vat
        times = self._times(spec, rng)
        created, changed = times[0], times[-1]
        deposited = next((t for t, step in zip(times, spec.steps, strict=True)
                          if step.target is S.DEPOSITED), None)
        reasons = self.checks.reasons(spec) if deposited else "[]"
        if (reasons != "[]") != (S.NON_COMPLIANT in {step.target for step in spec.steps}):
            raise ValueError(f"demo invoice {spec.number}: checks {reasons} "
                             f"disagree with its history")
        main_id, size = self._files(spec, iid, created)
        last = spec.steps[-1]
        suspension = next((s.suspension_reason for s in reversed(spec.steps)
                           if s.suspension_reason), None)
        mandate = next((s.mandate_number for s in spec.steps if s.mandate_number), "")
        recipient_id = self.directory.structures.get(spec.recipient_siret)
        mode = spec.payment_mode
        self.out.invoices.append((
            iid, spec.number, spec.type.value, spec.frame, spec.deposit_kind.value,
            self.directory.structures[spec.supplier.siret], spec.recipient_siret,
            recipient_id, spec.service_code, spec.engagement, spec.market_number,
            day(spec.invoice_date), day(spec.invoice_date),
            day(spec.invoice_date + timedelta(days=30)), "EUR",
            mode.value if mode else "",
            _IBANS[spec.supplier.siret] if mode is ChorusPaymentMode.VIREMENT else "",
            "Paiement à 30 jours" if mode else "", excl, vat, incl,
            0 if spec.frame == "A2" else incl,
            last.target.value,
            None if spec.origin is None else ids[spec.origin],
            None if spec.replaces is None else ids[spec.replaces],
            suspension.value if suspension else "", mandate, last.comment, main_id, size,
            ts(created), self.login_of(spec, ChorusActor.SUPPLIER),
            ts(deposited) if deposited else None, ts(changed), len(spec.steps)))
        for position, (label, unit, quantity, price, rate) in enumerate(spec.lines, 1):
            self.out.lines.append((
                self.take("chorus_invoice_line"), iid, position, label,
                quantity * 1000, unit, price, rate.value,
                _EXEMPT if rate is ChorusVatRate.EXEMPT else "", quantity * price))
        logins = {actor: self.login_of(spec, actor) for actor in ChorusActor}
        for step, when in zip(spec.steps, times, strict=True):
            checked = reasons if step.actor is ChorusActor.SYSTEM else "[]"
            self.out.events.append((
                self.take("chorus_invoice_event"), iid, ts(when), step.actor.value,
                logins[step.actor],
                step.source.value if step.source else "", step.target.value,
                step.comment, checked,
                step.suspension_reason.value if step.suspension_reason else "",
                step.mandate_number))
        if notify:
            self._notify(spec, iid, changed)
        return iid

    def _notify(self, spec: InvoiceSpec, iid: int, at: datetime) -> None:
        """The notification of the last move, to whom ``chorus_notices.invoice_moved``
        tells it (no e-mail: a demo mails nobody)."""
        last = spec.steps[-1]
        users = self.directory.users
        supplier = users[self.login_of(spec, ChorusActor.SUPPLIER)]
        importance, body, audience = Importance.NORMAL, "", supplier
        if last.actor is ChorusActor.RECIPIENT:
            returned = last.target in (S.TO_RECYCLE, S.SUSPENDED, S.REJECTED)
            importance = Importance.HIGH if returned else Importance.NORMAL
            body = last.comment
        elif last.target is S.NON_COMPLIANT:
            importance = Importance.HIGH
        elif last.target in (S.MADE_AVAILABLE, S.COMPLETED) and \
                spec.recipient_siret == PUBLIC_STRUCTURES[0].siret:
            audience, body = users[BUYER], last.comment
        else:
            return
        self.notification(audience, wording.chorus_invoice(last.target, spec.number),
                          importance, body, at, NotificationTarget.CHORUS_INVOICE, iid)

    def notification(self, user_id: int, notice: wording.Notice, importance: Importance,
                     body: str, at: datetime, target: NotificationTarget,
                     target_id: int) -> None:
        columns = notice.columns()
        kind = NotificationType.CHORUS_INVOICE \
            if target is NotificationTarget.CHORUS_INVOICE \
            else NotificationType.CHORUS_ATTACHMENT
        self.out.notifications.append((
            self.take("notification"), user_id, None, "", NotificationCategory.CHORUS.value,
            kind.value, importance.value, columns["kind"], columns["params"],
            columns["title"], body, self.loader.ts(at), target.value, target_id))

    def _files(self, spec: InvoiceSpec, iid: int, at: datetime) -> tuple[int | None, int]:
        """The deposited PDF (main document) and the attachments: their rows and
        bytes; returns the main document's id and the size of every file."""
        files: list[tuple[str, bytes, str]] = []
        if spec.deposit_kind is not ChorusDepositKind.ENTRY:
            files.append((f"facture_{spec.number.replace('/', '_')}.pdf",
                          _pdf(f"Facture {spec.number} - {spec.supplier.name}"), "main"))
        files += [(name, content, "attachment") for name, content in spec.attachments]
        main_id, size = None, 0
        for name, content, category in files:
            did = self.take("document")
            main_id = did if category == "main" else main_id
            size += len(content)
            self.out.documents.append((
                did, CHORUS_DOCUMENT_SOURCE, None, None, iid, name, "application/pdf",
                len(content), hashlib.sha256(content).hexdigest(), category, "",
                self.loader.ts(at), self.login_of(spec, ChorusActor.SUPPLIER)))
            self.out.contents.append((did, content))
        return main_id, size

    def flush(self) -> None:
        insert = self.loader.insert
        insert(_table(ChorusInvoice), INVOICE_COLUMNS, self.out.invoices)
        insert(_table(ChorusInvoiceLine), LINE_COLUMNS, self.out.lines)
        insert(_table(ChorusInvoiceEvent), EVENT_COLUMNS, self.out.events)
        insert(_table(Document), DOCUMENT_COLUMNS, self.out.documents)
        insert(_table(DocumentContent), ("document_id", "content"), self.out.contents)
        insert(_table(Notification), NOTIFICATION_COLUMNS, self.out.notifications)
        self.out = _Out()


def _table(model: Any) -> Any:
    return model.__table__


def _lines(rng: Dice, supplier: StructureSpec,
           count: int | None = None) -> list[Line]:
    catalogue = _CATALOGUE[supplier.siret]
    left = list(catalogue)
    picked = [left.pop(rng.below(len(left))) for _ in range(count or 1 + rng.below(3))]
    return [(label, unit, 1 + rng.below(40), price, rate)
            for label, unit, price, rate in picked]


# --- the showcase -----------------------------------------------------------------------


def showcase(rng: Dice, today: date) -> list[InvoiceSpec]:
    """SOFAXIS → Ville de Bourges in every state, and the policyholder's company to
    structures of every kind."""
    bourges = PUBLIC_STRUCTURES[0]
    year = today.year % 100
    specs: list[InvoiceSpec] = []
    serial = iter(range(1, 1000))

    def sofaxis(state: ChorusState, days_ago: int, **kw: Any) -> InvoiceSpec:
        steps = kw.pop("steps", None)
        if steps is None:
            steps = history(state, rng, reports_payment=True)
        spec = InvoiceSpec(
            number=f"P{year}F0QU/{next(serial):06d}", supplier=SOFAXIS,
            recipient_siret=kw.pop("recipient", bourges.siret), steps=steps,
            lines=_lines(rng, SOFAXIS), invoice_date=today - timedelta(days=days_ago),
            service_code=kw.pop("service_code", "SERV_TECH"),
            engagement=kw.pop("engagement", f"EJ{rng.digits(8)}"), **kw)
        specs.append(spec)
        return spec

    pdf = ChorusDepositKind.PDF
    sofaxis(S.DRAFT, 2)
    sofaxis(S.MADE_AVAILABLE, 6, deposit_kind=pdf)
    sofaxis(S.MADE_AVAILABLE, 8, engagement=UNKNOWN_ENGAGEMENT)
    sofaxis(S.MADE_AVAILABLE, 10, deposit_kind=ChorusDepositKind.SIGNED_PDF,
            market_number="MP-2025-014")
    sofaxis(S.TO_RECYCLE, 25)
    sofaxis(S.SUSPENDED, 20, deposit_kind=pdf)
    sofaxis(S.SUSPENDED, 22, steps=history(S.SUSPENDED, rng, reports_payment=True,
                                           too_early=True))
    sofaxis(S.COMPLETED, 40, deposit_kind=pdf,
            attachments=[("bon_de_livraison.pdf", _pdf("Bon de livraison signe"))])
    sofaxis(S.REJECTED, 15, payment_mode=ChorusPaymentMode.PRELEVEMENT)
    for state, days in ((S.SERVICE_DONE, 50), (S.MANDATED, 70),
                        (S.MADE_AVAILABLE_ACCOUNTANT, 90), (S.ACCOUNTED, 110),
                        (S.PAYMENT_IN_PROGRESS, 130)):
        sofaxis(state, days, steps=_full(state))
    sofaxis(S.MADE_AVAILABLE, 60, frame="A2")  # already paid: nothing due
    # Technical rejections: each check the seeds name.
    sofaxis(S.NON_COMPLIANT, 4, service_code="", deposit_kind=pdf)
    sofaxis(S.NON_COMPLIANT, 5, recipient=PUBLIC_STRUCTURES[-1].siret, service_code="",
            steps=_deposit(non_compliant=True))
    sofaxis(S.NON_COMPLIANT, 6, service_code="FACTURES_PUBLIQUES",
            steps=_deposit(non_compliant=True))
    sofaxis(S.NON_COMPLIANT, 7, recipient=UNKNOWN_RECIPIENT, service_code="",
            steps=_deposit(non_compliant=True))
    # Rejected, cancelled by its 381 and re-issued as a draft (seed 003 §IX, §XX).
    rejected = len(specs)
    sofaxis(S.REJECTED, 45)
    sofaxis(S.MADE_AVAILABLE, 30, type=ChorusInvoiceType.CREDIT_NOTE, payment_mode=None,
            origin=rejected)
    specs[-1].lines = specs[rejected].lines
    specs[-1].number = f"AV-{specs[rejected].number}"  # as credit_note names it
    sofaxis(S.DRAFT, 1, replaces=rejected)
    specs[-1].lines = specs[rejected].lines

    for n, (structure, state) in enumerate(zip(
            PUBLIC_STRUCTURES[1:11],
            (S.MADE_AVAILABLE, S.MANDATED, S.SERVICE_DONE, S.SUSPENDED, S.ACCOUNTED,
             S.PAYMENT_IN_PROGRESS, S.TO_RECYCLE, S.MADE_AVAILABLE, S.REJECTED,
             S.DRAFT), strict=True)):
        services = [s for s in structure.services if s.active and s.starts_in is None]
        steps = history(state, rng, reports_payment=structure.reports_payment_in_progress)
        specs.append(InvoiceSpec(
            number=f"DI-{today.year}-{n + 1:06d}", supplier=DEMO_STRUCTURE,
            recipient_siret=structure.siret, steps=steps,
            lines=_lines(rng, DEMO_STRUCTURE), invoice_date=today - timedelta(days=9 + 7 * n),
            service_code=services[0].code if services else "",
            engagement=f"BC-{rng.digits(6)}"))
    return specs


def _full(state: ChorusState) -> list[Step]:
    """Every processing state up to ``state``, none jumped (the showcase's)."""
    steps = _deposit()
    source = S.MADE_AVAILABLE
    for target in PROCESSING[:PROCESSING.index(state) + 1]:
        steps.append(Step(ChorusActor.RECIPIENT, source, target,
                          mandate_number="M000418" if target is S.MANDATED else ""))
        source = target
    return steps


# --- the many ---------------------------------------------------------------------------


def generated(rng: Dice, today: date, count: int, first_serial: int,
              chunk: int = 5_000) -> Any:
    """``count`` invoices, yielded in lists of ``chunk``."""
    recipients = [s for s in PUBLIC_STRUCTURES if s.active]
    states = [state for state, _ in _WEIGHTS]
    cumulated = list(itertools.accumulate(w for _, w in _WEIGHTS))
    batch: list[InvoiceSpec] = []
    for n in range(count):
        supplier = SOFAXIS if n % 3 else DEMO_STRUCTURE
        recipient = recipients[0] if n % 4 == 0 else rng.pick(recipients)
        state = states[bisect.bisect(cumulated, rng.random() * cumulated[-1])]
        services = [s for s in recipient.services if s.active and s.starts_in is None
                    and s.ends_in is None]
        service = rng.pick(services).code if services else ""
        engagement = UNKNOWN_ENGAGEMENT if rng.random() < 0.05 \
            else f"EJ{rng.digits(8)}"
        if state is S.NON_COMPLIANT:  # what the checks will find missing or unknown
            if recipient.service_code_required:
                service = ""
            elif recipient.engagement_required:
                engagement = ""
            else:
                service = "ANCIEN_SERVICE"
        # Completed without a new file: only after "received too early".
        steps = history(state, rng, reports_payment=recipient.reports_payment_in_progress,
                        too_early=state is S.COMPLETED or rng.random() < 0.3)
        prefix = "P" if supplier is SOFAXIS else "G"
        batch.append(InvoiceSpec(
            number=f"{prefix}{today.year % 100}G/{first_serial + n:07d}", supplier=supplier,
            recipient_siret=recipient.siret, steps=steps,
            lines=_lines(rng, supplier), invoice_date=today - timedelta(
                days=5 * len(steps) + rng.below(365)),
            service_code=service, engagement=engagement,
            payment_mode=rng.pick((ChorusPaymentMode.VIREMENT,) * 8 + (
                ChorusPaymentMode.PRELEVEMENT, ChorusPaymentMode.CHEQUE))))
        if len(batch) == chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def write_invoices(loader: BulkLoader, take: Callable[[str], int], now: datetime,
                   directory: ChorusDirectoryIds, seed: int, count: int) -> int:
    """The showcase and ``count`` more; returns how many invoices were written.
    ``now`` is naive UTC."""
    rng = Dice(f"cofatui-demo/{seed}/chorus")
    writer = _Writer(loader, take, now, directory)
    specs = showcase(rng, now.date())
    ids: list[int] = []
    for spec in specs:
        # supplier's and buyer's notifications; demo's stay those of its contracts.
        ids.append(writer.add(spec, ids, rng, notify=spec.supplier is SOFAXIS))
    if directory.request is not None:  # SOFAXIS's manager is told of demo's request
        writer.notification(
            directory.users[SUPPLIER],
            wording.chorus_attachment_requested("Camille Martin", SOFAXIS.name),
            Importance.NORMAL, directory.request[1], now,
            NotificationTarget.CHORUS_ATTACHMENT, directory.request[0])
    writer.flush()
    written = len(specs)
    for batch in generated(rng, now.date(), count, first_serial=1):
        for spec in batch:
            writer.add(spec, (), rng)
        writer.flush()
        written += len(batch)
    return written

"""What the connector's jobs write (issue 19 item 6), each step in one transaction of
its own: the calls to Chorus Pro are made between them (``jobs/chorus_pro_*.py``),
never inside one.

The rule that keeps a deposit single: before the call the invoice is marked
*uncertain* and committed; only an answer (deposited, refused) or a lookup that finds
it moves it on. A worker killed during the call leaves it uncertain, and the next try
looks it up first.

History: every status read from Chorus Pro's history is one history row of actor
``chorus_pro`` (and only those are), so the rows of that actor count the entries
already recorded. Our own verdicts (a refusal, Chorus Pro's rejection of the flux) are
``system`` rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.chorus_pro.model import FoundInvoice, InvoiceHistory, StatusEntry
from cofatui.enums import (
    CHORUS_CODES,
    ChorusActor,
    ChorusMailCategory,
    ChorusProDeposit,
    ChorusSpace,
    ChorusState,
    Importance,
    NotificationTarget,
)
from cofatui.errors import CofaError, ValidationFailed
from cofatui.models.chorus import ChorusInvoice, ChorusInvoiceEvent
from cofatui.notification_wording import Notice
from cofatui.repository.sql import chorus_notices
from cofatui.repository.sql.chorus_connector_link import is_code
from cofatui.repository.sql.chorus_connector_queue import connector_of
from cofatui.repository.sql.chorus_invoices_core import TARGET, InvoiceCore, Reason
from cofatui.rules.facturx_model import FacturxInvoice

#: Chorus Pro's status codes → our states (the 13 of issue 18; others kept raw).
STATE_OF_CODE = {code: state for state, code in CHORUS_CODES.items()}
#: Chorus Pro's label of a rejected flux, worded ``Chorus Pro: <label>``.
REJECTED_REASON = "chorus_connector.rejected"
UNRESOLVED = "chorus_connector.uncertain_unresolved"
#: An uncertain deposit not found after this long is left to a person.
UNCERTAIN_FOR = timedelta(hours=1)
D = ChorusProDeposit


@dataclass(frozen=True)
class DepositWork:
    """What a deposit job needs, read in one transaction."""

    invoice_id: int
    number: str
    deposit: ChorusProDeposit
    login: str
    password_ref: str
    invoice: FacturxInvoice | None  # None for an uncertain one: it is looked up first
    uncertain_since: datetime | None


@dataclass(frozen=True)
class FollowWork:
    """What a report or state follow-up needs."""

    invoice_id: int
    number: str
    deposit: ChorusProDeposit
    flux_number: str
    cpp_invoice_id: str
    login: str
    password_ref: str


def reason_of(error: CofaError) -> list[Reason]:
    """A refusal as stored reasons: each field refusal (its field named), or the code."""
    if isinstance(error, ValidationFailed) and error.errors:
        return [(e.code, {**e.params, "field": e.field}) for e in error.errors]
    return [(error.code, dict(error.params))]


class ConnectorSync(InvoiceCore):
    """The jobs' writes, as the repository's principal (the job's owner, or the
    invoice's creator for the scheduled rounds): the audit names them, the history
    rows name Chorus Pro."""

    # --- the deposit ------------------------------------------------------------------
    def deposit_work(self, invoice_id: int) -> DepositWork | None:
        """The invoice to deposit, or None when there is nothing (left) to do."""
        from cofatui.repository.sql.chorus_facturx_mapping import facturx_invoice

        with self._uow(write=True) as s:
            row = s.get(ChorusInvoice, invoice_id)
            if row is None or row.state != ChorusState.DEPOSITED.value \
                    or row.cpp_deposit not in (D.QUEUED.value, D.UNCERTAIN.value):
                return None
            connector = connector_of(s, row.supplier_structure_id)
            if connector is None:  # turned off since it was queued
                self._fail(s, row, "chorus_connector.disabled")
                return None
            deposit = D(row.cpp_deposit)
            return DepositWork(
                invoice_id, row.number, deposit, connector.login, connector.password_ref,
                facturx_invoice(s, row) if deposit is D.QUEUED else None,
                row.cpp_synced_at if deposit is D.UNCERTAIN else None)

    def refused_locally(self, invoice_id: int, error: CofaError) -> None:
        """The Chorus Pro constraints refused the Factur-X: non-compliant, here."""
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.QUEUED)
            if row is None:
                return
            row.cpp_deposit = D.NONE.value
            self._moved(s, row, ChorusActor.SYSTEM, ChorusState.NON_COMPLIANT,
                        reasons=reason_of(error), operation="chorus_pro_constraints")

    def mark_uncertain(self, invoice_id: int) -> bool:
        """Committed before the call: False when another worker took it meanwhile."""
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.QUEUED)
            if row is None:
                return False
            row.cpp_deposit = D.UNCERTAIN.value
            row.cpp_synced_at = self.clock.now()
            return True

    def back_to_queue(self, invoice_id: int) -> None:
        """The call never reached Chorus Pro (no connection): safe to try again."""
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.UNCERTAIN)
            if row is not None:
                row.cpp_deposit = D.QUEUED.value

    def deposited(self, invoice_id: int, flux_number: str) -> None:
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.UNCERTAIN)
            if row is None:
                return
            row.cpp_deposit, row.cpp_flux_number = D.DEPOSITED.value, flux_number
            row.cpp_error, row.cpp_synced_at = "", None  # the report is due at once
            self._audit(s, "chorus_pro_deposited", TARGET, row.id,
                        {"cpp_flux_number": [None, flux_number]})

    def found(self, invoice_id: int, found: FoundInvoice) -> None:
        """An uncertain deposit that Chorus Pro has after all: followed from now on."""
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.UNCERTAIN)
            if row is None:
                return
            self._integrated(s, row, found)

    def unresolved(self, invoice_id: int) -> None:
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.UNCERTAIN)
            if row is not None:
                self._fail(s, row, UNRESOLVED)

    def failed(self, invoice_id: int, error: CofaError) -> None:
        """Chorus Pro refused the deposit (its ``libelle`` kept), or a setting of ours
        is wrong (its code kept): a history row, the supplier told; "send" again."""
        label = str(error.params.get("libelle") or "") or error.code
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.UNCERTAIN, D.QUEUED)
            if row is not None:
                self._fail(s, row, label)

    def _queued(self, s: Session, invoice_id: int,
                *deposits: ChorusProDeposit) -> ChorusInvoice | None:
        row = s.get(ChorusInvoice, invoice_id)
        if row is None or row.cpp_deposit not in {d.value for d in deposits}:
            return None
        return row

    def _fail(self, s: Session, row: ChorusInvoice, error: str) -> None:
        row.cpp_deposit, row.cpp_error = D.FAILED.value, error[:1000]
        self._moved(s, row, ChorusActor.SYSTEM, ChorusState(row.state),
                    comment=error[:1000], operation="chorus_pro_failed")
        assert row.id is not None
        chorus_notices.notify(
            s, Notice("chorus.connector_failed", {"number": row.number}),
            chorus_notices.Audience(row.supplier_structure_id, ChorusSpace.ISSUED),
            mail=ChorusMailCategory.NON_COMPLIANT, target=NotificationTarget.CHORUS_INVOICE,
            target_id=row.id, now=self.clock.now(), today=self.clock.today(),
            # Chorus Pro's label is shown as written; our code is worded on the invoice.
            importance=Importance.HIGH, body="" if is_code(error) else error[:1000])

    # --- the report and the states ----------------------------------------------------
    def follow_work(self, invoice_id: int) -> FollowWork | None:
        with self._uow() as s:
            row = s.get(ChorusInvoice, invoice_id)
            if row is None or row.cpp_deposit not in (D.DEPOSITED.value, D.INTEGRATED.value):
                return None
            connector = connector_of(s, row.supplier_structure_id)
            if connector is None:
                return None
            return FollowWork(invoice_id, row.number, D(row.cpp_deposit), row.cpp_flux_number,
                              row.cpp_invoice_id, connector.login, connector.password_ref)

    def report_pending(self, invoice_id: int, state: str) -> None:
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.DEPOSITED)
            if row is not None:
                row.cpp_status, row.cpp_synced_at = state[:60], self.clock.now()

    def report_integrated(self, invoice_id: int, found: FoundInvoice) -> None:
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.DEPOSITED)
            if row is not None:
                self._integrated(s, row, found)

    def report_rejected(self, invoice_id: int, labels: Sequence[str]) -> None:
        """``IN_REJETE``: non-compliant with Chorus Pro's labels as reasons."""
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.DEPOSITED)
            if row is None:
                return
            row.cpp_deposit, row.cpp_status = D.REJECTED.value, "IN_REJETE"
            row.cpp_synced_at = self.clock.now()
            reasons: list[Reason] = [(REJECTED_REASON, {"label": label[:500]})
                                     for label in labels] or [(REJECTED_REASON, {"label": ""})]
            self._moved(s, row, ChorusActor.SYSTEM, ChorusState.NON_COMPLIANT,
                        reasons=reasons, operation="chorus_pro_rejected")

    def _integrated(self, s: Session, row: ChorusInvoice, found: FoundInvoice) -> None:
        row.cpp_deposit, row.cpp_invoice_id = D.INTEGRATED.value, found.cpp_invoice_id[:40]
        row.cpp_status, row.cpp_error, row.cpp_synced_at = found.status[:60], "", None
        self._audit(s, "chorus_pro_integrated", TARGET, row.id,
                    {"cpp_invoice_id": [None, row.cpp_invoice_id]})

    def history_read(self, invoice_id: int, history: InvoiceHistory) -> int:
        """Each status not recorded yet becomes a history row (its comment, its user):
        a known code moves the invoice, another is kept raw and moves nothing. Returns
        how many rows were added."""
        with self._uow(write=True) as s:
            row = self._queued(s, invoice_id, D.INTEGRATED)
            if row is None:
                return 0
            recorded = s.execute(select(func.count()).where(
                col(ChorusInvoiceEvent.invoice_id) == invoice_id,
                col(ChorusInvoiceEvent.actor) == ChorusActor.CHORUS_PRO.value)).scalar_one()
            added = list(history.entries[recorded:])
            for entry in added:
                self._status(s, row, entry)
            row.cpp_status = (history.current_code or row.cpp_status)[:60]
            row.cpp_synced_at = self.clock.now()
            return len(added)

    def _status(self, s: Session, row: ChorusInvoice, entry: StatusEntry) -> None:
        state = STATE_OF_CODE.get(entry.code.strip().upper())
        comment = entry.comment
        if state is None or state is ChorusState.DRAFT:
            state = ChorusState(row.state)  # kept raw: no state change
            comment = f"Chorus Pro: {entry.code}" + (f" — {comment}" if comment else "")
        self._moved(s, row, ChorusActor.CHORUS_PRO, state, comment=comment[:1000],
                    login=entry.user[:80], operation="chorus_pro_status",
                    changes={"cpp_status": [row.cpp_status or None, entry.code]})
        row.cpp_status = entry.code[:60]

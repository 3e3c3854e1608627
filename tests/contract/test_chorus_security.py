"""Who may make each move of the state table (issue 18 items 3, 7; acceptance: "a
security matrix generated from the table"), on every backend. For every row of
``rules/chorus_states.TABLE`` and each of its source states, an invoice of SA to PA is
put in that state and every persona tries the row's move:

- the recipient side: PA's main manager and a plain user holding the received space
  may; a secondary manager of PA whose attachment lost the received space, a recipient
  whose attachment expired yesterday and the other supplier SB do not see the invoice
  (NotFound); the invoice's own supplier sees it but may not act for the recipient
  (Forbidden);
- the supplier side: SA's main manager and a plain user holding SA's issued space may;
  the recipient is Forbidden where it sees the invoice and NotFound where it does not
  (drafts, non-compliant); SB and the expired recipient get NotFound.

Rights come from attachments only: the users involved hold no insurance contract."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusActor, ChorusRole, ChorusState
from cofatui.errors import CofaError, Forbidden, NotFound
from cofatui.models.chorus import ChorusAttachment, ChorusInvoice
from cofatui.repository.base import Repository
from cofatui.rules.chorus_states import (
    PROCESSING,
    TABLE,
    SupplierAction,
    visible_to_recipient,
)
from cofatui.schemas_chorus import (
    ChorusCompletion,
    ChorusCorrection,
    ChorusPaymentModeChange,
    ChorusProcess,
)
from tests.contract.chorus_dataset import (
    EXPIRED_USER,
    NEW_USER,
    PA,
    PA2_USER,
    PA_USER,
    SA,
    SA_USER,
    SB_USER,
    attachment_key,
)
from tests.contract.chorus_invoice_samples import IBAN, deposit, pdf
from tests.contract.conftest import Backend

S = ChorusState
#: A plain user (role user) holding PA's received space and SA's issued space.
PLAIN = NEW_USER
#: PA's secondary manager, once the received space is taken from their attachment.
MANAGER_WITHOUT_SPACE = PA2_USER


@dataclass(frozen=True)
class Case:
    """One row of the table from one source state, and the target or answer tried."""

    seed: str
    actor: ChorusActor
    source: ChorusState
    target: ChorusState | None
    action: SupplierAction | None

    @property
    def id(self) -> str:
        what = self.target.value if self.target else (self.action or "").__str__()
        return f"{self.seed}:{self.source.value}->{what}"


def _cases() -> list[Case]:
    cases = []
    for move in TABLE:
        if move.actor is ChorusActor.SYSTEM:
            continue
        for source in sorted(move.sources, key=list(ChorusState).index):
            if move.actor is ChorusActor.RECIPIENT:
                # The first target the table allows from there (forward only).
                targets = [t for t in ChorusState if t in move.targets and t != source
                           and not (source in PROCESSING and t in PROCESSING
                                    and PROCESSING.index(t) <= PROCESSING.index(source))]
                cases.append(Case(move.seed, move.actor, source, targets[0], None))
            else:
                cases.append(Case(move.seed, move.actor, source, None, move.action))
    return cases


CASES = _cases()


def _attach_personas(backend: Backend) -> None:
    """The plain user on SA (issued) and PA (received); PA2 without the received space."""
    with Session(backend.engine) as s:
        s.add_all([ChorusAttachment(
            user_id=backend.ids[PLAIN], structure_id=backend.ids[key], status="approved",
            role=ChorusRole.USER.value, space_issued=key == SA, space_received=key == PA,
            valid_from=date(2026, 1, 1), comment="matrix") for key in (SA, PA)])
        s.execute(update(ChorusAttachment).where(
            col(ChorusAttachment.id) == backend.ids[attachment_key(MANAGER_WITHOUT_SPACE)])
            .values(space_received=False))
        s.commit()


def _invoice(backend: Backend, number: str) -> int:
    """An invoice of SA to PA, made available, paid by direct debit."""
    return deposit(backend.open(SA_USER), number, payment_mode="PRELEVEMENT").id


def _put(backend: Backend, invoice_id: int, state: ChorusState) -> int:
    """The invoice in ``state`` (as if moved there), suspended for missing documents;
    returns its version."""
    with Session(backend.engine) as s:
        s.execute(update(ChorusInvoice).where(col(ChorusInvoice.id) == invoice_id).values(
            state=state.value, payment_mode="PRELEVEMENT", suspension_reason="missing_documents"))
        s.commit()
        return int(s.execute(select(col(ChorusInvoice.version)).where(
            col(ChorusInvoice.id) == invoice_id)).scalar_one())


def _act(case: Case, repo: Repository, invoice_id: int, version: int) -> Callable[[], object]:
    area = repo.chorus_invoices
    if case.target is not None:
        data = ChorusProcess(version=version, state=case.target, comment="motif")
        return lambda: area.process(invoice_id, data)
    calls: dict[SupplierAction | None, Callable[[], object]] = {
        SupplierAction.DELETE: lambda: area.delete_draft(invoice_id, version),
        SupplierAction.SUBMIT: lambda: area.submit(invoice_id, version),
        SupplierAction.CORRECT: lambda: area.correct(invoice_id, ChorusCorrection(
            version=version, engagement="EJ-2")),
        SupplierAction.COMPLETE: lambda: area.complete(invoice_id, ChorusCompletion(
            version=version), [pdf("rib.pdf")]),
        SupplierAction.CHANGE_PAYMENT_MODE: lambda: area.change_payment_mode(
            invoice_id, ChorusPaymentModeChange(version=version, iban=IBAN)),
    }
    return calls[case.action]


def _expected(case: Case, login: str) -> type[CofaError] | None:
    if case.actor is ChorusActor.RECIPIENT:
        return {PA_USER: None, PLAIN: None, SA_USER: Forbidden}.get(login, NotFound)
    if login in (SA_USER, PLAIN):
        return None
    if login == PA_USER and visible_to_recipient(case.source):
        return Forbidden
    return NotFound


PERSONAS = (PA_USER, PLAIN, MANAGER_WITHOUT_SPACE, SA_USER, SB_USER, EXPIRED_USER)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_move_of_the_table_by_each_persona(backend: Backend, case: Case) -> None:
    _attach_personas(backend)
    refused_on = _invoice(backend, "M-0")
    repos = {login: backend.open(login) for login in PERSONAS}
    for n, login in enumerate(PERSONAS, start=1):
        expected = _expected(case, login)
        # A success moves the invoice on (or deletes it): each allowed persona its own.
        invoice_id = refused_on if expected else _invoice(backend, f"M-{n}")
        version = _put(backend, invoice_id, case.source)
        call = _act(case, repos[login], invoice_id, version)
        if expected is None:
            call()
            continue
        with pytest.raises(expected):
            call()
        with Session(backend.engine) as s:
            row = s.get(ChorusInvoice, invoice_id)
            assert row is not None and (row.state, row.version) == (case.source.value, version)

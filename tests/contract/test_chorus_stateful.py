"""Chorus Pro invoices moved at random by random actors (issue 18 acceptance), on
SQLite: deposits good and bad, the recipient's moves to any state with or without a
comment, with the current version or a stale one, by the recipient's two users, the
supplier, another supplier and a recipient whose attachment expired; the supplier's
corrections, completions and credit notes. Whatever succeeds or is refused:

- a refused call changes nothing (state, version, history);
- the number never changes;
- a return (to recycle, suspended, rejected) and the undoing of a rejection always
  carry their comment;
- each accepted move adds exactly its history rows (a deposit two: deposited, then
  made available or non-compliant);
- the notifications of item 10: the supplier's user is told of every recipient move
  and of a non-compliant deposit, the recipient's users of every invoice made
  available or completed — and nobody else.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.enums import ChorusActor, ChorusPaymentMode, ChorusState
from cofatui.errors import CofaError, Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Notification
from cofatui.models.chorus import ChorusInvoiceEvent
from cofatui.repository.sql import SqlRepository
from cofatui.rules.chorus_states import HIDDEN_FROM_RECIPIENT, RETURNS, recipient_moves
from cofatui.schemas_chorus import (
    ChorusCompletion,
    ChorusCorrection,
    ChorusPaymentModeChange,
    ChorusProcess,
)
from tests.contract import dataset
from tests.contract.chorus_dataset import (
    EXPIRED_USER,
    PA2_USER,
    PA_USER,
    SA_USER,
    SB_USER,
)
from tests.contract.chorus_invoice_samples import IBAN, invoice, pdf
from tests.contract.templates import SqliteTemplate

S = ChorusState
RECIPIENTS = (PA_USER, PA2_USER)
ACTORS = (PA_USER, PA2_USER, SA_USER, SB_USER, EXPIRED_USER)


@dataclass
class Model:
    """What the stored invoice must be."""

    number: str
    state: ChorusState
    version: int
    events: int
    supplier_notices: int = 0
    recipient_notices: int = 0  # per recipient user (both are told alike)
    credited: bool = False
    credit_note: bool = False  # a 381
    debit: bool = False  # paid by direct debit (PRELEVEMENT)


class Moves(RuleBasedStateMachine):
    template: SqliteTemplate
    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.ids = self.template.copy_to(self.folder / f"{uuid.uuid4().hex}.sqlite")
        clock = FixedClock(dataset.NOW)
        self.repos = {login: SqlRepository(self.engine, login, clock) for login in ACTORS}
        self.invoices: dict[int, Model] = {}
        self.count = 0

    def teardown(self) -> None:
        self.engine.dispose()

    # --- helpers --------------------------------------------------------------------
    def _deposited(self, model: Model, state: ChorusState) -> None:
        """A deposit's effect on the model: two history rows and their notices."""
        model.state = state
        model.events += 2
        if state is S.MADE_AVAILABLE:
            model.recipient_notices += 1
        else:
            model.supplier_notices += 1

    def _stored(self, invoice_id: int) -> tuple[ChorusState, int, str]:
        got = self.repos[SA_USER].chorus_invoices.get(invoice_id)
        return got.state, got.version, got.number

    def _pick(self, index: int, fit: Callable[[Model], bool] | None = None
              ) -> tuple[int, Model]:
        """An invoice; one ``fit`` for the answer tried when there is one (else any),
        so that answers are tried where they may succeed, not only refused."""
        ids = sorted(self.invoices)
        fitting = [i for i in ids if fit is not None and fit(self.invoices[i])]
        invoice_id = (fitting or ids)[index % len(fitting or ids)]
        return invoice_id, self.invoices[invoice_id]

    def _refused_changes_nothing(self, invoice_id: int, model: Model,
                                 expected: type[CofaError], call: object) -> None:
        before = self._stored(invoice_id)
        try:
            assert callable(call)
            call()
        except expected:
            pass
        else:
            raise AssertionError(f"{expected.__name__} expected")
        assert self._stored(invoice_id) == before

    # --- rules ----------------------------------------------------------------------
    @rule(good=st.booleans(), debit=st.booleans())
    def deposit(self, good: bool, debit: bool) -> None:
        self.count += 1
        number = f"H-{self.count}"
        data = invoice(number, payment_mode="PRELEVEMENT" if debit else "VIREMENT",
                       service_code="ACHATS" if good else "")
        made = self.repos[SA_USER].chorus_invoices.create(data, pdf())
        model = Model(number, S.DRAFT, 0, events=1, debit=debit)
        self._deposited(model, S.MADE_AVAILABLE if good else S.NON_COMPLIANT)
        assert made.state is model.state
        model.version = made.version
        self.invoices[made.id] = model

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(0, 50), actor=st.sampled_from(ACTORS),
          to=st.sampled_from(list(ChorusState)), comment=st.sampled_from(["", "motif"]),
          stale=st.booleans())
    def process(self, index: int, actor: str, to: ChorusState, comment: str,
                stale: bool) -> None:
        invoice_id, model = self._pick(index)
        version = model.version - 1 if stale else model.version
        data = ChorusProcess(version=version, state=to, comment=comment)
        expected: type[CofaError] | None = None
        if actor in (SB_USER, EXPIRED_USER) or (
                actor in RECIPIENTS and model.state in HIDDEN_FROM_RECIPIENT):
            expected = NotFound
        elif actor == SA_USER:
            expected = Forbidden
        elif stale:
            expected = Conflict
        else:
            options = {o.state: o.comment_required for o in recipient_moves(
                model.state, reports_payment_in_progress=True, credit_note_issued=model.credited)}
            if to not in options:
                expected = RuleViolation
            elif options[to] and not comment:
                expected = ValidationFailed
        repo = self.repos[actor].chorus_invoices
        if expected is not None:
            self._refused_changes_nothing(invoice_id, model, expected,
                                          lambda: repo.process(invoice_id, data))
            return
        done = repo.process(invoice_id, data)
        assert done.state is to
        model.state, model.version = to, done.version
        model.events += 1
        model.supplier_notices += 1

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(0, 50), pick=st.integers(0, 50), actor=st.sampled_from(RECIPIENTS))
    def process_allowed(self, index: int, pick: int, actor: str) -> None:
        """A move the table allows now (random moves are mostly refused), so that the
        invoices reach every state and the supplier's answers get their turn."""
        invoice_id, model = self._pick(index)
        options = recipient_moves(model.state, reports_payment_in_progress=True,
                                  credit_note_issued=model.credited)
        if model.state in HIDDEN_FROM_RECIPIENT or not options:
            return
        to = options[pick % len(options)].state
        done = self.repos[actor].chorus_invoices.process(invoice_id, ChorusProcess(
            version=model.version, state=to, comment="motif"))
        assert done.state is to
        model.state, model.version = to, done.version
        model.events += 1
        model.supplier_notices += 1

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(0, 50))
    def correct(self, index: int) -> None:
        invoice_id, model = self._pick(index)
        repo = self.repos[SA_USER].chorus_invoices
        data = ChorusCorrection(version=model.version, service_code="ACHATS")
        if model.state not in (S.NON_COMPLIANT, S.TO_RECYCLE):
            self._refused_changes_nothing(invoice_id, model, RuleViolation,
                                          lambda: repo.correct(invoice_id, data))
            return
        done = repo.correct(invoice_id, data)
        self._deposited(model, S.MADE_AVAILABLE)
        assert done.state is S.MADE_AVAILABLE
        model.version = done.version

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(0, 50), with_file=st.booleans(), fit=st.booleans())
    def complete(self, index: int, with_file: bool, fit: bool) -> None:
        invoice_id, model = self._pick(index, _suspended if fit else None)
        repo = self.repos[SA_USER].chorus_invoices
        data = ChorusCompletion(version=model.version, comment="pièce jointe")
        files = [pdf("rib.pdf")] if with_file else []
        if model.state is not S.SUSPENDED or not with_file:
            self._refused_changes_nothing(invoice_id, model, RuleViolation,
                                          lambda: repo.complete(invoice_id, data, files))
            return
        done = repo.complete(invoice_id, data, files)
        assert done.state is S.COMPLETED
        model.state, model.version = S.COMPLETED, done.version
        model.events += 1
        model.recipient_notices += 1

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(0, 50))
    def credit_note(self, index: int) -> None:
        invoice_id, model = self._pick(index)
        repo = self.repos[SA_USER].chorus_invoices
        if model.credited or model.state in (S.NON_COMPLIANT, S.DEPOSITED, S.DRAFT) \
                or model.credit_note:
            self._refused_changes_nothing(invoice_id, model, RuleViolation,
                                          lambda: repo.credit_note(invoice_id))
            return
        credit = repo.credit_note(invoice_id)
        model.credited = True
        new = Model(credit.number, S.DRAFT, 0, events=1, credit_note=True)
        self._deposited(new, credit.state)
        new.version = credit.version
        self.invoices[credit.id] = new

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(0, 50), fit=st.booleans())
    def change_payment_mode(self, index: int, fit: bool) -> None:
        invoice_id, model = self._pick(index, _rejected_debit if fit else None)
        repo = self.repos[SA_USER].chorus_invoices
        data = ChorusPaymentModeChange(version=model.version, iban=IBAN)
        if model.state is not S.REJECTED or not model.debit:
            self._refused_changes_nothing(invoice_id, model, RuleViolation,
                                          lambda: repo.change_payment_mode(invoice_id, data))
            return
        done = repo.change_payment_mode(invoice_id, data)
        assert done.state is S.REJECTED and done.payment_mode is ChorusPaymentMode.VIREMENT
        model.debit, model.version = False, done.version
        model.events += 1  # an answer that keeps the state is in the history too

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(0, 50))
    def reissue(self, index: int) -> None:
        invoice_id, model = self._pick(index)
        repo = self.repos[SA_USER].chorus_invoices
        self.count += 1
        number = f"R-{self.count}"
        if model.state is S.DRAFT:
            self._refused_changes_nothing(invoice_id, model, RuleViolation,
                                          lambda: repo.reissue(invoice_id, number))
            return
        copy = repo.reissue(invoice_id, number)
        assert copy.state is S.DRAFT and copy.replaces_invoice_id == invoice_id
        self.invoices[copy.id] = Model(number, S.DRAFT, copy.version, events=1,
                                       credit_note=model.credit_note, debit=model.debit)

    @precondition(lambda self: self.invoices)
    @rule(index=st.integers(0, 50))
    def submit(self, index: int) -> None:
        invoice_id, model = self._pick(index)
        repo = self.repos[SA_USER].chorus_invoices
        if model.state is not S.DRAFT:
            self._refused_changes_nothing(invoice_id, model, RuleViolation,
                                          lambda: repo.submit(invoice_id, model.version))
            return
        done = repo.submit(invoice_id, model.version)
        assert done.state in (S.MADE_AVAILABLE, S.NON_COMPLIANT)
        self._deposited(model, done.state)
        model.version = done.version

    # --- invariants ----------------------------------------------------------------
    @invariant()
    def stored_as_modelled(self) -> None:
        with Session(self.engine) as s:
            for invoice_id, model in self.invoices.items():
                assert self._stored(invoice_id) == (model.state, model.version, model.number)
                rows = list(s.execute(select(ChorusInvoiceEvent).where(
                    col(ChorusInvoiceEvent.invoice_id) == invoice_id)).scalars())
                assert len(rows) == model.events
                for e in rows:
                    if e.actor == ChorusActor.RECIPIENT.value and (
                            S(e.to_state) in RETURNS or e.from_state == S.REJECTED.value):
                        assert e.comment.strip(), f"{e.from_state} → {e.to_state} uncommented"
                told = {uid: n for uid, n in s.execute(
                    select(col(Notification.user_id), func.count()).where(
                        col(Notification.target_type) == "chorus_invoice",
                        col(Notification.target_id) == invoice_id)
                    .group_by(col(Notification.user_id)))}
                expected = {self.ids[SA_USER]: model.supplier_notices,
                            self.ids[PA_USER]: model.recipient_notices,
                            self.ids[PA2_USER]: model.recipient_notices}
                assert told == {k: v for k, v in expected.items() if v}


def _suspended(model: Model) -> bool:
    return model.state is S.SUSPENDED


def _rejected_debit(model: Model) -> bool:
    return model.state is S.REJECTED and model.debit


def test_random_moves_by_random_actors_follow_the_table(
        sqlite_template: SqliteTemplate, tmp_path: Path) -> None:
    Moves.template = sqlite_template
    Moves.folder = tmp_path
    run_state_machine_as_test(Moves, settings=settings(
        max_examples=15, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))

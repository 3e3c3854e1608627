"""Chorus Pro notifications (issue 18 item 10) on every backend: written once per user
of the structure's side by ``sql/chorus_notices.py`` in the mover's transaction, read
by each user as their own (no contract), marked and deleted by them alone, and mailed
through the outbox per the user's subscription (on by default for "made available"
and "returned", to the contact address, else the login e-mail)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.enums import (
    ChorusActor,
    ChorusAttachmentStatus,
    ChorusMailCategory,
    ChorusState,
    Importance,
    NotificationCategory,
    NotificationTarget,
)
from cofatui.models import Notification, OutboxMessage
from cofatui.models.chorus import ChorusAttachment, ChorusInvoice, ChorusSubscription
from cofatui.repository.sql import SqlRepository, chorus_notices
from cofatui.schemas import NotificationFilter, NotificationRow
from tests.contract.chorus_dataset import (
    EXPIRED_USER,
    NEW_USER,
    PA,
    PA2_USER,
    PA_USER,
    SA,
    SA_CONTACT,
    SA_USER,
    SB_USER,
    SIRET,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.templates import SqliteTemplate


def _invoice(s: Session, backend: Backend, state: ChorusState,
             number: str = "F-2026-001") -> ChorusInvoice:
    row = ChorusInvoice(number=number, supplier_structure_id=backend.ids[SA],
                        recipient_siret=SIRET[PA], recipient_structure_id=backend.ids[PA],
                        invoice_date=date(2026, 11, 1), state=state.value,
                        deposited_at=NOW, state_changed_at=NOW, created_by=SA_USER)
    s.add(row)
    s.flush()
    return row


def _move(backend: Backend, state: ChorusState, actor: ChorusActor,
          comment: str = "") -> int:
    """An invoice of SA to PA that reached ``state``, notified as the areas do."""
    with Session(backend.engine) as s:
        invoice = _invoice(s, backend, state)
        chorus_notices.invoice_moved(s, invoice, actor=actor, to_state=state, now=NOW,
                                     today=NOW.date(), comment=comment)
        s.commit()
        assert invoice.id is not None
        return invoice.id


def _mails(backend: Backend) -> list[OutboxMessage]:
    with Session(backend.engine) as s:
        return list(s.execute(select(OutboxMessage).where(col(OutboxMessage.kind) == "chorus")
                              .order_by(col(OutboxMessage.id))).scalars())


def _chorus_rows(backend: Backend, login: str) -> list[NotificationRow]:
    page = backend.open(login).notifications.rows(
        NotificationFilter(category=NotificationCategory.CHORUS))
    return list(page.items)


def test_made_available_reaches_each_recipient_user_valid_today(backend: Backend) -> None:
    invoice_id = _move(backend, ChorusState.MADE_AVAILABLE, ChorusActor.SYSTEM)
    for login in (PA_USER, PA2_USER):
        rows = backend.open(login).notifications.rows().items
        mine = [r for r in rows if r.category == NotificationCategory.CHORUS]
        assert len(mine) == 1, login
        row = mine[0]
        assert row.contract_id is None and row.policy_number == ""
        assert (row.target_type, row.target_id) == (NotificationTarget.CHORUS_INVOICE,
                                                     invoice_id)
        assert row.kind == "chorus.invoice"
        assert "F-2026-001" in row.title_in("en") and "made available" in row.title_in("en")
        assert "mise à disposition" in row.title_in("fr")
    # The attachment ended yesterday; the supplier is not the one told.
    for login in (EXPIRED_USER, SA_USER, SB_USER, "alice"):
        assert _chorus_rows(backend, login) == [], login


def test_a_return_tells_the_supplier_with_its_comment_high_and_mailed(
        backend: Backend) -> None:
    _move(backend, ChorusState.SUSPENDED, ChorusActor.RECIPIENT, comment="RIB manquant")
    rows = backend.open(SA_USER).notifications.rows().items
    assert len(rows) == 1
    assert rows[0].importance == Importance.HIGH
    assert rows[0].body_in("en") == "RIB manquant"
    assert _chorus_rows(backend, PA_USER) == []
    mails = _mails(backend)
    # "Returned" is mailed by default, to the contact address rather than the login's.
    assert [m.recipient for m in mails] == [SA_CONTACT]
    assert "RIB manquant" in mails[0].body and "F-2026-001" in mails[0].subject


def test_other_recipient_moves_tell_the_supplier_without_mail_by_default(
        backend: Backend) -> None:
    _move(backend, ChorusState.SERVICE_DONE, ChorusActor.RECIPIENT)
    rows = _chorus_rows(backend, SA_USER)
    assert len(rows) == 1
    assert _mails(backend) == []


def test_a_subscription_decides_the_mail(backend: Backend) -> None:
    with Session(backend.engine) as s:
        s.add(ChorusSubscription(user_id=backend.ids[SA_USER],
                                 category=ChorusMailCategory.NON_COMPLIANT.value, enabled=True))
        s.add(ChorusSubscription(user_id=backend.ids[PA_USER],
                                 category=ChorusMailCategory.MADE_AVAILABLE.value,
                                 enabled=False))
        s.commit()
    _move(backend, ChorusState.NON_COMPLIANT, ChorusActor.SYSTEM)
    with Session(backend.engine) as s:
        _invoice(s, backend, ChorusState.MADE_AVAILABLE, "F-2026-002")
        s.commit()
    invoice_id = _move_existing(backend, "F-2026-002")
    assert invoice_id
    mails = _mails(backend)
    # SA subscribed to non-compliant; PA unsubscribed from made available, PA2 did not.
    assert [m.recipient for m in mails] == [SA_CONTACT, f"{PA2_USER}@example.test"]
    assert _chorus_rows(backend, PA_USER) != []  # the in-app notification is always there


def _move_existing(backend: Backend, number: str) -> int:
    with Session(backend.engine) as s:
        invoice = s.execute(select(ChorusInvoice).where(col(ChorusInvoice.number) == number)
                            ).scalar_one()
        chorus_notices.invoice_moved(s, invoice, actor=ChorusActor.SYSTEM,
                                     to_state=ChorusState.MADE_AVAILABLE, now=NOW,
                                     today=NOW.date())
        s.commit()
        assert invoice.id is not None
        return invoice.id


def test_own_rows_are_counted_marked_and_deleted_by_their_user_only(
        backend: Backend) -> None:
    _move(backend, ChorusState.MADE_AVAILABLE, ChorusActor.SYSTEM)
    pa, pa2 = backend.open(PA_USER), backend.open(PA2_USER)
    assert pa.notifications.unread_count() == 1
    mine = pa.notifications.rows().items[0].id
    theirs = pa2.notifications.rows().items[0].id
    assert pa.notifications.mark([theirs], read=True) == 0  # not mine: nothing
    assert pa.notifications.mark([mine], read=True) == 1
    assert pa.notifications.unread_count() == 0
    assert pa.notifications.rows(NotificationFilter(read=True)).total == 1
    assert pa2.notifications.unread_count() == 1
    assert pa.notifications.delete([mine]) == 1
    assert pa.notifications.rows().total == 0
    assert pa2.notifications.rows().total == 1


def test_own_rows_show_whatever_contract_is_chosen(backend: Backend) -> None:
    """A contract user also attached to a Chorus structure sees both kinds, newest
    first, with the contract filter of the home list too."""
    with Session(backend.engine) as s:
        alice = backend.ids["alice"]
        s.add(ChorusAttachment(user_id=alice, structure_id=backend.ids[PA],
                               status="approved", role="user", space_received=True,
                               valid_from=NOW.date()))
        s.commit()
    before = backend.open("alice").notifications.rows()
    unread = backend.open("alice").notifications.unread_count()
    _move(backend, ChorusState.MADE_AVAILABLE, ChorusActor.SYSTEM)
    alice_repo = backend.open("alice")
    after = alice_repo.notifications.rows()
    assert after.total == before.total + 1
    assert after.items[0].category == NotificationCategory.CHORUS  # the newest
    assert alice_repo.notifications.unread_count() == unread + 1
    one_contract = alice_repo.notifications.rows(
        NotificationFilter(contract_id=backend.ids["A"]))
    assert any(r.contract_id is None for r in one_contract.items)
    assert alice_repo.notifications.unread_count(backend.ids["A"]) >= 1


def test_attachment_request_and_decision(backend: Backend) -> None:
    with Session(backend.engine) as s:
        request = ChorusAttachment(user_id=backend.ids[NEW_USER], structure_id=backend.ids[PA],
                                   status=ChorusAttachmentStatus.PENDING.value,
                                   valid_from=NOW.date(), comment="Comptable de la mairie")
        s.add(request)
        s.flush()
        told = chorus_notices.attachment_requested(
            s, request, structure_name="Mairie de PA", requester=NEW_USER, now=NOW,
            today=NOW.date())
        request_id = request.id
        s.commit()
    # Main and secondary managers; not the expired plain user.
    assert sorted(told) == sorted([backend.ids[PA_USER], backend.ids[PA2_USER]])
    row = _chorus_rows(backend, PA2_USER)[0]
    assert row.target_type == NotificationTarget.CHORUS_ATTACHMENT
    assert row.body_in("en") == "Comptable de la mairie"
    with Session(backend.engine) as s:
        request = s.get_one(ChorusAttachment, request_id)
        request.status = ChorusAttachmentStatus.REFUSED.value
        request.decision_comment = "Inconnu du service"
        chorus_notices.attachment_decided(s, request, structure_name="Mairie de PA",
                                          now=NOW + timedelta(minutes=1), today=NOW.date())
        s.commit()
    row = _chorus_rows(backend, NEW_USER)[0]
    assert "refused" in row.title_in("en")
    assert "refusé" in row.title_in("fr")
    assert row.body_in("en") == "Inconnu du service"


def test_passing_states_tell_nobody(backend: Backend) -> None:
    with Session(backend.engine) as s:
        invoice = _invoice(s, backend, ChorusState.DEPOSITED)
        for state in (ChorusState.DRAFT, ChorusState.DEPOSITED):
            assert chorus_notices.invoice_moved(s, invoice, actor=ChorusActor.SUPPLIER,
                                                to_state=state, now=NOW,
                                                today=NOW.date()) == []
        s.commit()
        written = s.execute(select(Notification).where(
            col(Notification.category) == NotificationCategory.CHORUS.value)).all()
    assert written == []


# --- the returns pop-up and the read state, by random sequences --------------------------
_COUNTER = itertools.count()
RECIPIENT_MOVES = st.sampled_from([ChorusState.SUSPENDED, ChorusState.REJECTED,
                                   ChorusState.SERVICE_DONE, ChorusState.MADE_AVAILABLE])


@dataclass
class _Note:
    read: bool = False
    deleted: bool = False


def test_returns_and_read_state_follow_the_model(sqlite_template: SqliteTemplate,
                                                 tmp_path: Path) -> None:
    """The recipient moves SA's invoices at random, the supplier acknowledges the
    pop-up, marks and deletes its notifications. After every step: the pop-up lists
    exactly the invoices now rejected or suspended whose move came after the last
    acknowledgement, newest first; each move told SA's user once and PA's none; the
    unread count and the list agree with what the user marked and deleted."""

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.engine, self.ids = sqlite_template.copy_to(
                tmp_path / f"returns-{next(_COUNTER)}.sqlite")
            self.clock = FixedClock(NOW)
            self.sa = SqlRepository(self.engine, SA_USER, self.clock)
            self.pa = SqlRepository(self.engine, PA_USER, self.clock)
            self.invoices: dict[int, tuple[ChorusState, datetime]] = {}
            with Session(self.engine) as s:
                for n in range(3):
                    row = ChorusInvoice(
                        number=f"M-{n}", supplier_structure_id=self.ids[SA],
                        recipient_siret=SIRET[PA], recipient_structure_id=self.ids[PA],
                        invoice_date=date(2026, 11, 1), state=ChorusState.MADE_AVAILABLE.value,
                        deposited_at=NOW, state_changed_at=NOW)
                    s.add(row)
                    s.flush()
                    assert row.id is not None
                    self.invoices[row.id] = (ChorusState.MADE_AVAILABLE, NOW)
                s.commit()
            self.acknowledged: datetime | None = None
            self.notes: dict[int, _Note] = {}

        def teardown(self) -> None:
            self.engine.dispose()

        @rule(pick=st.integers(0, 2), state=RECIPIENT_MOVES)
        def recipient_moves(self, pick: int, state: ChorusState) -> None:
            self.clock.advance(minutes=1)
            now = self.clock.now()
            invoice_id = sorted(self.invoices)[pick]
            with Session(self.engine) as s:
                row = s.get_one(ChorusInvoice, invoice_id)
                row.state, row.state_changed_at = state.value, now
                told = chorus_notices.invoice_moved(s, row, actor=ChorusActor.RECIPIENT,
                                                    to_state=state, now=now,
                                                    today=now.date(), comment="c")
                s.commit()
            assert told == [self.ids[SA_USER]]
            self.invoices[invoice_id] = (state, now)
            newest = self.sa.notifications.rows(limit=1).items[0]
            assert newest.target_id == invoice_id and newest.id not in self.notes
            self.notes[newest.id] = _Note()

        @rule()
        def acknowledge(self) -> None:
            self.sa.chorus_invoices.acknowledge_returns()
            self.acknowledged = self.clock.now()

        @rule(pick=st.integers(0, 20), read=st.booleans())
        def mark(self, pick: int, read: bool) -> None:
            if not self.notes:
                return
            nid = sorted(self.notes)[pick % len(self.notes)]
            note = self.notes[nid]
            assert self.pa.notifications.mark([nid], read) == 0  # not PA's
            assert self.sa.notifications.mark([nid], read) == 1
            note.read = read

        @rule(pick=st.integers(0, 20))
        def delete(self, pick: int) -> None:
            if not self.notes:
                return
            nid = sorted(self.notes)[pick % len(self.notes)]
            assert self.sa.notifications.delete([nid]) == 1
            self.notes[nid].deleted = True

        @invariant()
        def pop_up_lists_returns_since_acknowledged(self) -> None:
            expected = sorted(
                ((at, i) for i, (state, at) in self.invoices.items()
                 if state in (ChorusState.SUSPENDED, ChorusState.REJECTED)
                 and (self.acknowledged is None or at > self.acknowledged)), reverse=True)
            assert [r.id for r in self.sa.chorus_invoices.returns()] == \
                [i for _, i in expected]

        @invariant()
        def counts_follow_marks(self) -> None:
            shown = [n for n in self.notes.values() if not n.deleted]
            assert self.sa.notifications.unread_count() == \
                sum(1 for n in shown if not n.read)
            assert self.sa.notifications.rows().total == len(shown)
            assert _chorus_count(self.pa) == 0

    run_state_machine_as_test(Machine, settings=settings(
        max_examples=12, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))


def _chorus_count(repo: SqlRepository) -> int:
    return repo.notifications.rows(
        NotificationFilter(category=NotificationCategory.CHORUS)).total

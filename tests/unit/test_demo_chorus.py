"""The Chorus Pro demo data (issue 18 item 11), read back through the ORM and through
the repository as its users would: SOFAXIS and the directory with every parameter,
``supplier``, ``buyer`` and ``demo`` with their roles, invoices in every state whose
histories the state table allows, totals the rules compute, reasons the checks give,
and a non-compliant invoice that a correction makes available."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from stdnum.fr import siret as stdnum_siret

from cofatui.clock import FixedClock
from cofatui.demo.chorus import BUYER, PUBLIC_STRUCTURES, SOFAXIS, SUPPLIER
from cofatui.demo.generator import DemoSummary, generate_demo
from cofatui.enums import (
    ChorusActor,
    ChorusRole,
    ChorusSpace,
    ChorusState,
    NotificationCategory,
)
from cofatui.migrations import upgrade
from cofatui.models import Notification, User, UserContract
from cofatui.models.chorus import (
    ChorusAttachment,
    ChorusInvoice,
    ChorusInvoiceEvent,
    ChorusInvoiceLine,
    ChorusService,
    ChorusStructure,
)
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.rules.chorus_states import HIDDEN_FROM_RECIPIENT, recipient_moves
from cofatui.rules.chorus_totals import compute_totals
from cofatui.schemas_chorus import (
    PUBLIC_INVOICES_SERVICE,
    ChorusCorrection,
    ChorusInvoiceSearch,
)
from tests.conftest import pg_url_or_skip

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
GENERATED = 300
S = ChorusState
#: Where only the supplier may move an invoice (the table's supplier and system rows).
SUPPLIER_MOVES = {(None, S.DRAFT), (S.DRAFT, S.DEPOSITED), (S.NON_COMPLIANT, S.DEPOSITED),
                  (S.TO_RECYCLE, S.DEPOSITED), (S.SUSPENDED, S.COMPLETED)}
SYSTEM_MOVES = {(S.DEPOSITED, S.MADE_AVAILABLE), (S.DEPOSITED, S.NON_COMPLIANT)}


def _generate(path: Path, count: int = GENERATED, seed: int = 7) -> tuple[Engine,
                                                                          DemoSummary]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine, generate_demo(engine, companies=12, seed=seed, clock=FixedClock(NOW),
                                 chorus_invoices=count)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, DemoSummary]]:
    engine, summary = _generate(tmp_path_factory.mktemp("chorus") / "demo.sqlite")
    yield engine, summary
    engine.dispose()


@pytest.fixture
def session(demo: tuple[Engine, DemoSummary]) -> Iterator[Session]:
    with Session(demo[0]) as s:
        yield s


def _repo(demo: tuple[Engine, DemoSummary], login: str) -> SqlRepository:
    return SqlRepository(demo[0], login, FixedClock(NOW))


def _by_siret(s: Session) -> dict[str, ChorusStructure]:
    return {row.siret: row for row in s.execute(select(ChorusStructure)).scalars()}


# --- the directory ---------------------------------------------------------------------


def test_sofaxis_is_the_seeds(session: Session) -> None:
    sofaxis = _by_siret(session)["33517109600035"]
    assert (sofaxis.name, sofaxis.public, sofaxis.active) == ("SOFAXIS", False, True)
    assert (sofaxis.address, sofaxis.postal_code, sofaxis.city) == (
        "ROUTE DE CRETON", "18110", "VASSELAY")
    assert sofaxis.billing_mandate_at is not None  # entry by form works


def test_a_dozen_public_structures_cover_every_parameter(session: Session) -> None:
    found = [s for s in _by_siret(session).values() if s.public]
    assert len(found) == len(PUBLIC_STRUCTURES) == 12
    assert all(stdnum_siret.is_valid(s.siret) for s in _by_siret(session).values())
    assert sum(not s.active for s in found) == 1
    combos = {(s.service_code_required, s.engagement_required) for s in found}
    assert combos == {(False, False), (False, True), (True, False), (True, True)}
    assert any(s.engagement_or_service_required for s in found)
    assert {s.reports_payment_in_progress for s in found} == {True, False}
    services = defaultdict(list)
    for service in session.execute(select(ChorusService)).scalars():
        services[service.structure_id].append(service)
    for s in found:  # seed 003 §XIV
        assert PUBLIC_INVOICES_SERVICE in {v.code for v in services[s.id]}, s.name
    every = [v for group in services.values() for v in group]
    today = NOW.date()
    assert any(not v.active for v in every)
    assert any(v.active and v.end_date is not None and v.end_date < today for v in every)
    assert any(v.active and v.start_date is not None and v.start_date > today for v in every)
    assert any(v.engagement_required for v in every)


def test_supplier_and_buyer_have_their_roles_and_no_contract(
        demo: tuple[Engine, DemoSummary], session: Session) -> None:
    users = {u.login: u for u in session.execute(select(User)).scalars()}
    for login in (SUPPLIER, BUYER):
        assert users[login].default_contract_id is None
        assert not session.execute(select(UserContract).where(
            col(UserContract.user_id) == users[login].id)).first()
        assert users[login].contact_email and users[login].postal_code
    supplier = _repo(demo, SUPPLIER).chorus_directory.mine()
    assert [(m.structure.siret, m.role, m.spaces) for m in supplier] == [
        (SOFAXIS.siret, ChorusRole.MAIN_MANAGER, [ChorusSpace.ISSUED])]
    buyer = _repo(demo, BUYER).chorus_directory.mine()
    assert [(m.structure.name, m.role, m.spaces) for m in buyer] == [
        ("VILLE DE BOURGES", ChorusRole.MAIN_MANAGER, [ChorusSpace.RECEIVED])]
    assert buyer[0].structure.active and buyer[0].structure.service_code_required
    demo_user = _repo(demo, "demo").chorus_directory.mine()
    assert [m.spaces for m in demo_user] == [[ChorusSpace.ISSUED]]


def test_supplier_has_a_request_to_decide(demo: tuple[Engine, DemoSummary]) -> None:
    sofaxis = _repo(demo, SUPPLIER).chorus_directory.mine()[0].structure
    pending = _repo(demo, SUPPLIER).chorus_directory.attachments(
        sofaxis.id, pending_only=True).items
    assert [(a.login, a.comment != "") for a in pending] == [("demo", True)]


# --- invoices --------------------------------------------------------------------------


def test_every_state_on_both_sides(demo: tuple[Engine, DemoSummary]) -> None:
    issued = _repo(demo, SUPPLIER).chorus_invoices.dashboard(ChorusSpace.ISSUED)
    counts = {c.state: c.count for c in issued.counts}
    # Deposited is a passing state: the checks end it in the deposit's transaction.
    assert {state for state, n in counts.items() if n} == set(S) - {S.DEPOSITED}
    received = _repo(demo, BUYER).chorus_invoices.dashboard(ChorusSpace.RECEIVED)
    seen = {c.state for c in received.counts if c.count}
    assert seen == set(S) - {S.DEPOSITED} - HIDDEN_FROM_RECIPIENT


def test_histories_follow_the_state_table(session: Session) -> None:
    structures = {s.id: s for s in _by_siret(session).values()}
    events = defaultdict(list)
    for e in session.execute(select(ChorusInvoiceEvent).order_by(
            col(ChorusInvoiceEvent.id))).scalars():
        events[e.invoice_id].append(e)
    invoices = list(session.execute(select(ChorusInvoice)).scalars())
    assert len(invoices) > GENERATED
    for invoice in invoices:
        history = events[invoice.id]
        assert history, invoice.number
        state: ChorusState | None = None
        for e in history:
            source = S(e.from_state) if e.from_state else None
            target = S(e.to_state)
            assert source == state, (invoice.number, e)
            if e.actor == ChorusActor.RECIPIENT.value:
                assert source is not None
                recipient = structures[invoice.recipient_structure_id or 0]
                allowed = recipient_moves(
                    source, reports_payment_in_progress=recipient.reports_payment_in_progress,
                    credit_note_issued=False)
                option = next(o for o in allowed if o.state is target)
                assert e.comment or not option.comment_required, (invoice.number, e)
            elif e.actor == ChorusActor.SYSTEM.value:
                assert (source, target) in SYSTEM_MOVES
                assert (json.loads(e.reasons) != []) == (target is S.NON_COMPLIANT)
            else:
                assert (source, target) in SUPPLIER_MOVES, (invoice.number, e)
            assert e.at is not None and e.at <= NOW
            state = target
        assert state == S(invoice.state), invoice.number
        assert (invoice.deposited_at is None) == (state is S.DRAFT)


def test_totals_are_the_rules(session: Session) -> None:
    lines = defaultdict(list)
    for line in session.execute(select(ChorusInvoiceLine).order_by(
            col(ChorusInvoiceLine.position))).scalars():
        lines[line.invoice_id].append(line)
    for invoice in session.execute(select(ChorusInvoice)).scalars():
        totals = compute_totals(lines[invoice.id], currency=invoice.currency,
                                frame=invoice.frame)
        assert (invoice.total_excl_tax, invoice.total_vat, invoice.total_incl_tax,
                invoice.amount_due) == (totals.total_excl_tax, totals.total_vat,
                                        totals.total_incl_tax, totals.amount_due)
        assert [line.amount_excl_tax for line in lines[invoice.id]] == list(
            totals.line_amounts)


def test_non_compliant_reasons_are_worded_and_a_correction_makes_it_available(
        tmp_path: Path) -> None:
    engine, _ = _generate(tmp_path / "correct.sqlite", count=0)
    try:
        repo = SqlRepository(engine, SUPPLIER, FixedClock(NOW))
        found = {}
        for row in repo.chorus_invoices.search(_search(S.NON_COMPLIANT)).items:
            detail = repo.chorus_invoices.get(row.id)
            assert detail.reasons and all(r.message != r.code for r in detail.reasons)
            found.update({r.code: detail for r in detail.reasons})
        assert {"service_code_missing", "recipient_inactive", "recipient_unknown",
                "public_invoices_code_by_private_supplier"} <= set(found)
        missing = found["service_code_missing"]
        corrected = repo.chorus_invoices.correct(missing.id, ChorusCorrection(
            version=missing.version, service_code="SERV_TECH"))
        assert (corrected.state, corrected.number) == (S.MADE_AVAILABLE, missing.number)
    finally:
        engine.dispose()


def _search(state: ChorusState) -> ChorusInvoiceSearch:
    return ChorusInvoiceSearch(states=[state])


def test_the_showcase_answers_open_to_each_side(demo: tuple[Engine, DemoSummary]) -> None:
    """A rejected direct debit the supplier may turn into a transfer and the buyer may
    un-reject; one cancelled by its 381, re-issued as a draft."""
    supplier = _repo(demo, SUPPLIER).chorus_invoices
    buyer = _repo(demo, BUYER).chorus_invoices
    rejected = [supplier.get(r.id) for r in supplier.search(_search(S.REJECTED)).items
                if r.supplier_siret == SOFAXIS.siret and r.number.startswith("P")]
    debit = [d for d in rejected if "change_payment_mode" in d.actions]
    assert debit and buyer.get(debit[0].id).moves  # the buyer may undo it
    cancelled = [d for d in rejected if d.credit_note_id is not None]
    assert cancelled and not buyer.get(cancelled[0].id).moves
    assert cancelled[0].replaced_by_id is not None


def test_returns_pop_up_for_supplier_not_for_demo(demo: tuple[Engine, DemoSummary]) -> None:
    assert {r.state for r in _repo(demo, SUPPLIER).chorus_invoices.returns()} == {
        S.REJECTED, S.SUSPENDED}
    assert _repo(demo, "demo").chorus_invoices.returns() == []


def test_notifications_lead_to_their_users_invoices(session: Session) -> None:
    users = {u.id: u.login for u in session.execute(select(User)).scalars()}
    rows = list(session.execute(select(Notification).where(
        col(Notification.category) == NotificationCategory.CHORUS.value)).scalars())
    assert {users[n.user_id or 0] for n in rows} == {SUPPLIER, BUYER}
    for n in rows:
        assert n.contract_id is None and n.target_id is not None
        if n.target_type == "chorus_invoice":
            assert session.get(ChorusInvoice, n.target_id) is not None
        else:
            assert session.get(ChorusAttachment, n.target_id) is not None


def _digest(engine: Engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in ("chorus_structure", "chorus_invoice", "chorus_invoice_line",
                      "chorus_invoice_event"):
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_same_seed_and_clock_same_invoices(demo: tuple[Engine, DemoSummary],
                                           tmp_path: Path) -> None:
    engine, summary = _generate(tmp_path / "again.sqlite")
    try:
        assert _digest(engine) == _digest(demo[0])
        assert summary.counts["chorus_invoice"] == demo[1].counts["chorus_invoice"]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_reads_the_same(demo: tuple[Engine, DemoSummary]) -> None:
    base = pg_url_or_skip()
    schema = f"chorus_demo_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    engine = make_engine(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        summary = generate_demo(engine, companies=12, seed=7, clock=FixedClock(NOW),
                                chorus_invoices=GENERATED)
        assert summary.counts["chorus_invoice"] == demo[1].counts["chorus_invoice"]
        repo = SqlRepository(engine, SUPPLIER, FixedClock(NOW))
        assert repo.chorus_invoices.dashboard(ChorusSpace.ISSUED) == \
            _repo(demo, SUPPLIER).chorus_invoices.dashboard(ChorusSpace.ISSUED)
        with Session(engine) as s:  # sequences past the demo's ids
            s.add(ChorusStructure(siret="00000000000000", name="after the demo"))
            s.commit()
            assert s.execute(select(func.count()).select_from(ChorusStructure)).scalar_one() \
                == summary.counts["chorus_structure"] + 1
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()

"""Turnover declarations on every backend (issue 17 items 2–3): an underwriter issues a
request (its notification and three reminder jobs with it), the policyholder fills it
in, saves and sends it; it is then frozen. Only underwriters issue and cancel; another
contract's declaration does not exist for a user; of two racing sends one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.enums import TurnoverBasis, TurnoverBreakdown, TurnoverStatus
from cofatui.errors import CofaError, Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.jobs.worker import Worker
from cofatui.models import Job, Notification, PortfolioEntry
from cofatui.repository.base import Repository
from cofatui.schemas_turnover import (
    TurnoverContact,
    TurnoverDeclarationPublic,
    TurnoverFilter,
    TurnoverLineIn,
    TurnoverRequestIn,
    TurnoverUpdate,
)
from tests.contract.conftest import Backend
from tests.contract.refusals import refused

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def issue(backend: Backend, contract: str = "A", period: tuple[date, date] = OCTOBER,
          **kw: object) -> TurnoverDeclarationPublic:
    return backend.open("uw").turnover.request(TurnoverRequestIn(
        contract_id=backend.ids[contract], period_start=period[0], period_end=period[1],
        label=kw.pop("label", "October"), **kw))  # type: ignore[arg-type]


def amounts(repo: Repository, declaration_id: int) -> dict[str, Decimal | None]:
    page = repo.turnover.lines(declaration_id, 0, 500)
    return {line.company_name or line.country: line.amount for line in page.items}


def save(repo: Repository, decl: TurnoverDeclarationPublic, *lines: TurnoverLineIn,
         nothing: bool = False) -> TurnoverDeclarationPublic:
    return repo.turnover.update(decl.id, TurnoverUpdate(
        version=decl.version, lines=list(lines), nothing_to_declare=nothing))


def reminder_notices(backend: Backend, declaration_id: int) -> list[tuple[str, str]]:
    with Session(backend.engine) as s:
        return [(kind, importance) for kind, importance in s.execute(
            select(col(Notification.kind), col(Notification.importance)).where(
                col(Notification.target_type) == "turnover_declaration",
                col(Notification.target_id) == declaration_id,
                col(Notification.kind) == "turnover.reminder").order_by(col(Notification.id)))]


def race(*calls: Callable[[], object]) -> list[object]:
    """Run ``calls`` at the same moment, each in a thread: what each returned or
    raised (a refusal), in the order they ended."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            outcomes.append(call())
        except CofaError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# --- the whole cycle ---------------------------------------------------------------------
def test_issue_fill_save_send(backend: Backend) -> None:
    decl = issue(backend)
    # Defaults: the contract's terms, due 30 days after the period, New, nothing filled.
    assert (decl.basis, decl.breakdown, decl.status) == (
        TurnoverBasis.SALES, TurnoverBreakdown.DEBTOR, TurnoverStatus.NEW)
    assert decl.due_date == date(2026, 11, 30) and decl.requested_by == "uw"
    assert decl.notification_id is not None and decl.currency == "EUR"
    with Session(backend.engine) as s:
        note = s.get(Notification, decl.notification_id)
        assert note is not None and (note.target_type, note.target_id, note.kind) == (
            "turnover_declaration", decl.id, "turnover.requested")
        jobs = s.execute(select(col(Job.run_after), col(Job.dedupe_key)).where(
            col(Job.kind) == "turnover.reminder").order_by(col(Job.run_after))).all()
    assert [r.date() if r else None for r, _ in jobs] == [date(2026, 11, 23), date(2026, 11, 30),
                                           date(2026, 12, 15)]
    assert len({key for _, key in jobs}) == 3

    alice = backend.open("alice")
    # Until someone chooses, the reader is the contact in charge (seed "Modifier").
    contact = alice.turnover.get(decl.id).contact
    assert (contact.name, contact.email) == ("Alice Test", "alice@example.test")
    # Pre-filled on first read: A's companies holding an active cover (CRL alpha and
    # beta, RLI delta); gamma (a monitoring and a refused product) and foo (pending) not.
    assert amounts(alice, decl.id) == {"Alpha Industries": None,
                                       "Alpha Industries Lyon": None,
                                       "Beta Maschinenbau GmbH": None}
    saved = save(alice, decl,
                 TurnoverLineIn(company_id=backend.ids["alpha"], amount=Decimal("1200.50")),
                 TurnoverLineIn(easy_number="00000000000002", amount=Decimal("300"),
                                currency="USD"),
                 TurnoverLineIn(easy_number="00000000000004", amount=Decimal("10")))
    assert saved.status == TurnoverStatus.NEW and saved.version > decl.version
    assert (saved.line_count, saved.filled_count) == (4, 3)  # foo added by EasyNumber
    assert [(t.currency, t.amount) for t in saved.totals] == [
        ("EUR", Decimal("1210.50")), ("USD", Decimal("300"))]
    assert saved.contact.name == "Alice Test"  # the first one to save, by default
    # A null amount clears a line; the contact can be changed.
    saved = alice.turnover.update(decl.id, TurnoverUpdate(
        version=saved.version, contact=TurnoverContact(name="Zoé Compta", phone="0102030405",
                                                       email="zoe@example.test"),
        lines=[TurnoverLineIn(company_id=backend.ids["foo"], amount=None)]))
    assert saved.filled_count == 2 and saved.contact.name == "Zoé Compta"
    # Each save moves the version, even one that changes only lines (same instant).
    again = save(alice, saved, TurnoverLineIn(company_id=backend.ids["foo"], amount=None))
    assert again.version == saved.version + 1
    with refused(Conflict, "turnover.changed"):
        save(alice, saved)
    saved = again
    page = alice.turnover.lines(decl.id, 0, 2, "alpha")
    assert page.total == 2 and [x.company_name for x in page.items] == [
        "Alpha Industries", "Alpha Industries Lyon"]
    assert alice.turnover.lines(decl.id, 0, 50, "00000000000004").items[0].company_name \
        == "Foo [UK] Ltd"

    sent = alice.turnover.send(decl.id, saved.version)
    assert sent.status == TurnoverStatus.SENT and sent.sent_by == "alice"
    assert sent.sent_at is not None and sent.days_late == 0
    # Lines without an amount are sent as 0.
    assert amounts(alice, decl.id) == {"Alpha Industries": Decimal("1200.50"),
                                       "Alpha Industries Lyon": Decimal("0"),
                                       "Beta Maschinenbau GmbH": Decimal("300"),
                                       "Foo [UK] Ltd": Decimal("0")}
    assert sent.filled_count == sent.line_count == 4
    # The lists: the contract's, and the back office's across contracts.
    assert [d.id for d in alice.turnover.declarations(backend.ids["A"]).items] == [decl.id]
    listed = backend.open("uw").turnover.requests(TurnoverFilter(status=TurnoverStatus.SENT))
    assert [(d.id, d.status) for d in listed.items] == [(decl.id, TurnoverStatus.SENT)]


def test_per_country_on_an_outstanding_basis(backend: Backend) -> None:
    with Session(backend.engine) as s:
        s.execute(update(PortfolioEntry).where(
            col(PortfolioEntry.id) == backend.ids["entry:A:alpha"])
            .values(outstanding_amount=Decimal("4500.00")))
        s.commit()
    debtor = issue(backend, basis=TurnoverBasis.OUTSTANDING)
    alice = backend.open("alice")
    lines = {x.company_name: x.outstanding for x in alice.turnover.lines(debtor.id).items}
    assert lines["Alpha Industries"] == Decimal("4500.00")
    assert lines["Beta Maschinenbau GmbH"] is None
    country = issue(backend, period=(date(2026, 9, 1), date(2026, 9, 30)),
                    breakdown=TurnoverBreakdown.COUNTRY)
    assert amounts(alice, country.id) == {"DEU": None, "FRA": None}
    saved = save(alice, country, TurnoverLineIn(country="FRA", amount=Decimal("10")),
                 TurnoverLineIn(country="ITA", amount=Decimal("5")))
    assert saved.line_count == 3 and saved.totals[0].amount == Decimal("15")
    with pytest.raises(ValidationFailed) as info:
        save(alice, saved, TurnoverLineIn(company_id=backend.ids["alpha"], amount=Decimal(1)),
             TurnoverLineIn(country="XXX", amount=Decimal(1)))
    assert {(f.field, f.code) for f in info.value.errors} == {
        ("lines.0.company_id", "turnover.line_other_breakdown"),
        ("lines.1.country", "claims_addresses.unknown_country")}


# --- who may --------------------------------------------------------------------------------
def test_only_underwriters_issue_cancel_and_list(backend: Backend) -> None:
    decl = issue(backend)
    for login in ("alice", "admin"):
        repo = backend.open(login)
        with refused(Forbidden, "access.underwriters_only"):
            repo.turnover.request(TurnoverRequestIn(
                contract_id=backend.ids["A"], period_start=date(2026, 1, 1),
                period_end=date(2026, 1, 31)))
        with refused(Forbidden, "access.underwriters_only"):
            repo.turnover.cancel(decl.id, decl.version)
        with refused(Forbidden, "access.underwriters_only"):
            repo.turnover.requests()
    assert backend.open("uw").turnover.requests().total == 1


def test_another_contracts_declaration_is_not_found(backend: Backend) -> None:
    decl = issue(backend)
    bob = backend.open("bob")
    with refused(NotFound, "turnover.not_found", declaration_id=decl.id):
        bob.turnover.get(decl.id)
    with refused(NotFound, "turnover.not_found"):
        bob.turnover.lines(decl.id)
    with refused(NotFound, "turnover.not_found"):
        save(bob, decl, TurnoverLineIn(company_id=backend.ids["alpha"], amount=Decimal(1)))
    with refused(NotFound, "turnover.not_found"):
        bob.turnover.send(decl.id, decl.version)
    with refused(Forbidden, "access.not_attached"):
        bob.turnover.declarations(backend.ids["A"])
    assert backend.open("alice").turnover.get(decl.id).version == decl.version


def test_section_rights(backend: Backend) -> None:
    decl = issue(backend)
    reader = backend.open("reader")  # read-only rights: sees, cannot save nor send
    assert reader.turnover.get(decl.id).id == decl.id
    with refused(Forbidden, "access.read_only"):
        save(reader, decl, TurnoverLineIn(company_id=backend.ids["alpha"], amount=Decimal(1)))
    with refused(Forbidden, "access.read_only"):
        reader.turnover.send(decl.id, decl.version)
    carol = backend.open("carol")  # customised rights without the turnover section
    with refused(Forbidden, "access.no_section_access"):
        carol.turnover.get(decl.id)
    with refused(Forbidden, "access.no_section_access"):
        carol.turnover.declarations(backend.ids["A"])
    assert backend.open("alice").turnover.get(decl.id).version == decl.version


# --- frozen once sent ---------------------------------------------------------------------
def test_second_send_and_edit_after_send_are_refused(backend: Backend) -> None:
    alice = backend.open("alice")
    decl = issue(backend)
    saved = save(alice, decl, TurnoverLineIn(company_id=backend.ids["alpha"],
                                             amount=Decimal("5")))
    sent = alice.turnover.send(decl.id, saved.version)
    before = alice.turnover.get(decl.id), amounts(alice, decl.id)
    with refused(RuleViolation, "turnover.already_sent"):
        alice.turnover.send(decl.id, sent.version)
    with refused(RuleViolation, "turnover.already_sent"):
        save(alice, sent, TurnoverLineIn(company_id=backend.ids["alpha"], amount=Decimal("9")))
    with refused(RuleViolation, "turnover.already_sent"):
        backend.open("uw").turnover.cancel(decl.id, sent.version)
    assert (alice.turnover.get(decl.id), amounts(alice, decl.id)) == before


def test_of_two_racing_sends_exactly_one_succeeds(backend: Backend) -> None:
    decl = issue(backend)
    repos = [backend.open("alice"), backend.open("both")]
    repos[0].turnover.lines(decl.id)  # pre-filled first, so both send the same version
    version = repos[0].turnover.get(decl.id).version
    outcomes = race(lambda: repos[0].turnover.send(decl.id, version),
                    lambda: repos[1].turnover.send(decl.id, version))
    won = [o for o in outcomes if isinstance(o, TurnoverDeclarationPublic)]
    lost = [o for o in outcomes if isinstance(o, CofaError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], RuleViolation | Conflict)
    assert lost[0].code in ("turnover.already_sent", "turnover.changed", "database.stale")
    final = repos[0].turnover.get(decl.id)
    assert final.status == TurnoverStatus.SENT and final.version == won[0].version


def test_stale_version_is_a_conflict(backend: Backend) -> None:
    alice = backend.open("alice")
    decl = issue(backend)
    save(alice, decl, TurnoverLineIn(company_id=backend.ids["alpha"], amount=Decimal("5")))
    with refused(Conflict, "turnover.changed"):
        alice.turnover.send(decl.id, decl.version)
    assert alice.turnover.get(decl.id).status == TurnoverStatus.NEW


# --- the rules of a save ---------------------------------------------------------------
def test_bad_line_values_are_refused(backend: Backend) -> None:
    alice = backend.open("alice")
    decl = issue(backend)
    with pytest.raises(ValidationFailed) as info:
        save(alice, decl,
             TurnoverLineIn(company_id=backend.ids["alpha"], amount=Decimal("12")),
             TurnoverLineIn(company_id=backend.ids["beta"], amount=Decimal("-1")),
             TurnoverLineIn(company_id=backend.ids["delta"], amount=Decimal("1.234")),
             TurnoverLineIn(easy_number="99999999999999", amount=Decimal("1")),
             TurnoverLineIn(company_id=backend.ids["alpha"], amount=Decimal("3")),
             TurnoverLineIn(company_id=backend.ids["gamma"], amount=Decimal("1"),
                            currency="ZZZ"))
    assert {(f.field, f.code) for f in info.value.errors} == {
        ("lines.1.amount", "common.not_negative"),
        ("lines.2.amount", "common.max_decimals"),
        ("lines.3.easy_number", "turnover.unknown_easy_number"),
        ("lines.4", "turnover.line_twice"),
        ("lines.5.currency", "money.unknown_currency")}
    assert alice.turnover.get(decl.id).filled_count == 0


def test_the_contact_needs_a_name_and_a_way_to_reach_them(backend: Backend) -> None:
    alice = backend.open("alice")
    decl = issue(backend)
    with pytest.raises(ValidationFailed) as info:
        alice.turnover.update(decl.id, TurnoverUpdate(
            version=decl.version, contact=TurnoverContact(name=" ", email="not-an-address")))
    assert {(f.field, f.code) for f in info.value.errors} == {
        ("contact.name", "common.mandatory"), ("contact.email", "claims.email_invalid")}
    assert alice.turnover.get(decl.id).version == decl.version


def test_nothing_to_declare_is_refused_while_an_amount_is_set(backend: Backend) -> None:
    alice = backend.open("alice")
    decl = issue(backend)
    saved = save(alice, decl, TurnoverLineIn(company_id=backend.ids["alpha"],
                                             amount=Decimal("5")))
    with refused(RuleViolation, "turnover.nothing_to_declare_with_amounts"):
        save(alice, saved, nothing=True)
    assert not alice.turnover.get(decl.id).nothing_to_declare
    # Zero amounts are no amount to declare.
    nothing = save(alice, saved, TurnoverLineIn(company_id=backend.ids["alpha"],
                                                amount=Decimal("0")), nothing=True)
    assert nothing.nothing_to_declare
    with refused(RuleViolation, "turnover.nothing_to_declare_with_amounts"):
        save(alice, nothing, TurnoverLineIn(company_id=backend.ids["beta"],
                                            amount=Decimal("2")), nothing=True)


# --- the insurer's side ---------------------------------------------------------------------
def test_overlapping_periods_are_refused_until_cancelled(backend: Backend) -> None:
    first = issue(backend)
    with refused(RuleViolation, "turnover.period_overlaps", label="October"):
        issue(backend, period=(date(2026, 10, 31), date(2026, 11, 30)), label="Nov")
    issue(backend, "B")  # another contract: its own periods
    uw = backend.open("uw")
    cancelled = uw.turnover.cancel(first.id, first.version)
    assert cancelled.status == TurnoverStatus.CANCELLED and cancelled.cancelled_at is not None
    again = issue(backend, period=(date(2026, 10, 15), date(2026, 11, 14)), label="Mid")
    assert again.status == TurnoverStatus.NEW


def test_of_two_racing_overlapping_requests_one_is_issued(backend: Backend) -> None:
    repos = [backend.open("uw"), backend.open("uw")]
    periods = [OCTOBER, (date(2026, 10, 15), date(2026, 11, 14))]
    outcomes = race(*[lambda repo=repo, period=period: repo.turnover.request(
        TurnoverRequestIn(contract_id=backend.ids["A"], period_start=period[0],
                          period_end=period[1])) for repo, period in zip(repos, periods,
                                                                       strict=True)])
    refusals = [o for o in outcomes if isinstance(o, CofaError)]
    assert len(refusals) == 1, outcomes
    assert refusals[0].code == "turnover.period_overlaps"
    assert repos[0].turnover.requests().total == 1


def test_cancel(backend: Backend) -> None:
    decl = issue(backend)
    uw, alice = backend.open("uw"), backend.open("alice")
    with refused(Conflict, "turnover.changed"):
        uw.turnover.cancel(decl.id, decl.version + 5)
    cancelled = uw.turnover.cancel(decl.id, decl.version)
    with refused(RuleViolation, "turnover.already_cancelled"):
        uw.turnover.cancel(decl.id, cancelled.version)
    with refused(RuleViolation, "turnover.cancelled"):
        save(alice, cancelled, TurnoverLineIn(company_id=backend.ids["alpha"],
                                              amount=Decimal(1)))
    with refused(RuleViolation, "turnover.cancelled"):
        alice.turnover.send(decl.id, cancelled.version)
    assert alice.turnover.get(decl.id).status == TurnoverStatus.CANCELLED


def test_request_dates_are_checked(backend: Backend) -> None:
    uw = backend.open("uw")
    with pytest.raises(ValidationFailed) as info:
        uw.turnover.request(TurnoverRequestIn(
            contract_id=backend.ids["A"], period_start=date(2026, 10, 31),
            period_end=date(2026, 10, 1), due_date=date(2026, 9, 1),
            reminders=[date(2026, 1, 1)]))
    assert {(f.field, f.code) for f in info.value.errors} == {
        ("period_end", "turnover.end_before_start"), ("due_date", "turnover.due_before_end"),
        ("reminders.0", "turnover.reminder_in_past")}
    with refused(NotFound, "turnover.contract_not_found"):
        uw.turnover.request(TurnoverRequestIn(contract_id=999_999, period_start=OCTOBER[0],
                                              period_end=OCTOBER[1]))
    assert uw.turnover.requests().total == 0


def test_back_office_days_late(backend: Backend) -> None:
    late = issue(backend, period=(date(2026, 8, 1), date(2026, 8, 31)),
                 due_date=date(2026, 10, 1), reminders=[], label="August")
    issue(backend)
    listed = backend.open("uw").turnover.requests(TurnoverFilter(late_only=True))
    assert [(d.id, d.days_late) for d in listed.items] == [(late.id, 52)]
    assert listed.items[0].policy_number == "P-A"


# --- reminders ----------------------------------------------------------------------------
def _run_reminders_on(backend: Backend, day: date) -> None:
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
    Worker(backend.engine, clock=FixedClock(at), schedules=[]).drain()


def test_three_reminders_at_their_dates(backend: Backend) -> None:
    decl = issue(backend)
    _run_reminders_on(backend, date(2026, 11, 22))  # before the first: nothing
    assert reminder_notices(backend, decl.id) == []
    for count, day in enumerate((date(2026, 11, 23), date(2026, 11, 30),
                                 date(2026, 12, 15)), start=1):
        _run_reminders_on(backend, day - timedelta(days=1))
        assert len(reminder_notices(backend, decl.id)) == count - 1
        _run_reminders_on(backend, day)
        assert reminder_notices(backend, decl.id) == [("turnover.reminder", "high")] * count
    _run_reminders_on(backend, date(2027, 3, 1))
    assert len(reminder_notices(backend, decl.id)) == 3


def test_no_reminder_after_send_or_cancel(backend: Backend) -> None:
    sent = issue(backend)
    cancelled = issue(backend, period=(date(2026, 11, 1), date(2026, 11, 30)), label="Nov")
    _run_reminders_on(backend, date(2026, 11, 23))
    assert len(reminder_notices(backend, sent.id)) == 1
    alice = backend.open("alice")
    alice.turnover.send(sent.id, alice.turnover.get(sent.id).version)
    backend.open("uw").turnover.cancel(cancelled.id, cancelled.version)
    _run_reminders_on(backend, date(2027, 2, 1))
    assert len(reminder_notices(backend, sent.id)) == 1
    assert reminder_notices(backend, cancelled.id) == []
    with Session(backend.engine) as s:  # the skipped reminders ran, and ended
        statuses = set(s.execute(select(col(Job.status)).where(
            col(Job.kind) == "turnover.reminder")).scalars())
    assert statuses == {"done"}

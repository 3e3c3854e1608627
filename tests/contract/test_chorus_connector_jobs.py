"""The connector's jobs against the PISTE double (issue 19 item 6, Acceptance bullet 4):
deposit → report → identifier → history → states and notifications; IN_REJETE →
non-compliant with Chorus Pro's labels; codeRetour ≠ 0 → failed, sent again; a deposit
timeout never leads to a second deposit (the double's counter); no HTTP client while
the connector is off; the managers told before the password expires.

The jobs run in the process that holds the database (a worker on ``backend.engine``):
the SQL backends only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.chorus_pro import runtime
from cofatui.clock import FixedClock
from cofatui.enums import ChorusProDeposit, ChorusState
from cofatui.errors import RuleViolation
from cofatui.jobs.worker import Worker
from cofatui.models import Notification
from cofatui.models.chorus import ChorusConnector, ChorusInvoice, ChorusInvoiceEvent
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_chorus import ChorusInvoiceDetail
from cofatui.schemas_facturx import ChorusConnectorSave
from tests.contract import dataset
from tests.contract.chorus_dataset import PA_USER, SA, SA_USER, SIRET
from tests.contract.chorus_invoice_samples import deposit, notified
from tests.contract.conftest import SQL_BACKENDS, Backend, dataset_engine
from tests.contract.refusals import refused
from tests.doubles.piste import PASSWORD_ENV, RunningDouble
from tests.doubles.piste_fixtures import piste_fixture  # noqa: F401
from tests.doubles.piste_state import DEPOSIT, FIND

D = ChorusProDeposit


@pytest.fixture(params=SQL_BACKENDS)
def sql(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The SQL backends only: the jobs run next to the database (no HTTP backend is
    started for nothing)."""
    clock = FixedClock(dataset.NOW)
    engine, ids = dataset_engine(request, request.param, tmp_path)
    try:
        yield Backend(request.param, engine, ids,
                      lambda login: SqlRepository(engine, login, clock), clock)
    finally:
        engine.dispose()


@pytest.fixture
def connected(sql: Backend, piste: RunningDouble,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """SA's connector on, pointing at the double (password in an environment variable)."""
    monkeypatch.setenv(PASSWORD_ENV, piste.state.password)
    runtime.configure(piste.settings(timeout=1.0))
    sql.open(SA_USER).chorus_connector.save(sql.ids[SA], ChorusConnectorSave(
        enabled=True, login=piste.state.login, password_ref=f"env:{PASSWORD_ENV}"))
    yield sql


def drain(backend: Backend) -> None:
    Worker(backend.engine, clock=backend.clock, schedules=[]).drain()


def get(backend: Backend, invoice_id: int) -> ChorusInvoiceDetail:
    return backend.open(SA_USER).chorus_invoices.get(invoice_id)


def refresh(backend: Backend, invoice_id: int) -> ChorusInvoiceDetail:
    backend.open(SA_USER).chorus_connector.refresh(invoice_id)
    drain(backend)
    return get(backend, invoice_id)


def history(backend: Backend, invoice_id: int) -> list[tuple[str, str, str, str]]:
    with Session(backend.engine) as s:
        return [(e.actor, e.to_state, e.comment, e.login) for e in s.execute(
            select(ChorusInvoiceEvent).where(col(ChorusInvoiceEvent.invoice_id) == invoice_id)
            .order_by(col(ChorusInvoiceEvent.id))).scalars()]


def test_deposit_report_identifier_history_states_and_notifications(
        connected: Backend, piste: RunningDouble) -> None:
    b = connected
    made = deposit(b.open(SA_USER))
    drain(b)
    sent = get(b, made.id)
    assert sent.chorus_pro is not None and sent.chorus_pro.deposit is D.DEPOSITED
    assert sent.chorus_pro.flux_number and piste.state.counters["deposits"] == 1
    assert sent.state is ChorusState.DEPOSITED and "refresh" in sent.actions
    piste.state.walk(made.number, "MISE_A_DISPOSITION", "Reçue", "agent.cpp")
    integrated = refresh(b, made.id)
    assert integrated.chorus_pro is not None
    assert integrated.chorus_pro.deposit is D.INTEGRATED and integrated.chorus_pro.invoice_id
    assert integrated.state is ChorusState.MADE_AVAILABLE
    assert integrated.chorus_pro.status == "MISE_A_DISPOSITION"
    # The recipient is in the real Chorus Pro: no local move for them.
    assert b.open(PA_USER).chorus_invoices.get(made.id).moves == []
    assert notified(b, made.id) == {b.ids[PA_USER]: 1, b.ids["chorus-pa2"]: 1}
    piste.state.walk(made.number, "MANDATEE", "Mandat 42", "comptable.cpp")
    mandated = refresh(b, made.id)
    assert mandated.state is ChorusState.MANDATED
    assert notified(b, made.id)[b.ids[SA_USER]] == 1  # the supplier told of the move
    piste.state.walk(made.number, "A_VALIDER_1R_VALIDEUR", "", "")
    told = notified(b, made.id)
    raw = refresh(b, made.id)
    assert raw.state is ChorusState.MANDATED and raw.chorus_pro is not None
    assert notified(b, made.id) == told  # kept raw: nobody told
    assert raw.chorus_pro.status == "A_VALIDER_1R_VALIDEUR"
    cpp_rows = [h for h in history(b, made.id) if h[0] == "chorus_pro"]
    assert cpp_rows == [("chorus_pro", "deposited", "", ""),
                        ("chorus_pro", "made_available", "Reçue", "agent.cpp"),
                        ("chorus_pro", "mandated", "Mandat 42", "comptable.cpp"),
                        ("chorus_pro", "mandated", "Chorus Pro: A_VALIDER_1R_VALIDEUR", "")]
    # Read again: nothing new, nothing recorded twice.
    assert len(history(b, refresh(b, made.id).id)) == len(history(b, made.id))
    assert piste.state.counters["deposits"] == 1


def test_in_rejete_makes_it_non_compliant_with_chorus_pro_labels(
        connected: Backend, piste: RunningDouble) -> None:
    b = connected
    piste.state.reject_next_flux("Destinataire inconnu", "Code service absent")
    made = deposit(b.open(SA_USER))
    drain(b)
    rejected = refresh(b, made.id)
    assert rejected.state is ChorusState.NON_COMPLIANT and rejected.chorus_pro is not None
    assert rejected.chorus_pro.deposit is D.REJECTED
    assert [r.text("fr") for r in rejected.reasons] == [
        "Chorus Pro : Destinataire inconnu", "Chorus Pro : Code service absent"]
    assert notified(b, made.id) == {b.ids[SA_USER]: 1}


def test_code_retour_fails_with_its_label_and_is_sent_again(
        connected: Backend, piste: RunningDouble) -> None:
    b = connected
    piste.state.fail_next(DEPOSIT, code=20003, libelle="Compte technique non habilité")
    made = deposit(b.open(SA_USER))
    drain(b)
    failed = get(b, made.id)
    assert failed.chorus_pro is not None and failed.chorus_pro.deposit is D.FAILED
    assert failed.chorus_pro.error == "Compte technique non habilité"
    assert "send" in failed.actions and notified(b, made.id) == {b.ids[SA_USER]: 1}
    assert history(b, made.id)[-1][:3] == ("system", "deposited",
                                           "Compte technique non habilité")
    b.open(SA_USER).chorus_connector.send(made.id, failed.version)
    drain(b)
    again = get(b, made.id)
    assert again.chorus_pro is not None and again.chorus_pro.deposit is D.DEPOSITED


def test_a_deposit_timeout_never_leads_to_a_second_deposit(
        connected: Backend, piste: RunningDouble) -> None:
    b = connected
    piste.state.fail_next(DEPOSIT, delay=3.0)  # deposited, answered too late
    made = deposit(b.open(SA_USER))
    drain(b)
    uncertain = get(b, made.id)
    assert uncertain.chorus_pro is not None and uncertain.chorus_pro.deposit is D.UNCERTAIN
    assert piste.state.counters["deposits"] == 1
    # "Send" again, and the worker's own retry: both look it up first.
    b.open(SA_USER).chorus_connector.send(made.id, uncertain.version)
    b.clock.advance(minutes=5)
    drain(b)
    found = get(b, made.id)
    assert found.chorus_pro is not None and found.chorus_pro.deposit is D.INTEGRATED
    assert piste.state.counters["deposits"] == 1
    assert piste.state.counters[f"calls:{FIND}"] >= 1


def test_a_worker_killed_during_the_call_is_looked_up_not_resent(
        connected: Backend, piste: RunningDouble) -> None:
    """The invoice was marked uncertain before the call; the call's answer was lost
    with the worker: the next try finds it by number."""
    b = connected
    made = deposit(b.open(SA_USER))
    drain(b)
    with Session(b.engine) as s:  # as a worker killed after the call would leave it
        row = s.get(ChorusInvoice, made.id)
        assert row is not None
        row.cpp_deposit, row.cpp_flux_number = D.UNCERTAIN.value, ""
        row.cpp_synced_at = b.clock.now()
        s.commit()
    b.open(SA_USER).chorus_connector.send(made.id, get(b, made.id).version)
    drain(b)
    assert get(b, made.id).chorus_pro.deposit is D.INTEGRATED  # type: ignore[union-attr]
    assert piste.state.counters["deposits"] == 1


def test_an_uncertain_deposit_not_found_after_an_hour_is_left_to_a_person(
        connected: Backend, piste: RunningDouble) -> None:
    b = connected
    piste.state.fail_next(DEPOSIT, status=503)  # nothing deposited: queued again
    made = deposit(b.open(SA_USER))
    drain(b)
    assert get(b, made.id).chorus_pro.deposit is D.QUEUED  # type: ignore[union-attr]
    with Session(b.engine) as s:
        row = s.get(ChorusInvoice, made.id)
        assert row is not None
        row.cpp_deposit, row.cpp_synced_at = D.UNCERTAIN.value, b.clock.now()
        s.commit()
    b.clock.advance(hours=2)
    drain(b)
    left = get(b, made.id)
    assert left.chorus_pro is not None and left.chorus_pro.deposit is D.FAILED
    assert "portail" in left.chorus_pro.error or "portal" in left.chorus_pro.error
    assert piste.state.counters["deposits"] == 0


class Forbidden(httpx.BaseTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no HTTP call expected: {request.url}")


def test_connector_off_makes_no_http_client(sql: Backend, piste: RunningDouble) -> None:
    runtime.configure(piste.settings(), transport=Forbidden())
    made = deposit(sql.open(SA_USER))
    assert made.state is ChorusState.MADE_AVAILABLE
    worker = Worker(sql.engine, clock=sql.clock)  # with the schedules: a poll round
    worker.drain()
    sql.clock.advance(hours=5)
    worker.drain()
    assert piste.state.counters.total() == 0


def test_managers_told_once_before_the_password_expires(sql: Backend) -> None:
    from cofatui.jobs.chorus_pro_expiry import EXPIRY_JOB

    repo = sql.open(SA_USER)
    repo.chorus_connector.save(sql.ids[SA], ChorusConnectorSave(
        enabled=True, login="TECH", password_ref="env:X",
        password_expires_on=sql.clock.today() + timedelta(days=10)))
    with Session(sql.engine) as s:
        from cofatui.models import Job

        for _ in range(2):  # two days' runs
            s.add(Job(kind=EXPIRY_JOB, created_at=sql.clock.now(), run_after=sql.clock.now()))
        s.commit()
    drain(sql)
    with Session(sql.engine) as s:
        told = s.execute(select(col(Notification.user_id)).where(
            col(Notification.kind) == "chorus.connector_expiry")).scalars().all()
        connector = s.get(ChorusConnector, sql.ids[SA])
    assert told == [sql.ids[SA_USER]]
    assert connector is not None and connector.expiry_notified_for is not None


def test_connector_test_asks_a_token_then_the_structure(
        connected: Backend, piste: RunningDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    b = connected
    sa = b.open(SA_USER)
    missing = sa.chorus_connector.test(b.ids[SA])
    assert missing.token_ok and not missing.structure_found and not missing.ok
    piste.state.add_structure(SIRET[SA], "FOURNISSEUR SA")
    found = sa.chorus_connector.test(b.ids[SA])
    assert found.ok and found.structure_label == "FOURNISSEUR SA"
    monkeypatch.delenv(PASSWORD_ENV)
    unset = sa.chorus_connector.test(b.ids[SA])
    assert not unset.token_ok and [r.code for r in unset.reasons] == [
        "chorus_pro.secret_env_missing"]
    assert piste.state.password not in unset.model_dump_json()
    runtime.reset()
    with refused(RuleViolation, "chorus_connector.not_configured"):
        sa.chorus_connector.test(b.ids[SA])


def test_a_worker_without_the_settings_leaves_the_deposit_to_one_that_has_them(
        connected: Backend, piste: RunningDouble) -> None:
    """A TUI on the shared database runs a worker without ``[chorus_pro]``: it must not
    take the deposit (it would fail it for want of settings) but leave it queued for
    ``cofatui serve``, whose worker has them."""
    b = connected
    made = deposit(b.open(SA_USER))
    settings = runtime.current()
    runtime.reset()
    try:
        assert Worker(b.engine, clock=b.clock, schedules=[]).drain() == 0
        waiting = get(b, made.id)
        assert waiting.chorus_pro is not None and waiting.chorus_pro.deposit is D.QUEUED
        assert piste.state.counters.get("deposits", 0) == 0
    finally:
        runtime.configure(settings)
    drain(b)
    sent = get(b, made.id)
    assert sent.chorus_pro is not None and sent.chorus_pro.deposit is D.DEPOSITED
    assert piste.state.counters["deposits"] == 1

"""The Chorus Pro connector on every backend (issue 19 item 6): a structure's managers
read and save it (a reference, never a password), a deposit with the connector on stays
deposited with its Chorus Pro deposit queued in the same transaction, and the
supplier's "send" and "refresh now" are refused when they make no sense."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusProDeposit, ChorusRole, ChorusState
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import AuditEntry, ChorusAttachment, Job, User
from cofatui.models.chorus import ChorusInvoice
from cofatui.repository.sql.chorus_connector_queue import DEPOSIT_JOB, POLL_JOB
from cofatui.schemas_facturx import ChorusConnectorSave
from tests.contract.chorus_dataset import PA, PA2_USER, PA_USER, SA, SA_USER, SB_USER, SIRET
from tests.contract.chorus_invoice_samples import deposit, events, notified
from tests.contract.conftest import Backend
from tests.contract.refusals import field_codes, refused

ON = ChorusConnectorSave(enabled=True, login="TECH_SA@cpro.fr", password_ref="env:CPRO_SA")


def turn_on(backend: Backend, login: str = SA_USER, structure: str = SA) -> None:
    backend.open(login).chorus_connector.save(backend.ids[structure], ON)


def jobs(backend: Backend, kind: str) -> list[dict[str, object]]:
    with Session(backend.engine) as s:
        return [json.loads(p) for p in s.execute(
            select(col(Job.params)).where(col(Job.kind) == kind).order_by(col(Job.id))).scalars()]


def set_deposit(backend: Backend, invoice_id: int, deposit: ChorusProDeposit,
                error: str = "") -> None:
    with Session(backend.engine) as s:
        row = s.get(ChorusInvoice, invoice_id)
        assert row is not None
        row.cpp_deposit, row.cpp_error = deposit.value, error
        s.commit()


def add_user(backend: Backend, login: str, structure: str, role: ChorusRole) -> None:
    with Session(backend.engine) as s:
        user = User(login=login, first_name="X", last_name="Y", role="policyholder",
                    email=f"{login}@example.test", password_hash="-")
        s.add(user)
        s.flush()
        assert user.id is not None
        s.add(ChorusAttachment(user_id=user.id, structure_id=backend.ids[structure],
                               status="approved", role=role.value, space_issued=True,
                               space_received=False, valid_from=date(2026, 1, 1),
                               comment="", requested_by=login, decided_by="test"))
        s.commit()


# --- the connector's settings ------------------------------------------------------------


def test_never_configured_reads_disabled_then_saved_and_changed(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    first = sa.chorus_connector.get(backend.ids[SA])
    assert (first.enabled, first.configured, first.version) == (False, False, None)
    assert first.structure_siret == SIRET[SA]
    saved = sa.chorus_connector.save(backend.ids[SA], ON.model_copy(
        update={"password_expires_on": date(2027, 3, 1)}))
    assert saved.configured and saved.version is not None
    assert (saved.login, saved.password_ref) == ("TECH_SA@cpro.fr", "env:CPRO_SA")
    assert saved.updated_by == SA_USER
    off = sa.chorus_connector.save(backend.ids[SA], ChorusConnectorSave(
        enabled=False, login=saved.login, password_ref="keyring:cofatui/TECH_SA",
        version=saved.version))
    assert not off.configured and off.password_ref == "keyring:cofatui/TECH_SA"
    assert sa.chorus_connector.get(backend.ids[SA]) == off


def test_a_literal_password_or_a_missing_login_is_refused_at_its_field(
        backend: Backend) -> None:
    sa = backend.open(SA_USER)
    with pytest.raises(ValidationFailed) as info:
        sa.chorus_connector.save(backend.ids[SA], ChorusConnectorSave(
            enabled=True, password_ref="hunter2-secret"))
    assert field_codes(info.value) == {
        "login": "chorus_connector.login_required",
        "password_ref": "chorus_connector.secret_not_reference"}
    assert sa.chorus_connector.get(backend.ids[SA]).version is None  # nothing written


def test_stale_versions_conflict(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    saved = sa.chorus_connector.save(backend.ids[SA], ON)
    with refused(Conflict, "chorus_connector.changed"):
        sa.chorus_connector.save(backend.ids[SA], ON)  # version None when one exists
    assert saved.version is not None
    with refused(Conflict, "chorus_connector.changed"):
        sa.chorus_connector.save(backend.ids[SA], ON.model_copy(
            update={"version": saved.version + 7}))


def test_managers_only_and_the_audit_keeps_no_secret(backend: Backend) -> None:
    add_user(backend, "sa-clerk", SA, ChorusRole.USER)
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open("sa-clerk").chorus_connector.get(backend.ids[SA])
    with refused(NotFound, "chorus_directory.structure_not_found"):
        backend.open(SB_USER).chorus_connector.get(backend.ids[SA])
    # A secondary manager manages it too.
    backend.open(PA2_USER).chorus_connector.save(backend.ids[PA], ON)
    with Session(backend.engine) as s:
        audit = s.execute(select(col(AuditEntry.changes)).where(
            col(AuditEntry.target_type) == "chorus_connector")).scalars().all()
    assert len(audit) == 1 and "env:CPRO_SA" in audit[0]


# --- the deposit hook --------------------------------------------------------------------


def test_connector_on_the_invoice_stays_deposited_and_its_deposit_is_queued(
        backend: Backend) -> None:
    turn_on(backend)
    made = deposit(backend.open(SA_USER))
    assert made.state is ChorusState.DEPOSITED and made.chorus_pro is not None
    assert made.chorus_pro.deposit is ChorusProDeposit.QUEUED
    assert jobs(backend, DEPOSIT_JOB) == [{"invoice_id": made.id}]
    assert events(backend, made.id)[:2] == [("supplier", "", "draft"),
                                            ("supplier", "draft", "deposited")]
    assert notified(backend, made.id) == {}  # nobody told until Chorus Pro answers
    # Queued: nothing to send again, nothing to refresh yet.
    assert "send" not in made.actions and "refresh" not in made.actions
    sa = backend.open(SA_USER)
    with refused(RuleViolation, "chorus_connector.not_sent"):
        sa.chorus_connector.refresh(made.id)
    # (A server's own worker may run the job meanwhile: a deposit it leaves alone.)
    set_deposit(backend, made.id, ChorusProDeposit.DEPOSITED)
    with refused(RuleViolation, "chorus_connector.already_sent"):
        sa.chorus_connector.send(made.id, sa.chorus_invoices.get(made.id).version)


def test_connector_off_the_deposit_is_local_and_makes_no_job(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    assert made.state is ChorusState.MADE_AVAILABLE and made.chorus_pro is None
    assert jobs(backend, DEPOSIT_JOB) == []
    with refused(RuleViolation, "chorus_connector.disabled"):
        backend.open(SA_USER).chorus_connector.send(made.id, made.version)
    # The recipient still moves it locally.
    assert backend.open(PA_USER).chorus_invoices.get(made.id).moves


def test_a_failing_deposit_stays_local_non_compliant(backend: Backend) -> None:
    turn_on(backend)
    made = deposit(backend.open(SA_USER), service_code="INCONNU")
    assert made.state is ChorusState.NON_COMPLIANT and made.chorus_pro is None
    assert jobs(backend, DEPOSIT_JOB) == []


def test_failed_deposit_is_sent_again_and_refreshed_once_deposited(backend: Backend) -> None:
    turn_on(backend)
    made = deposit(backend.open(SA_USER))
    set_deposit(backend, made.id, ChorusProDeposit.FAILED, "chorus_connector.not_configured")
    sa = backend.open(SA_USER)
    failed = sa.chorus_invoices.get(made.id)
    assert "send" in failed.actions and failed.chorus_pro is not None
    assert "[chorus_pro]" in failed.chorus_pro.error  # our code, worded
    sent = sa.chorus_connector.send(made.id, failed.version)
    assert sent.chorus_pro is not None and sent.chorus_pro.deposit is ChorusProDeposit.QUEUED
    assert len(jobs(backend, DEPOSIT_JOB)) == 2
    set_deposit(backend, made.id, ChorusProDeposit.DEPOSITED)
    refreshable = sa.chorus_invoices.get(made.id).actions
    assert "refresh" in refreshable and "send" not in refreshable
    sa.chorus_connector.refresh(made.id)
    # (A server's worker also queues its scheduled rounds, without an invoice.)
    assert [j for j in jobs(backend, POLL_JOB) if j] == [{"invoice_id": made.id}]
    with refused(NotFound, "chorus_invoices.invoice_not_found"):
        backend.open(SB_USER).chorus_connector.refresh(made.id)

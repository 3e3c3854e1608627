"""Creating a user by contract and activating it (issue 16 item 3) on every backend:
``repo.users.create`` / ``resend_activation`` as the dataset's contract administrator
``admin`` (P-A, Holder A), ``POST /auth/activate`` over HTTP and
``activation.activate`` on a database.

The mail is read from the outbox (its delivery is tests/e2e/test_activation_mail.py);
its code is the only copy of the code there is."""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import (
    CofaError,
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)
from cofatui.models import ActivationCode, AuditEntry, Contract, OutboxMessage, User
from cofatui.repository.sql import identity
from cofatui.rules.user_fields import CODE_MAX_TRIES, CODE_VALIDITY
from cofatui.schemas_users import ActivationRequest, UserCreate, UserUpdate
from tests.contract import dataset
from tests.contract.conftest import Backend
from tests.contract.test_users_admin import add_contract, admin_of

NEW_PASSWORD = "Brand-New-Secret-7"
CODE_RE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


def form(**changes: Any) -> UserCreate:
    fields: dict[str, Any] = {
        "title": "mrs", "last_name": "Dupré", "first_name": "Émilie",
        "phone": "01 23 45 67 89", "fax": "+44 20 7946 0958",
        "email": "emilie.dupre@example.test", "language": "fr", "role": "policyholder"}
    return UserCreate.model_validate(fields | changes)


def mails(backend: Backend, login: str | None = None) -> list[OutboxMessage]:
    """The activation mails in the outbox (of ``login``'s user), oldest first."""
    with Session(backend.engine) as s:
        query = select(OutboxMessage).where(col(OutboxMessage.kind) == "activation")
        if login is not None:
            query = query.join(User, col(User.id) == col(OutboxMessage.user_id)).where(
                col(User.login) == login)
        return list(s.execute(query.order_by(col(OutboxMessage.id))).scalars())


def code_of(message: OutboxMessage) -> str:
    found = CODE_RE.search(message.body)
    assert found is not None, message.body
    return found.group(0)


def latest_code(backend: Backend, login: str) -> str:
    return code_of(mails(backend, login)[-1])


def activate(backend: Backend, login: str, code: str, password: str = NEW_PASSWORD) -> str:
    """``POST /auth/activate`` over HTTP, ``activation.activate`` on a database."""
    if backend.name.startswith("http"):
        from cofatui.repository.http.repository import HttpRepository
        from cofatui.repository.http.users import activate_account

        repo = backend.open("uw")
        assert isinstance(repo, HttpRepository)
        request = ActivationRequest(login=login, code=code, password=password)
        if backend.name != "http-server":
            return activate_account(repo.base_url, request, client=repo._client)
        # One server for the session: its per-address window (which trusts
        # X-Forwarded-For from the loopback) would add up every test's attempts.
        address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.1"
        with httpx.Client(headers={"X-Forwarded-For": address}, timeout=30.0) as client:
            return activate_account(repo.base_url, request, client=client)
    from cofatui.repository.sql import activation

    return activation.activate(backend.engine, login, code, password, clock=backend.clock)


def later(backend: Backend, delta: timedelta) -> None:
    """Time passes: the test's clock moves, or, for the server with a clock of its own,
    the codes are made that much older."""
    if backend.name == "http-server":
        with Session(backend.engine) as s:
            for row in s.execute(select(ActivationCode)).scalars():
                row.created_at -= delta
                row.expires_at -= delta
            s.commit()
    else:
        backend.clock.advance(seconds=delta.total_seconds())


def logs_in(backend: Backend, login: str, password: str = NEW_PASSWORD) -> bool:
    try:
        return identity.authenticate_password(backend.engine, login, password,
                                              clock=backend.clock) == login
    except CofaError:
        return False


def counts(backend: Backend) -> tuple[int, int, int]:
    with Session(backend.engine) as s:
        return tuple(int(s.execute(select(func.count()).select_from(t)).scalar_one())
                     for t in (User, OutboxMessage, AuditEntry))  # type: ignore[return-value]


# --- create ----------------------------------------------------------------------------------


def test_create_generates_the_login_attaches_full_rights_and_mails_a_code(
        backend: Backend) -> None:
    users = admin_of(backend)
    created = users.create(backend.ids["A"], form())
    assert created.login == "e.dupre"
    assert (created.title, created.first_name, created.last_name) == ("mrs", "Émilie", "Dupré")
    assert (created.phone, created.fax) == ("+33123456789", "+442079460958")  # E.164
    assert (created.email, created.language, created.role) == (
        "emilie.dupre@example.test", "fr", "policyholder")
    assert (created.status, created.awaiting_activation) == ("active", True)
    assert created.default_contract_id == backend.ids["A"]
    assert [(c.policy_number, c.attached, c.rights) for c in created.contracts] == [
        ("P-A", True, "full")]
    assert created.created_at == backend.clock.now()
    # the same names again: a number is added; an administrator may be created too
    second = users.create(backend.ids["A"], form(role="contract_admin", language="en",
                                                 email="e2@example.test"))
    assert (second.login, second.role) == ("e.dupre2", "contract_admin")
    with Session(backend.engine) as s:
        row = s.execute(select(User).where(col(User.login) == "e.dupre")).scalar_one()
        contract = s.get(Contract, backend.ids["A"])
        assert contract is not None
        assert row.organisation_id == contract.organisation_id is not None
        assert row.password_hash is None  # nothing to log in with until activated
    # one mail each, in the user's language, with the login and the code, no password
    first, other = mails(backend)
    assert (first.recipient, first.language, first.status) == (
        "emilie.dupre@example.test", "fr", "pending")
    assert "e.dupre" in first.body and "activez" in first.subject
    assert (other.language, other.subject) == ("en", "cofatui: activate your account")
    assert "Login: e.dupre2" in other.body and code_of(other) != code_of(first)
    for message in (first, other):
        assert "password:" not in message.body.lower()
        assert "mot de passe :" not in message.body.lower()
    # the codes are stored hashed: no copy of a code but the mail
    with Session(backend.engine) as s:
        stored = list(s.execute(select(col(ActivationCode.code_hash))).scalars())
    assert len(stored) == 2 and not {code_of(first), code_of(other)} & set(stored)
    entries = [e for e in _audit(backend, "create_user")]
    assert [e.contract_id for e in entries] == [backend.ids["A"]] * 2
    assert "password" not in entries[0].changes


def test_the_lists_show_awaiting_activation_until_a_code_is_used(backend: Backend) -> None:
    users = admin_of(backend)
    created = users.create(backend.ids["A"], form(last_name="Martin"))
    row = next(r for r in users.contract_users(backend.ids["A"]).items
               if r.login == created.login)
    assert (row.awaiting_activation, row.rights, row.status) == (True, "full", "active")
    assert not any(r.awaiting_activation for r in users.contract_users(backend.ids["A"]).items
                   if r.login != created.login)
    activate(backend, created.login, latest_code(backend, created.login))
    assert users.get(created.login).awaiting_activation is False
    assert not any(r.awaiting_activation
                   for r in users.contract_users(backend.ids["A"]).items)


@pytest.mark.validation_table("case")
@pytest.mark.parametrize("case", [
    ("title", {"title": "dr"}),
    ("title", {"title": ""}),
    ("last_name", {"last_name": "  "}),
    ("first_name", {"first_name": ""}),
    ("first_name", {"first_name": "x" * 81}),
    ("phone", {"phone": "12"}),
    ("phone", {"phone": "call me"}),
    ("fax", {"fax": ""}),
    ("email", {"email": "emilie@"}),
    ("email", {"email": "emilie dupre@example.test"}),
    ("language", {"language": "de"}),
    ("role", {"role": "underwriter"}),
    ("default_contract_id", {"default_contract_id": 999_999}),
], ids=lambda case: f"{case[0]}={next(iter(case[1].values()))!s:.12}")
def test_create_refuses_each_bad_field_and_writes_nothing(
        backend: Backend, case: tuple[str, dict[str, Any]]) -> None:
    field, changes = case
    users = admin_of(backend)
    before = counts(backend)
    with pytest.raises(ValidationFailed) as refused:
        users.create(backend.ids["A"], form(**changes))
    assert field in {e.field for e in refused.value.errors}
    assert all(e.code.startswith(("user_fields.", "users.")) for e in refused.value.errors)
    assert counts(backend) == before


def test_create_is_scoped_like_the_rest_of_user_administration(backend: Backend) -> None:
    users = admin_of(backend)
    before = counts(backend)
    with pytest.raises(NotFound):
        users.create(backend.ids["B"], form())  # another organisation's contract
    other = add_contract(backend, "P-C", "Holder A")  # same organisation, not admin's
    with pytest.raises(Forbidden):
        users.create(other, form())
    with pytest.raises(Forbidden):
        admin_of(backend, "alice").create(backend.ids["A"], form())  # a policyholder
    with pytest.raises(Forbidden):
        admin_of(backend, "reader").create(backend.ids["A"], form())
    assert counts(backend) == before
    made = admin_of(backend, "uw").create(backend.ids["B"], form())  # insurer staff
    assert [c.policy_number for c in made.contracts if c.attached] == ["P-B"]


# --- activation ------------------------------------------------------------------------------


def test_the_code_sets_the_password_once(backend: Backend) -> None:
    login = admin_of(backend).create(backend.ids["A"], form(last_name="Bernard")).login
    code = latest_code(backend, login)
    assert not logs_in(backend, login)
    assert activate(backend, login, code.lower().replace("-", " ")) == login  # as typed
    assert logs_in(backend, login)
    with pytest.raises(Unauthenticated) as again:
        activate(backend, login, code, "Another-Secret-88")
    assert again.value.code == "activation.wrong_code"
    assert logs_in(backend, login) and not logs_in(backend, login, "Another-Secret-88")
    [entry] = _audit(backend, "activate")
    assert (entry.login, entry.contract_id) == (login, backend.ids["A"])


def test_unknown_logins_and_wrong_codes_get_the_same_answer(backend: Backend) -> None:
    login = admin_of(backend).create(backend.ids["A"], form(last_name="Petit")).login
    for who, code in (("nobody", latest_code(backend, login)), (login, "AAAA-BBBB-CCCC-DDDD"),
                      ("alice", "AAAA-BBBB-CCCC-DDDD")):
        with pytest.raises(Unauthenticated) as refused:
            activate(backend, who, code)
        assert refused.value.code == "activation.wrong_code"


def test_a_weak_password_is_refused_before_the_code_is_tried(backend: Backend) -> None:
    login = admin_of(backend).create(backend.ids["A"], form(last_name="Durand")).login
    code = latest_code(backend, login)
    for _ in range(CODE_MAX_TRIES + 1):
        with pytest.raises(ValidationFailed) as refused:
            activate(backend, login, code, "short")
        assert refused.value.errors[0].field == "password"
    assert activate(backend, login, code) == login  # the refusals counted nothing


def test_a_code_expires_after_72_hours(backend: Backend) -> None:
    users = admin_of(backend)
    first = users.create(backend.ids["A"], form(last_name="Leroy")).login
    second = users.create(backend.ids["A"],
                          form(last_name="Leroy", email="x@example.test")).login
    later(backend, CODE_VALIDITY - timedelta(minutes=1))
    assert activate(backend, first, latest_code(backend, first)) == first
    later(backend, timedelta(minutes=1))
    with pytest.raises(Unauthenticated) as stranger:
        activate(backend, second, "AAAA-BBBB-CCCC-DDDD")
    assert stranger.value.code == "activation.wrong_code"  # only the holder is told
    with pytest.raises(Unauthenticated) as expired:
        activate(backend, second, latest_code(backend, second))
    assert expired.value.code == "activation.code_expired"
    assert users.get(second).awaiting_activation


def test_five_wrong_tries_cancel_the_code_and_a_new_one_works(backend: Backend) -> None:
    users = admin_of(backend)
    login = users.create(backend.ids["A"], form(last_name="Moreau")).login
    code = latest_code(backend, login)
    for _ in range(CODE_MAX_TRIES):
        with pytest.raises(Unauthenticated) as wrong:
            activate(backend, login, "AAAA-BBBB-CCCC-DDDD")
        # the same words every time: a stranger learns nothing of the login
        assert wrong.value.code == "activation.wrong_code"
    with pytest.raises(Unauthenticated) as locked:
        activate(backend, login, code)
    assert locked.value.code == "activation.code_cancelled"
    assert not logs_in(backend, login)
    resent = users.resend_activation(login, users.get(login).version)
    assert resent.awaiting_activation
    assert activate(backend, login, latest_code(backend, login)) == login


def test_resend_cancels_the_old_code_and_mails_a_new_one(backend: Backend) -> None:
    users = admin_of(backend)
    created = users.create(backend.ids["A"], form(last_name="Simon"))
    old = latest_code(backend, created.login)
    with pytest.raises(Conflict):
        users.resend_activation(created.login, created.version + 1)
    with pytest.raises(Forbidden):
        admin_of(backend, "alice").resend_activation(created.login, created.version)
    resent = users.resend_activation(created.login, created.version)
    assert resent.version == created.version  # the user's data did not change
    _first, second = mails(backend, created.login)
    assert code_of(second) != old and second.language == "fr"
    with pytest.raises(Unauthenticated):
        activate(backend, created.login, old)
    assert activate(backend, created.login, code_of(second)) == created.login
    with pytest.raises(RuleViolation) as done:
        users.resend_activation(created.login, users.get(created.login).version)
    assert done.value.code == "activation.already_activated"
    with pytest.raises(RuleViolation):
        users.resend_activation("alice", users.get("alice").version)
    with pytest.raises(NotFound):
        users.resend_activation("bob", 1)
    assert [e.contract_id for e in _audit(backend, "resend_activation")] == [backend.ids["A"]]


def test_a_blocked_account_cannot_be_activated_until_reactivated(backend: Backend) -> None:
    users = admin_of(backend)
    created = users.create(backend.ids["A"], form(last_name="Laurent"))
    code = latest_code(backend, created.login)
    blocked = users.set_status(created.login, "blocked", created.version)
    with pytest.raises(Forbidden):
        activate(backend, created.login, code)
    users.set_status(created.login, "active", blocked.version)
    assert activate(backend, created.login, code) == created.login


def _audit(backend: Backend, operation: str) -> list[AuditEntry]:
    with Session(backend.engine) as s:
        entries = list(s.execute(select(AuditEntry).where(
            col(AuditEntry.operation) == operation).order_by(col(AuditEntry.id))).scalars())
    for entry in entries:
        assert dataset.PASSWORD not in entry.changes and NEW_PASSWORD not in entry.changes
        json.loads(entry.changes)
    return entries


def test_a_password_set_by_the_operator_ends_the_wait(backend: Backend) -> None:
    users = admin_of(backend)
    created = users.create(backend.ids["A"], form(last_name="Garnier"))
    code = latest_code(backend, created.login)
    identity.set_password(backend.engine, created.login, NEW_PASSWORD, clock=backend.clock)
    assert users.get(created.login).awaiting_activation is False
    assert logs_in(backend, created.login)
    with pytest.raises(Unauthenticated):
        activate(backend, created.login, code, "Another-Secret-88")


def test_french_civilites_are_read_as_codes_at_creation_and_modification(
        backend: Backend) -> None:
    users = admin_of(backend)
    for typed, code in (("Mme", "mrs"), ("M.", "mr"), ("mlle", "ms"), ("Monsieur", "mr")):
        made = users.create(backend.ids["A"], form(title=typed, last_name=f"T{code}{typed}"))
        assert made.title == code
    alice = users.get("alice")
    changed = users.modify("alice", UserUpdate(version=alice.version, title="Madame",
                                               phone="06 12 34 56 78"))
    assert (changed.title, changed.phone) == ("mrs", "+33612345678")
    with pytest.raises(ValidationFailed) as refused:
        users.modify("alice", UserUpdate(version=changed.version, title="Dr", fax="12"))
    assert {e.field for e in refused.value.errors} == {"title", "fax"}

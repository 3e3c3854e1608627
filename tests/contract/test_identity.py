"""Identity services on SQLite and PostgreSQL: password login and its rate limit,
personal tokens, user administration and its audit trail.

They work on an engine, not through a Repository, so the HTTP backends would only run
the same code again: the SQL-only fixture is used. The API's use of them (401 without
or with a revoked token…) is tested with the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from cofatui.enums import Rights, Role, UserStatus
from cofatui.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from cofatui.i18n.messages import Term
from cofatui.repository.sql import identity
from cofatui.schemas_identity import UserInfo
from tests.contract.conftest import Backend
from tests.contract.dataset import PASSWORD
from tests.contract.refusals import field_codes, refused
from tests.contract.sql_only import sql_backend  # noqa: F401  (engine-level services)

NEW_PASSWORD = "Another-Secret-77"


def login(backend: Backend, who: str, password: str) -> str:
    return identity.authenticate_password(backend.engine, who, password, clock=backend.clock,
                                          source="127.0.0.1")


def new_user(backend: Backend, actor: str | None, user: str, **extra: object) -> UserInfo:
    fields: dict[str, object] = {
        "login": user, "password": NEW_PASSWORD, "role": Role.POLICYHOLDER,
        "first_name": "Nina", "last_name": "New", "email": f"{user}@example.test",
        "contracts": [("P-A", "full")]}
    fields.update(extra)
    return identity.create_user(backend.engine, actor=actor, clock=backend.clock,
                                **fields)  # type: ignore[arg-type]


# --- password login ------------------------------------------------------------------


def test_password_login_returns_the_login(backend: Backend) -> None:
    assert login(backend, "alice", PASSWORD) == "alice"


def test_wrong_password_and_unknown_login_get_the_same_answer(backend: Backend) -> None:
    with pytest.raises(Unauthenticated) as wrong:
        login(backend, "alice", PASSWORD + "x")
    with pytest.raises(Unauthenticated) as unknown:
        login(backend, "mallory", PASSWORD)
    assert wrong.value.code == unknown.value.code == "users.wrong_credentials"
    assert wrong.value.params == unknown.value.params == {}


def test_blocked_user_with_the_right_password_is_forbidden(backend: Backend) -> None:
    identity.set_user_status(backend.engine, actor=None, login="bob", status="blocked",
                             clock=backend.clock)
    with refused(Forbidden, "users.account_inactive_ask_admin", login="bob",
                 status=Term("errors.users.status.blocked")):
        login(backend, "bob", PASSWORD)
    with pytest.raises(Unauthenticated):  # a wrong password tells nothing about the status
        login(backend, "bob", "nope")


def test_five_failures_lock_the_login_without_checking_the_password(
        backend: Backend) -> None:
    for _ in range(identity.MAX_FAILURES):
        with refused(Unauthenticated, "users.wrong_credentials"):
            login(backend, "alice", "wrong")
    with refused(Unauthenticated, "users.locked_out", count=15):
        login(backend, "alice", PASSWORD)
    backend.clock.advance(minutes=10)
    with refused(Unauthenticated, "users.locked_out", count=5):
        login(backend, "alice", PASSWORD)
    backend.clock.advance(minutes=6)
    assert login(backend, "alice", PASSWORD) == "alice"


def test_unknown_logins_are_limited_too(backend: Backend) -> None:
    for _ in range(identity.MAX_FAILURES):
        with refused(Unauthenticated, "users.wrong_credentials"):
            login(backend, "mallory", "x")
    with refused(Unauthenticated, "users.locked_out"):
        login(backend, "mallory", "x")


def test_a_success_resets_the_failure_count(backend: Backend) -> None:
    for _ in range(identity.MAX_FAILURES - 1):
        with pytest.raises(Unauthenticated):
            login(backend, "alice", "wrong")
    assert login(backend, "alice", PASSWORD) == "alice"
    for _ in range(identity.MAX_FAILURES - 1):
        with refused(Unauthenticated, "users.wrong_credentials"):
            login(backend, "alice", "wrong")
    assert login(backend, "alice", PASSWORD) == "alice"  # 4 failures since the success
    for _ in range(identity.MAX_FAILURES):
        with refused(Unauthenticated, "users.wrong_credentials"):
            login(backend, "alice", "wrong")
    with refused(Unauthenticated, "users.locked_out"):
        login(backend, "alice", PASSWORD)


def test_failures_of_one_login_do_not_lock_another(backend: Backend) -> None:
    for _ in range(identity.MAX_FAILURES):
        with pytest.raises(Unauthenticated):
            login(backend, "alice", "wrong")
    assert login(backend, "bob", PASSWORD) == "bob"


def test_attempts_are_recorded_in_the_database(backend: Backend) -> None:
    with pytest.raises(Unauthenticated):
        login(backend, "alice", "wrong")
    login(backend, "alice", PASSWORD)
    with backend.engine.connect() as conn:
        rows = conn.execute(text("SELECT login, source, success FROM login_attempt "
                                 "ORDER BY id")).all()
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [
        ("alice", "127.0.0.1", False), ("alice", "127.0.0.1", True)]


def test_weak_hash_is_upgraded_at_login(backend: Backend) -> None:
    # The dataset hashes with cheap parameters; the first login rehashes.
    def stored() -> str:
        with backend.engine.connect() as conn:
            return str(conn.execute(text('SELECT password_hash FROM "user" '
                                         "WHERE login = 'alice'")).scalar())
    before = stored()
    assert identity.password_needs_rehash(before)
    login(backend, "alice", PASSWORD)
    after = stored()
    assert after != before and not identity.password_needs_rehash(after)
    assert login(backend, "alice", PASSWORD) == "alice"


def test_hash_and_verify() -> None:
    h = identity.hash_password(NEW_PASSWORD)
    assert NEW_PASSWORD not in h
    assert identity.verify_password(h, NEW_PASSWORD)
    assert not identity.verify_password(h, NEW_PASSWORD + "!")
    assert not identity.verify_password("not a hash", NEW_PASSWORD)


# --- tokens --------------------------------------------------------------------------


def test_token_authenticates_its_user_until_revoked(backend: Backend) -> None:
    token, info = identity.create_token(backend.engine, "alice", name="laptop",
                                        clock=backend.clock)
    assert token.startswith("cofa_") and len(token) > 40
    assert info.name == "laptop" and info.revoked_at is None
    assert info.expires_at is not None
    assert info.expires_at - backend.clock.now() == timedelta(days=90)
    assert identity.authenticate_token(backend.engine, token, clock=backend.clock) == "alice"
    identity.revoke_token(backend.engine, "alice", info.id, clock=backend.clock)
    with refused(Unauthenticated, "users.token_revoked"):
        identity.authenticate_token(backend.engine, token, clock=backend.clock)
    identity.revoke_token(backend.engine, "alice", info.id)  # again: nothing changes


def test_token_expires(backend: Backend) -> None:
    token, _ = identity.create_token(backend.engine, "alice", expires_in_days=1,
                                     clock=backend.clock)
    backend.clock.advance(hours=23)
    assert identity.authenticate_token(backend.engine, token, clock=backend.clock) == "alice"
    backend.clock.advance(hours=1)
    with refused(Unauthenticated, "users.token_expired"):
        identity.authenticate_token(backend.engine, token, clock=backend.clock)


def test_a_session_token_lives_minutes(backend: Backend) -> None:
    """The login screen's token (a browser or a terminal session) ends within hours."""
    token, info = identity.create_token(backend.engine, "alice", expires_in_minutes=480,
                                        clock=backend.clock)
    assert info.expires_at is not None
    backend.clock.advance(hours=7, minutes=59)
    assert identity.authenticate_token(backend.engine, token, clock=backend.clock) == "alice"
    backend.clock.advance(minutes=1)
    with refused(Unauthenticated, "users.token_expired"):
        identity.authenticate_token(backend.engine, token, clock=backend.clock)
    for minutes in (4, 1441):
        with pytest.raises(ValidationFailed) as err:
            identity.create_token(backend.engine, "alice", expires_in_minutes=minutes)
        assert field_codes(err.value) == {"expires_in_minutes": "users.token_minutes"}


def test_token_without_expiry(backend: Backend) -> None:
    token, info = identity.create_token(backend.engine, "alice", expires_in_days=None,
                                        clock=backend.clock)
    assert info.expires_at is None
    backend.clock.advance(days=5000)
    assert identity.authenticate_token(backend.engine, token, clock=backend.clock) == "alice"


@pytest.mark.parametrize("token", ["", "cofa_", "cofa_unknown", "Bearer x", "cofa_" + "x" * 500])
def test_unknown_tokens_are_refused(backend: Backend, token: str) -> None:
    with pytest.raises(Unauthenticated):
        identity.authenticate_token(backend.engine, token, clock=backend.clock)


def test_token_of_a_blocked_user_is_refused_until_unblocked(backend: Backend) -> None:
    token, _ = identity.create_token(backend.engine, "bob", clock=backend.clock)
    identity.set_user_status(backend.engine, actor=None, login="bob", status="suspended")
    with refused(Unauthenticated, "users.account_inactive", login="bob",
                 status=Term("errors.users.status.suspended")):
        identity.authenticate_token(backend.engine, token, clock=backend.clock)
    identity.set_user_status(backend.engine, actor=None, login="bob", status="active")
    assert identity.authenticate_token(backend.engine, token, clock=backend.clock) == "bob"


def test_token_is_stored_hashed(backend: Backend) -> None:
    token, _ = identity.create_token(backend.engine, "alice", clock=backend.clock)
    with backend.engine.connect() as conn:
        rows = [tuple(str(v) for v in r) for r in conn.execute(text("SELECT * FROM api_token"))]
        audit = [r[0] for r in conn.execute(text("SELECT changes FROM audit_entry"))]
    dump = repr(rows) + repr(audit)
    assert token not in dump and token.removeprefix("cofa_") not in dump
    assert identity.token_digest(token) in dump


def test_last_use_is_recorded_at_most_once_a_minute(backend: Backend) -> None:
    token, _ = identity.create_token(backend.engine, "alice", clock=backend.clock)

    def last_used() -> object:
        return identity.list_tokens(backend.engine, "alice")[0].last_used_at

    assert last_used() is None
    identity.authenticate_token(backend.engine, token, clock=backend.clock)
    first = last_used()
    assert first == backend.clock.now()
    backend.clock.advance(seconds=30)
    identity.authenticate_token(backend.engine, token, clock=backend.clock)
    assert last_used() == first
    backend.clock.advance(seconds=31)
    identity.authenticate_token(backend.engine, token, clock=backend.clock)
    assert last_used() == backend.clock.now()


def test_users_list_and_revoke_only_their_own_tokens(backend: Backend) -> None:
    _, mine = identity.create_token(backend.engine, "alice", name="mine", clock=backend.clock)
    bob_token, theirs = identity.create_token(backend.engine, "bob", name="theirs",
                                              clock=backend.clock)
    assert [(t.id, t.name) for t in identity.list_tokens(backend.engine, "alice")] == [
        (mine.id, "mine")]
    with pytest.raises(NotFound):
        identity.revoke_token(backend.engine, "alice", theirs.id)
    assert identity.authenticate_token(backend.engine, bob_token, clock=backend.clock) == "bob"
    with pytest.raises(NotFound):
        identity.list_tokens(backend.engine, "mallory")


def test_token_input_is_validated(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        identity.create_token(backend.engine, "alice", name="x" * 81, expires_in_days=0)
    assert field_codes(err.value) == {"name": "users.at_most_printable",
                                      "expires_in_days": "users.token_days"}


def test_token_operations_are_audited(backend: Backend) -> None:
    _, info = identity.create_token(backend.engine, "alice", name="ci", clock=backend.clock)
    identity.revoke_token(backend.engine, "alice", info.id, clock=backend.clock)
    with backend.engine.connect() as conn:
        rows = conn.execute(text("SELECT operation, login, target_id FROM audit_entry "
                                 "WHERE target_type = 'api_token' ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("create_token", "alice", info.id),
                                        ("revoke_token", "alice", info.id)]


# --- user administration --------------------------------------------------------------


def test_create_user_who_can_then_log_in(backend: Backend) -> None:
    info = new_user(backend, None, "nina", title="Mme", phone="+33 1 23 45 67 89")
    assert info.login == "nina" and info.role == Role.POLICYHOLDER
    assert info.status == UserStatus.ACTIVE
    assert [(c.policy_number, c.rights) for c in info.contracts] == [
        ("P-A", "full")]
    assert login(backend, "nina", NEW_PASSWORD) == "nina"
    repo = backend.open("nina")
    assert [c.policy_number for c in repo.whoami().contracts] == ["P-A"]
    assert repo.whoami().default_contract_id == backend.ids["A"]


def test_create_user_validates_every_field_at_once(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        identity.create_user(backend.engine, actor=None, login="a b", password="short",
                             role="king", first_name=" ", last_name="", email="not-an-email",
                             phone="call me", language="de",
                             contracts=[("P-A", "everything")])
    assert set(err.value.by_field()) == {
        "login", "password", "role", "first_name", "last_name", "email", "phone",
        "language", "contracts"}


def test_password_may_not_contain_the_login(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        new_user(backend, None, "nina", password="Nina-is-great-2026")
    [refusal] = err.value.errors
    assert (refusal.field, refusal.code) == ("password", "passwords.refused")
    problems = refusal.params["problems"]
    assert isinstance(problems, list)
    assert [p.key for p in problems] == ["errors.passwords.contains_login"]


def test_duplicate_login_is_a_conflict(backend: Backend) -> None:
    with refused(Conflict, "users.login_taken", login="alice"):
        new_user(backend, None, "alice")
    with pytest.raises(Conflict):
        new_user(backend, None, "ALICE")


def test_unknown_contract_is_not_found(backend: Backend) -> None:
    with refused(NotFound, "users.contract_not_found", policy="P-Z"):
        new_user(backend, None, "nina", contracts=[("P-Z", "full")])


def test_user_creation_is_audited_without_the_hash(backend: Backend) -> None:
    info = new_user(backend, "admin", "nina")
    with backend.engine.connect() as conn:
        rows = conn.execute(text("SELECT operation, login, contract_id, target_id, changes "
                                 "FROM audit_entry WHERE target_type = 'user'")).all()
        stored_hash = conn.execute(text('SELECT password_hash FROM "user" '
                                        "WHERE login = 'nina'")).scalar()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("create_user", "admin", backend.ids["A"], info.id)]
    changes = json.loads(rows[0][4])
    assert changes["login"] == [None, "nina"] and changes["email"] == [None, "nina@example.test"]
    assert "password_hash" not in changes and "password" not in changes
    assert str(stored_hash) not in rows[0][4] and NEW_PASSWORD not in rows[0][4]
    # The contract administrator finds it in the audit log of their contract.
    assert [e.operation for e in backend.open("admin").audit.entries().items] == ["create_user"]


def test_contract_admin_cannot_create_a_user_on_a_contract_not_theirs(
        backend: Backend) -> None:
    with refused(Forbidden, "users.not_your_contract_number", policy="P-B"):
        new_user(backend, "admin", "nina", contracts=[("P-B", "full")])
    with refused(Forbidden, "users.not_your_contract_number", policy="P-B"):
        new_user(backend, "admin", "nina", contracts=[("P-A", "full"), ("P-B", "read_only")])
    with refused(Forbidden, "users.not_your_contract_number", policy="P-Z"):  # unknown too
        new_user(backend, "admin", "nina", contracts=[("P-Z", "full")])
    with refused(Forbidden, "users.attach_one_contract"):
        new_user(backend, "admin", "nina", contracts=[])
    with refused(Forbidden, "users.staff_only_underwriters"):
        new_user(backend, "admin", "nina", role=Role.UNDERWRITER, contracts=[])
    assert "nina" not in [u.login for u in identity.list_users(backend.engine)]


def test_only_administrators_manage_users(backend: Backend) -> None:
    with pytest.raises(Forbidden):
        new_user(backend, "alice", "nina")
    with pytest.raises(Unauthenticated):
        new_user(backend, "mallory", "nina")
    info = new_user(backend, "uw", "nina", contracts=[("P-B", "read_only")])
    assert [(c.policy_number, c.rights) for c in info.contracts] == [
        ("P-B", "read_only")]


def test_list_users_by_contract_and_for_a_contract_admin(backend: Backend) -> None:
    everyone = [u.login for u in identity.list_users(backend.engine)]
    assert everyone == sorted(everyone) and {"alice", "bob", "uw"} <= set(everyone)
    on_b = identity.list_users(backend.engine, contract="P-B")
    assert [u.login for u in on_b] == ["bob", "both"]
    assert [c.policy_number for c in on_b[1].contracts] == ["P-A", "P-B"]
    seen = identity.list_users(backend.engine, actor="admin")
    assert [u.login for u in seen] == ["admin", "alice", "both", "carol", "reader"]
    # The administrator of A does not learn that "both" is also on P-B.
    assert [c.policy_number for c in seen[2].contracts] == ["P-A"]
    with pytest.raises(Forbidden):
        identity.list_users(backend.engine, contract="P-B", actor="admin")
    with pytest.raises(Forbidden):
        identity.list_users(backend.engine, actor="alice")


def test_block_and_reactivate(backend: Backend) -> None:
    info = identity.set_user_status(backend.engine, actor="admin", login="alice",
                                    status=UserStatus.BLOCKED, clock=backend.clock)
    assert info.status == UserStatus.BLOCKED
    with pytest.raises(Forbidden):
        backend.open("alice")
    identity.set_user_status(backend.engine, actor="admin", login="alice", status="active")
    assert backend.open("alice").whoami().login == "alice"
    with backend.engine.connect() as conn:
        rows = conn.execute(text("SELECT changes FROM audit_entry "
                                 "WHERE operation = 'set_user_status' ORDER BY id")).all()
    assert [json.loads(r[0]) for r in rows] == [{"status": ["active", "blocked"]},
                                                {"status": ["blocked", "active"]}]


def test_contract_admin_status_changes_are_limited_to_their_users(backend: Backend) -> None:
    with pytest.raises(NotFound):
        identity.set_user_status(backend.engine, actor="admin", login="bob", status="blocked")
    with pytest.raises(NotFound):
        identity.set_user_status(backend.engine, actor="admin", login="uw", status="blocked")
    with refused(Forbidden, "users.also_attached", login="both"):
        identity.set_user_status(backend.engine, actor="admin", login="both", status="blocked")
    with refused(Forbidden, "users.own_status"):
        identity.set_user_status(backend.engine, actor="admin", login="admin", status="blocked")
    with pytest.raises(ValidationFailed):
        identity.set_user_status(backend.engine, actor=None, login="bob", status="gone")
    with pytest.raises(NotFound):
        identity.set_user_status(backend.engine, actor=None, login="mallory", status="blocked")


def test_set_password(backend: Backend) -> None:
    with pytest.raises(ValidationFailed):
        identity.set_password(backend.engine, "alice", "weak")
    identity.set_password(backend.engine, "alice", NEW_PASSWORD, clock=backend.clock)
    with pytest.raises(Unauthenticated):
        login(backend, "alice", PASSWORD)
    assert login(backend, "alice", NEW_PASSWORD) == "alice"
    with backend.engine.connect() as conn:
        changes = conn.execute(text("SELECT changes FROM audit_entry "
                                    "WHERE operation = 'set_password'")).scalar()
    assert json.loads(str(changes)) == {"password": [None, "changed"]}


def test_own_password_change_needs_the_current_one(backend: Backend) -> None:
    with refused(Unauthenticated, "users.wrong_current_password"):
        identity.set_password(backend.engine, "alice", NEW_PASSWORD, actor="alice",
                              current_password="wrong")
    identity.set_password(backend.engine, "alice", NEW_PASSWORD, actor="alice",
                          current_password=PASSWORD)
    assert login(backend, "alice", NEW_PASSWORD) == "alice"
    with pytest.raises(NotFound):  # not a user of the administrator's contracts
        identity.set_password(backend.engine, "bob", NEW_PASSWORD, actor="admin")
    with pytest.raises(Forbidden):  # a policyholder resets no one else's
        identity.set_password(backend.engine, "bob", NEW_PASSWORD, actor="alice")


def test_principal_lists_only_attached_contracts(backend: Backend) -> None:
    me = backend.open("reader").whoami()
    assert me.role == Role.POLICYHOLDER
    assert [(c.policy_number, c.rights) for c in me.contracts] == [("P-A", Rights.READ_ONLY)]
    assert [c.policy_number for c in backend.open("alice").contracts()] == ["P-A"]
    assert len(backend.open("uw").contracts()) == 2  # insurer staff see every contract


def test_unknown_user_is_refused(backend: Backend) -> None:
    with pytest.raises(Unauthenticated):
        backend.open("mallory")

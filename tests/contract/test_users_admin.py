"""Contract administration of users (issue 16 items 1, 2, 4 and 5) on every backend:
``repo.users`` (SqlUsers / HttpUsers, routes in api/routes/identity.py) as the dataset's
contract administrator ``admin`` (full rights on P-A, organisation "Holder A") and the
underwriter ``uw``.

The dataset: P-A (Holder A) holds alice, reader, carol (custom), admin and both (also on
P-B); P-B (Holder B, another organisation) holds bob and both."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)
from cofatui.models import AuditEntry, Contract, User, UserContract
from cofatui.repository.areas.users import UsersArea
from cofatui.repository.base import Repository
from cofatui.schemas_custom_fields import CustomFieldCreate
from cofatui.schemas_users import UserUpdate
from tests.contract.conftest import Backend


def users_of(repo: Repository) -> UsersArea:
    """``repo.users`` (until the area is wired on the root: built on the repository)."""
    area = getattr(repo, "users", None)
    if area is not None:
        return area  # type: ignore[no-any-return]
    from cofatui.repository.http.repository import HttpRepository
    from cofatui.repository.http.users import HttpUsers
    from cofatui.repository.sql import SqlRepository
    from cofatui.repository.sql.users import SqlUsers

    if isinstance(repo, SqlRepository):
        return SqlUsers(repo)
    assert isinstance(repo, HttpRepository)
    return HttpUsers(repo)


def admin_of(backend: Backend, login: str = "admin") -> UsersArea:
    return users_of(backend.open(login))


def add_contract(backend: Backend, number: str, holder: str) -> int:
    """A contract inserted as an import would: it joins the organisation of its
    policyholder."""
    with Session(backend.engine) as s:
        contract = Contract(policy_number=number, policyholder=holder)
        s.add(contract)
        s.commit()
        assert contract.id is not None
        return contract.id


def add_admin(backend: Backend, login: str, contract_id: int) -> None:
    """A second contract administrator with full rights (no password: not logged in)."""
    with Session(backend.engine) as s:
        user = User(login=login, first_name="Second", last_name="Admin",
                    role="contract_admin", email=f"{login}@example.test",
                    created_at=backend.clock.now())
        s.add(user)
        s.flush()
        assert user.id is not None
        s.add(UserContract(user_id=user.id, contract_id=contract_id, rights="full"))
        s.commit()


def audit_entries(backend: Backend, operation: str) -> list[AuditEntry]:
    with Session(backend.engine) as s:
        return list(s.execute(select(AuditEntry).where(
            col(AuditEntry.operation) == operation)).scalars())


# --- lists ---------------------------------------------------------------------------


def test_attached_list_shows_the_seed_columns_sorted_and_filtered(backend: Backend) -> None:
    users = admin_of(backend)
    page = users.contract_users(backend.ids["A"], sort="login")
    assert [r.login for r in page.items] == ["admin", "alice", "both", "carol", "reader"]
    assert page.total == 5
    rights = {r.login: r.rights for r in page.items}
    assert rights["reader"] == "read_only" and rights["carol"] == "custom"
    row = page.items[1]
    assert (row.first_name, row.last_name, row.status) == ("Alice", "Test", "active")
    assert row.created_at is not None
    by_rights = users.contract_users(backend.ids["A"], sort="rights", descending=True)
    assert by_rights.items[0].rights == "read_only"
    window = users.contract_users(backend.ids["A"], sort="login", descending=True,
                                  offset=1, limit=2)
    assert [r.login for r in window.items] == ["carol", "both"] and window.total == 5
    found = users.contract_users(backend.ids["A"], query="CAR")
    assert [r.login for r in found.items] == ["carol"] and found.total == 1
    with pytest.raises(ValidationFailed):
        users.contract_users(backend.ids["A"], sort="password_hash")


def test_not_attached_list_holds_the_organisations_other_members(backend: Backend) -> None:
    users = admin_of(backend)
    assert users.contract_users(backend.ids["A"], attached=False).total == 0
    reader = users.get("reader")
    users.detach("reader", backend.ids["A"], reader.version)
    page = users.contract_users(backend.ids["A"], attached=False)
    assert [(r.login, r.rights) for r in page.items] == [("reader", None)]
    assert page.items[0].updated_at == backend.clock.now()
    assert "reader" not in [r.login for r in users.contract_users(backend.ids["A"]).items]
    # bob belongs to Holder B: never in Holder A's list
    assert "bob" not in [r.login for r in page.items]


# --- scope ---------------------------------------------------------------------------


def test_another_organisations_users_and_contracts_are_not_found(backend: Backend) -> None:
    users = admin_of(backend)
    with pytest.raises(NotFound):
        users.get("bob")
    with pytest.raises(NotFound):
        users.get("uw")
    with pytest.raises(NotFound):
        users.contract_users(backend.ids["B"])
    with pytest.raises(NotFound):
        users.set_rights("alice", backend.ids["B"], "full", version=1)
    with pytest.raises(NotFound):
        users.set_rights("bob", backend.ids["A"], "full", version=1)


def test_a_contract_of_the_organisation_not_administered_is_refused(backend: Backend) -> None:
    other = add_contract(backend, "P-C", "Holder A")  # same organisation, not admin's
    users = admin_of(backend)
    with pytest.raises(Forbidden) as refused:
        users.set_rights("alice", other, "full", version=users.get("alice").version)
    assert refused.value.code == "users.not_your_contract_number"
    with pytest.raises(Forbidden):
        users.contract_users(other)
    assert [c.policy_number for c in users.get("alice").contracts] == ["P-A"]
    # the underwriter may do it
    uw = admin_of(backend, "uw")
    alice = uw.set_rights("alice", other, "read_only", version=uw.get("alice").version)
    assert {c.policy_number: c.rights for c in alice.contracts if c.attached} == {
        "P-A": "full", "P-C": "read_only"}


def test_a_user_holding_contracts_not_administered_is_refused_with_the_reason(
        backend: Backend) -> None:
    users = admin_of(backend)
    both = users.get("both")
    assert [c.policy_number for c in both.contracts] == ["P-A"]  # only admin's contracts
    with pytest.raises(Forbidden) as refused:
        users.modify("both", UserUpdate(version=both.version, last_name="Other"))
    assert refused.value.code == "users.also_attached"
    with pytest.raises(Forbidden):
        users.set_status("both", "blocked", both.version)
    # on the contract admin administers, rights may still change
    changed = users.set_rights("both", backend.ids["A"], "read_only", version=both.version)
    assert [c.rights for c in changed.contracts] == ["read_only"]


def test_a_policyholder_manages_no_one(backend: Backend) -> None:
    with pytest.raises(Forbidden):
        admin_of(backend, "alice").get("reader")


# --- modify and status -----------------------------------------------------------------


def test_modify_changes_only_the_seeds_fields_and_a_stale_version_conflicts(
        backend: Backend) -> None:
    users = admin_of(backend)
    alice = users.get("alice")
    changed = users.modify("alice", UserUpdate(
        version=alice.version, title="mrs", last_name="Martin", phone="+33 1 23 45 67 89",
        email="alice.martin@example.test", language="en",
        default_contract_id=backend.ids["A"]))
    assert (changed.title, changed.last_name, changed.language, changed.email) == (
        "mrs", "Martin", "en", "alice.martin@example.test")
    assert changed.first_name == "Alice" and changed.default_contract_id == backend.ids["A"]
    assert changed.version > alice.version and changed.updated_at == backend.clock.now()
    with pytest.raises(Conflict):
        users.modify("alice", UserUpdate(version=alice.version, first_name="Stale"))
    assert users.get("alice").first_name == "Alice"
    with pytest.raises(ValidationFailed) as refused:
        users.modify("alice", UserUpdate(version=changed.version, email="not-an-email",
                                         default_contract_id=backend.ids["B"]))
    assert {e.field for e in refused.value.errors} == {"email", "default_contract_id"}
    entries = audit_entries(backend, "modify_user")
    assert [e.contract_id for e in entries] == [backend.ids["A"]]  # one per contract
    assert json.loads(entries[0].changes)["last_name"] == ["Test", "Martin"]


def test_block_stops_tokens_at_once_and_reactivation_restores(backend: Backend) -> None:
    alice_repo = backend.open("alice")
    users = admin_of(backend)
    blocked = users.set_status("alice", "blocked", users.get("alice").version)
    assert blocked.status == "blocked"
    if backend.name.startswith("http"):
        with pytest.raises(Unauthenticated):
            alice_repo.contracts()
    with pytest.raises((Forbidden, Unauthenticated)):
        backend.open("alice")
    active = users.set_status("alice", "active", blocked.version)
    assert active.status == "active"
    assert [c.policy_number for c in backend.open("alice").contracts()] == ["P-A"]
    assert len(audit_entries(backend, "set_user_status")) == 2


def test_suspension_carries_an_optional_end(backend: Backend) -> None:
    users = admin_of(backend)
    until = backend.clock.now() + timedelta(days=10)
    suspended = users.set_status("reader", "suspended", users.get("reader").version,
                                 until=until)
    assert suspended.status == "suspended" and suspended.suspended_until == until
    with pytest.raises(ValidationFailed):
        users.set_status("reader", "blocked", suspended.version, until=until)
    with pytest.raises(ValidationFailed):
        users.set_status("reader", "suspended", suspended.version,
                         until=backend.clock.now() - timedelta(days=1))
    with pytest.raises(Conflict):
        users.set_status("reader", "active", suspended.version - 1)


def test_a_suspension_lifts_itself_at_its_end(backend: Backend) -> None:
    from cofatui.clock import FixedClock
    from cofatui.repository.sql import identity
    from tests.contract import dataset

    users = admin_of(backend)
    until = backend.clock.now() + timedelta(days=2)
    users.set_status("reader", "suspended", users.get("reader").version, until=until)
    with pytest.raises(Forbidden):
        identity.authenticate_password(backend.engine, "reader", dataset.PASSWORD,
                                       clock=FixedClock(until - timedelta(minutes=1)))
    assert identity.authenticate_password(backend.engine, "reader", dataset.PASSWORD,
                                          clock=FixedClock(until)) == "reader"
    reader = users.get("reader")
    assert (reader.status, reader.suspended_until) == ("active", None)


# --- lockout guards ----------------------------------------------------------------------


def test_nobody_blocks_detaches_or_downgrades_themselves(backend: Backend) -> None:
    users = admin_of(backend)
    me = users.get("admin")
    calls: tuple[Callable[[], object], ...] = (
        lambda: users.set_status("admin", "blocked", me.version),
        lambda: users.set_status("admin", "suspended", me.version),
        lambda: users.detach("admin", backend.ids["A"], me.version),
        lambda: users.set_rights("admin", backend.ids["A"], "read_only",
                                 version=me.version))
    for refused in calls:
        with pytest.raises(Forbidden):
            refused()
    assert users.get("admin").version == me.version


def test_each_contract_keeps_an_active_full_rights_administrator(backend: Backend) -> None:
    uw = admin_of(backend, "uw")
    admin = uw.get("admin")
    calls: tuple[Callable[[], object], ...] = (
        lambda: uw.set_status("admin", "blocked", admin.version),
        lambda: uw.detach("admin", backend.ids["A"], admin.version),
        lambda: uw.set_rights("admin", backend.ids["A"], "custom",
                              {"cover": "full"}, version=admin.version))
    for refused in calls:
        with pytest.raises(RuleViolation) as violation:
            refused()
        assert violation.value.code == "users.last_admin"
    add_admin(backend, "admin2", backend.ids["A"])
    assert uw.set_status("admin", "suspended", admin.version).status == "suspended"
    admin2 = uw.get("admin2")
    with pytest.raises(RuleViolation):
        uw.detach("admin2", backend.ids["A"], admin2.version)


# --- contracts and per-section rights --------------------------------------------------------


def test_detach_moves_the_default_contract(backend: Backend) -> None:
    uw = admin_of(backend, "uw")
    both = uw.get("both")
    both = uw.modify("both", UserUpdate(version=both.version,
                                        default_contract_id=backend.ids["A"]))
    after = uw.detach("both", backend.ids["A"], both.version)
    assert after.default_contract_id == backend.ids["B"]
    assert [c.policy_number for c in after.contracts if c.attached] == ["P-B"]
    with pytest.raises(NotFound):
        uw.detach("both", backend.ids["A"], after.version)
    entries = audit_entries(backend, "detach_user")
    assert [e.contract_id for e in entries] == [backend.ids["A"]]


def test_custom_rights_are_checked_and_stored_by_section(backend: Backend) -> None:
    users = admin_of(backend)
    carol = users.get("carol")
    for rights, sections in (("custom", {"payroll": "full"}),
                             ("custom", {"cover": "admin"}),
                             ("full", {"cover": "read_only"}),
                             ("owner", {})):
        with pytest.raises(ValidationFailed):
            users.set_rights("carol", backend.ids["A"], rights, sections,
                             version=carol.version)
    changed = users.set_rights("carol", backend.ids["A"], "custom",
                               {"cover": "full", "ilu": "read_only", "exports": "none",
                                "bulk_orders": "full"}, version=carol.version)
    attachment = changed.contracts[0]
    assert attachment.rights == "custom"
    assert attachment.sections == {"cover": "full", "ilu": "read_only", "bulk_orders": "full"}


def test_a_read_only_section_refuses_writes_and_allows_reads(backend: Backend) -> None:
    users = admin_of(backend)
    carol = users.get("carol")
    users.set_rights("carol", backend.ids["A"], "custom",
                     {"cover": "full", "custom_fields": "read_only"}, version=carol.version)
    repo = backend.open("carol")
    assert "Segment" in [f.name for f in repo.custom_fields.fields(backend.ids["A"])]
    with pytest.raises(Forbidden):
        repo.custom_fields.create(backend.ids["A"], CustomFieldCreate(name="Region"))
    users.set_rights("carol", backend.ids["A"], "custom",
                     {"cover": "full", "custom_fields": "full"},
                     version=users.get("carol").version)
    created = backend.open("carol").custom_fields.create(backend.ids["A"],
                                                         CustomFieldCreate(name="Region"))
    assert created.name == "Region"


def test_a_detached_users_next_write_is_refused_from_an_open_repository(
        backend: Backend) -> None:
    repo = backend.open("alice")  # opened before the detach, like a running TUI
    assert "Segment" in [f.name for f in repo.custom_fields.fields(backend.ids["A"])]
    users = admin_of(backend)
    users.detach("alice", backend.ids["A"], users.get("alice").version)
    with pytest.raises(Forbidden):
        repo.custom_fields.create(backend.ids["A"], CustomFieldCreate(name="Late"))


def test_a_rights_change_applies_at_the_next_request(backend: Backend) -> None:
    repo = backend.open("alice")
    users = admin_of(backend)
    users.set_rights("alice", backend.ids["A"], "read_only",
                     version=users.get("alice").version)
    with pytest.raises(Forbidden):
        repo.custom_fields.create(backend.ids["A"], CustomFieldCreate(name="Late"))
    assert "Segment" in [f.name for f in repo.custom_fields.fields(backend.ids["A"])]



"""Customised rights per section (issue 16 item 5) on every backend, one test per
section that has its own area: exports, bulk orders, custom fields and notifications.
A customised user whose section is read-only is refused its writes (403 over HTTP) and
reads; a section left unnamed (none) refuses the contract's data to read too.

Plain read-only rights keep what they had: exports and read marks are the user's own
(tests/contract/test_api_security.py, PERSONAL_WRITES)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ExportAggregation, ExportCategory, ExportFormatChoice
from cofatui.errors import Forbidden
from cofatui.models import User, UserContract
from cofatui.schemas import NotificationFilter, PortfolioEntryUpdate
from cofatui.schemas_custom_fields import CustomFieldCreate, CustomFieldUpdate
from cofatui.schemas_exports import ExportScenarioIn, ExportTemplateIn
from cofatui.schemas_jobs import ExportFormat
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs
from tests.contract.test_claims_currencies import declare, invoice

CSV = b"EasyNumber;Segment\n0001;Retail\n"


def customise(backend: Backend, login: str, sections: dict[str, str]) -> None:
    """``login``'s rights on P-A become custom with ``sections`` (the others none), as
    ``repo.users.set_rights`` stores them: the user's version moves, so an open
    repository reads its principal again."""
    with Session(backend.engine) as s:
        user_id = s.execute(select(col(User.id)).where(col(User.login) == login)).scalar_one()
        s.execute(update(UserContract).where(
            col(UserContract.user_id) == user_id,
            col(UserContract.contract_id) == backend.ids["A"])
            .values(rights="custom", section_rights=json.dumps(sections)))
        s.execute(update(User).where(col(User.id) == user_id)
                  .values(version=col(User.version) + 1))
        s.commit()


def test_exports_section(backend: Backend) -> None:
    a = backend.ids["A"]
    alice = backend.open("alice")
    default = next(t for t in alice.exports.templates(ExportCategory.PORTFOLIO) if t.default)
    scenario_in = ExportScenarioIn(
        category=ExportCategory.PORTFOLIO, name="Weekly", template_id=default.id,
        contract_ids=[a], aggregation=ExportAggregation.PRODUCT,
        format=ExportFormatChoice.CSV)
    scenario = alice.exports.create_scenario(scenario_in)
    queued = alice.exports.run(scenario.id)
    assert queued.job_id is not None
    run_jobs(backend, alice, queued.job_id)

    customise(backend, "alice", {"cover": "full", "exports": "read_only"})
    # Reads: the lists, the scenario and the file.
    assert [s.id for s in alice.exports.scenarios()] == [scenario.id]
    assert alice.exports.runs().total == 1
    assert b"".join(alice.exports.download(queued.id, ExportFormat.CSV).chunks)
    # Writes: setting up, running and deleting an export of P-A, and templates.
    refusals: list[Callable[[], object]] = [
        lambda: alice.exports.run(scenario.id),
        lambda: alice.exports.create_scenario(scenario_in.model_copy(update={"name": "B"})),
        lambda: alice.exports.delete_scenario(scenario.id, scenario.version),
        lambda: alice.exports.delete_runs([queued.id]),
        lambda: alice.exports.create_template(ExportTemplateIn(
            category=ExportCategory.PORTFOLIO, name="Mine", columns=default.columns)),
    ]
    for refused in refusals:
        with pytest.raises(Forbidden):
            refused()
    assert alice.exports.runs().total == 1

    customise(backend, "alice", {"cover": "full"})  # exports: none
    with pytest.raises(Forbidden):
        b"".join(alice.exports.download(queued.id, ExportFormat.CSV).chunks)


def test_bulk_orders_section(backend: Backend) -> None:
    a = backend.ids["A"]
    alice = backend.open("alice")
    started = alice.bulk.start(a, "orders.csv", b"country;x\n", check=True)
    customise(backend, "alice", {"cover": "full", "bulk_orders": "read_only"})
    with pytest.raises(Forbidden):
        alice.bulk.start(a, "orders.csv", b"country;x\n", check=True)
    assert alice.bulk.get(started.bulk_import.id).id == started.bulk_import.id
    assert alice.bulk.imports(a).total == alice.bulk.imports().total

    customise(backend, "alice", {"cover": "full"})  # bulk orders: none
    with pytest.raises(Forbidden):
        alice.bulk.imports(a)
    with pytest.raises(Forbidden):
        alice.bulk.get(started.bulk_import.id)
    assert alice.bulk.imports().total == 0  # P-A's imports are not listed


def test_custom_fields_section(backend: Backend) -> None:
    a = backend.ids["A"]
    alice = backend.open("alice")
    entry = backend.ids["entry:A:gamma"]
    customise(backend, "alice", {"cover": "full", "custom_fields": "read_only"})
    fields = alice.custom_fields.fields(a)
    assert "Segment" in [f.name for f in fields]
    assert alice.custom_fields.invalid_values(a).total == 0
    row = next(r for r in alice.portfolio.rows(a).items if r.entry_id == entry)
    refusals: list[Callable[[], object]] = [
        lambda: alice.custom_fields.create(a, CustomFieldCreate(name="Region")),
        lambda: alice.custom_fields.modify(a, 1, CustomFieldUpdate(name="Sector", version=1)),
        lambda: alice.custom_fields.delete(a, 1, version=1),
        lambda: alice.custom_fields.import_values(a, "v.csv", CSV),
        lambda: alice.portfolio.update_entry(
            entry, PortfolioEntryUpdate(custom_fields={1: "Food"}), row.version),
    ]
    for refused in refusals:
        with pytest.raises(Forbidden):
            refused()
    assert [f.name for f in alice.custom_fields.fields(a)] == [f.name for f in fields]

    customise(backend, "alice", {"cover": "full"})  # custom fields: none
    with pytest.raises(Forbidden):
        alice.custom_fields.fields(a)


def test_the_company_page_leaves_out_the_sections_that_are_none(backend: Backend) -> None:
    a = backend.ids["A"]
    alice = backend.open("alice")
    row = next(r for r in alice.portfolio.rows(a).items
               if r.entry_id == backend.ids["entry:A:beta"])
    alice.portfolio.update_entry(row.entry_id, PortfolioEntryUpdate(custom_fields={1: "Food"}),
                                 row.version)
    claim = declare(backend, [invoice("1001", "1400.00")])

    customise(backend, "alice", {"cover": "full", "custom_fields": "read_only",
                                 "claims": "read_only"})
    shown = alice.products.company_detail(a, row.company_id)
    assert shown.custom_fields == {1: "Food"} and shown.custom_field_names[1] == "Segment"
    assert [c.id for c in shown.claims] == [claim.id]

    customise(backend, "alice", {"cover": "full"})  # custom fields and claims: none
    hidden = alice.products.company_detail(a, row.company_id)
    assert (hidden.custom_fields, hidden.custom_field_names, hidden.claims) == ({}, {}, [])
    assert hidden.products == shown.products  # the cover section is still shown whole


def test_notifications_section(backend: Backend) -> None:
    a, n1 = backend.ids["A"], backend.ids["n1"]
    alice = backend.open("alice")
    customise(backend, "alice", {"cover": "full", "notifications": "read_only"})
    assert alice.notifications.rows(NotificationFilter(contract_id=a)).total == 5
    unread = alice.notifications.unread_count()
    for read in (True, False):
        with pytest.raises(Forbidden):
            alice.notifications.mark([n1], read=read)
    with pytest.raises(Forbidden):
        alice.notifications.delete([n1])
    assert alice.notifications.unread_count() == unread == 5

    customise(backend, "alice", {"cover": "full"})  # notifications: none
    with pytest.raises(Forbidden):
        alice.notifications.rows(NotificationFilter(contract_id=a))
    assert alice.notifications.rows().total == 0
    assert alice.notifications.unread_count() == 0
    assert alice.notifications.mark([n1], read=True) == 0  # not the user's to see

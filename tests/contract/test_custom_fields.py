"""Custom fields (issue 16 item 8) on every backend: the three fixed fields, the five free
ones (create, rename, change of format, delete with the count of values lost), values
checked by format at their field, values that stopped fitting kept and listed, rights.

Contract A of the dataset holds free field 1 "Segment" (text) with one value, on gamma.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import AuditEntry
from cofatui.models.portfolio import CustomFieldDefinition, CustomFieldValue
from cofatui.schemas import PortfolioEntryUpdate
from cofatui.schemas_custom_fields import CustomFieldCreate, CustomFieldUpdate
from tests.contract.conftest import Backend


def _fields(backend: Backend, login: str = "alice") -> dict[str, tuple[str, str, int, int]]:
    repo = backend.open(login)
    return {f.key: (f.name, f.format, f.values, f.invalid)
            for f in repo.custom_fields.fields(backend.ids["A"])}


def _refused_at(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in exc.errors}


def test_the_three_fixed_fields_come_first_then_the_free_ones(backend: Backend) -> None:
    fields = backend.open("alice").custom_fields.fields(backend.ids["A"])
    assert [f.key for f in fields] == ["client_reference", "outstanding_amount",
                                       "internal_credit_limit", "custom_field_1"]
    assert [f.fixed for f in fields] == [True, True, True, False]
    assert fields[1].format == "money" and fields[1].currency == "EUR"
    assert fields[0].values >= 1  # the dataset's references
    segment = fields[3]
    assert (segment.slot, segment.name, segment.format, segment.values, segment.invalid,
            segment.version) == (1, "Segment", "text", 1, 0, 1)


def test_create_takes_the_first_free_slot_and_refuses_a_name_in_use(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    made = repo.custom_fields.create(a, CustomFieldCreate(name=" Last review ", format="date"))
    assert (made.slot, made.name, made.format, made.values, made.version) == (
        2, "Last review", "date", 0, 1)
    for name in ("segment", "  SEGMENT", "Référence client", "internal credit limit",
                 "Montant total de l’encours", "last  review"):
        with pytest.raises(ValidationFailed) as refused:
            repo.custom_fields.create(a, CustomFieldCreate(name=name, format="text"))
        assert _refused_at(refused.value) == {"name": "custom_fields.name_taken"}, name
    with pytest.raises(ValidationFailed) as refused:
        repo.custom_fields.create(a, CustomFieldCreate(name="x" * 61, format="colour"))
    assert _refused_at(refused.value) == {"name": "common.too_long",
                                          "format": "custom_fields.unknown_format"}
    with pytest.raises(ValidationFailed) as refused:
        repo.custom_fields.create(a, CustomFieldCreate(name="   ", format="text"))
    assert _refused_at(refused.value) == {"name": "common.mandatory"}
    # The same name on another contract is another contract's business.
    assert backend.open("bob").custom_fields.create(
        backend.ids["B"], CustomFieldCreate(name="Segment", format="number")).slot == 1


def test_five_free_fields_at_most(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    for n in range(2, 6):
        assert repo.custom_fields.create(a, CustomFieldCreate(name=f"Field {n}")).slot == n
    with pytest.raises(RuleViolation) as refused:
        repo.custom_fields.create(a, CustomFieldCreate(name="Sixth"))
    assert refused.value.code == "custom_fields.no_free_slot"
    assert len(repo.custom_fields.fields(a)) == 8


def test_rename_and_versions(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    renamed = repo.custom_fields.modify(a, 1, CustomFieldUpdate(name="Sector", version=1))
    assert (renamed.name, renamed.version, renamed.values) == ("Sector", 2, 1)
    with pytest.raises(Conflict):
        repo.custom_fields.modify(a, 1, CustomFieldUpdate(name="Again", version=1))
    # Its own name in another case is not "taken".
    assert repo.custom_fields.modify(a, 1, CustomFieldUpdate(name="SECTOR", version=2)).name \
        == "SECTOR"
    with pytest.raises(NotFound):
        repo.custom_fields.modify(a, 3, CustomFieldUpdate(name="Nothing", version=1))
    with pytest.raises(Conflict):
        repo.custom_fields.delete(a, 1, version=2)
    with Session(backend.engine) as s:
        ops = s.execute(select(col(AuditEntry.operation)).where(
            col(AuditEntry.operation) == "modify_custom_field")).scalars().all()
    assert len(ops) == 2


@pytest.mark.parametrize("slot", [0, 6, -1, 99])
def test_the_fixed_fields_and_unknown_slots_cannot_be_changed(backend: Backend,
                                                              slot: int) -> None:
    repo = backend.open("alice")
    with pytest.raises(ValidationFailed) as refused:
        repo.custom_fields.modify(backend.ids["A"], slot,
                                  CustomFieldUpdate(name="Mine", version=1))
    assert _refused_at(refused.value) == {"slot": "custom_fields.not_a_free_slot"}
    with pytest.raises(ValidationFailed):
        repo.custom_fields.delete(backend.ids["A"], slot, version=1)


def test_a_format_changes_only_when_every_value_fits(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    with pytest.raises(RuleViolation) as refused:
        repo.custom_fields.modify(a, 1, CustomFieldUpdate(format="date", version=1))
    assert refused.value.code == "custom_fields.values_do_not_fit"
    assert refused.value.params["count"] == 1
    entry = backend.ids["entry:A:gamma"]
    row = next(r for r in repo.portfolio.rows(a, offset=0, limit=100).items
               if r.entry_id == entry)
    repo.portfolio.update_entry(entry, PortfolioEntryUpdate(custom_fields={1: "2026-03-31"}),
                                row.version)
    changed = repo.custom_fields.modify(a, 1, CustomFieldUpdate(format="date", version=1))
    assert (changed.format, changed.values, changed.invalid) == ("date", 1, 0)


def test_banana_is_refused_at_the_date_field(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    review = repo.custom_fields.create(a, CustomFieldCreate(name="Last review", format="date"))
    amount = repo.custom_fields.create(a, CustomFieldCreate(name="Score", format="number"))
    entry = backend.ids["entry:A:alpha"]
    version = next(r for r in repo.portfolio.rows(a, offset=0, limit=100).items
                   if r.entry_id == entry).version
    with pytest.raises(ValidationFailed) as refused:
        repo.portfolio.update_entry(entry, PortfolioEntryUpdate(
            custom_fields={review.slot or 0: "banana", amount.slot or 0: "12,5"}), version)
    assert _refused_at(refused.value) == {"custom_field_2": "custom_fields.not_a_date",
                                          "custom_field_3": "custom_fields.not_a_number"}
    with pytest.raises(ValidationFailed) as refused:
        repo.portfolio.update_entry(entry, PortfolioEntryUpdate(
            custom_fields={1: "x" * 201}), version)
    assert _refused_at(refused.value) == {"custom_field_1": "common.too_long"}
    row = repo.portfolio.update_entry(entry, PortfolioEntryUpdate(
        custom_fields={2: "2026-12-31", 3: "-12.5"}), version)
    assert row.version == version + 1
    fields = {f.key: f for f in repo.custom_fields.fields(a)}
    assert fields["custom_field_2"].values == 1 and fields["custom_field_3"].values == 1


def test_values_that_stopped_fitting_are_kept_and_listed(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    review = repo.custom_fields.create(a, CustomFieldCreate(name="Last review", format="date"))
    entry = backend.ids["entry:A:alpha"]
    with Session(backend.engine) as s, s.begin():  # as an old version of the app stored it
        definition = s.execute(select(CustomFieldDefinition).where(
            col(CustomFieldDefinition.contract_id) == a,
            col(CustomFieldDefinition.slot) == review.slot)).scalar_one()
        s.add(CustomFieldValue(entry_id=entry, definition_id=definition.id or 0,
                               value="31/12/2026"))
    listed = repo.custom_fields.invalid_values(a)
    assert listed.total == 1
    bad = listed.items[0]
    assert (bad.entry_id, bad.slot, bad.value, bad.code, bad.field_name) == (
        entry, 2, "31/12/2026", "custom_fields.not_a_date", "Last review")
    assert {f.key: f.invalid for f in repo.custom_fields.fields(a)}["custom_field_2"] == 1
    # Sent back unchanged with another field, it is kept; changed, it must fit.
    row = repo.portfolio.update_entry(entry, PortfolioEntryUpdate(
        custom_fields={1: "Retail", 2: "31/12/2026"}), bad.entry_version)
    with pytest.raises(ValidationFailed):
        repo.portfolio.update_entry(entry, PortfolioEntryUpdate(
            custom_fields={2: "1/1/2027"}), row.version)
    repo.portfolio.update_entry(entry, PortfolioEntryUpdate(custom_fields={2: "2026-12-31"}),
                                row.version)
    assert repo.custom_fields.invalid_values(a).total == 0


def test_delete_gives_the_count_of_values_lost(backend: Backend) -> None:
    repo = backend.open("alice")
    a = backend.ids["A"]
    segment = {f.key: f for f in repo.custom_fields.fields(a)}["custom_field_1"]
    assert segment.values == 1
    with pytest.raises(Conflict) as refused:
        repo.custom_fields.delete(a, 1, version=1, values=0)
    assert refused.value.code == "custom_fields.values_changed"
    assert refused.value.params["count"] == 1
    gone = repo.custom_fields.delete(a, 1, version=1, values=1)
    assert (gone.slot, gone.values) == (1, 1)
    assert [f.key for f in repo.custom_fields.fields(a)] == [
        "client_reference", "outstanding_amount", "internal_credit_limit"]
    with Session(backend.engine) as s:
        assert s.execute(select(CustomFieldValue)).first() is None
    with pytest.raises(NotFound):
        repo.custom_fields.delete(a, 1, version=1)
    # The slot is free again.
    assert repo.custom_fields.create(a, CustomFieldCreate(name="Segment")).slot == 1


def test_rights(backend: Backend) -> None:
    a = backend.ids["A"]
    reader = backend.open("reader")
    assert len(reader.custom_fields.fields(a)) == 4  # reading is allowed
    assert reader.custom_fields.invalid_values(a).total == 0
    with pytest.raises(Forbidden):
        reader.custom_fields.create(a, CustomFieldCreate(name="Mine"))
    with pytest.raises(Forbidden):
        reader.custom_fields.modify(a, 1, CustomFieldUpdate(name="Mine", version=1))
    with pytest.raises(Forbidden):
        reader.custom_fields.delete(a, 1, version=1)
    carol = backend.open("carol")  # custom rights without the custom-fields section
    with pytest.raises(Forbidden):
        carol.custom_fields.fields(a)
    with pytest.raises(Forbidden):
        carol.custom_fields.create(a, CustomFieldCreate(name="Mine"))
    bob = backend.open("bob")  # not attached to A
    with pytest.raises(Forbidden):
        bob.custom_fields.fields(a)
    with pytest.raises(Forbidden):
        bob.custom_fields.delete(a, 1, version=1)
    assert _fields(backend)["custom_field_1"][0] == "Segment"

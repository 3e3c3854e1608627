"""Keyset paging (issue 21) of the custom-field values that do not fit their format,
on every backend: by company name, then the company, its entry and the field. Pages by
key equal pages by offset, forwards and backwards, and misfits stored between two
reads are neither repeated nor lost (hypothesis draws tied company names, and values
that fit or not, two fields an entry); a page by key is not counted."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import ValidationFailed
from cofatui.models import Company, PortfolioEntry
from cofatui.models.portfolio import CustomFieldDefinition, CustomFieldValue
from cofatui.schemas import Page, Seek
from cofatui.schemas_custom_fields import CustomFieldCreate, InvalidValuePublic
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import check_list, paging_examples

Spec = tuple[str, bool, bool]  # a drawn entry: company name, its date fits, its number fits
#: Each field's value that fits it, and one that does not.
VALUES = {"date": ("2026-12-31", "31/12/2026"), "number": ("12.5", "douze")}


def _fields(b: Backend) -> dict[str, int]:
    """Contract A's date and number fields (made once per test), by format."""
    alice = b.open("alice")
    if not alice.custom_fields.invalid_values(b.ids["A"]).total and not _definitions(b):
        for fmt in VALUES:
            alice.custom_fields.create(b.ids["A"], CustomFieldCreate(name=f"K {fmt}",
                                                                      format=fmt))
    return _definitions(b)


def _definitions(b: Backend) -> dict[str, int]:
    with Session(b.engine) as s:
        return {d.format: d.id or 0 for d in s.execute(select(CustomFieldDefinition).where(
            col(CustomFieldDefinition.contract_id) == b.ids["A"],
            col(CustomFieldDefinition.name).startswith("K "))).scalars()}


def _write(b: Backend, specs: list[Spec]) -> None:
    fields = _fields(b)
    with Session(b.engine) as s:
        for name, date_fits, number_fits in specs:
            company = Company(name=name, name_key=name.lower(), country="FR", updated_at=NOW,
                              easy_number="K" + uuid.uuid4().hex[:18])
            s.add(company)
            s.flush()
            assert company.id is not None
            entry = PortfolioEntry(contract_id=b.ids["A"], company_id=company.id)
            s.add(entry)
            s.flush()
            assert entry.id is not None
            for fmt, fits in (("date", date_fits), ("number", number_fits)):
                s.add(CustomFieldValue(entry_id=entry.id, definition_id=fields[fmt],
                                       value=VALUES[fmt][0 if fits else 1]))
        s.commit()


_spec = st.tuples(st.sampled_from(["Kappa", "kappa", "Iota"]), st.booleans(), st.booleans())


@paging_examples(_spec)
def test_pages_by_key_are_pages_by_offset(backend: Backend, rows: list[Spec],
                                          more: list[Spec], limit: int,
                                          backwards: bool) -> None:
    _write(backend, rows)
    alice = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[InvalidValuePublic]:
        return alice.custom_fields.invalid_values(backend.ids["A"], offset, size, seek)

    check_list(read, lambda m: (m.entry_id, m.slot), limit, lambda: _write(backend, more),
               backwards)


def test_the_order_and_the_counts(backend: Backend) -> None:
    _write(backend, [("Kappa", False, False), ("Iota", True, False), ("Kappa", True, True)])
    read = backend.open("alice").custom_fields.invalid_values
    counted = read(backend.ids["A"], 0, 100)
    assert counted.total == 3
    assert [(m.company_name, m.company_id, m.slot) for m in counted.items] == sorted(
        (m.company_name, m.company_id, m.slot) for m in counted.items)
    first = read(backend.ids["A"], 0, 1, Seek())
    assert first.items == counted.items[:1] and first.last_cursor is not None
    after = read(backend.ids["A"], 0, 2, Seek(after=first.last_cursor))
    assert after.items == counted.items[1:] and after.total == -1  # stopped when full
    assert read(backend.ids["A"], 0, 2, Seek(last=True)).items == counted.items[1:]


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").custom_fields.invalid_values(
            backend.ids["A"], seek=Seek(after="WzFd"))  # "[1]": one value of four
    assert [e.field for e in refused.value.errors] == ["cursor"]

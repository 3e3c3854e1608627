"""Keyset paging (issue 21) of the claims portfolio (one row per debtor, its latest
claim updated first), on every backend, unfiltered and filtered by a needle long
enough for the trigram index or not. Pages by key equal pages by offset, forwards and
backwards, and debtors whose claims are made between two reads are neither repeated
nor lost (hypothesis draws tied update times and claims without one, which sort last);
a page by key is not counted."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import Claim, Company
from cofatui.repository.sql.latest_claims import rebuild_claim_debtors
from cofatui.schemas import DebtorClaimsRow, Page, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_claims import claim_template
from tests.contract.keyset_lists import check_list, paging_examples

Spec = tuple[str, int | None]  # a drawn debtor: its name, its claim's hours before NOW
_serial = itertools.count()
_spec = st.tuples(st.sampled_from(["Kilo Ltd", "Lima SA"]),
                  st.one_of(st.none(), st.integers(0, 3)))


def _write(b: Backend, specs: list[Spec]) -> None:
    """A debtor of its own for each, with one registered claim on contract A."""
    template = claim_template(b)
    with Session(b.engine) as s:
        for name, hours in specs:
            company = Company(name=name, name_key=name.lower(), country="FR", updated_at=NOW,
                              easy_number="K" + uuid.uuid4().hex[:18])
            s.add(company)
            s.flush()
            s.execute(insert(Claim).values(
                {**template, "company_id": company.id, "reference": f"KP{next(_serial):08d}",
                 "updated_at": None if hours is None else NOW - timedelta(hours=hours)}))
        rebuild_claim_debtors(s, b.ids["A"])
        s.commit()


@pytest.mark.parametrize("text", [None, "kilo", "li"])
@paging_examples(_spec)
def test_pages_by_key_are_pages_by_offset(backend: Backend, text: str | None,
                                          rows: list[Spec], more: list[Spec], limit: int,
                                          backwards: bool) -> None:
    _write(backend, rows)
    alice = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[DebtorClaimsRow]:
        return alice.claims.portfolio(backend.ids["A"], text, offset, size, seek)

    check_list(read, lambda r: r.latest_claim_id, limit, lambda: _write(backend, more),
               backwards)


def test_the_latest_updated_first_and_one_without_a_time_last(backend: Backend) -> None:
    _write(backend, [("Kilo Ltd", 2), ("Lima SA", None), ("Kilo Ltd", 0), ("Lima SA", 2)])
    got = backend.open("alice").claims.portfolio(backend.ids["A"], None, 0, 100, Seek()).items
    timed: list[Any] = [(r.updated_at, r.latest_claim_id) for r in got if r.updated_at]
    assert timed == sorted(timed, reverse=True)
    assert got[-1].updated_at is None
    assert got[:len(timed)] == [r for r in got if r.updated_at]


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").claims.portfolio(backend.ids["A"], seek=Seek(after="WzFd"))
    assert [e.field for e in refused.value.errors] == ["cursor"]

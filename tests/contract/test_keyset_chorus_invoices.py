"""Keyset paging of the Chorus invoice search and anomalies (issue 21) on every backend:
pages by key equal pages by offset, forwards and backwards, for drawn invoices (ties
on the deposit time, drafts never deposited, invoices never changed) and filters, and
rows inserted between two reads are neither repeated nor lost."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session

from cofatui.enums import ChorusSpace, ChorusState
from cofatui.errors import ValidationFailed
from cofatui.models.chorus import ChorusInvoice, ChorusInvoiceEvent
from cofatui.schemas import Seek
from cofatui.schemas_chorus import ChorusInvoiceSearch
from tests.contract.chorus_dataset import PA, SA, SA_USER, SIRET
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

S = ChorusState
#: (state, deposited minutes before NOW (None: a draft), changed minutes (None: never)).
#: Few distinct minutes, so that ties on the sort key are common.
Drawn = tuple[ChorusState, int | None, int | None]
_invoice = st.tuples(
    st.sampled_from([S.DRAFT, S.MADE_AVAILABLE, S.SUSPENDED, S.REJECTED, S.NON_COMPLIANT]),
    st.one_of(st.none(), st.integers(1, 4)), st.one_of(st.none(), st.integers(1, 4)))
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _write(backend: Backend, invoices: list[Drawn], first: int = 0) -> None:
    with Session(backend.engine) as s:
        for n, (state, deposited, changed) in enumerate(invoices, start=first):
            if state == S.DRAFT:
                deposited = None
            s.add(ChorusInvoice(
                number=f"K-{n}", supplier_structure_id=backend.ids[SA],
                recipient_siret=SIRET[PA], recipient_structure_id=backend.ids[PA],
                service_code="ACHATS", engagement="ENG-1", invoice_date=date(2026, 11, 1),
                total_excl_tax=Decimal(10), total_incl_tax=Decimal(10),
                amount_due=Decimal(10), state=state.value,
                deposited_at=None if deposited is None else NOW - timedelta(minutes=deposited),
                state_changed_at=None if changed is None else NOW - timedelta(minutes=changed),
                created_by="dataset"))
        s.commit()


def _clear(backend: Backend) -> None:
    with Session(backend.engine) as s:
        s.execute(delete(ChorusInvoiceEvent))
        s.execute(delete(ChorusInvoice))
        s.commit()


@given(invoices=st.lists(_invoice, max_size=12), limit=st.integers(1, 4),
       states=st.one_of(st.none(), st.sets(st.sampled_from(list(S)), min_size=1)),
       more=st.lists(_invoice, min_size=1, max_size=4), backwards=st.booleans())
@_SETTINGS
def test_search_pages_by_key_are_its_pages_by_offset(
        backend: Backend, invoices: list[Drawn], limit: int, states: set[ChorusState] | None,
        more: list[Drawn], backwards: bool) -> None:
    _clear(backend)
    _write(backend, invoices)
    repo = backend.open(SA_USER)
    criteria = ChorusInvoiceSearch(side=ChorusSpace.ISSUED, states=sorted(states or ()))

    def read(offset: int, size: int, seek: Seek | None):  # type: ignore[no-untyped-def]
        return repo.chorus_invoices.search(criteria, offset, size, seek)

    rows = check_keyset_paging(read, key=lambda r: r.id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    check_insert_between_reads(read, key=lambda r: r.id, limit=limit,
                               insert=lambda: _write(backend, more, first=len(invoices)),
                               backwards=backwards)


@given(invoices=st.lists(_invoice, max_size=12), limit=st.integers(1, 4),
       more=st.lists(_invoice, min_size=1, max_size=4), backwards=st.booleans())
@_SETTINGS
def test_anomaly_pages_by_key_are_its_pages_by_offset(
        backend: Backend, invoices: list[Drawn], limit: int, more: list[Drawn],
        backwards: bool) -> None:
    _clear(backend)
    _write(backend, invoices)
    repo = backend.open(SA_USER)

    def read(offset: int, size: int, seek: Seek | None):  # type: ignore[no-untyped-def]
        return repo.chorus_invoices.anomalies(None, offset, size, seek)

    check_keyset_paging(read, key=lambda r: r.invoice_id, limit=limit)
    check_insert_between_reads(read, key=lambda r: r.invoice_id, limit=limit,
                               insert=lambda: _write(backend, more, first=len(invoices)),
                               backwards=backwards)


def test_a_cursor_of_another_list_is_refused_at_cursor(backend: Backend) -> None:
    _write(backend, [(S.MADE_AVAILABLE, 1, 1), (S.REJECTED, 2, 2)])
    repo = backend.open(SA_USER)
    anomaly = repo.chorus_invoices.anomalies(None, 0, 1, Seek())
    assert anomaly.last_cursor is not None
    criteria = ChorusInvoiceSearch(side=ChorusSpace.ISSUED)
    for cursor in (anomaly.last_cursor, "bm90LWEtY3Vyc29y"):
        with pytest.raises(ValidationFailed) as err:
            repo.chorus_invoices.search(criteria, 0, 10, Seek(after=cursor))
        assert err.value.errors[0].field == "cursor"

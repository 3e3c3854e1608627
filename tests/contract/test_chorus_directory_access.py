"""Chorus rights from attachments (issue 18 item 3): ``sql/chorus_access.py`` on the
dataset of ``chorus_dataset.py``, on SQLite and PostgreSQL (the module is the SQL
backends' own; the HTTP backends reach it through the server)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session
from sqlmodel import select

from cofatui.enums import ChorusSpace, ChorusState
from cofatui.errors import Forbidden, NotFound
from cofatui.models import ChorusInvoice
from cofatui.repository.sql.chorus_access import (
    ChorusRights,
    chorus_rights,
    require_invoice,
    require_invoice_side,
    require_manager,
    require_space,
    require_space_or_404,
    visible_invoices,
)
from tests.contract import chorus_dataset as cd
from tests.contract import dataset
from tests.contract.conftest import Backend
from tests.contract.sql_only import sql_backend  # noqa: F401  (SQL-side module)

TODAY = dataset.TODAY


def rights(backend: Backend, login: str, today: date = TODAY) -> ChorusRights:
    with Session(backend.engine) as s:
        return chorus_rights(s, backend.ids[login], today)


def test_each_dataset_user_holds_exactly_the_spaces_of_their_attachment(
        backend: Backend) -> None:
    ids = backend.ids
    sa = rights(backend, cd.SA_USER)
    only_sa = frozenset({ids[cd.SA]})
    assert (sa.issued, sa.received, sa.managed, sa.main) == (
        only_sa, frozenset[int](), only_sa, only_sa)
    pa = rights(backend, cd.PA_USER)
    only_pa = frozenset({ids[cd.PA]})
    assert (pa.issued, pa.received, pa.main) == (frozenset[int](), only_pa, only_pa)
    pa2 = rights(backend, cd.PA2_USER)
    assert pa2.managed == {ids[cd.PA]} and pa2.main == set()
    assert rights(backend, cd.NEW_USER).attached == set()
    # Insurance contracts give no Chorus right.
    assert rights(backend, "alice").attached == set()


def test_rights_hold_only_between_the_validity_dates(backend: Backend) -> None:
    pa = backend.ids[cd.PA]
    assert rights(backend, cd.EXPIRED_USER).received == set()  # ended yesterday
    assert rights(backend, cd.EXPIRED_USER, TODAY - timedelta(days=1)).received == {pa}
    before_start = cd.VALID_FROM - timedelta(days=1)
    assert rights(backend, cd.PA_USER, before_start).attached == set()
    assert rights(backend, cd.PA_USER, cd.VALID_FROM).received == {pa}


def test_refusals_name_the_structure_and_what_is_missing(backend: Backend) -> None:
    sa, pa = backend.ids[cd.SA], backend.ids[cd.PA]
    sa_rights, pa2 = rights(backend, cd.SA_USER), rights(backend, cd.PA2_USER)
    require_space(sa_rights, sa, ChorusSpace.ISSUED)
    with pytest.raises(Forbidden) as refused:
        require_space(sa_rights, pa, ChorusSpace.RECEIVED)
    assert refused.value.code == "chorus_directory.no_space"
    assert refused.value.params["structure_id"] == pa
    assert "Invoices received" in refused.value.text("en")
    with pytest.raises(NotFound):
        require_space_or_404(sa_rights, pa, ChorusSpace.ISSUED)
    assert require_space_or_404(sa_rights, sa, ChorusSpace.ISSUED) == sa
    require_manager(pa2, pa)
    with pytest.raises(Forbidden) as refused:
        require_manager(pa2, pa, main=True)
    assert refused.value.code == "chorus_directory.not_main_manager"
    with pytest.raises(Forbidden) as refused:
        require_manager(sa_rights, pa)
    assert refused.value.code == "chorus_directory.not_manager"


def _invoice(backend: Backend, state: ChorusState, number: str) -> int:
    with Session(backend.engine) as s:
        row = ChorusInvoice(number=number, supplier_structure_id=backend.ids[cd.SA],
                            recipient_siret=cd.SIRET[cd.PA],
                            recipient_structure_id=backend.ids[cd.PA],
                            invoice_date=TODAY, state=state.value)
        s.add(row)
        s.commit()
        assert row.id is not None
        return row.id


@pytest.mark.parametrize("state", list(ChorusState))
def test_recipients_never_see_drafts_nor_non_compliant_invoices(
        backend: Backend, state: ChorusState) -> None:
    invoice_id = _invoice(backend, state, "F-" + state.value[:18])
    hidden = state in (ChorusState.DRAFT, ChorusState.NON_COMPLIANT)
    with Session(backend.engine) as s:
        invoice = s.get(ChorusInvoice, invoice_id)
        sa, pa, sb = (chorus_rights(s, backend.ids[login], TODAY)
                      for login in (cd.SA_USER, cd.PA_USER, cd.SB_USER))
        assert require_invoice(sa, invoice) == {ChorusSpace.ISSUED}
        with pytest.raises(NotFound):
            require_invoice(sb, invoice)  # another supplier
        with pytest.raises(Forbidden):
            require_invoice_side(sa, invoice, ChorusSpace.RECEIVED)
        if hidden:
            with pytest.raises(NotFound):
                require_invoice(pa, invoice)
        else:
            require_invoice_side(pa, invoice, ChorusSpace.RECEIVED)
        # The SQL filter agrees with the per-row check.
        for who, side, seen in ((pa, ChorusSpace.RECEIVED, not hidden),
                                (pa, None, not hidden), (sa, ChorusSpace.ISSUED, True),
                                (sa, ChorusSpace.RECEIVED, False), (sb, None, False)):
            found = s.execute(select(ChorusInvoice.id).where(
                visible_invoices(who, side))).scalars().all()
            assert (invoice_id in found) is seen, (who.user_id, side)

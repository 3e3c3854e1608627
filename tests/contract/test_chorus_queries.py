"""Chorus Pro dashboards, search, anomalies and the returns pop-up (issue 18 items 9 and
10) on every backend, over invoices written straight into the dataset: SA and SB
invoice PA; each side sees its own, a recipient never a draft nor a non-compliant
invoice, and a structure the reader holds no such space on is not found."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusActor, ChorusInvoiceType, ChorusSpace, ChorusState
from cofatui.errors import NotFound, ValidationFailed
from cofatui.models.chorus import ChorusInvoice, ChorusInvoiceEvent
from cofatui.schemas_chorus import ChorusInvoiceSearch
from tests.contract.chorus_dataset import (
    EXPIRED_USER,
    PA,
    PA_USER,
    PB,
    SA,
    SA_USER,
    SB,
    SB_USER,
    SIRET,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW

S = ChorusState
#: (key, supplier, state, deposited minutes before NOW (None: never), incl. tax, comment)
INVOICES: list[tuple[str, str, ChorusState, int | None, str, str]] = [
    ("SA-DRAFT", SA, S.DRAFT, None, "10.00", ""),
    ("SA-NC", SA, S.NON_COMPLIANT, 90, "20.00", ""),
    ("SA-MAD-1", SA, S.MADE_AVAILABLE, 80, "30.00", ""),
    ("SA-MAD-2", SA, S.MADE_AVAILABLE, 70, "40.00", ""),
    ("SA-SUSP", SA, S.SUSPENDED, 60, "50.00", "Pièce manquante"),
    ("SA-REJ", SA, S.REJECTED, 50, "60.00", "Mauvais destinataire"),
    ("SA-DONE", SA, S.SERVICE_DONE, 40, "70.00", ""),
    ("SB-MAD", SB, S.MADE_AVAILABLE, 30, "80.00", ""),
    ("SB-NC", SB, S.NON_COMPLIANT, 20, "90.00", ""),
]


@pytest.fixture
def invoices(backend: Backend) -> Iterator[dict[str, int]]:
    ids: dict[str, int] = {}
    with Session(backend.engine) as s:
        for key, supplier, state, minutes, amount, comment in INVOICES:
            at = None if minutes is None else NOW - timedelta(minutes=minutes)
            row = ChorusInvoice(
                number=key, supplier_structure_id=backend.ids[supplier],
                recipient_siret=SIRET[PA], recipient_structure_id=backend.ids[PA],
                service_code="ACHATS", engagement="ENG-1", invoice_date=date(2026, 11, 1),
                total_excl_tax=Decimal(amount), total_incl_tax=Decimal(amount),
                amount_due=Decimal(amount), state=state.value, deposited_at=at,
                state_changed_at=at or NOW - timedelta(minutes=100), last_comment=comment,
                created_by="dataset")
            s.add(row)
            s.flush()
            assert row.id is not None
            ids[key] = row.id
            if state == S.NON_COMPLIANT:
                s.add(ChorusInvoiceEvent(
                    invoice_id=row.id, at=at, actor=ChorusActor.SYSTEM.value,
                    from_state=S.DEPOSITED.value, to_state=state.value,
                    reasons=json.dumps([{"code": "service_code_missing", "params": {}},
                                        {"code": "engagement_missing", "params": {}}])))
        s.commit()
    yield ids


def _counts(backend: Backend, login: str, side: ChorusSpace,
            structure: str | None = None) -> dict[ChorusState, int]:
    structure_id = None if structure is None else backend.ids[structure]
    board = backend.open(login).chorus_invoices.dashboard(side, structure_id)
    assert board.total == sum(c.count for c in board.counts)
    return {c.state: c.count for c in board.counts}


def _numbers(backend: Backend, login: str, criteria: ChorusInvoiceSearch,
             limit: int = 100) -> list[str]:
    page = backend.open(login).chorus_invoices.search(criteria, 0, limit)
    return [row.number for row in page.items]


# --- dashboards (seed 003 §X) ---------------------------------------------------------------
@pytest.mark.usefixtures("invoices")
def test_issued_dashboard_counts_every_state_of_my_structure(backend: Backend) -> None:
    counts = _counts(backend, SA_USER, ChorusSpace.ISSUED)
    assert list(counts) == list(ChorusState)  # every state, in the table's order
    assert counts[S.MADE_AVAILABLE] == 2
    assert counts[S.DRAFT] == counts[S.NON_COMPLIANT] == counts[S.SUSPENDED] == 1
    assert counts[S.MANDATED] == 0
    assert sum(counts.values()) == 7  # SB's are not SA's
    assert _counts(backend, SA_USER, ChorusSpace.ISSUED, SA) == counts


@pytest.mark.usefixtures("invoices")
def test_received_dashboard_never_counts_drafts_nor_non_compliant(backend: Backend) -> None:
    counts = _counts(backend, PA_USER, ChorusSpace.RECEIVED, PA)
    assert S.DRAFT not in counts and S.NON_COMPLIANT not in counts
    assert counts[S.MADE_AVAILABLE] == 3  # two of SA, one of SB
    assert sum(counts.values()) == 6


@pytest.mark.usefixtures("invoices")
@pytest.mark.parametrize(("login", "side", "structure"), [
    (SA_USER, ChorusSpace.ISSUED, SB),  # another supplier's structure
    (SA_USER, ChorusSpace.RECEIVED, PA),  # a supplier is no recipient
    (PA_USER, ChorusSpace.ISSUED, PA),  # nor a recipient a supplier
    (EXPIRED_USER, ChorusSpace.RECEIVED, PA),  # attachment ended yesterday
    (PA_USER, ChorusSpace.RECEIVED, PB),
])
def test_dashboard_of_a_structure_not_mine_is_not_found(
        backend: Backend, login: str, side: ChorusSpace, structure: str) -> None:
    with pytest.raises(NotFound):
        backend.open(login).chorus_invoices.dashboard(side, backend.ids[structure])


@pytest.mark.usefixtures("invoices")
def test_expired_attachment_sees_nothing(backend: Backend) -> None:
    assert sum(_counts(backend, EXPIRED_USER, ChorusSpace.RECEIVED).values()) == 0
    page = backend.open(EXPIRED_USER).chorus_invoices.search(
        ChorusInvoiceSearch(side=ChorusSpace.RECEIVED))
    assert (page.total, page.items) == (0, [])


# --- search (seed 004 "Rechercher") --------------------------------------------------------
@pytest.mark.usefixtures("invoices")
def test_search_newest_deposit_first_drafts_after_and_pages_add_up(backend: Backend) -> None:
    everything = _numbers(backend, SA_USER, ChorusInvoiceSearch())
    assert everything == ["SA-DONE", "SA-REJ", "SA-SUSP", "SA-MAD-2", "SA-MAD-1", "SA-NC",
                          "SA-DRAFT"]
    repo = backend.open(SA_USER).chorus_invoices
    pages = [repo.search(ChorusInvoiceSearch(), offset, 3) for offset in (0, 3, 6)]
    assert [r.number for p in pages for r in p.items] == everything
    assert {p.total for p in pages} == {7}
    row = pages[0].items[0]
    assert (row.supplier_siret, row.recipient_name, row.chorus_status) == (
        SIRET[SA], "Mairie de PA", "SERVICE_FAIT")
    assert row.total_incl_tax == Decimal("70.00")


@pytest.mark.usefixtures("invoices")
def test_recipient_search_sees_both_suppliers_never_hidden_states(backend: Backend) -> None:
    found = _numbers(backend, PA_USER, ChorusInvoiceSearch(side=ChorusSpace.RECEIVED))
    assert found == ["SB-MAD", "SA-DONE", "SA-REJ", "SA-SUSP", "SA-MAD-2", "SA-MAD-1"]
    # Asking for them by state changes nothing.
    hidden = ChorusInvoiceSearch(side=ChorusSpace.RECEIVED,
                                 states=[S.DRAFT, S.NON_COMPLIANT])
    assert _numbers(backend, PA_USER, hidden) == []


@pytest.mark.usefixtures("invoices")
@pytest.mark.parametrize(("criteria", "expected"), [
    (dict(states=[S.MADE_AVAILABLE, S.REJECTED]), ["SA-REJ", "SA-MAD-2", "SA-MAD-1"]),
    (dict(number="mad"), ["SA-MAD-2", "SA-MAD-1"]),
    (dict(amount_min=Decimal("30"), amount_max=Decimal("50")),
     ["SA-SUSP", "SA-MAD-2", "SA-MAD-1"]),
    (dict(recipient=SIRET[PA][:9] + " " + SIRET[PA][9:]), None),  # typed with a space
    (dict(recipient="mairie"), None),
    (dict(recipient="nobody"), []),
    (dict(supplier="fournisseur sb"), []),  # not mine on this side
    (dict(type=ChorusInvoiceType.CREDIT_NOTE), []),
    (dict(service_code="achats", engagement="eng-1"), None),
    (dict(deposited_from=NOW.date(), deposited_to=NOW.date()),
     ["SA-DONE", "SA-REJ", "SA-SUSP", "SA-MAD-2", "SA-MAD-1", "SA-NC"]),
    (dict(changed_to=NOW.date() - timedelta(days=1)), []),
])
def test_search_criteria(backend: Backend, criteria: dict[str, object],
                         expected: list[str] | None) -> None:
    found = _numbers(backend, SA_USER, ChorusInvoiceSearch.model_validate(criteria))
    if expected is None:  # every invoice of SA
        expected = _numbers(backend, SA_USER, ChorusInvoiceSearch())
        assert len(expected) == 7
    assert found == expected


@pytest.mark.parametrize(("criteria", "field"), [
    (dict(deposited_from=date(2026, 11, 2), deposited_to=date(2026, 11, 1)), "deposited_to"),
    (dict(changed_from=date(2026, 11, 2), changed_to=date(2026, 11, 1)), "changed_to"),
    (dict(amount_min=Decimal("10"), amount_max=Decimal("9.99")), "amount_max"),
])
def test_search_range_upside_down_is_refused_at_its_end(
        backend: Backend, criteria: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        backend.open(SA_USER).chorus_invoices.search(ChorusInvoiceSearch.model_validate(criteria))
    assert [e.field for e in caught.value.errors] == [field]


def test_search_of_a_structure_not_mine_is_not_found(backend: Backend) -> None:
    with pytest.raises(NotFound):
        backend.open(SB_USER).chorus_invoices.search(
            ChorusInvoiceSearch(structure_id=backend.ids[SA]))


# --- anomalies (seed 003 §XVIII) ------------------------------------------------------------
@pytest.mark.usefixtures("invoices")
def test_anomalies_are_my_returned_and_non_compliant_invoices(backend: Backend) -> None:
    page = backend.open(SA_USER).chorus_invoices.anomalies()
    assert [a.number for a in page.items] == ["SA-REJ", "SA-SUSP", "SA-NC"]
    assert page.total == 3
    rejected, suspended, non_compliant = page.items
    assert (rejected.comment, rejected.anomaly) == ("Mauvais destinataire", "REJETEE")
    assert suspended.recipient_name == "Mairie de PA"
    assert non_compliant.anomaly == "service_code_missing, engagement_missing"
    assert backend.open(PA_USER).chorus_invoices.anomalies().total == 0


# --- the returns pop-up (seed 004 "cas particulier") ----------------------------------------
def test_returns_until_acknowledged_then_only_new_ones(backend: Backend,
                                                       invoices: dict[str, int]) -> None:
    repo = backend.open(SA_USER).chorus_invoices
    returns = repo.returns()
    assert [(r.number, r.state) for r in returns] == [("SA-REJ", S.REJECTED),
                                                      ("SA-SUSP", S.SUSPENDED)]
    assert returns[0].comment == "Mauvais destinataire"
    assert backend.open(SB_USER).chorus_invoices.returns() == []
    repo.acknowledge_returns()
    assert repo.returns() == []
    repo.acknowledge_returns()  # twice is harmless
    with Session(backend.engine) as s:
        s.execute(update(ChorusInvoice).where(col(ChorusInvoice.id) == invoices["SA-MAD-1"])
                  .values(state=S.SUSPENDED.value, state_changed_at=NOW + timedelta(minutes=5),
                          last_comment="Bon de commande ?"))
        s.commit()
    assert [r.number for r in repo.returns()] == ["SA-MAD-1"]

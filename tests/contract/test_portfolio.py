"""Portfolio paging and every criterion, on every backend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from cofatui.enums import ClaimStatus, Collector, ProductStatus
from cofatui.errors import Conflict, Forbidden, ValidationFailed
from cofatui.repository.sql import portfolio as sql_portfolio
from cofatui.schemas import (
    ClaimCreate,
    ClaimPublic,
    ClaimStatusChange,
    IndemnityUpdate,
    InvoiceLine,
    PortfolioCriteria,
    PortfolioEntryUpdate,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY

ORDER_A = ["Foo [UK] Ltd", "Gamma Tessile SpA", "Beta Maschinenbau GmbH", "Alpha Industries",
           "Alpha Industries Lyon"]


def names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.company_name for row in page.items]


def test_portfolio_is_most_recently_updated_first(backend: Backend) -> None:
    page = backend.open("alice").portfolio.rows(backend.ids["A"])
    assert names(page) == ORDER_A
    assert page.total == 5


def test_portfolio_pages_do_not_overlap_and_cover_everything(backend: Backend) -> None:
    repo = backend.open("alice")
    seen = []
    for offset in range(0, 6, 2):
        page = repo.portfolio.rows(backend.ids["A"], offset=offset, limit=2)
        assert page.total == 5
        seen += names(page)
    assert seen == ORDER_A


def test_portfolio_row_shows_the_main_cover_and_products(backend: Backend) -> None:
    rows = {r.company_name: r for r in backend.open("alice").portfolio.rows(backend.ids["A"]).items}
    beta = rows["Beta Maschinenbau GmbH"]
    assert beta.cover_amount == Decimal("50000")
    assert beta.cover_status == ProductStatus.GRANTED
    assert beta.client_reference == "CR-002"
    assert rows["Gamma Tessile SpA"].products == ["RSM"]  # the refused CCO is not live
    assert rows["Foo [UK] Ltd"].cover_status == ProductStatus.PENDING


@pytest.mark.parametrize(("criteria", "expected"), [
    (PortfolioCriteria(text="alpha"), {"Alpha Industries", "Alpha Industries Lyon"}),
    (PortfolioCriteria(text="CR-003"), {"Gamma Tessile SpA"}),
    (PortfolioCriteria(text="deu"), {"Beta Maschinenbau GmbH"}),
    (PortfolioCriteria(text="0000000000000000005"), {"Alpha Industries Lyon"}),
    (PortfolioCriteria(text="[uk]"), {"Foo [UK] Ltd"}),
    (PortfolioCriteria(text="%"), set()),
    (PortfolioCriteria(text="ga"), {"Gamma Tessile SpA"}),
    (PortfolioCriteria(name="maschinen"), {"Beta Maschinenbau GmbH"}),
    (PortfolioCriteria(country="fra"), {"Alpha Industries", "Alpha Industries Lyon"}),
    (PortfolioCriteria(legal_identifier_type="SIREN", legal_identifier_value="732 829 320"),
     {"Alpha Industries"}),
    (PortfolioCriteria(product_codes=["LCR"]),
     {"Alpha Industries", "Beta Maschinenbau GmbH", "Foo [UK] Ltd"}),
    (PortfolioCriteria(family="information"), {"Gamma Tessile SpA"}),
    (PortfolioCriteria(family="insurance", statuses=[ProductStatus.PENDING]), {"Foo [UK] Ltd"}),
    (PortfolioCriteria(statuses=[ProductStatus.REFUSED, ProductStatus.PENDING]),
     {"Gamma Tessile SpA", "Foo [UK] Ltd"}),
    (PortfolioCriteria(amount_min=Decimal("20000"), amount_max=Decimal("60000")),
     {"Beta Maschinenbau GmbH"}),
    (PortfolioCriteria(amount_min=Decimal("100000")), {"Alpha Industries"}),
    (PortfolioCriteria(clause="guarantor"), {"Beta Maschinenbau GmbH"}),
    (PortfolioCriteria(has_guarantor=True), {"Beta Maschinenbau GmbH"}),
    (PortfolioCriteria(custom_field_slot=1, custom_field_value="textile"), {"Gamma Tessile SpA"}),
    (PortfolioCriteria(date_from=TODAY - timedelta(days=15)),
     {"Alpha Industries Lyon"}),
    (PortfolioCriteria(country="FRA", product_codes=["RLI"]), {"Alpha Industries Lyon"}),
])
def test_portfolio_criteria(backend: Backend, criteria: PortfolioCriteria,
                            expected: set[str]) -> None:
    page = backend.open("alice").portfolio.rows(backend.ids["A"], criteria)
    assert set(names(page)) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize("window", [1, 3, 4])
def test_country_search_gives_the_same_pages_whatever_the_recent_window(
        backend: Backend, monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    # SQLite looks among the newest entries first for a country; a page it cannot
    # fill from them comes from the whole portfolio. Either way: the same rows.
    repo = backend.open("alice")
    monkeypatch.setattr(sql_portfolio, "RECENT_WINDOW", window)
    for country, expected in (("FRA", ["Alpha Industries", "Alpha Industries Lyon"]),
                              ("DEU", ["Beta Maschinenbau GmbH"])):
        criteria = PortfolioCriteria(country=country)
        assert names(repo.portfolio.rows(backend.ids["A"], criteria)) == expected
        assert names(repo.portfolio.rows(backend.ids["A"], criteria, limit=1)) == expected[:1]
        assert names(repo.portfolio.rows(backend.ids["A"], criteria, offset=1, limit=1)) == \
            expected[1:2]


def test_portfolio_rejects_inverted_amount_range(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").portfolio.rows(
            backend.ids["A"], PortfolioCriteria(amount_min=Decimal(10), amount_max=Decimal(1)))
    assert "amount_max" in err.value.by_field()


def test_favourites_filter(backend: Backend) -> None:
    repo = backend.open("alice")
    repo.portfolio.set_favourite(backend.ids["gamma"], True)
    page = repo.portfolio.rows(backend.ids["A"], PortfolioCriteria(favourites_only=True))
    assert names(page) == ["Gamma Tessile SpA"]
    assert page.items[0].favourite
    repo.portfolio.set_favourite(backend.ids["gamma"], False)
    assert repo.portfolio.rows(backend.ids["A"], PortfolioCriteria(favourites_only=True)).total == 0


def test_update_entry_changes_search_text_and_order(backend: Backend) -> None:
    repo = backend.open("alice")
    entry_id = backend.ids["entry:A:delta"]
    row = next(r for r in repo.portfolio.rows(backend.ids["A"]).items if r.entry_id == entry_id)
    updated = repo.portfolio.update_entry(
        entry_id, PortfolioEntryUpdate(client_reference="ZZ-NEW", custom_fields={1: "Retail"}),
        row.version)
    assert updated.client_reference == "ZZ-NEW"
    assert updated.version == row.version + 1
    assert names(repo.portfolio.rows(backend.ids["A"], PortfolioCriteria(text="zz-new"))) == [
        "Alpha Industries Lyon"]
    assert names(repo.portfolio.rows(backend.ids["A"], PortfolioCriteria(text="CR-005"))) == []
    assert names(repo.portfolio.rows(backend.ids["A"]))[0] == "Alpha Industries Lyon"


def test_stale_write_raises_conflict_and_keeps_the_first(backend: Backend) -> None:
    first, second = backend.open("alice"), backend.open("admin")
    entry_id = backend.ids["entry:A:beta"]
    version = next(r.version for r in first.portfolio.rows(backend.ids["A"]).items
                   if r.entry_id == entry_id)
    first.portfolio.update_entry(entry_id, PortfolioEntryUpdate(client_reference="FIRST"),
                                 version)
    with pytest.raises(Conflict):
        second.portfolio.update_entry(entry_id, PortfolioEntryUpdate(client_reference="SECOND"),
                                      version)
    row = next(r for r in first.portfolio.rows(backend.ids["A"]).items if r.entry_id == entry_id)
    assert row.client_reference == "FIRST"


def test_read_only_user_cannot_write(backend: Backend) -> None:
    repo = backend.open("reader")
    row = repo.portfolio.rows(backend.ids["A"]).items[0]
    with pytest.raises(Forbidden):
        repo.portfolio.update_entry(row.entry_id, PortfolioEntryUpdate(client_reference="X"),
                                    row.version)


def test_user_of_b_reads_nothing_of_a(backend: Backend) -> None:
    bob = backend.open("bob")
    with pytest.raises(Forbidden):
        bob.portfolio.rows(backend.ids["A"])
    assert {r.company_name for r in bob.portfolio.rows(backend.ids["B"]).items} == {
        "Epsilon Transports", "Beta Maschinenbau GmbH"}
    row_of_a = backend.ids["entry:A:alpha"]
    with pytest.raises((Forbidden, LookupError, Exception)) as err:
        bob.portfolio.update_entry(row_of_a, PortfolioEntryUpdate(client_reference="X"), 1)
    assert type(err.value).__name__ in ("NotFound", "Forbidden")


def test_contract_b_row_shows_b_products_only(backend: Backend) -> None:
    rows = {r.company_name: r for r in backend.open("bob").portfolio.rows(backend.ids["B"]).items}
    assert rows["Beta Maschinenbau GmbH"].cover_amount == Decimal("5000")
    assert rows["Beta Maschinenbau GmbH"].client_reference == "B-2"


def test_row_shows_the_latest_claim_columns(backend: Backend) -> None:
    alice, uw = backend.open("alice"), backend.open("uw")

    def declare(company: str, **flags: Any) -> ClaimPublic:
        return alice.claims.submit(ClaimCreate(
            contact_name="Alice", contact_email="alice@example.test",
            contract_id=backend.ids["A"], company_id=backend.ids[company], reason="insolvency",
            invoices=[InvoiceLine(type="IN", number="9001", invoice_date=TODAY - timedelta(days=40),
                                  due_date=TODAY - timedelta(days=10), currency="EUR",
                                  amount_excl_tax=Decimal("800.00"), tax=Decimal("160.00"))],
            **flags))

    first = declare("gamma")  # an older, insured claim: the latest one is what shows
    uw.claims.set_status(first.id, ClaimStatusChange(status=ClaimStatus.CLOSED), first.version)
    latest = declare("gamma", insured=False, intervention_requested=True)
    accepted = uw.claims.set_status(latest.id, ClaimStatusChange(status=ClaimStatus.ACCEPTED),
                                   latest.version)
    uw.claims.set_indemnity(latest.id, IndemnityUpdate(collector=Collector.THIRD_PARTY.value),
                     accepted.version)
    declare("beta")

    rows = {r.company_name: r for r in alice.portfolio.rows(backend.ids["A"]).items}
    gamma = rows["Gamma Tessile SpA"]
    assert gamma.claim_status == ClaimStatus.ACCEPTED
    assert gamma.claim_intervention_requested is True
    assert gamma.claim_insured is False
    assert gamma.claim_collector == Collector.THIRD_PARTY
    beta = rows["Beta Maschinenbau GmbH"]
    assert (beta.claim_status, beta.claim_intervention_requested, beta.claim_insured,
            beta.claim_collector) == (ClaimStatus.PENDING, False, True, Collector.NONE)
    alpha = rows["Alpha Industries"]  # no claim: every claim column is empty
    assert (alpha.claim_status, alpha.claim_intervention_requested, alpha.claim_insured,
            alpha.claim_collector) == (None, None, None, None)

"""Every product is decided by the contract's tables, as data (SPEC §4-§5; issue 10 item
3): one test per rule, on every backend. Contracts A and B start with the default tables
(``rules.underwriting``): @rating cover refused in default and below DRA 3, else the DRA
grid's amount (DRA 7-8: 50,000); Express agreement 20,000 at the contract's 90 % from DRA
5; DRA products deliver the DRA; opinions the grid's amount; TopLiner quoted at once
from DRA 3 up to 100,000."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from cofatui.enums import NotificationType, ProductStatus
from cofatui.errors import ValidationFailed
from cofatui.models import Company
from cofatui.schemas import (
    NotificationFilter,
    PortfolioCriteria,
    ProductRequest,
    QueueFilter,
    UnderwriterDecisionInput,
)
from tests.contract import dataset
from tests.contract.conftest import Backend
from tests.contract.refusals import assert_coded, field_codes

TODAY = dataset.TODAY
DRA_DAY = date(2026, 11, 2)


def ask(backend: Backend, code: str, company: str, contract: str = "A",
        **kw: object) -> ProductRequest:
    return ProductRequest(contract_id=backend.ids[contract], company_id=backend.ids[company],
                          code=code, **kw)  # type: ignore[arg-type]


def set_dra(backend: Backend, company: str, dra: int | None) -> None:
    """The insurer's assessment of ``company`` (dated ``DRA_DAY``), set in its database."""
    with Session(backend.engine) as s:
        s.execute(update(Company).where(Company.id == backend.ids[company]).values(  # type: ignore[arg-type]
            dra=dra, dra_updated_at=datetime(2026, 11, 2, 9, tzinfo=UTC)))
        s.commit()


def titles(backend: Backend, login: str, text: str) -> list[str]:
    notes = backend.open(login).notifications.rows(NotificationFilter(text=text)).items
    return [n.title for n in notes]


def test_rating_cover_refused_below_the_threshold_dra_with_the_reason(backend: Backend) -> None:
    set_dra(backend, "epsilon", 2)
    refused = backend.open("alice").products.request(ask(backend, "RLI", "epsilon"))
    assert refused.status == ProductStatus.REFUSED
    assert refused.decided_by == "rule:rating-threshold"
    assert refused.comment == "An @rating cover needs a DRA of 3 or more."
    assert refused.decided_amount is None
    notes = backend.open("alice").notifications.rows(NotificationFilter(text="epsilon")).items
    note = next(n for n in notes if n.product_code == "RLI")
    assert note.title == "@rating cover refused"
    assert note.body == "An @rating cover needs a DRA of 3 or more."


def test_rating_cover_refused_on_a_buyer_in_default(backend: Backend) -> None:
    set_dra(backend, "epsilon", 0)
    refused = backend.open("alice").products.request(ask(backend, "RLI", "epsilon"))
    assert refused.status == ProductStatus.REFUSED
    assert refused.decided_by == "rule:rating-default"
    assert "in default" in refused.comment


def test_rating_cover_granted_with_the_amount_of_the_dra_grid(backend: Backend) -> None:
    alice = backend.open("alice")
    granted = alice.products.request(ask(backend, "RLI", "gamma"))  # DRA 8
    assert granted.status == ProductStatus.GRANTED
    assert granted.decided_by == "rule:rating-grid"
    assert (granted.decided_amount, granted.currency) == (Decimal(50000), "EUR")
    assert granted.effective_date == TODAY
    row = alice.portfolio.rows(backend.ids["A"], PortfolioCriteria(text="gamma")).items[0]
    assert row.cover_amount == Decimal(50000)
    assert "@rating cover granted: €50,000.00" in titles(backend, "alice", "gamma")


def test_express_agreement_gives_the_contract_amount_and_insured_percentage(
        backend: Backend) -> None:
    ecl = backend.open("alice").products.request(ask(backend, "ECL", "gamma"))
    assert ecl.status == ProductStatus.GRANTED and ecl.decided_by == "rule:express"
    assert ecl.decided_amount == Decimal(20000)
    assert ecl.insured_percentage == Decimal(90)
    assert "Express agreement granted: €20,000.00, insured 90 %" in \
        titles(backend, "alice", "gamma")


def test_express_agreement_refused_when_the_dra_forbids(backend: Backend) -> None:
    ecl = backend.open("alice").products.request(ask(backend, "ECL", "epsilon"))  # DRA 3
    assert ecl.status == ProductStatus.REFUSED
    assert ecl.decided_by == "rule:express-threshold"
    assert ecl.comment == "An Express agreement needs a DRA of 5 or more."


def test_dra_flash_delivers_the_dra_and_its_date(backend: Backend) -> None:
    set_dra(backend, "alpha", 7)
    flash = backend.open("alice").products.request(ask(backend, "RSC", "alpha"))
    assert flash.status == ProductStatus.GRANTED and flash.decided_by == "rule:dra-flash"
    assert (flash.delivered_dra, flash.delivered_dra_on) == (7, DRA_DAY)
    again = next(p for p in backend.open("alice").products.of_company(
        backend.ids["A"], backend.ids["alpha"]) if p.id == flash.id)
    assert (again.delivered_dra, again.delivered_dra_on) == (7, DRA_DAY)
    assert "DRA flash delivered: DRA 7 (02 Nov 2026)" in titles(backend, "alice", "alpha")


def test_dra_with_monitoring_notifies_every_change_with_the_new_value(backend: Backend) -> None:
    alice, uw = backend.open("alice"), backend.open("uw")
    rsm = alice.products.request(ask(backend, "RSM", "foo"))  # DRA 5
    assert rsm.monitored and rsm.delivered_dra == 5
    company = alice.companies.get(backend.ids["foo"])
    assert uw.underwriting.set_company_dra(company.id, 6, company.version) == 1
    now = next(p for p in alice.products.of_company(backend.ids["A"], backend.ids["foo"])
               if p.id == rsm.id)
    assert (now.delivered_dra, now.delivered_dra_on) == (6, TODAY)
    notes = alice.notifications.rows(NotificationFilter(
        type=NotificationType.MONITORING_UPDATE.value, text="foo")).items
    assert any(n.title == "DRA changed from 5 to 6 on 22 Nov 2026" for n in notes)


def test_opinion_amount_from_the_dra_grid(backend: Backend) -> None:
    opinion = backend.open("alice").products.request(ask(backend, "RCO", "foo"))  # DRA 5
    assert opinion.status == ProductStatus.GRANTED
    assert opinion.decided_by == "rule:opinion-flash"
    assert opinion.opinion_amount == Decimal(25000) and opinion.decided_amount is None
    assert "@rating opinion flash delivered: €25,000.00" in titles(backend, "alice", "foo")


def test_monitored_opinion_follows_the_dra(backend: Backend) -> None:
    alice, uw = backend.open("alice"), backend.open("uw")
    rom = alice.products.request(ask(backend, "ROM", "foo"))
    assert rom.opinion_amount == Decimal(25000)
    company = alice.companies.get(backend.ids["foo"])
    uw.underwriting.set_company_dra(company.id, 8, company.version)
    now = next(p for p in alice.products.of_company(backend.ids["A"], backend.ids["foo"])
               if p.id == rom.id)
    assert now.opinion_amount == Decimal(50000)
    assert "DRA changed from 5 to 8 on 22 Nov 2026; @rating opinion now €50,000.00" in \
        titles(backend, "alice", "foo")


def test_information_product_granted_by_an_underwriter_delivers(backend: Backend) -> None:
    set_dra(backend, "epsilon", None)  # no DRA yet: the rules cannot deliver one
    alice, uw = backend.open("alice"), backend.open("uw")
    pending = alice.products.request(ask(backend, "RSC", "epsilon"))
    assert pending.status == ProductStatus.PENDING
    company = uw.companies.get(backend.ids["epsilon"])
    uw.underwriting.set_company_dra(company.id, 6, company.version)
    item = next(i for i in uw.underwriting.queue(QueueFilter(code="RSC")).items
                if i.product_id == pending.id)
    done = uw.underwriting.decide(pending.id, UnderwriterDecisionInput(decision="grant"),
                             item.version)
    assert done.status == ProductStatus.GRANTED and done.decided_by == "uw"
    assert (done.delivered_dra, done.delivered_dra_on) == (6, TODAY)


def test_report_delivered_by_the_report_rule(backend: Backend) -> None:
    report = backend.open("alice").products.request(ask(backend, "REPORT_INSTANT", "alpha",
                                                       language="fr"))
    assert report.status == ProductStatus.GRANTED and report.decided_by == "rule:reports"


def test_topliner_priced_at_once_is_quoted_with_its_premium(backend: Backend) -> None:
    quoted = backend.open("bob").products.request(ask(
        backend, "TOPLINER", "beta", "B", amount=Decimal(60000), duration_days=60))
    assert quoted.status == ProductStatus.QUOTED
    assert quoted.decided_by == "rule:topliner-online"
    assert quoted.premium == Decimal("177.53")  # DRA 4: 1.80 % a year, 60 days
    assert (quoted.effective_date, quoted.end_date) == (TODAY, TODAY + timedelta(days=60))


def test_unpriceable_topliner_waits_for_an_underwriter(backend: Backend) -> None:
    pending = backend.open("bob").products.request(ask(
        backend, "TOPLINER", "beta", "B", amount=Decimal(250000), duration_days=60))
    assert pending.status == ProductStatus.PENDING and pending.premium is None
    item = next(i for i in backend.open("uw").underwriting.queue(
        QueueFilter(code="TOPLINER")).items if i.product_id == pending.id)
    assert item.duration_days == 60  # shown to the underwriter


def test_guarantor_cannot_be_the_buyer_itself(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").products.request(ask(
            backend, "CRL", "epsilon", amount=Decimal(10000),
            guarantor_company_id=backend.ids["epsilon"]))
    assert field_codes(err.value) == {"guarantor_company_id": "products.guarantor_is_buyer"}


def test_end_date_before_the_effective_date_refused(backend: Backend) -> None:
    uw = backend.open("uw")
    item = next(i for i in uw.underwriting.queue(QueueFilter(code="CRL")).items
                if i.product_id == backend.ids["p_foo_crl"])
    with pytest.raises(ValidationFailed) as err:
        uw.underwriting.decide(item.product_id, UnderwriterDecisionInput(
            decision="grant", end_date=TODAY - timedelta(days=1)), item.version)
    [end] = [e for e in err.value.errors if e.field == "end_date"]
    assert_coded(end, "products.end_before_effective", effective=date(2026, 11, 22))
    granted = uw.underwriting.decide(item.product_id, UnderwriterDecisionInput(
        decision="grant", end_date=TODAY + timedelta(days=90)), item.version)
    assert granted.status == ProductStatus.GRANTED
    assert granted.end_date == TODAY + timedelta(days=90)

"""Extended company search (SPEC §3 item 3; seed 001 "étendre votre recherche"): the
partners' companies are left out of the normal search, found by an extended one and
marked with their source; ordering a product on one brings it into the insurer's
database, audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.demo.identifiers import siren
from cofatui.errors import Conflict, Forbidden
from cofatui.models import Company, LegalIdentifier
from cofatui.repository.sql.companies import name_key
from cofatui.schemas import CompanyCreate, CompanySearch, ProductRequest
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.refusals import assert_coded

PARTNER_SIREN = siren(987_654)
PARTNER_EASY = "98000000000042"


def add_partner_company(engine: Engine, name: str = "Alpha Partenaires SARL",
                        country: str = "FRA", easy_number: str = PARTNER_EASY,
                        siren_value: str | None = PARTNER_SIREN) -> int:
    """A company of a partner's database, as the demo generator stores them."""
    with Session(engine) as s:
        company = Company(name=name, name_key=name_key(name), country=country,
                          easy_number=easy_number, address="12 rue des Partenaires",
                          postal_code="69002", city="Lyon", phone="+33 4 00 00 00 00",
                          source="partner", updated_at=NOW)
        s.add(company)
        s.flush()
        assert company.id is not None
        if siren_value:
            s.add(LegalIdentifier(company_id=company.id, type_code="SIREN", value=siren_value))
        s.commit()
        return company.id


def test_normal_search_leaves_partner_companies_out_extended_lists_them_marked(
        backend: Backend) -> None:
    partner = add_partner_company(backend.engine)
    repo = backend.open("alice")
    normal = repo.companies.search(CompanySearch(country="FRA", name="alpha"))
    assert [c.name for c in normal.items] == ["Alpha Industries", "Alpha Industries Lyon"]
    assert normal.total == 2
    extended = repo.companies.search(CompanySearch(country="FRA", name="alpha", extended=True))
    assert [(c.name, c.source) for c in extended.items] == [
        ("Alpha Industries", "insurer"), ("Alpha Industries Lyon", "insurer"),
        ("Alpha Partenaires SARL", "partner")]
    assert extended.total == 3 and extended.items[2].id == partner
    # Paged like any search: the second page of one row is the partner's company.
    assert [c.id for c in repo.companies.search(
        CompanySearch(country="FRA", name="alpha", extended=True), offset=2, limit=1).items
    ] == [partner]
    # Head office only, country and name still apply to the partner set.
    assert [c.name for c in repo.companies.search(CompanySearch(
        country="FRA", name="alpha", head_office_only=True, extended=True)).items] == [
        "Alpha Industries", "Alpha Partenaires SARL"]
    assert repo.companies.search(CompanySearch(country="DEU", name="alpha",
                                               extended=True)).items == []


def test_identifiers_find_a_partner_company_only_when_extended(backend: Backend) -> None:
    partner = add_partner_company(backend.engine)
    repo = backend.open("reader")  # searching needs no write right
    by_siren = CompanySearch(country="FRA", legal_identifier_type="SIREN",
                             legal_identifier_value=PARTNER_SIREN)
    assert repo.companies.search(by_siren).items == []
    found = repo.companies.search(by_siren.model_copy(update={"extended": True})).items
    assert [(c.id, c.source) for c in found] == [(partner, "partner")]
    assert [(i.type_code, i.value) for i in found[0].identifiers] == [("SIREN", PARTNER_SIREN)]
    assert repo.companies.search(CompanySearch(easy_number=PARTNER_EASY)).items == []
    assert [c.id for c in repo.companies.search(
        CompanySearch(easy_number=PARTNER_EASY, extended=True)).items] == [partner]
    # Opening it works like any company: the database is shared, it is in no portfolio.
    assert repo.companies.get(partner).source == "partner"
    assert repo.products.company_detail(backend.ids["A"], partner).entry_id is None


def test_ordering_on_a_partner_company_brings_it_into_the_insurer_database(
        backend: Backend) -> None:
    partner = add_partner_company(backend.engine)
    alice = backend.open("alice")
    before = alice.companies.get(partner)
    product = alice.products.request(ProductRequest(
        contract_id=backend.ids["A"], company_id=partner, code="CRL",
        amount=Decimal(10000)))
    assert product.company_id == partner
    company = alice.companies.get(partner)
    assert company.source == "insurer" and company.version == before.version + 1
    assert company.easy_number == PARTNER_EASY  # same company, same identifiers
    assert [c.id for c in alice.companies.search(CompanySearch(
        country="FRA", name="alpha partenaires")).items] == [partner]
    assert alice.products.company_detail(backend.ids["A"], partner).entry_id is not None
    audit = backend.open("admin").audit.entries().items
    adopted = [e for e in audit if e.operation == "adopt_partner_company"]
    assert [(e.target_id, e.login, e.contract_id, e.changes) for e in adopted] == [
        (partner, "alice", backend.ids["A"], {"source": ["partner", "insurer"]})]


def test_a_partner_guarantor_is_brought_in_too(backend: Backend) -> None:
    guarantor = add_partner_company(backend.engine, name="Garant Partenaire SA",
                                    easy_number="98000000000077", siren_value=None)
    alice = backend.open("alice")
    alice.products.request(ProductRequest(
        contract_id=backend.ids["A"], company_id=backend.ids["gamma"], code="CRL",
        amount=Decimal(5000), guarantor_company_id=guarantor))
    assert alice.companies.get(guarantor).source == "insurer"


def test_a_refused_order_leaves_the_partner_company_where_it_was(backend: Backend) -> None:
    partner = add_partner_company(backend.engine)
    with pytest.raises(Forbidden):
        backend.open("reader").products.request(ProductRequest(
            contract_id=backend.ids["A"], company_id=partner, code="CRL",
            amount=Decimal(10000)))
    assert backend.open("alice").companies.get(partner).source == "partner"
    assert backend.open("alice").companies.search(
        CompanySearch(country="FRA", name="alpha partenaires")).items == []


def test_creating_a_company_a_partner_already_knows_says_to_extend(backend: Backend) -> None:
    add_partner_company(backend.engine)
    with pytest.raises(Conflict) as err:
        backend.open("alice").companies.create(CompanyCreate(
            name="Alpha Partenaires", address="12 rue X", city="Lyon", postal_code="69002",
            country="FRA", legal_identifier_type="SIREN", legal_identifier_value=PARTNER_SIREN))
    assert_coded(err.value, "companies.identifier_exists_partner", identifier_type="SIREN",
                 identifier=PARTNER_SIREN)

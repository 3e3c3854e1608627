"""Identity, company search and creation, products, WAP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cofatui.enums import Establishment, Rights, Role
from cofatui.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from cofatui.repository.base import Repository
from cofatui.schemas import CompanyCreate, CompanySearch
from tests.contract.conftest import Backend


def test_repository_satisfies_the_protocol(backend: Backend) -> None:
    assert isinstance(backend.open("alice"), Repository)


def test_principal_lists_only_attached_contracts(backend: Backend) -> None:
    me = backend.open("reader").whoami()
    assert me.role == Role.POLICYHOLDER
    assert [(c.policy_number, c.rights) for c in me.contracts] == [("P-A", Rights.READ_ONLY)]
    assert [c.policy_number for c in backend.open("alice").contracts()] == ["P-A"]
    assert len(backend.open("uw").contracts()) == 2  # insurer staff see every contract


def test_unknown_user_is_refused(backend: Backend) -> None:
    with pytest.raises(Unauthenticated):
        backend.open("mallory")


def test_search_by_country_and_name_prefix_lists_branch_after_head_office(
        backend: Backend) -> None:
    page = backend.open("alice").companies.search(CompanySearch(country="FRA", name="alpha"))
    assert [(c.name, c.establishment) for c in page.items] == [
        ("Alpha Industries", Establishment.HEAD_OFFICE),
        ("Alpha Industries Lyon", Establishment.BRANCH)]
    only_heads = backend.open("alice").companies.search(
        CompanySearch(country="FRA", name="alpha", head_office_only=True))
    assert [c.name for c in only_heads.items] == ["Alpha Industries"]


def test_search_by_identifiers(backend: Backend) -> None:
    repo = backend.open("alice")
    assert [c.name for c in repo.companies.search(
        CompanySearch(legal_identifier_type="SIREN", legal_identifier_value="552 100 554")
    ).items] == ["Epsilon Transports"]
    assert [c.name for c in repo.companies.search(CompanySearch(easy_number="3")).items] == [
        "Gamma Tessile SpA"]


def test_search_needs_country_and_name(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").companies.search(CompanySearch(name="x"))
    assert set(err.value.by_field()) == {"country"}


def test_create_company_validates_and_detects_duplicates(backend: Backend) -> None:
    repo = backend.open("alice")
    with pytest.raises(ValidationFailed) as err:
        repo.companies.create(CompanyCreate(name="", address="", city="Paris", postal_code="1",
                                          country="FRA", legal_identifier_type="SIREN",
                                          legal_identifier_value="123456789"))
    fields = err.value.by_field()
    assert {"name", "address", "legal_identifier"} <= set(fields)
    created = repo.companies.create(CompanyCreate(
        name="New Co", address="2 rue X", city="Paris", postal_code="75002", country="fra",
        legal_identifier_type="SIREN", legal_identifier_value="356000000"))
    assert created.country == "FRA" and len(created.easy_number) == 14
    assert [(i.type_code, i.value) for i in created.identifiers] == [("SIREN", "356000000")]
    assert repo.companies.get(created.id).name == "New Co"
    with pytest.raises(Conflict):
        repo.companies.create(CompanyCreate(
            name="Copy", address="x", city="y", postal_code="z", country="FRA",
            legal_identifier_type="SIREN", legal_identifier_value="356000000"))


def test_products_and_history_are_scoped_to_the_contract(backend: Backend) -> None:
    alice, bob = backend.open("alice"), backend.open("bob")
    codes = [p.code for p in alice.products.of_company(backend.ids["A"], backend.ids["beta"])]
    assert codes == ["CRL"]
    assert alice.products.history(backend.ids["p_beta_crl"])[0].action == "request"
    with pytest.raises(NotFound):
        bob.products.history(backend.ids["p_beta_crl"])
    with pytest.raises(Forbidden):
        bob.products.of_company(backend.ids["A"], backend.ids["beta"])


def test_pending_requests_and_ending_guarantees(backend: Backend) -> None:
    repo = backend.open("alice")
    page = repo.products.pending_requests(backend.ids["A"])
    pending = page.items
    assert [(p.company_name, p.code) for p in pending] == [("Foo [UK] Ltd", "CRL")]
    assert page.total == 1 and pending[0].kind == "initial"
    assert pending[0].expected_decision_at is not None
    ending = repo.products.ending_guarantees(backend.ids["A"], within_days=30)
    assert [(e.company_name, e.code) for e in ending.items] == [("Alpha Industries Lyon",
                                                                  "RLI")]
    assert ending.total == 1
    soon = repo.products.ending_guarantees(backend.ids["A"], within_days=5)
    assert soon.items == [] and soon.total == 0


def test_wap_weights_dra_by_active_credit_decision(backend: Backend) -> None:
    summary = backend.open("alice").products.wap(backend.ids["A"])
    # alpha DRA 7 x 100 000, beta DRA 4 x 50 000, delta (RLI) DRA 7 x 15 000
    expected = (Decimal(7) * 100000 + Decimal(4) * 50000 + Decimal(7) * 15000) / 165000
    assert summary.wap == expected.quantize(Decimal("0.1"))
    assert summary.distribution["6-7"] == Decimal("115000")
    assert summary.distribution["4-5"] == Decimal("50000")
    assert summary.companies == 5
    with pytest.raises(Forbidden):
        backend.open("bob").products.wap(backend.ids["A"])

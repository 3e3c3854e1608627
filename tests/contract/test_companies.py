"""``repo.companies``: search (country, name prefix, identifiers) and creation."""

from __future__ import annotations

import pytest

from cofatui.enums import Establishment
from cofatui.errors import Conflict, ValidationFailed
from cofatui.schemas import CompanyCreate, CompanySearch
from tests.contract.conftest import Backend


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

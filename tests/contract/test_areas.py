"""The root of every backend exposes every area protocol, and the SQL and HTTP area
classes implement every method of their protocol with the same parameters."""

from __future__ import annotations

import inspect

import pytest

from cofatui.repository.areas import AREAS
from cofatui.repository.base import Repository
from cofatui.repository.http.audit import HttpAudit
from cofatui.repository.http.books import HttpBooks
from cofatui.repository.http.bulk import HttpBulk
from cofatui.repository.http.chorus_connector import HttpChorusConnector
from cofatui.repository.http.chorus_directory import HttpChorusDirectory
from cofatui.repository.http.chorus_facturx import HttpChorusFacturx
from cofatui.repository.http.chorus_invoices import HttpChorusInvoices
from cofatui.repository.http.claim_accounting import HttpClaimAccounting
from cofatui.repository.http.claims import HttpClaims
from cofatui.repository.http.companies import HttpCompanies
from cofatui.repository.http.company_info import HttpCompanyInfo
from cofatui.repository.http.covers import HttpCovers
from cofatui.repository.http.custom_fields import HttpCustomFields
from cofatui.repository.http.documents import HttpDocuments
from cofatui.repository.http.drafts import HttpDrafts
from cofatui.repository.http.exports import HttpExports
from cofatui.repository.http.extensions import HttpExtensions
from cofatui.repository.http.ilus import HttpIlus
from cofatui.repository.http.imports import HttpImports
from cofatui.repository.http.jobs import HttpJobs
from cofatui.repository.http.ledger import HttpLedger
from cofatui.repository.http.mail import HttpMail
from cofatui.repository.http.notifications import HttpNotifications
from cofatui.repository.http.portfolio import HttpPortfolio
from cofatui.repository.http.premiums import HttpPremiums
from cofatui.repository.http.products import HttpProducts
from cofatui.repository.http.rates import HttpRates
from cofatui.repository.http.turnover import HttpTurnover
from cofatui.repository.http.underwriting import HttpUnderwriting
from cofatui.repository.http.users import HttpUsers
from cofatui.repository.sql.audit import SqlAudit
from cofatui.repository.sql.books import SqlBooks
from cofatui.repository.sql.bulk import SqlBulk
from cofatui.repository.sql.chorus_connector import SqlChorusConnector
from cofatui.repository.sql.chorus_directory import SqlChorusDirectory
from cofatui.repository.sql.chorus_facturx import SqlChorusFacturx
from cofatui.repository.sql.chorus_invoices import SqlChorusInvoices
from cofatui.repository.sql.claim_accounting import SqlClaimAccounting
from cofatui.repository.sql.claims import SqlClaims
from cofatui.repository.sql.companies import SqlCompanies
from cofatui.repository.sql.company_info import SqlCompanyInfo
from cofatui.repository.sql.covers import SqlCovers
from cofatui.repository.sql.custom_fields import SqlCustomFields
from cofatui.repository.sql.documents import SqlDocuments
from cofatui.repository.sql.drafts import SqlDrafts
from cofatui.repository.sql.exchange_rates import SqlRates
from cofatui.repository.sql.exports import SqlExports
from cofatui.repository.sql.extensions import SqlExtensions
from cofatui.repository.sql.ilus import SqlIlus
from cofatui.repository.sql.imports import SqlImports
from cofatui.repository.sql.jobs import SqlJobs, SqlMail
from cofatui.repository.sql.ledger import SqlLedger
from cofatui.repository.sql.notifications import SqlNotifications
from cofatui.repository.sql.portfolio import SqlPortfolio
from cofatui.repository.sql.premiums import SqlPremiums
from cofatui.repository.sql.products import SqlProducts
from cofatui.repository.sql.turnover import SqlTurnover
from cofatui.repository.sql.underwriting import SqlUnderwriting
from cofatui.repository.sql.users import SqlUsers
from tests.contract.conftest import Backend

IMPLEMENTATIONS: dict[str, tuple[type, type]] = {
    "companies": (SqlCompanies, HttpCompanies),
    "portfolio": (SqlPortfolio, HttpPortfolio),
    "products": (SqlProducts, HttpProducts),
    "underwriting": (SqlUnderwriting, HttpUnderwriting),
    "notifications": (SqlNotifications, HttpNotifications),
    "claims": (SqlClaims, HttpClaims),
    "rates": (SqlRates, HttpRates),
    "extensions": (SqlExtensions, HttpExtensions),
    "drafts": (SqlDrafts, HttpDrafts),
    "audit": (SqlAudit, HttpAudit),
    "jobs": (SqlJobs, HttpJobs),
    "imports": (SqlImports, HttpImports),
    "mail": (SqlMail, HttpMail),
    "bulk": (SqlBulk, HttpBulk),
    "exports": (SqlExports, HttpExports),
    "custom_fields": (SqlCustomFields, HttpCustomFields),
    "users": (SqlUsers, HttpUsers),
    "company_info": (SqlCompanyInfo, HttpCompanyInfo),
    "turnover": (SqlTurnover, HttpTurnover),
    "ilus": (SqlIlus, HttpIlus),
    "documents": (SqlDocuments, HttpDocuments),
    "chorus_directory": (SqlChorusDirectory, HttpChorusDirectory),
    "chorus_invoices": (SqlChorusInvoices, HttpChorusInvoices),
    "chorus_facturx": (SqlChorusFacturx, HttpChorusFacturx),
    "chorus_connector": (SqlChorusConnector, HttpChorusConnector),
    "books": (SqlBooks, HttpBooks),
    "premiums": (SqlPremiums, HttpPremiums),
    "covers": (SqlCovers, HttpCovers),
    "claim_accounting": (SqlClaimAccounting, HttpClaimAccounting),
    "ledger": (SqlLedger, HttpLedger),
}


def protocol_methods(protocol: type) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(protocol).items()
            if inspect.isfunction(member) and not name.startswith("_")}


def parameters(signature: inspect.Signature) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def test_every_area_has_its_implementations() -> None:
    assert set(IMPLEMENTATIONS) == set(AREAS)


@pytest.mark.parametrize("area", sorted(AREAS))
def test_sql_and_http_implement_every_method_of_the_protocol(area: str) -> None:
    methods = protocol_methods(AREAS[area])
    assert methods, area
    for implementation in IMPLEMENTATIONS[area]:
        for name, signature in methods.items():
            member = getattr(implementation, name, None)
            assert callable(member), f"{implementation.__name__}.{name} is missing"
            assert parameters(inspect.signature(member)) == parameters(signature), \
                f"{implementation.__name__}.{name}{inspect.signature(member)} differs from " \
                f"{AREAS[area].__name__}.{name}{signature}"


def test_every_method_documents_what_it_raises() -> None:
    for protocol in AREAS.values():
        for name, member in vars(protocol).items():
            if inspect.isfunction(member) and not name.startswith("_"):
                assert "Raises" in (member.__doc__ or ""), f"{protocol.__name__}.{name}"


def test_the_root_exposes_every_area(backend: Backend) -> None:
    repo = backend.open("alice")
    try:
        assert isinstance(repo, Repository)
        for name, protocol in AREAS.items():
            area = getattr(repo, name)
            assert isinstance(area, protocol), name
            assert isinstance(area, IMPLEMENTATIONS[name][0 if backend.name in (
                "sqlite", "postgres") else 1]), name
    finally:
        repo.close()


def test_repository_satisfies_the_protocol(backend: Backend) -> None:
    assert isinstance(backend.open("alice"), Repository)

"""The root of the Repository over HTTP: who I am, my contracts, and one object per
area (``repo.companies``, ``repo.claims``, …), all on one transport."""

from __future__ import annotations

import httpx
from pydantic import TypeAdapter

from cofatui.repository.http.audit import HttpAudit
from cofatui.repository.http.books import HttpBooks
from cofatui.repository.http.bulk import HttpBulk
from cofatui.repository.http.chorus_connector import HttpChorusConnector
from cofatui.repository.http.chorus_directory import HttpChorusDirectory
from cofatui.repository.http.chorus_facturx import HttpChorusFacturx
from cofatui.repository.http.chorus_invoices import HttpChorusInvoices
from cofatui.repository.http.claim_accounting import HttpClaimAccounting
from cofatui.repository.http.claims import HttpClaims
from cofatui.repository.http.client import BACKOFF_SECONDS, RETRIES, HttpClient
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
from cofatui.schemas import ContractPublic, Principal

_PRINCIPAL = TypeAdapter(Principal)
_CONTRACTS = TypeAdapter(list[ContractPublic])


class HttpRepository(HttpClient):
    """The Repository protocol against a ``cofatui serve`` at ``base_url``."""

    def __init__(self, base_url: str, token: str, *, client: httpx.Client | None = None,
                 timeout: float = 10.0, retries: int = RETRIES,
                 backoff: float = BACKOFF_SECONDS) -> None:
        super().__init__(base_url, token, client=client, timeout=timeout, retries=retries,
                         backoff=backoff)
        self.companies = HttpCompanies(self)
        self.portfolio = HttpPortfolio(self)
        self.products = HttpProducts(self)
        self.underwriting = HttpUnderwriting(self)
        self.notifications = HttpNotifications(self)
        self.claims = HttpClaims(self)
        self.rates = HttpRates(self)
        self.extensions = HttpExtensions(self)
        self.drafts = HttpDrafts(self)
        self.audit = HttpAudit(self)
        self.jobs = HttpJobs(self)
        self.imports = HttpImports(self)
        self.mail = HttpMail(self)
        self.bulk = HttpBulk(self)
        self.exports = HttpExports(self)
        self.custom_fields = HttpCustomFields(self)
        self.users = HttpUsers(self)
        self.company_info = HttpCompanyInfo(self)
        self.turnover = HttpTurnover(self)
        self.ilus = HttpIlus(self)
        self.documents = HttpDocuments(self)
        self.chorus_directory = HttpChorusDirectory(self)
        self.chorus_invoices = HttpChorusInvoices(self)
        self.chorus_facturx = HttpChorusFacturx(self)
        self.chorus_connector = HttpChorusConnector(self)
        self.books = HttpBooks(self)
        self.premiums = HttpPremiums(self)
        self.covers = HttpCovers(self)
        self.claim_accounting = HttpClaimAccounting(self)
        self.ledger = HttpLedger(self)

    def whoami(self) -> Principal:
        return self._get(_PRINCIPAL, "/me")

    def contracts(self) -> list[ContractPublic]:
        return self._get(_CONTRACTS, "/contracts")

    def __enter__(self) -> HttpRepository:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_http_repository(api_url: str, token: str, *, client: httpx.Client | None = None,
                         timeout: float = 10.0, verify: bool = True) -> HttpRepository:
    """The repository for ``--api URL`` and a token. With ``verify`` (the default) it
    asks the server who the token belongs to, so a wrong URL or token fails at once with
    a clear message (Unavailable / Unauthenticated) rather than at the first screen."""
    repo = HttpRepository(api_url, token, client=client, timeout=timeout)
    if verify:
        try:
            repo.whoami()
        except BaseException:
            repo.close()
            raise
    return repo


__all__ = ["HttpRepository", "open_http_repository"]

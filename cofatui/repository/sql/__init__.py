"""The Repository on SQL databases (SQLite embedded, PostgreSQL shared)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from cofatui.clock import Clock
from cofatui.repository.sql.audit import SqlAudit
from cofatui.repository.sql.bulk import SqlBulk
from cofatui.repository.sql.chorus_connector import SqlChorusConnector
from cofatui.repository.sql.chorus_directory import SqlChorusDirectory
from cofatui.repository.sql.chorus_facturx import SqlChorusFacturx
from cofatui.repository.sql.chorus_invoices import SqlChorusInvoices
from cofatui.repository.sql.claims import SqlClaims
from cofatui.repository.sql.companies import SqlCompanies
from cofatui.repository.sql.company_info import SqlCompanyInfo
from cofatui.repository.sql.core import SqlCore
from cofatui.repository.sql.custom_fields import SqlCustomFields
from cofatui.repository.sql.documents import SqlDocuments
from cofatui.repository.sql.drafts import SqlDrafts
from cofatui.repository.sql.engine import make_engine, normalize_url, refresh_statistics
from cofatui.repository.sql.exchange_rates import SqlRates
from cofatui.repository.sql.exports import SqlExports
from cofatui.repository.sql.extensions import SqlExtensions
from cofatui.repository.sql.ilus import SqlIlus
from cofatui.repository.sql.imports import SqlImports
from cofatui.repository.sql.jobs import SqlJobs, SqlMail
from cofatui.repository.sql.notifications import SqlNotifications
from cofatui.repository.sql.portfolio import SqlPortfolio
from cofatui.repository.sql.products import SqlProducts
from cofatui.repository.sql.turnover import SqlTurnover
from cofatui.repository.sql.underwriting import SqlUnderwriting
from cofatui.repository.sql.users import SqlUsers

if TYPE_CHECKING:
    from cofatui.repository.sql.books import SqlBooks
    from cofatui.repository.sql.claim_accounting import SqlClaimAccounting
    from cofatui.repository.sql.covers import SqlCovers
    from cofatui.repository.sql.ledger import SqlLedger
    from cofatui.repository.sql.premiums import SqlPremiums


class SqlRepository(SqlCore):
    """The Repository protocol on one engine, acting for one user: the principal and
    one object per area, all sharing this root's unit of work and access checks."""

    def __init__(self, engine: Engine, login: str, clock: Clock | None = None) -> None:
        super().__init__(engine, login, clock)
        self.companies = SqlCompanies(self)
        self.portfolio = SqlPortfolio(self)
        self.products = SqlProducts(self)
        self.underwriting = SqlUnderwriting(self)
        self.notifications = SqlNotifications(self)
        self.claims = SqlClaims(self)
        self.rates = SqlRates(self)
        self.extensions = SqlExtensions(self)
        self.drafts = SqlDrafts(self)
        self.audit = SqlAudit(self)
        self.jobs = SqlJobs(self)
        self.imports = SqlImports(self)
        self.mail = SqlMail(self)
        self.bulk = SqlBulk(self)
        self.exports = SqlExports(self)
        self.custom_fields = SqlCustomFields(self)
        self.users = SqlUsers(self)
        self.company_info = SqlCompanyInfo(self)
        self.turnover = SqlTurnover(self)
        self.ilus = SqlIlus(self)
        self.documents = SqlDocuments(self)
        self.chorus_directory = SqlChorusDirectory(self)
        self.chorus_invoices = SqlChorusInvoices(self)
        self.chorus_facturx = SqlChorusFacturx(self)
        self.chorus_connector = SqlChorusConnector(self)

    # The sub-ledger's areas (issue 20) are made, and their modules imported, when first
    # used: the posting engine, its rules and the FEC stay out of the app's start-up.
    @cached_property
    def books(self) -> SqlBooks:
        from cofatui.repository.sql.books import SqlBooks

        return SqlBooks(self)

    @cached_property
    def premiums(self) -> SqlPremiums:
        from cofatui.repository.sql.premiums import SqlPremiums

        return SqlPremiums(self)

    @cached_property
    def covers(self) -> SqlCovers:
        from cofatui.repository.sql.covers import SqlCovers

        return SqlCovers(self)

    @cached_property
    def claim_accounting(self) -> SqlClaimAccounting:
        from cofatui.repository.sql.claim_accounting import SqlClaimAccounting

        return SqlClaimAccounting(self)

    @cached_property
    def ledger(self) -> SqlLedger:
        from cofatui.repository.sql.ledger import SqlLedger

        return SqlLedger(self)

    def close(self) -> None:
        """The engine is shared; closing a repository releases nothing of its own."""


def open_sql_repository(url: str, login: str, clock: Clock | None = None,
                        upgrade: bool = True) -> SqlRepository:
    """Open (and migrate, unless told not to) the database at ``url`` for ``login``."""
    from cofatui import migrations

    engine = make_engine(url)
    if upgrade and not migrations.is_up_to_date(engine):
        migrations.upgrade(engine)
        refresh_statistics(engine)
    else:
        refresh_statistics(engine, only_if_missing=True)
    return SqlRepository(engine, login, clock)


__all__ = ["Engine", "SqlRepository", "make_engine", "normalize_url", "open_sql_repository",
           "refresh_statistics"]

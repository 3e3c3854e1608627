"""The Repository on SQL databases (SQLite embedded, PostgreSQL shared)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from cofatui.clock import Clock

# Registers the ORM listener that fills a notification's change columns (issue 16):
# any area may insert a notification, before or without ``repo.notifications`` made.
from cofatui.repository.sql import notification_changes  # noqa: F401
from cofatui.repository.sql.core import SqlCore
from cofatui.repository.sql.engine import make_engine, normalize_url, refresh_statistics

if TYPE_CHECKING:
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


class SqlRepository(SqlCore):
    """The Repository protocol on one engine, acting for one user: the principal and
    one object per area, all sharing this root's unit of work and access checks."""

    def __init__(self, engine: Engine, login: str, clock: Clock | None = None) -> None:
        super().__init__(engine, login, clock)

    # Every area is made, and its module imported, when first used (issue 21 item 1:
    # the app's start imports only what home and the WAP read; a command or the API
    # pays for an area when it first calls it).
    @cached_property
    def companies(self) -> SqlCompanies:
        from cofatui.repository.sql.companies import SqlCompanies

        return SqlCompanies(self)

    @cached_property
    def portfolio(self) -> SqlPortfolio:
        from cofatui.repository.sql.portfolio import SqlPortfolio

        return SqlPortfolio(self)

    @cached_property
    def products(self) -> SqlProducts:
        from cofatui.repository.sql.products import SqlProducts

        return SqlProducts(self)

    @cached_property
    def underwriting(self) -> SqlUnderwriting:
        from cofatui.repository.sql.underwriting import SqlUnderwriting

        return SqlUnderwriting(self)

    @cached_property
    def notifications(self) -> SqlNotifications:
        from cofatui.repository.sql.notifications import SqlNotifications

        return SqlNotifications(self)

    @cached_property
    def claims(self) -> SqlClaims:
        from cofatui.repository.sql.claims import SqlClaims

        return SqlClaims(self)

    @cached_property
    def rates(self) -> SqlRates:
        from cofatui.repository.sql.exchange_rates import SqlRates

        return SqlRates(self)

    @cached_property
    def extensions(self) -> SqlExtensions:
        from cofatui.repository.sql.extensions import SqlExtensions

        return SqlExtensions(self)

    @cached_property
    def drafts(self) -> SqlDrafts:
        from cofatui.repository.sql.drafts import SqlDrafts

        return SqlDrafts(self)

    @cached_property
    def audit(self) -> SqlAudit:
        from cofatui.repository.sql.audit import SqlAudit

        return SqlAudit(self)

    @cached_property
    def jobs(self) -> SqlJobs:
        from cofatui.repository.sql.jobs import SqlJobs

        return SqlJobs(self)

    @cached_property
    def imports(self) -> SqlImports:
        from cofatui.repository.sql.imports import SqlImports

        return SqlImports(self)

    @cached_property
    def mail(self) -> SqlMail:
        from cofatui.repository.sql.jobs import SqlMail

        return SqlMail(self)

    @cached_property
    def bulk(self) -> SqlBulk:
        from cofatui.repository.sql.bulk import SqlBulk

        return SqlBulk(self)

    @cached_property
    def exports(self) -> SqlExports:
        from cofatui.repository.sql.exports import SqlExports

        return SqlExports(self)

    @cached_property
    def custom_fields(self) -> SqlCustomFields:
        from cofatui.repository.sql.custom_fields import SqlCustomFields

        return SqlCustomFields(self)

    @cached_property
    def users(self) -> SqlUsers:
        from cofatui.repository.sql.users import SqlUsers

        return SqlUsers(self)

    @cached_property
    def company_info(self) -> SqlCompanyInfo:
        from cofatui.repository.sql.company_info import SqlCompanyInfo

        return SqlCompanyInfo(self)

    @cached_property
    def turnover(self) -> SqlTurnover:
        from cofatui.repository.sql.turnover import SqlTurnover

        return SqlTurnover(self)

    @cached_property
    def ilus(self) -> SqlIlus:
        from cofatui.repository.sql.ilus import SqlIlus

        return SqlIlus(self)

    @cached_property
    def documents(self) -> SqlDocuments:
        from cofatui.repository.sql.documents import SqlDocuments

        return SqlDocuments(self)

    @cached_property
    def chorus_directory(self) -> SqlChorusDirectory:
        from cofatui.repository.sql.chorus_directory import SqlChorusDirectory

        return SqlChorusDirectory(self)

    @cached_property
    def chorus_invoices(self) -> SqlChorusInvoices:
        from cofatui.repository.sql.chorus_invoices import SqlChorusInvoices

        return SqlChorusInvoices(self)

    @cached_property
    def chorus_facturx(self) -> SqlChorusFacturx:
        from cofatui.repository.sql.chorus_facturx import SqlChorusFacturx

        return SqlChorusFacturx(self)

    @cached_property
    def chorus_connector(self) -> SqlChorusConnector:
        from cofatui.repository.sql.chorus_connector import SqlChorusConnector

        return SqlChorusConnector(self)

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

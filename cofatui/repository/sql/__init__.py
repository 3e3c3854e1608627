"""The Repository on SQL databases (SQLite embedded, PostgreSQL shared)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from cofatui.clock import Clock
from cofatui.repository.sql.claim_follow_up import ClaimFollowUp
from cofatui.repository.sql.claim_submission import ClaimCommands
from cofatui.repository.sql.claims_queue import ClaimsQueue
from cofatui.repository.sql.companies import CompanyQueries
from cofatui.repository.sql.drafts import DraftStore
from cofatui.repository.sql.end_alerts import EndAlertCommands
from cofatui.repository.sql.engine import make_engine, normalize_url, refresh_statistics
from cofatui.repository.sql.exchange_rates import ExchangeRateCommands
from cofatui.repository.sql.extensions import ExtensionCommands
from cofatui.repository.sql.jobs import JobAreas
from cofatui.repository.sql.notifications import NotificationQueries
from cofatui.repository.sql.portfolio import PortfolioQueries
from cofatui.repository.sql.product_lifecycle import ProductLifecycle
from cofatui.repository.sql.product_queries import ProductQueries


class SqlRepository(CompanyQueries, PortfolioQueries, ProductQueries, ProductLifecycle,
                    NotificationQueries, ClaimCommands, ClaimFollowUp, ClaimsQueue,
                    ExchangeRateCommands,
                    DraftStore,
                    ExtensionCommands, EndAlertCommands, JobAreas):
    """The Repository protocol on one engine, acting for one user."""

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

"""The list pages read the user's rights in their own transaction (issue 21 item 5): an
API request, whose repository reads its principal at first use, opens one transaction
for a page instead of two, and what the rights allow is what that transaction reads. A
repository shared by threads (the TUI reads a page and its count on two workers at
once) keeps each thread's transaction to itself."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from cofatui.errors import Forbidden
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.core import deferred_principal
from cofatui.schemas import NotificationFilter, PortfolioCriteria
from tests.contract import dataset


def _request_repository(engine: Engine, login: str) -> SqlRepository:
    """What the API builds for a request once its token is checked."""
    with deferred_principal():
        return SqlRepository(engine, login)


def _transactions(engine: Engine, read: Any) -> int:
    began: list[object] = []

    def on_begin(conn: object) -> None:
        began.append(conn)

    event.listen(engine, "begin", on_begin)
    try:
        read()
    finally:
        event.remove(engine, "begin", on_begin)
    return len(began)


def test_a_request_reads_a_page_with_its_rights_in_one_transaction(
        sql_dataset: tuple[Engine, dataset.Ids]) -> None:
    made, ids = sql_dataset
    notes = NotificationFilter(contract_id=ids["A"])
    reads = {
        "notifications page": lambda repo: repo.notifications.rows_json(notes, 0, 20,
                                                                         with_total=False),
        "notifications count": lambda repo: repo.notifications.count(notes),
        "portfolio page": lambda repo: repo.portfolio.rows(ids["A"], PortfolioCriteria(),
                                                           0, 20, with_total=False),
    }
    for name, read in reads.items():
        repo = _request_repository(made, "alice")
        assert _transactions(made, lambda r=repo, f=read: f(r)) == 1, name


def test_rights_read_in_the_page_transaction_still_refuse(
        sql_dataset: tuple[Engine, dataset.Ids]) -> None:
    made, ids = sql_dataset
    bob = _request_repository(made, "bob")  # attached to B only
    with pytest.raises(Forbidden):
        bob.notifications.rows_json(NotificationFilter(contract_id=ids["A"]), 0, 20)
    with pytest.raises(Forbidden):
        _request_repository(made, "bob").portfolio.rows(ids["A"], PortfolioCriteria())
    with pytest.raises(Forbidden):
        _request_repository(made, "bob").notifications.count(
            NotificationFilter(contract_id=ids["A"]))
    # The refusal left nothing behind: the same repository reads its own contract.
    page = bob.portfolio.rows(ids["B"], PortfolioCriteria())
    assert {row.company_name for row in page.items} == {"Epsilon Transports",
                                                        "Beta Maschinenbau GmbH"}


def test_one_repository_read_from_many_threads_at_once(
        sql_dataset: tuple[Engine, dataset.Ids]) -> None:
    made, ids = sql_dataset
    repo = SqlRepository(made, "both")
    notes = NotificationFilter()
    expected = (repo.notifications.rows_json(notes, 0, 50, with_total=True),
                repo.notifications.count(notes).count,
                [r.entry_id for r in repo.portfolio.rows(ids["A"], PortfolioCriteria()).items],
                [r.entry_id for r in repo.portfolio.rows(ids["B"], PortfolioCriteria()).items])

    def read(n: int) -> tuple[Any, ...]:
        return (repo.notifications.rows_json(notes, 0, 50, with_total=True),
                repo.notifications.count(notes).count,
                [r.entry_id for r in repo.portfolio.rows(ids["A"],
                                                         PortfolioCriteria()).items],
                [r.entry_id for r in repo.portfolio.rows(ids["B"],
                                                         PortfolioCriteria()).items])

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(read, range(36)))
    assert all(result == expected for result in results)

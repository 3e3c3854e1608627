"""Home's product lists read their pages by key (issue 21): End reads the last page
from the other end and scrolling reads after a page's cursor, never a deep OFFSET."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.models import Product
from cofatui.schemas import Seek
from cofatui.tui.app import CofaApp
from cofatui.tui.features.home.home import HomeScreen
from cofatui.tui.kit.virtual_list import PAGE_SIZE, VirtualList
from tests.contract import dataset
from tests.tui.pilot import settle
from tests.tui.test_home import add_pending_requests
from tests.tui.test_notifications import build_app, open_database, pin_utc


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    yield from open_database(tmp_path)


class ProductReads:
    """``repo.products`` that records (method, offset, seek) of every list read."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.reads: list[tuple[str, int, Seek | None]] = []
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def pending_requests(self, contract_id: int, offset: int = 0, limit: int = 100,
                         seek: Seek | None = None) -> Any:
        with self._lock:
            self.reads.append(("pending", offset, seek))
        return self._inner.pending_requests(contract_id, offset, limit, seek)

    def ending_guarantees(self, contract_id: int, within_days: int, offset: int = 0,
                          limit: int = 100, seek: Seek | None = None) -> Any:
        with self._lock:
            self.reads.append(("ending", offset, seek))
        return self._inner.ending_guarantees(contract_id, within_days, offset, limit, seek)


def add_ending_covers(engine: Engine, ids: dataset.Ids, count: int) -> list[int]:
    """``count`` granted covers of contract A ending over the next 30 days."""
    with Session(engine) as s:
        products = [Product(
            contract_id=ids["A"], company_id=ids["beta"], code="CRL", status="granted",
            requested_amount=Decimal(1000), decided_amount=Decimal(1000), currency="EUR",
            updated_at=dataset.NOW,
            end_date=dataset.NOW.date() + timedelta(days=i % 30)) for i in range(count)]
        s.add_all(products)
        s.commit()
        return [p.id for p in products if p.id is not None]


def spy_on(app: CofaApp) -> ProductReads:
    reads = ProductReads(app.repo.products)

    class Repo:  # the app's repository with its products area read through the spy
        def __getattr__(self, name: str) -> Any:
            return reads if name == "products" else getattr(inner, name)

    inner = app.repo
    app.repo = Repo()
    return reads


@pytest.mark.parametrize("list_id", ["pending", "ending"])
async def test_end_and_scrolling_read_by_key(engine: tuple[Engine, dataset.Ids],
                                             list_id: str) -> None:
    count = 10 * PAGE_SIZE + 50  # End is far: more than the pages walked by key
    add: Callable[[Engine, dataset.Ids, int], list[int]] = (
        add_pending_requests if list_id == "pending" else add_ending_covers)
    add(*engine, count)
    app = build_app(engine[0])
    reads = spy_on(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        lst = screen.query_one(f"#{list_id}", VirtualList)
        assert lst.row_count == count + 1  # and the dataset's own row
        lst.focus()
        def by_offset(offset: int) -> Any:  # the reference: the row there, by offset
            products, contract = app.repo.products, engine[1]["A"]
            page = (products.pending_requests(contract, offset, 1) if list_id == "pending"
                    else products.ending_guarantees(contract, 30, offset, 1))
            return page.items[0]

        key = "request_id" if list_id == "pending" else "product_id"
        lst.cursor = PAGE_SIZE + 10  # the second page: read after the first's cursor
        await settle(pilot)
        shown = lst.cursor_row
        assert shown is not None
        assert getattr(shown, key) == getattr(by_offset(PAGE_SIZE + 10), key)
        mine = [(offset, seek) for name, offset, seek in reads.reads if name == list_id]
        assert any(seek is not None and seek.after is not None for _, seek in mine), mine
        await pilot.press("end")
        await settle(pilot)
        last = lst.cursor_row
        assert last is not None and getattr(last, key) == getattr(by_offset(count), key)
        mine = [(offset, seek) for name, offset, seek in reads.reads if name == list_id]
        assert any(seek is not None and seek.last for _, seek in mine), mine
        # The list itself reads only its first page by offset (the others here are the
        # test's own reference reads, made with the spy too).
        assert [o for o, seek in mine if seek is None and o > 0] == [PAGE_SIZE + 10, count]

"""PagedSource: the first page answers both the count and the first fetch (one query,
even when both are asked at once from two threads); later pages go to the repository;
a refused query is reported and reads as an empty list."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from cofatui.errors import CofaError, ValidationFailed
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import PAGE_SIZE


@dataclass
class FakePage:
    items: list[int]
    total: int


class Numbers:
    """``size`` numbers, paged; records every query it answers."""

    def __init__(self, size: int, delay: float = 0.0) -> None:
        self.size = size
        self.delay = delay
        self.calls: list[tuple[int, int]] = []

    def page(self, offset: int, limit: int) -> FakePage:
        self.calls.append((offset, limit))
        time.sleep(self.delay)
        return FakePage(list(range(offset, min(offset + limit, self.size))), self.size)


def test_count_and_first_page_share_one_query() -> None:
    numbers = Numbers(1000)
    source = PagedSource(numbers.page, on_error=lambda exc: None)
    assert source.count() == 1000
    assert list(source.fetch(0, 10)) == list(range(10))
    assert list(source.fetch(0, PAGE_SIZE))[-1] == PAGE_SIZE - 1
    assert numbers.calls == [(0, PAGE_SIZE)]
    assert list(source.fetch(PAGE_SIZE, PAGE_SIZE))[:2] == [PAGE_SIZE, PAGE_SIZE + 1]
    assert numbers.calls == [(0, PAGE_SIZE), (PAGE_SIZE, PAGE_SIZE)]


def test_count_and_fetch_at_once_from_two_threads_query_once() -> None:
    numbers = Numbers(50, delay=0.05)
    source = PagedSource(numbers.page, on_error=lambda exc: None)
    counted: list[int] = []
    worker = threading.Thread(target=lambda: counted.append(source.count()))
    worker.start()
    rows = source.fetch(0, PAGE_SIZE)
    worker.join()
    assert counted == [50] and list(rows) == list(range(50))
    assert numbers.calls == [(0, PAGE_SIZE)]


def test_a_refused_query_is_reported_and_counts_no_rows() -> None:
    reported: list[CofaError] = []

    def refuse(offset: int, limit: int) -> FakePage:
        raise ValidationFailed({"country": "Choose a country"})

    source = PagedSource(refuse, on_error=reported.append)
    assert source.count() == 0
    assert [e.message for e in reported[0].errors] == ["Choose a country"]  # type: ignore[attr-defined]


def test_an_empty_result() -> None:
    source = PagedSource(Numbers(0).page, on_error=lambda exc: None)
    assert source.count() == 0 and list(source.fetch(0, PAGE_SIZE)) == []

"""A whole bulk-order file checked, and the totals of its results.

:func:`read_orders` = the file checks (:mod:`.reading`) + the line checks
(:mod:`.checks`) on each order line. Statuses and the file's status follow the file
imports (``formats.imports``): a file succeeds when every line is OK, partially
succeeds when some are, and fails when none is (or when it is refused whole).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cofatui.formats.bulk_orders.checks import OrderLine, RejectedLine, check_text
from cofatui.formats.bulk_orders.messages import LineError
from cofatui.formats.bulk_orders.reading import numbered_order_lines
from cofatui.formats.csv_lines import ImportRefused
from cofatui.formats.imports import (
    ERROR,
    FAILED,
    OK,
    PARTIALLY_SUCCEEDED,
    SUCCEEDED,
    LineProblem,
)

__all__ = ["ERROR", "NOT_PROCESSED", "OK", "BulkFile", "Totals", "not_processed",
           "read_orders", "refusal", "totals"]

#: A line's status when its import was cancelled (or stopped) before it ran.
NOT_PROCESSED = "not_processed"


@dataclass(frozen=True, slots=True)
class BulkFile:
    """Every order line of a file, in file order, checked: one entry per line."""

    lines: tuple[OrderLine | RejectedLine, ...]

    @property
    def orders(self) -> tuple[OrderLine, ...]:
        return tuple(line for line in self.lines if isinstance(line, OrderLine))

    @property
    def rejected(self) -> tuple[RejectedLine, ...]:
        return tuple(line for line in self.lines if isinstance(line, RejectedLine))

    @property
    def total(self) -> int:
        return len(self.lines)


def read_orders(data: bytes, currency: str) -> BulkFile:
    """Check a file for a contract in ``currency``; ImportRefused when refused whole."""
    return BulkFile(tuple([check_text(line_no, text, currency)
                           for line_no, text in numbered_order_lines(data)]))


def refusal(refused: ImportRefused) -> LineError:
    """Why a file was refused whole, worded like a line's result: the reason's short
    message (``data_too_large``…) and the refusal's detail."""
    return LineError(refused.reason, LineProblem(refused.code, dict(refused.params)))


def not_processed() -> LineError:
    """The result of a line its import did not reach (cancelled before it)."""
    return LineError.of("not_processed", "bulk.cancelled")


@dataclass(frozen=True, slots=True)
class Totals:
    lines: int
    errors: int
    ok: int
    not_processed: int

    @property
    def status(self) -> str:
        """``succeeded``, ``partially_succeeded`` or ``failed``."""
        if self.ok and self.ok == self.lines:
            return SUCCEEDED
        return PARTIALLY_SUCCEEDED if self.ok else FAILED


def totals(statuses: Iterable[str]) -> Totals:
    """The totals of line statuses (``ok``, ``error``, ``not_processed``)."""
    counted = {OK: 0, ERROR: 0, NOT_PROCESSED: 0}
    for status in statuses:
        counted[status] += 1  # an unknown status is a programming error (KeyError)
    return Totals(sum(counted.values()), counted[ERROR], counted[OK], counted[NOT_PROCESSED])

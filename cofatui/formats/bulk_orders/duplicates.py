"""Duplicates (``duplicate_company``) and the run order of a file's lines (item 5).

A (company, product) pair may appear once in a file. The one exception (seed 2.a):
several CRL lines on one company, each with its own operation number other than 0.
They run in ascending operation number, at the place of the group's first line; after
a failure the rest of the group is not run (``order_submission_failed`` naming the
failed line, :meth:`RunStep.not_run_after`). Any other repetition refuses every line
of the pair: running one of two conflicting orders would be a guess.

The company is whatever key the caller resolved it to (a company id, once the
database has been asked), so this module stays pure. Before resolution,
:func:`raw_company_key` gives a key from the line as written: equal keys surely name
one company, but two different keys may still do (an EasyNumber on one line, the
company's SIREN on another), so the duplicates found on raw keys are a subset of the
real ones.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from cofatui.formats.bulk_orders.checks import OPERATION_PRODUCT, OrderLine
from cofatui.formats.bulk_orders.messages import LineError

__all__ = ["Candidate", "RunPlan", "RunStep", "plan_runs", "raw_company_key"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A resolved line: its number, its company's key, its product and operation."""

    line_no: int
    company: Hashable
    product: str
    operation: int = 0

    @classmethod
    def of(cls, order: OrderLine, company: Hashable) -> Candidate:
        return cls(order.line_no, company, order.product, order.operation)


@dataclass(frozen=True, slots=True)
class RunStep:
    """Lines run one after the other: a single line, or a CRL operation group in
    ascending operation number (``operations``, parallel to ``lines``)."""

    lines: tuple[int, ...]
    operations: tuple[int, ...]

    def not_run_after(self, failed: int) -> dict[int, LineError]:
        """The lines of the group after the failed line ``failed``, each refused
        ``order_submission_failed`` naming it; empty for a single line."""
        at = self.lines.index(failed)
        return {line: LineError.of("order_submission_failed", "bulk.group_failed",
                                   line=str(failed), operation=str(self.operations[at]))
                for line in self.lines[at + 1:]}


@dataclass(frozen=True, slots=True)
class RunPlan:
    """``steps`` in run order (each at the place of its first line in the file);
    ``refused`` the duplicate lines, by line number, which never run."""

    steps: tuple[RunStep, ...]
    refused: Mapping[int, LineError]

    @property
    def run_order(self) -> tuple[int, ...]:
        return tuple(line for step in self.steps for line in step.lines)


def plan_runs(candidates: Iterable[Candidate]) -> RunPlan:
    """The run order of the resolved lines and the refused duplicates."""
    pairs: dict[tuple[Hashable, str], list[Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: c.line_no):
        pairs.setdefault((candidate.company, candidate.product), []).append(candidate)
    steps: list[tuple[int, RunStep]] = []
    refused: dict[int, LineError] = {}
    for (_, product), group in pairs.items():
        if len(group) == 1 or _operation_group(product, group):
            ordered = sorted(group, key=lambda c: c.operation)
            steps.append((group[0].line_no, RunStep(tuple(c.line_no for c in ordered),
                                                    tuple(c.operation for c in ordered))))
            continue
        code = "bulk.duplicate_operations" if product == OPERATION_PRODUCT \
            else "bulk.duplicate"
        for candidate in group:
            others = [str(c.line_no) for c in group if c is not candidate]
            refused[candidate.line_no] = LineError.of("duplicate_company", code,
                                                      product=product, lines=others,
                                                      count=len(others))
    steps.sort(key=lambda item: item[0])
    return RunPlan(tuple(step for _, step in steps), MappingProxyType(refused))


def _operation_group(product: str, group: list[Candidate]) -> bool:
    operations = [c.operation for c in group]
    return (product == OPERATION_PRODUCT and all(operations)
            and len(set(operations)) == len(operations))


def raw_company_key(order: OrderLine) -> tuple[str, str, str]:
    """The company as the line names it: by EasyNumber when it has one (the
    resolution tries it first), else by identifier type and value (blanks collapsed,
    letters in upper case)."""
    found = order.identification
    if found.easy_number is not None:
        return order.country, "", found.easy_number
    value = " ".join((found.identifier_value or "").split()).upper()
    return order.country, found.identifier_type or "", value

"""The account mapping of issue 20 item 4, read from ``reference/accounting.json``.

One version per chart, chosen by the financial year's *opening* date: years opened
before 1 January 2025 use the seed as SPEC §10 writes it (``PCG_2014``), later ones the
chart modified by ANC regulation 2022-06 (``PCG_2025``: 791/796/797 gone, insurance
indemnities on 7587, exchange results on trade receivables on 656/756).

The posting builders never name an account number: they ask the chart for a *role*
(``chart.account("indemnity_income")``), so a new chart version is data only. Roles:

- premiums: ``premium_credit_insurance`` (6166), ``premium_operating_risks`` (6164),
  ``information_charge`` (6181), ``fee_charge`` (6227), ``vat_deductible`` (44566);
- money: ``bank`` (512); customers: ``receivable`` (411), ``doubtful_receivable`` (416);
- claims: ``impairment_expense`` (6817), ``impairment_provision`` (491),
  ``impairment_reversal`` (7817), ``bad_debt`` (654), ``vat_collected`` (44571),
  ``income_receivable`` (4687), ``indemnity_income`` (791 / 7587),
  ``exchange_loss_financial`` / ``exchange_gain_financial`` (666 / 766);
- covers: ``prospection_debt`` (168), ``prospection_balance_income`` (7718 / 7587),
  ``exchange_loss`` / ``exchange_gain`` (666/766; 2025: 656/756),
  ``exchange_cover_income`` (796 / 7587), ``exchange_cover_charge`` (668),
  ``exchange_cover_debt`` (4686);
- opening entry: ``result_profit`` (120), ``result_loss`` (129).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from cofatui.enums import ChartVersion

__all__ = ["CHART_2025_FROM", "Chart", "ChartAccount", "EventRule", "chart_version",
           "load_chart"]

#: Years opened on or after this date use ANC regulation 2022-06.
CHART_2025_FROM = date(2025, 1, 1)


@dataclass(frozen=True)
class ChartAccount:
    number: str
    label: str
    source: str


@dataclass(frozen=True)
class EventRule:
    """What an event books, by role, and where the rule comes from (documentation of
    the mapping; the builders in ``ledger_postings`` implement it)."""

    kind: str
    debit: tuple[str, ...]
    credit: tuple[str, ...]
    source: str


class Chart:
    """One version of the mapping: account labels and the account of each role."""

    def __init__(self, version: ChartVersion, title: str,
                 accounts: dict[str, ChartAccount], roles: dict[str, str],
                 rules: dict[str, EventRule]) -> None:
        self.version = version
        self.title = title
        self._accounts = MappingProxyType(accounts)
        self._roles = MappingProxyType(roles)
        self._rules = MappingProxyType(rules)

    def __repr__(self) -> str:
        return f"Chart({self.version.value})"

    def label(self, account: str) -> str:
        """The label of a standard number; "" for one the mapping does not know (an
        override's own number: the books' override carries its label)."""
        found = self._accounts.get(account)
        return found.label if found is not None else ""

    def accounts(self) -> list[ChartAccount]:
        return sorted(self._accounts.values(), key=lambda a: a.number)

    def account(self, role: str) -> str:
        """The number of ``role``; KeyError for an unknown role (a bug)."""
        return self._roles[role]

    def roles(self) -> dict[str, str]:
        return dict(self._roles)

    def rule(self, kind: str) -> EventRule:
        return self._rules[kind]

    def rules(self) -> list[EventRule]:
        return list(self._rules.values())


def chart_version(year_start: date) -> ChartVersion:
    """The chart of a financial year, by its opening date (issue 20 item 4)."""
    return ChartVersion.PCG_2014 if year_start < CHART_2025_FROM else ChartVersion.PCG_2025


@cache
def _data() -> dict[str, Any]:
    text = resources.files("cofatui.reference").joinpath("accounting.json").read_text(
        encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def load_chart(version: ChartVersion | str) -> Chart:
    """The mapping of ``version`` (cached: charts are immutable and shared)."""
    v = ChartVersion(version)
    raw = _data()["versions"][v.value]
    accounts = {number: ChartAccount(number, a["label"], a["source"])
                for number, a in raw["accounts"].items()}
    roles: dict[str, str] = dict(raw["roles"])
    missing = sorted(r for r, n in roles.items() if n not in accounts)
    if missing:  # the file is data: catch a typo at load, not in a posting
        raise ValueError(f"chart {v.value}: roles without an account: {missing}")
    rules = {kind: EventRule(kind, tuple(r["debit"]), tuple(r["credit"]), r["source"])
             for kind, r in raw["events"].items()}
    unknown = sorted({role for r in rules.values() for role in (*r.debit, *r.credit)}
                     - set(roles) - {"*"})
    if unknown:
        raise ValueError(f"chart {v.value}: rules name unknown roles: {unknown}")
    return Chart(v, raw["title"], accounts, roles, rules)

"""Companies, their portfolio entries, products and notifications, built chunk by chunk.

This is the hot path of the demo generator (a million products and as many
notifications at full size), so rows are plain tuples in their stored form (see
:mod:`cofatui.demo.loader`), random numbers come from ``Random.random`` rather than the
slower helpers, and nothing is looked up twice.
"""

from __future__ import annotations

import bisect
import marshal
import random
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from cofatui.demo import identifiers, texts
from cofatui.demo.loader import formatters, money_units
from cofatui.demo.names import FIRST_NAMES, LAST_NAMES, PROFILES, CountryProfile, latin, local
from cofatui.demo.requests import RequestObjects, RequestRows
from cofatui.enums import ACTIVE_COVER_STATUSES, Establishment
from cofatui.repository.sql.companies import name_key
from cofatui.repository.sql.search import search_key
from cofatui.rules import underwriting
from cofatui.rules.products import TOPLINER_QUOTE_VALID_DAYS
from cofatui.rules.thresholds import change_of, in_points

Row = tuple[Any, ...]

COMPANY_COLUMNS = (
    "id", "name", "name_key", "name_local", "address", "postal_code", "city", "region",
    "country", "easy_number", "coface_reference", "establishment", "head_office_id", "phone",
    "dra", "dra_updated_at", "source", "updated_at", "version")
IDENTIFIER_COLUMNS = ("id", "company_id", "type_code", "value")
ENTRY_COLUMNS = (
    "id", "contract_id", "company_id", "client_reference", "outstanding_amount",
    "internal_credit_limit", "keep_until", "search_text", "updated_at", "version")
CUSTOM_VALUE_COLUMNS = ("id", "entry_id", "definition_id", "value")
PRODUCT_COLUMNS = (
    "id", "contract_id", "company_id", "code", "status", "requested_amount", "decided_amount",
    "currency", "requested_at", "decided_at", "expected_decision_at", "effective_date",
    "end_date", "guarantor_company_id", "clause", "comment", "decided_by", "language",
    "duration_days", "premium", "quote_valid_until", "monitored", "updated_at", "version",
    "insured_percentage", "delivered_dra", "delivered_dra_on", "opinion_amount")
EVENT_COLUMNS = ("id", "product_id", "at", "action", "status", "amount", "comment", "actor")
NOTIFICATION_COLUMNS = (
    "id", "contract_id", "company_id", "product_id", "claim_id", "product_code", "category",
    "type", "importance", "kind", "params", "title", "body", "created_at", "target_type",
    "target_id")
#: The portfolio's notifications: with their entry's search text, which the builder has
#: at hand (migration 0036's trigger would look it up per row; written with the row,
#: the insert is a plain VALUES: about 1.3 s less for the million notifications of the
#: 100 000-company demo than the per-row sub-select on the entry).
PORTFOLIO_NOTIFICATION_COLUMNS = (*NOTIFICATION_COLUMNS, "change_direction", "change_size",
                                  "search_text")
STATE_COLUMNS = ("id", "user_id", "notification_id", "read", "deleted")

CREDIT_DECISION_CODES = frozenset({"CRL", "ECL", "RLI", "TOPLINER"})
#: The covers an ILU asks about (issue 17 item 6: a buyer with an active cover).
ILU_COVER_CODES = frozenset({"CRL", "ECL", "RLI"})
ACTIVE = frozenset(s.value for s in ACTIVE_COVER_STATUSES)
UNDERWRITER = "underwriter"
BRANCH_SHARE = 0.10
K = 1000  # money is stored in thousandths

# Round figures people ask for, small ones most often (weights are relative).
_AMOUNTS = (5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000, 75_000,
            80_000, 100_000, 120_000, 150_000, 200_000, 250_000, 300_000, 400_000, 500_000,
            750_000, 1_000_000, 1_500_000, 2_000_000)
_AMOUNT_WEIGHTS = (9, 12, 8, 10, 9, 8, 7, 9, 4, 5, 3, 6, 3, 4, 3, 2, 2, 1.2, 1, 0.6, 0.4,
                   0.15, 0.1)

# Status of the current cover by DRA band: (status, weight).
_PRIMARY_BY_DRA: dict[str, tuple[tuple[str, float], ...]] = {
    "default": (("refused", 40), ("terminated", 35), ("reduced", 10), ("deleted", 10),
                ("cancellation_in_progress", 5)),
    "weak": (("granted", 35), ("partially_granted", 15), ("reduced", 15), ("refused", 20),
             ("pending", 8), ("terminated", 5), ("deletion_in_progress", 2)),
    "sound": (("granted", 70), ("partially_granted", 8), ("reduced", 4), ("refused", 4),
              ("pending", 7), ("terminated", 1), ("cancellation_in_progress", 1),
              ("deletion_in_progress", 1), ("deleted", 2), ("expired", 2)),
}
_PRIMARY_CODES = (("CRL", 72), ("RLI", 19), ("ECL", 9))

# Earlier or side products of an entry: (code, status, weight).
_HISTORY: tuple[tuple[str, str, float], ...] = (
    ("CRL", "replaced", 16), ("CRL", "deleted", 3), ("CRL", "expired", 3),
    ("CRL", "terminated", 2), ("CRL", "refused", 3), ("CRL", "cancellation_in_progress", 1),
    ("CRL", "deletion_in_progress", 1), ("RLI", "replaced", 4), ("RLI", "deleted", 2),
    ("ECL", "refused", 1), ("REPORT", "completed", 12), ("REPORT", "pending", 1),
    ("RSC", "completed", 9), ("RCO", "completed", 7), ("RSM", "granted", 7),
    ("RSM", "deleted", 3), ("RSM", "deletion_in_progress", 1), ("ROM", "granted", 5),
    ("ROM", "deleted", 2), ("CCO", "granted", 4), ("CCO", "refused", 1), ("CCO", "pending", 1),
    ("CCO", "replaced", 1), ("TOPLINER", "*", 8),
)
# The first entries get these as their current product, so that even a tiny demo shows
# every status of the portfolio filter.
COVERAGE: tuple[tuple[str, str], ...] = (
    ("CRL", "pending"), ("CRL", "granted"), ("CRL", "partially_granted"), ("CRL", "reduced"),
    ("CRL", "refused"), ("CRL", "cancellation_in_progress"), ("CRL", "deletion_in_progress"),
    ("RSM", "deleted"), ("CRL", "expired"), ("REPORT", "completed"), ("CRL", "replaced"),
    ("CRL", "terminated"), ("TOPLINER", "granted"), ("CCO", "pending"), ("REPORT", "pending"),
    ("TOPLINER", "quoted"),
)
_TOPLINER = (("granted", 50), ("expired", 20), ("refused", 15), ("pending", 15))
_CHANGED = frozenset({"replaced", "deleted", "expired", "terminated", "cancellation_in_progress",
                      "deletion_in_progress"})
_CHANGE_ACTIONS = {
    "replaced": ("replace", "demo"), "deleted": ("delete", "demo"),
    "expired": ("expire", "system"), "terminated": ("terminate", UNDERWRITER),
    "cancellation_in_progress": ("cancel", "demo"), "deletion_in_progress": ("delete", "demo"),
}
_REFUSALS = ("Insufficient financial information available.",
             "Payment incidents reported by other insured parties.",
             "Deteriorated financial situation (losses in the last two years).",
             "Negative equity in the latest accounts.",
             "Collective proceedings opened against the company.")
_PARTIAL = ("Amount limited in view of the company's size.",
            "Limited to the amount supported by the latest balance sheet.",
            "Exposure already high on this group.")
_CLAUSES = ("Retention of title clause required",
            "Subject to receipt of the latest annual accounts",
            "Payment terms limited to 60 days", "Limited to deliveries to the head office")
_SEGMENTS = ("Key account", "SME", "Export", "Distribution", "Retail", "Public sector",
             "Wholesale")
_REPORT_KINDS = ("Instant report", "Full report", "Credit report")
_REPORT_LANGUAGES = ("en", "fr", "de", "es")


@dataclass
class ContractRef:
    id: int
    policy: str
    currency: str
    #: product code -> [(min_dra, max amount in units or None, rule name)]
    rules: dict[str, list[tuple[int, int | None, str]]]
    response_hours: dict[str, int]
    requesters: tuple[str, ...]
    #: (definition id, slot, format) of the user-defined custom fields
    custom_fields: list[tuple[int, int, str]]
    #: the contract's decision tables (they decide @rating, Express and information)
    tables: underwriting.Tables = field(default_factory=underwriting.Tables)
    #: active credit decisions per DRA, in thousandths (for the WAP)
    wap_units: list[int] = field(default_factory=lambda: [0] * 11)
    entries: int = 0


@dataclass
class IdCounter:
    """Next free id per table: assigned here, never by the database."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Chunk:
    """The rows of one batch of companies, per table, in the order they are written."""

    companies: list[Row] = field(default_factory=list)
    identifiers: list[Row] = field(default_factory=list)
    entries: list[Row] = field(default_factory=list)
    custom_values: list[Row] = field(default_factory=list)
    products: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    notifications: list[Row] = field(default_factory=list)
    states: list[Row] = field(default_factory=list)
    #: the objects behind the ILU and document-outcome notifications (demo.requests)
    ilus: list[Row] = field(default_factory=list)
    submissions: list[Row] = field(default_factory=list)
    documents: list[Row] = field(default_factory=list)

    def tables(self) -> list[list[Row]]:
        return [self.companies, self.identifiers, self.entries, self.custom_values,
                self.products, self.events, self.notifications, self.states, self.ilus,
                self.submissions, self.documents]

    @classmethod
    def from_tables(cls, tables: list[list[Row]]) -> Chunk:
        return cls(*tables)


@dataclass
class PortfolioState:
    """What later stages need to know about the companies (index = id - first id)."""

    first_company_id: int
    names: list[str]
    countries: list[str]
    easy: list[str]
    dra: list[int]
    second: list[bool]
    #: decided amount of the current cover, thousandths (0 when none)
    active_cover: list[int]
    #: per contract: active credit decisions per DRA, thousandths
    wap_units: list[list[int]]
    next_ids: dict[str, int]


@dataclass
class PortfolioParams:
    """Everything a builder needs, picklable so a worker process can build the rows."""

    seed_text: str
    now: datetime  # naive UTC
    contracts: list[ContractRef]
    second_share: float
    products_per_company: float
    next_ids: dict[str, int]
    reader_id: int
    dialect: str
    companies: int
    chunk: int

    def builder(self) -> PortfolioBuilder:
        ts, day = formatters(self.dialect)
        return PortfolioBuilder(
            rng=random.Random(self.seed_text), now=self.now, contracts=self.contracts,
            second_share=self.second_share, products_per_company=self.products_per_company,
            ids=IdCounter(dict(self.next_ids)), reader_id=self.reader_id, ts=ts, day=day,
            total=self.companies)


def build_chunks(params: PortfolioParams) -> Generator[Chunk | PortfolioState, None, None]:
    """The chunks in order, then the final ``PortfolioState``."""
    builder = params.builder()
    done = 0
    while done < params.companies:
        count = min(params.chunk, params.companies - done)
        yield builder.chunk(count)
        done += count
    yield builder.state()


def encode(item: Chunk | PortfolioState) -> bytes:
    """A chunk or the final state as bytes for the worker pipe (see ``worker``)."""
    if isinstance(item, Chunk):
        return marshal.dumps(("chunk", item.tables()))
    return marshal.dumps(("state", (
        item.first_company_id, item.names, item.countries, item.easy, item.dra, item.second,
        item.active_cover, item.wap_units, item.next_ids)))


def decode(message: bytes) -> Chunk | PortfolioState:
    """What ``encode`` wrote, back into a Chunk or the final state."""
    kind, payload = marshal.loads(message)
    if kind == "chunk":
        return Chunk.from_tables(payload)
    return PortfolioState(*payload)


class _Profile:
    """A CountryProfile split into the Latin and local halves of its lists."""

    def __init__(self, p: CountryProfile, number: int) -> None:
        self.code = p.code
        self.crs_prefix = f"{number:03d}"
        self.words = [(latin(w), local(w)) for w in p.words]
        self.activities = [(latin(a), local(a)) for a in p.activities]
        self.forms = [(latin(f), local(f)) for f in p.forms]
        self.patterns = p.patterns
        self.local_patterns = p.local_patterns
        self.cities = [(latin(c), local(c), region, postal) for c, region, postal in p.cities]
        self.streets = p.streets
        self.street_templates = p.street_templates
        self.phones = p.phones


def _cumulative(weights: Sequence[float]) -> tuple[list[float], float]:
    acc, total = [], 0.0
    for w in weights:
        total += w
        acc.append(total)
    return acc, total


class PortfolioBuilder:
    def __init__(self, *, rng: random.Random, now: datetime, contracts: Sequence[ContractRef],
                 second_share: float, products_per_company: float, ids: IdCounter,
                 reader_id: int, ts: Callable[[datetime], Any], day: Callable[[date], Any],
                 total: int) -> None:
        self.r = rng.random
        self.gauss = rng.gauss
        self.now = now  # naive UTC
        self.today = now.date()
        # Instants every product or notification compares with, computed once.
        self.latest_decision = now - timedelta(minutes=5)
        self.year_ago = now - timedelta(days=365)
        self.contracts = contracts
        self.second_share = second_share
        self.ids = ids
        self.reader_id = reader_id
        self.ts = ts
        self.day = day
        self.total = total
        # Products per entry so that the company average is ``products_per_company``.
        self.per_entry = products_per_company / (1 + second_share)
        # Coface country numbers: France is 100 as in the seed's example.
        self.profiles = [_Profile(p, 100 + i) for i, p in enumerate(PROFILES)]
        self.profile_cum, self.profile_total = _cumulative([p.weight for p in PROFILES])
        self.amount_cum, self.amount_total = _cumulative(_AMOUNT_WEIGHTS)
        self.history_cum, self.history_total = _cumulative([w for *_, w in _HISTORY])
        self.primary = {band: (_cumulative([w for _, w in rows]), [s for s, _ in rows])
                        for band, rows in _PRIMARY_BY_DRA.items()}
        self.primary_codes = (_cumulative([w for _, w in _PRIMARY_CODES]),
                              [c for c, _ in _PRIMARY_CODES])
        self.topliner = (_cumulative([w for _, w in _TOPLINER]), [s for s, _ in _TOPLINER])
        self.sales_reps = [f"{f} {last}" for f in FIRST_NAMES[:8] for last in LAST_NAMES[:4]]
        # What later stages need to know about every company (index = id - first id).
        self.first_company_id = ids.next["company"]
        self._verdicts: dict[tuple[int, str, int], underwriting.Decision] = {}
        self.names: list[str] = []
        self.countries: list[str] = []
        self.easy: list[str] = []
        self.dra: list[int] = []
        self.second: list[bool] = []
        self.active_cover: list[int] = []  # decided amount of the current cover, units
        self._heads_by_country: dict[str, list[int]] = {}
        self._branch_count: dict[int, int] = {}
        self._local_names: dict[int, str] = {}
        self.entry_number = 0

    def state(self) -> PortfolioState:
        return PortfolioState(
            first_company_id=self.first_company_id, names=self.names,
            countries=self.countries, easy=self.easy, dra=self.dra, second=self.second,
            active_cover=self.active_cover, wap_units=[c.wap_units for c in self.contracts],
            next_ids=dict(self.ids.next))

    # ------------------------------------------------------------------ helpers

    def _pick(self, cum: tuple[list[float], float], items: Sequence[Any]) -> Any:
        acc, total = cum
        return items[bisect.bisect(acc, self.r() * total)]

    def _one(self, items: Sequence[Any]) -> Any:
        return items[int(self.r() * len(items))]

    def _fill(self, pattern: str) -> str:
        r = self.r
        out = []
        for ch in pattern:
            if ch == "#":
                out.append(chr(48 + int(r() * 10)))
            elif ch == "@":
                out.append(chr(65 + int(r() * 26)))
            else:
                out.append(ch)
        return "".join(out)

    def _amount(self) -> int:
        return _AMOUNTS[bisect.bisect(self.amount_cum, self.r() * self.amount_total)]

    def _ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    # ---------------------------------------------------------------- companies

    def chunk(self, count: int) -> Chunk:
        out = Chunk()
        for _ in range(count):
            self._company(out)
        return out

    def _company(self, out: Chunk) -> None:
        r = self.r
        cid = self.ids.take("company")
        idx = cid - self.first_company_id
        if idx < len(self.profiles):
            prof = self.profiles[idx]  # every country at least once
        else:
            prof = self.profiles[bisect.bisect(self.profile_cum, r() * self.profile_total)]
        heads = self._heads_by_country.setdefault(prof.code, [])
        branch_of = heads[int(r() * len(heads))] if heads and r() < BRANCH_SHARE else None
        city, city_local, region, postal = self._one(prof.cities)
        local_name: str | None
        if branch_of is not None:
            hidx = branch_of - self.first_company_id
            name = self.names[hidx]
            local_name = self._local_names.get(branch_of)
            number = self._branch_count.get(branch_of, 0) + 1
            self._branch_count[branch_of] = number
            easy = f"{self.easy[hidx]}{number * 10 + int(r() * 10):05d}"
        else:
            name, local_name = self._name(prof, city, city_local)
            easy = f"{identifiers._perm(cid, 10**13, 99):014d}"
            heads.append(cid)
            if local_name:
                self._local_names[cid] = local_name
        dra = 0 if r() < 0.015 else min(10, max(1, round(self.gauss(6.2, 1.7))))
        updated = self._ago(r() * 540)
        address = self._one(prof.street_templates).format(
            n=1 + int(r() * 180), s=self._one(prof.streets))
        crs = prof.crs_prefix + _base36(identifiers._perm(cid, 36**6, 98))
        ts = self.ts
        out.companies.append((
            cid, name, name_key(name), local_name, address, self._fill(postal), city, region,
            prof.code, easy, crs,
            Establishment.BRANCH.value if branch_of else Establishment.HEAD_OFFICE.value,
            branch_of, self._fill(self._one(prof.phones)), dra, ts(updated), "insurer",
            ts(updated), 1))
        take = self.ids.take
        if branch_of is None:
            for type_code, value in identifiers.head_office_identifiers(prof.code, cid):
                out.identifiers.append((take("legal_identifier"), cid, type_code, value))
        elif prof.code == "FRA":
            siret = identifiers.siret(identifiers.siren(branch_of),
                                      self._branch_count[branch_of] + 1)
            out.identifiers.append((take("legal_identifier"), cid, "SIRET", siret))
        self.names.append(name)
        self.countries.append(prof.code)
        self.easy.append(easy)
        self.dra.append(dra)
        in_second = idx % 3 == 1 if idx < 30 else r() < self.second_share
        self.second.append(in_second)
        self.active_cover.append(0)
        self._entry(out, self.contracts[0], cid, idx)
        if in_second and len(self.contracts) > 1:
            self._entry(out, self.contracts[1], cid, idx)

    def _name(self, prof: _Profile, city: str, city_local: str) -> tuple[str, str | None]:
        r = self.r
        k = int(r() * len(prof.patterns))
        w, w_local = self._one(prof.words)
        w2, w2_local = self._one(prof.words)
        if w2 == w:
            w2, w2_local = prof.words[(prof.words.index((w, w_local)) + 1) % len(prof.words)]
        a, a_local = self._one(prof.activities)
        f, f_local = self._one(prof.forms)
        name = prof.patterns[k].format(w=w, w2=w2, a=a, f=f, c=city)
        if not prof.local_patterns:
            return name, None
        return name, prof.local_patterns[k].format(w=w_local, w2=w2_local, a=a_local,
                                                   f=f_local, c=city_local)

    # ------------------------------------------------------------------ entries

    def _entry(self, out: Chunk, contract: ContractRef, cid: int, idx: int) -> None:
        r = self.r
        entry_id = self.ids.take("portfolio_entry")
        forced = COVERAGE[self.entry_number] if self.entry_number < len(COVERAGE) else None
        self.entry_number += 1
        contract.entries += 1
        where = texts.about(self.names[idx], self.countries[idx])
        target = max(1, int(self.per_entry * (0.3 + 1.4 * r()) + 0.5))
        products: list[_Made] = []
        primary = self._primary_product(out, contract, cid, idx, forced)
        products.append(primary)
        topliner_ok = primary.code == "CRL" and primary.status in ("refused", "reduced",
                                                                     "terminated")
        seen = {(primary.code, primary.status)}
        while len(products) < target:
            code, status, _ = _HISTORY[bisect.bisect(self.history_cum,
                                                     r() * self.history_total)]
            if code == "TOPLINER":
                if not topliner_ok or ("TOPLINER", "*") in seen:
                    code, status = "REPORT", "completed"
                else:
                    seen.add(("TOPLINER", "*"))
                    status = self._pick(*self.topliner)
            elif status == "granted" and (code, status) in seen:
                code, status = "RSC", "completed"
            seen.add((code, status))
            products.append(self._product(out, contract, cid, idx, code, status,
                                          history_of=primary))
        latest = max(p.last for p in products)
        keep_until = None
        if primary.status == "deleted" and primary.changed_at is not None:
            keep_until = self.day(primary.changed_at.date() + timedelta(days=730))
        client_ref = f"C{identifiers._perm(entry_id, 900_000, 97) + 100_000}" \
            if r() < 0.85 else ""
        outstanding = int(self._amount() * (0.05 + r() * 0.9) * 100) * 10 \
            if r() < 0.7 else None
        internal = self._amount() * K if r() < 0.35 else None
        ts = self.ts
        search_text = search_key(self.names[idx], self.countries[idx], self.easy[idx],
                                 client_ref)
        out.entries.append((
            entry_id, contract.id, cid, client_ref, outstanding, internal, keep_until,
            search_text, ts(latest), 1))
        take = self.ids.take
        for def_id, slot, fmt in contract.custom_fields:
            share = (0.55, 0.45, 0.25, 0.2, 0.2)[slot - 1]
            if r() >= share:
                continue
            if fmt == "date":
                value = self._ago(r() * 700).date().isoformat()
            elif fmt == "number":
                value = str(int(r() * 100))
            elif slot == 1:
                value = self._one(self.sales_reps)
            else:
                value = self._one(_SEGMENTS)
            out.custom_values.append((take("custom_field_value"), entry_id, def_id, value))
        self._notifications(out, contract, cid, idx, products, target, where, search_text)

    # ----------------------------------------------------------------- products

    def _primary_product(self, out: Chunk, contract: ContractRef, cid: int, idx: int,
                         forced: tuple[str, str] | None) -> _Made:
        if forced is not None:
            code, status = forced
        else:
            dra = self.dra[idx]
            band = "default" if dra == 0 else ("weak" if dra <= 3 else "sound")
            code = self._pick(*self.primary_codes)
            status = self._pick(*self.primary[band])
            if code in ("RLI", "ECL") and status in ("pending", "partially_granted", "reduced"):
                status = "granted"
        made = self._product(out, contract, cid, idx, code, status, history_of=None)
        if code in CREDIT_DECISION_CODES and status in ACTIVE and made.decided:
            contract.wap_units[self.dra[idx]] += made.decided
            self.active_cover[idx] = max(self.active_cover[idx], made.decided)
        return made

    def _product(self, out: Chunk, contract: ContractRef, cid: int, idx: int, code: str,
                 status: str, history_of: _Made | None) -> _Made:
        r = self.r
        now = self.now
        dra = self.dra[idx]
        verdict = self._verdict(contract, code, dra)
        if verdict is not None:
            status = _as_decided(verdict, status)
        requester = self._one(contract.requesters)
        pid = self.ids.take("product")
        requested: int | None = None
        delivered: tuple[Any, ...] = (None, None, None, None)
        decided: int | None = None
        comment = clause = ""
        language: str | None = None
        duration: int | None = None
        premium: int | None = None
        quote_until: date | None = None
        guarantor: int | None = None
        monitored = False
        effective: date | None = None
        end: date | None = None
        expected: datetime | None = None
        decided_at: datetime | None = None
        changed_at: datetime | None = None
        topliner_start: date | None = None
        if code == "TOPLINER":
            duration = (30, 45, 60, 90)[int(r() * 4)]
        # When it was requested: the current product recently, history earlier.
        if code == "TOPLINER" and status == "granted":
            assert duration is not None
            topliner_start = self.today + timedelta(days=1 + int(r() * min(60, duration))
                                                    - duration)
            requested_at = datetime(topliner_start.year, topliner_start.month,
                                    topliner_start.day, 9) - timedelta(days=1 + r() * 3)
        elif code == "TOPLINER" and status == "expired":
            assert duration is not None
            requested_at = now - timedelta(days=duration + 5 + r() * 400)
        elif code == "TOPLINER" and status == "quoted":
            requested_at = now - timedelta(hours=1 + r() * 40)  # a quote still to answer
        elif status == "pending":
            hours = contract.response_hours.get(code, 48)
            requested_at = now - timedelta(hours=r() * min(40, hours - 1))
            expected = requested_at + timedelta(hours=hours)
        elif history_of is not None and status == "replaced":
            requested_at = history_of.requested_at - timedelta(days=5 + r() * 500)
        else:
            requested_at = now - timedelta(days=1 + 720 * r() ** 1.6)
        # Amounts by product.
        if code in ("CRL", "CCO", "TOPLINER"):  # @rating and Express ask for no amount
            requested = self._amount() * K
        elif code == "REPORT":
            language = _REPORT_LANGUAGES[int(r() * 4)]
            comment = _REPORT_KINDS[int(r() * 3)]
        rule = verdict.decided_by if verdict is not None \
            else self._rule(contract, code, dra, requested)
        decided_by = ""
        if status != "pending":
            automatic = rule is not None and (verdict is not None or status in (
                "granted", "completed", "replaced", "deleted", "expired"))
            decided_by = rule if automatic and rule else UNDERWRITER
            delay = timedelta(seconds=3 + r() * 20) if automatic \
                else timedelta(hours=2 + r() * 70)
            decided_at = min(requested_at + delay, self.latest_decision)
            effective = decided_at.date()
            decided = self._decided(code, status, requested, dra)
            if verdict is not None:
                decided, delivered = self._delivered(verdict, status, effective)
            if status in ("partially_granted", "reduced"):
                comment = self._one(_PARTIAL)
            elif status == "refused":
                comment = verdict.comment if verdict is not None else self._one(_REFUSALS)
            elif code in ("RSC", "RSM"):
                comment = f"DRA {dra}"
            if status in _CHANGED:
                start = decided_at
                if status == "replaced" and history_of is not None \
                        and history_of.decided_at is not None:
                    changed_at = max(history_of.decided_at, start)
                else:
                    changed_at = start + (now - start) * r()
                if status == "expired":
                    end = changed_at.date()
            if code in ("RSM", "ROM", "CCO") and status == "granted":
                monitored = True
            if code == "TOPLINER" and status in ("granted", "expired", "quoted"):
                assert duration is not None
                premium = int(requested * (0.004 + r() * 0.011) / 10) * 10 if requested else None
                quote_until = effective + timedelta(
                    days=TOPLINER_QUOTE_VALID_DAYS if status == "quoted" else 15)
                if topliner_start is not None:
                    effective = topliner_start
                end = effective + timedelta(days=duration)
                if status == "expired":
                    changed_at = datetime(end.year, end.month, end.day)
            elif code == "CRL" and status in ACTIVE:
                roll = r()
                if roll < 0.08:
                    end = self.today + timedelta(days=1 + int(r() * 60))
                    clause = "Time-limited decision"
                elif roll < 0.11:
                    guarantor = self._guarantor(cid, self.countries[idx])
                    if guarantor is not None:
                        clause = "Guarantee from the parent company"
                elif roll < 0.2:
                    clause = self._one(_CLAUSES)
        last = changed_at or decided_at or requested_at
        ts, day = self.ts, self.day
        out.products.append((
            pid, contract.id, cid, code, status, requested, decided, contract.currency,
            ts(requested_at), ts(decided_at) if decided_at else None,
            ts(expected) if expected else None, day(effective) if effective else None,
            day(end) if end else None, guarantor, clause, comment, decided_by, language,
            duration, premium, day(quote_until) if quote_until else None, monitored,
            ts(last), 1, *delivered))
        take = self.ids.take
        events = out.events
        if status == "pending":
            events.append((take("product_event"), pid, ts(requested_at), "request", "pending",
                           requested, "", requester))
        elif decided_by != UNDERWRITER and changed_at is None:
            events.append((take("product_event"), pid, ts(decided_at or requested_at),
                           "decision", status, decided, "Automatic decision", decided_by))
        elif changed_at is None:
            events.append((take("product_event"), pid, ts(requested_at), "request", "pending",
                           requested, "", requester))
            events.append((take("product_event"), pid, ts(decided_at or requested_at),
                           "decision", status, decided, comment, decided_by))
        else:
            action, actor = _CHANGE_ACTIONS[status]
            events.append((take("product_event"), pid, ts(decided_at or requested_at),
                           "decision", "granted", decided, "", decided_by))
            events.append((take("product_event"), pid, ts(changed_at), action, status,
                           decided, "", requester if actor == "demo" else actor))
        shown = decided if decided is not None else delivered[3]  # a cover's, an opinion's
        return _Made(pid, code, status, requested, shown, requested_at, decided_at,
                     changed_at, end, decided_by, comment, last)

    def _verdict(self, contract: ContractRef, code: str,
                 dra: int) -> underwriting.Decision | None:
        """What the contract's tables decide for ``code`` on a buyer of this DRA (None for
        the products decided otherwise: credit limits, custom opinions, TopLiner,
        reports)."""
        if code not in _TABLE_CODES:
            return None
        key = (contract.id, code, dra)
        found = self._verdicts.get(key)
        if found is None:
            found = underwriting.decide_by_rules(underwriting.Asked(code),
                                                 underwriting.Buyer(dra), contract.tables)
            assert found is not None, f"the default tables decide {code} at DRA {dra}"
            self._verdicts[key] = found
        return found

    def _delivered(self, verdict: underwriting.Decision, status: str,
                   effective: date | None) -> tuple[int | None, tuple[Any, ...]]:
        """The decided amount of a product the tables decided (a cover's) and its
        (insured percentage, DRA, DRA date, opinion) columns."""
        if status == "refused":
            return None, (None, None, None, None)
        if verdict.delivered_dra is not None:
            when = self.day(effective) if effective is not None else None
            return None, (None, verdict.delivered_dra, when, None)
        if verdict.opinion_amount is not None:
            opinion = money_units(verdict.opinion_amount)
            return None, (None, None, None, opinion)  # an opinion, not a cover
        amount = money_units(verdict.amount) if verdict.amount is not None else None
        pct = f"{verdict.insured_percentage:.2f}" \
            if verdict.insured_percentage is not None else None
        return amount, (pct, None, None, None)

    def _rule(self, contract: ContractRef, code: str, dra: int,
              requested: int | None) -> str | None:
        for min_dra, max_units, name in contract.rules.get(code, ()):
            if dra >= min_dra and (max_units is None or (requested or 0) <= max_units):
                return name
        return None

    def _decided(self, code: str, status: str, requested: int | None, dra: int) -> int | None:
        r = self.r
        if code == "REPORT":
            return None
        if status in ("refused", "terminated"):
            return 0
        if requested is None:
            return None
        if status in ("partially_granted", "reduced"):
            share = 0.3 + r() * 0.45
            return max(5000 * K, int(requested * share) // (5000 * K) * 5000 * K) \
                if requested > 5000 * K else requested
        return requested

    def _guarantor(self, cid: int, country: str) -> int | None:
        heads = self._heads_by_country.get(country) or []
        if len(heads) < 2:
            return None
        choice = heads[int(self.r() * len(heads))]
        return None if choice == cid else choice

    # ------------------------------------------------------------ notifications

    def _notifications(self, out: Chunk, contract: ContractRef, cid: int, idx: int,
                       products: list[_Made], target: int, where: str,
                       search_text: str) -> None:
        """The entry's notifications, in PORTFOLIO_NOTIFICATION_COLUMNS (``search_text``:
        the entry's, one string object shared by the rows, which marshal sends once)."""
        r = self.r
        now = self.now
        year_ago = self.year_ago
        # (when, product, code, message, the object behind it: None, ("ilu",) or
        # ("document", kind, outcome, year))
        # ... and the change it reports (direction, size in thousandths; see _points_change).
        made: list[tuple[datetime, int | None, str, texts.Message, tuple[Any, ...] | None,
                         tuple[str | None, int | None]]] = []
        cur = contract.currency
        monitoring: _Made | None = None
        for p in products:
            if p.status == "pending":
                continue
            if p.code in ("RSM", "ROM") and p.status == "granted":
                monitoring = p
            if p.changed_at is not None:
                if p.status != "replaced" and p.changed_at >= year_ago:
                    made.append((p.changed_at, p.pid, p.code, texts.product_change(
                        p.code, p.status, cur, p.decided, p.end, where), None, _NO_CHANGE))
            elif p.decided_at is not None and p.decided_at >= year_ago:
                made.append((p.decided_at + _NOTICE_DELAY, p.pid, p.code,
                             texts.product_decision(p.code, p.status, cur, p.requested,
                                                    p.decided, p.decided_by, p.comment, where),
                             None, _NO_CHANGE))
            if p.end is not None and p.status in ACTIVE and p.end >= self.today:
                days_left = (p.end - self.today).days
                if days_left <= 60:
                    made.append((now - timedelta(hours=1 + r() * 60), p.pid, p.code,
                                 texts.ending(p.code, cur, p.decided, p.end, days_left, where),
                                 None, _NO_CHANGE))
        dra = self.dra[idx]
        primary = products[0]
        while len(made) < target:
            roll = r()
            at = now - timedelta(days=r() * 365)
            if roll < 0.5:
                before = min(10, max(0, dra + (1 if r() < 0.6 else -1) * (1 + int(r() * 2))))
                link = monitoring or primary
                made.append((at, link.pid, link.code, texts.dra_change(before, dra, where),
                             None, _points_change(before, dra) if in_points(link.code)
                             else _NO_CHANGE))
            elif roll < 0.8:
                kind = texts.DOCUMENT_KINDS[int(r() * len(texts.DOCUMENT_KINDS))]
                outcome = 0 if r() < 0.7 else (1 if r() < 0.5 else 2)
                made.append((at, None, "", texts.document(kind, outcome, at.year - 1, where),
                              ("document", kind, outcome, at.year - 1), _NO_CHANGE))
            else:
                made.append((at, primary.pid, primary.code,
                             texts.ilu(cur, primary.decided, where), ("ilu",), _NO_CHANGE))
        ts = self.ts
        take = self.ids.take
        reader = self.reader_id
        objects = RequestObjects(take, ts, self.day, now,
                                 RequestRows(out.ilus, out.submissions, out.documents))
        # The ILU asks about the company's active cover (the current one when active).
        cover = next((p for p in products if p.code in ILU_COVER_CODES and p.status in ACTIVE),
                     None)
        open_ilu = False
        by = contract.requesters[0]
        for at, pid, code, message, behind, change in made:
            nid = take("notification")
            leads_to: tuple[str | None, int | None] = (None, None)
            if behind is not None and behind[0] == "ilu":
                on = cover or primary
                target_type, iid, opened = objects.ilu(
                    contract.id, cid, at, on.pid, on.code, on.decided, cur, cover is not None,
                    open_ilu, by)
                leads_to, open_ilu = (target_type, iid), open_ilu or opened
                # Its product code is ILU (the notification filter's "ILU" entry).
                pid, code = on.pid, "ILU"
            elif behind is not None:
                _, doc_kind, outcome, year = behind
                leads_to = objects.submission(contract.id, cid, at, doc_kind, outcome, year,
                                              by)
            out.notifications.append((nid, contract.id, cid, pid, None, code, *message,
                                      ts(at), *leads_to, *change, search_text))
            age = (now - at).days
            if r() < 0.35 + 0.5 * age / 365:
                out.states.append((take("notification_state"), reader, nid, True, False))


#: A decision's notification follows it by this much.
_NOTICE_DELAY = timedelta(seconds=30)
_TABLE_CODES = frozenset({"RLI", "ECL", "RCO", "ROM", "RSC", "RSM"})
#: The change columns of a notification that reports no change of a standing decision
#: or evaluation (most of them: see repository.sql.notification_changes).
_NO_CHANGE: tuple[None, None] = (None, None)


def _points_change(before: int, after: int) -> tuple[str | None, int | None]:
    """The change columns of a score counted in DRA points (``rules.thresholds.in_points``:
    the @rating score, RSM) moving from ``before`` to ``after``, as the repository records
    them on every notification it writes (``notification_changes.describe``): the
    direction and the size in points, stored as money is (thousandths). A user's RSM
    thresholds hide the small moves of the demo as they would hide the app's own."""
    change = change_of(before, after)
    if change is None:
        return _NO_CHANGE
    return change.direction, money_units(change.size)


def _as_decided(verdict: underwriting.Decision, status: str) -> str:
    """The status a product the tables decide can have: refused when they refuse; when
    they grant, granted or what later became of it (completed, replaced, deleted…)."""
    if verdict.status == "refused":
        return "refused"
    if status in ("refused", "pending", "partially_granted", "reduced"):
        return "granted"
    return status


@dataclass(slots=True)
class _Made:
    """What the notification and entry steps need to know about a product just made."""

    pid: int
    code: str
    status: str
    requested: int | None
    decided: int | None
    requested_at: datetime
    decided_at: datetime | None
    changed_at: datetime | None
    end: date | None
    decided_by: str
    comment: str
    last: datetime


_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _base36(n: int, width: int = 6) -> str:
    chars = []
    for _ in range(width):
        n, rest = divmod(n, 36)
        chars.append(_B36[rest])
    return "".join(reversed(chars))

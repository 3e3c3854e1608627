"""Deterministic demo data, from a handful of companies to a hundred thousand.

``generate_demo`` fills a migrated database (SQLite or PostgreSQL) with two contracts
and their underwriting rules, users of every role, companies from about forty
countries with identifiers that pass their checksums, portfolio entries, products in
every status with their history, a year of notifications, claims, extensions,
favourites and the WAP history; plus about 7 % more companies that only the partners'
databases know (an extended search finds them). All randomness comes from ``seed``, all
dates from the clock, so the same seed and clock give the same database.

Speed matters (100 000 companies, a million products and a million notifications in
well under a minute on SQLite): ids are assigned here, rows are built as tuples in their
stored form and written through :mod:`cofatui.demo.loader`, all in one transaction, so
a failed load leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import gc
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from time import perf_counter
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Engine

from cofatui.clock import Clock, SystemClock
from cofatui.demo import local_addresses, requests, texts
from cofatui.demo.chorus import write_directory
from cofatui.demo.chorus_invoices import DEFAULT_INVOICES, write_invoices
from cofatui.demo.claims import ClaimBuilder, ClaimSet, ContractTerms
from cofatui.demo.deferred import (
    SearchIndexer,
    deferred_indexes,
    deferred_triggers,
)
from cofatui.demo.loader import BulkLoader, bulk_transaction
from cofatui.demo.partners import build_partners, partner_count
from cofatui.demo.portfolio import (
    COMPANY_COLUMNS,
    CUSTOM_VALUE_COLUMNS,
    ENTRY_COLUMNS,
    EVENT_COLUMNS,
    IDENTIFIER_COLUMNS,
    NOTIFICATION_COLUMNS,
    PORTFOLIO_NOTIFICATION_COLUMNS,
    PRODUCT_COLUMNS,
    STATE_COLUMNS,
    Chunk,
    ContractRef,
    IdCounter,
    PortfolioParams,
    PortfolioState,
    build_chunks,
)
from cofatui.demo.worker import run_in_worker
from cofatui.enums import (
    ClaimStatus,
    CompanyInfoStatus,
    ExtensionStatus,
    Rights,
    Role,
    TurnoverBasis,
    TurnoverBreakdown,
    UserStatus,
)
from cofatui.errors import Conflict, ValidationFailed
from cofatui.migrations import is_up_to_date, upgrade
from cofatui.models import (
    AuditEntry,
    Claim,
    ClaimDeclaration,
    ClaimInvoice,
    ClaimPayment,
    Company,
    CompanyInformation,
    Contract,
    CustomFieldDefinition,
    CustomFieldValue,
    Document,
    DocumentContent,
    DraBand,
    Extension,
    ExtensionInvoice,
    ExtensionPlanLine,
    Favourite,
    Ilu,
    LegalIdentifier,
    Notification,
    NotificationState,
    PaymentAllocation,
    PortfolioEntry,
    Product,
    ProductEvent,
    TurnoverDeclaration,
    TurnoverLine,
    UnderwritingRule,
    User,
    UserContract,
    WapSnapshot,
)
from cofatui.models.chorus import (
    ChorusAttachment,
    ChorusInvoice,
    ChorusInvoiceEvent,
    ChorusInvoiceLine,
    ChorusService,
    ChorusStructure,
)
from cofatui.models.identity import Organisation
from cofatui.repository.sql.engine import translated_errors
from cofatui.repository.sql.latest_claims import rebuild_claim_debtors
from cofatui.repository.sql.product_requests import backfill_initial_requests
from cofatui.repository.sql.underwriting_tables import band_values, rule_values
from cofatui.rules import underwriting
from cofatui.rules.wap import compute_wap

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DemoSummary", "Progress", "generate_demo"]

DEMO_PASSWORD = "Demo-Password-2026"
POLICY_1, POLICY_2 = "1234567", "7654321"
#: Companies built and written per step: bounds memory, paces progress reports. With a
#: worker, the rows are built one chunk ahead of the writer: the writer waits for the
#: first chunk and the worker for the last one to be written, so a small chunk shortens
#: both (5 000 made them about 2 s and 1.3 s of the 100 000-company load). The rows do
#: not depend on it (the builder carries on from one chunk to the next).
CHUNK = 1_000
#: From this size on, a worker process builds the rows while this one writes them: on
#: two cores that hides most of the Python work behind the database's.
WORKER_MIN_COMPANIES = 20_000
#: The tables the portfolio chunks fill (``_Demo._write``).
BULK_TABLES = ("company", "legal_identifier", "portfolio_entry", "custom_field_value",
               "product", "product_event", "ilu", "company_information", "document",
               "document_content", "notification", "notification_state")
#: Share of contract 1's companies that contract 2 also holds.
SECOND_SHARE = 0.30
PRODUCTS_PER_COMPANY = 10.0

Progress = Callable[[str, int, int], None]


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _insert_documents(insert: Callable[[Table, Sequence[str], list[Any]], int],
                      rows: list[Any]) -> None:
    """Documents are built as one tuple with their bytes last: the row goes to
    ``document``, the bytes to ``document_content``."""
    insert(_table(Document), requests.DOCUMENT_COLUMNS, [row[:-1] for row in rows])
    insert(_table(DocumentContent), ("document_id", "content"),
           [(row[0], row[-1]) for row in rows])


# Tables in the order they are written (parents first).
TABLES: tuple[Table, ...] = tuple(_table(m) for m in (
    Contract, UnderwritingRule, DraBand, CustomFieldDefinition, User, UserContract, Company,
    LegalIdentifier, PortfolioEntry, CustomFieldValue, Product, ProductEvent, Ilu,
    CompanyInformation, TurnoverDeclaration, TurnoverLine, Document, DocumentContent, Claim,
    ClaimDeclaration, ClaimInvoice, ClaimPayment, PaymentAllocation, Notification,
    NotificationState, Extension, ExtensionInvoice, ExtensionPlanLine, Favourite,
    WapSnapshot, AuditEntry, ChorusStructure, ChorusService, ChorusAttachment, ChorusInvoice,
    ChorusInvoiceLine, ChorusInvoiceEvent))


@dataclass
class DemoSummary:
    """What ``generate_demo`` wrote: rows per table, and how long it took."""

    counts: dict[str, int]
    elapsed_seconds: float
    companies: int
    seed: int
    dialect: str
    #: companies of the partners' databases, beside the ``companies`` of the portfolio
    partners: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())

    def table(self) -> str:
        width = max(len(name) for name in self.counts) if self.counts else 5
        lines = [f"{name:<{width}}  {count:>10,}" for name, count in self.counts.items()]
        lines.append(f"{'total':<{width}}  {self.total_rows:>10,}")
        lines.append(f"{self.dialect}, seed {self.seed}: {self.elapsed_seconds:.1f} s")
        return "\n".join(lines)


@dataclass(frozen=True)
class _UserSpec:
    login: str
    title: str
    first: str
    last: str
    language: str
    role: Role
    default_contract: int | None  # 0 or 1: index in the contracts
    #: (contract index, rights, section rights)
    attachments: tuple[tuple[int, Rights, dict[str, str]], ...]
    status: UserStatus = UserStatus.ACTIVE
    opt_out: bool = False


_FULL = Rights.FULL
_USERS = (
    _UserSpec("demo", "mrs", "Camille", "Martin", "fr", Role.POLICYHOLDER, 0,
              ((0, _FULL, {}), (1, _FULL, {}))),
    _UserSpec("admin", "mr", "Julien", "Bernard", "fr", Role.CONTRACT_ADMIN, 0,
              ((0, _FULL, {}),)),
    _UserSpec("reader", "ms", "Laura", "Smith", "en", Role.POLICYHOLDER, 0,
              ((0, Rights.READ_ONLY, {}),)),
    _UserSpec("custom", "mr", "Thomas", "Weber", "en", Role.POLICYHOLDER, 0,
              ((0, Rights.CUSTOM, {"cover": "full", "information": "read_only",
                                   "claims": "none", "notifications": "full"}),)),
    _UserSpec("other", "mrs", "Claire", "Fontaine", "fr", Role.POLICYHOLDER, 1,
              ((1, _FULL, {}),)),
    _UserSpec("underwriter", "mr", "Hugo", "Laurent", "en", Role.UNDERWRITER, None, ()),
    _UserSpec("l.moreau", "mrs", "Léa", "Moreau", "fr", Role.POLICYHOLDER, 0,
              ((0, _FULL, {}), (1, Rights.READ_ONLY, {})), opt_out=True),
    _UserSpec("s.dubois", "mr", "Nicolas", "Dubois", "fr", Role.POLICYHOLDER, 0,
              ((0, _FULL, {}),), status=UserStatus.BLOCKED),
    _UserSpec("p.garcia", "mr", "Pedro", "García", "en", Role.POLICYHOLDER, 0,
              ((0, Rights.READ_ONLY, {}),), status=UserStatus.SUSPENDED),
)
DEMO_LOGINS = tuple(u.login for u in _USERS)

# (policy, holder, currency, DMC, max declaration days, insured %, uninsured collection,
#  Globalliance, pending response hours for credit limits)
_CONTRACTS = (
    (POLICY_1, "Durand Industries SAS", "EUR", 90, 150, Decimal("90"), True, False, 48),
    (POLICY_2, "Durand Export International SAS", "USD", 120, 180, Decimal("95"), False, True,
     72),
)
# Credit limits and custom opinions decided at once, per contract index: (code, priority,
# min DRA, max amount or None, response hours, name). Every other product is decided by
# the tables a contract starts with (``rules.underwriting.DEFAULT_RULES``, DEFAULT_BANDS).
_RULES: tuple[tuple[tuple[str, int, int, int | None, int, str], ...], ...] = (
    (("CRL", 10, 6, 50_000, 48, "CRL immediate: DRA 6+, up to 50,000"),
     ("CRL", 20, 8, 150_000, 48, "CRL immediate: DRA 8+, up to 150,000"),
     ("CCO", 10, 0, 20_000, 24, "CCO immediate: up to 20,000")),
    (("CRL", 10, 7, 30_000, 72, "CRL immediate: DRA 7+, up to 30,000"),
     ("CCO", 10, 0, 10_000, 48, "CCO immediate: up to 10,000")),
)


def _rule_row(rid: int, contract_id: int, rule: underwriting.Rule) -> dict[str, Any]:
    return {"id": rid, "contract_id": contract_id, **rule_values(rule)}


def _band_row(bid: int, contract_id: int, band: underwriting.DraBand) -> dict[str, Any]:
    return {"id": bid, "contract_id": contract_id, **band_values(band)}


#: (basis, breakdown) of each demo contract's turnover declarations
_TURNOVER_TERMS = ((TurnoverBasis.SALES, TurnoverBreakdown.DEBTOR),
                   (TurnoverBasis.OUTSTANDING, TurnoverBreakdown.COUNTRY))

# (slot, name, format) of the user-defined custom fields of both contracts
_CUSTOM_FIELDS = ((1, "Sales rep", "text"), (2, "Segment", "text"), (3, "Last review", "date"))


def generate_demo(engine: Engine, *, companies: int = 2000, seed: int = 42,
                  clock: Clock | None = None, progress: Progress | None = None,
                  worker: bool | None = None,
                  chorus_invoices: int = DEFAULT_INVOICES) -> DemoSummary:
    """Fill the database behind ``engine`` with a demo portfolio of ``companies``.

    Upgrades the schema first when it is not current. Refuses (``Conflict``) when the
    demo contracts or users are already there; everything is one transaction.
    ``progress(stage, done, total)`` is called as the load goes. ``worker`` builds the
    portfolio rows in a worker process (default: from ``WORKER_MIN_COMPANIES`` on); the
    data is the same either way. ``chorus_invoices``: Chorus Pro invoices generated
    beside the showcase of every state (``cofatui.demo.chorus_invoices``).
    """
    if isinstance(companies, bool) or not isinstance(companies, int) or companies < 1:
        raise ValidationFailed.at("companies", "database.demo_companies")
    started = perf_counter()
    clock = clock or SystemClock()
    now = clock.now().astimezone(UTC)
    report = progress or _silent
    if not is_up_to_date(engine):
        upgrade(engine)
    with _no_cycle_collection(), translated_errors(), bulk_transaction(engine) as loader:
        _refuse_existing(loader)
        if worker is None:
            worker = companies >= WORKER_MIN_COMPANIES
        demo = _Demo(loader, now, seed, companies, report, worker)
        demo.chorus_invoices = chorus_invoices
        demo.run()
        local_addresses.fill(loader.conn)  # the local-script address and city
    # The sub-ledger goes through the repository (its rules and posting engine), which
    # works in transactions of its own: after the bulk load is committed.
    from cofatui.demo.accounting import populate

    with _heap_frozen():
        populate(engine, clock, report)
    with engine.connect() as conn:  # the bulk load's rows and the sub-ledger's
        counts = {str(t.name): conn.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in TABLES}
    return DemoSummary(counts=counts, elapsed_seconds=perf_counter() - started,
                       companies=companies, seed=seed, dialect=engine.dialect.name,
                       partners=demo.partners)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector off for the bulk load, as it was after.

    The load allocates millions of row tuples (decoded from the worker or built here),
    each of which counts towards the collector's thresholds: it ran hundreds of passes
    over an ever larger heap, for no garbage (rows of ints and strings make no cycles).
    Reference counting still frees every row as soon as it is written."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _heap_frozen() -> Iterator[None]:
    """The objects alive before the body left out of the cyclic collector's passes.

    After the bulk load the heap holds millions of objects (the portfolio's state, the
    models' metadata), which every full collection walks again; the sub-ledger's ORM
    work triggers such passes (about 3 s of the 100 000-company demo, py-spy). Frozen,
    they are skipped; the body's own garbage is still collected."""
    if gc.get_freeze_count():  # frozen by someone else: theirs to undo
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _silent(_stage: str, _done: int, _total: int) -> None:
    return None


def _refuse_existing(loader: BulkLoader) -> None:
    conn = loader.conn
    contract, user = _table(Contract), _table(User)
    found = conn.execute(select(func.count()).select_from(contract).where(
        contract.c.policy_number.in_([POLICY_1, POLICY_2]))).scalar_one()
    found += conn.execute(select(func.count()).select_from(user).where(
        user.c.login.in_(DEMO_LOGINS))).scalar_one()
    if found:
        raise Conflict("database.demo_present", policy=POLICY_1)


class _Demo:
    def __init__(self, loader: BulkLoader, now: datetime, seed: int, companies: int,
                 report: Progress, worker: bool) -> None:
        self.worker = worker
        self.loader = loader
        self.now = now  # aware UTC
        self.naive_now = now.replace(tzinfo=None)
        self.seed = seed
        self.companies = companies
        self.report = report
        self.ids = IdCounter({str(t.name): loader.next_id(t) for t in TABLES
                             if "id" in t.c})
        self.contracts: list[ContractRef] = []
        self.terms: list[ContractTerms] = []
        self.users: dict[str, int] = {}
        self.partners = 0
        self.chorus_invoices = DEFAULT_INVOICES
        self.search: SearchIndexer | None = None

    def rng(self, stage: str) -> random.Random:
        """One generator per stage, so a change in one stage leaves the others alone."""
        return random.Random(f"cofatui-demo/{self.seed}/{stage}")

    def run(self) -> None:
        self._reference_data()
        conn = self.loader.conn
        # The bulk of the rows: their indexes built once at the end of the portfolio
        # (cofatui.demo.deferred), before anything below reads them; the search triggers'
        # work done once at the end of the load, so that the notifications written
        # after the portfolio (claims, turnover requests, Chorus Pro) are not indexed
        # one by one into the full-text indexes either (about 3 ms each).
        with deferred_triggers(conn, BULK_TABLES) as self.search:
            with deferred_indexes(conn, BULK_TABLES):
                state = self._portfolio()
            # The first request of each pending product (kept by the repository as it
            # orders).
            self.loader.counts["product_request"] = backfill_initial_requests(conn)
            self._partner_companies()
            self._bulk_seed_companies()
            self._claims_and_extensions(state)
            self._finish(state)
            self._chorus()

    # ------------------------------------------------------------------ setup

    def _chorus(self) -> None:
        """Chorus Pro: the directory, its users and invoices (issue 18 item 11)."""
        directory = write_directory(self.loader, self.ids.take, self.naive_now, self.users)
        write_invoices(self.loader, self.ids.take, self.naive_now, directory, self.seed,
                       self.chorus_invoices)
        self.report("chorus", 1, 1)

    def _core(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            table = _table(model)
            self.loader.conn.execute(insert(table), list(rows))
            self.loader.track(table, len(rows))

    def _reference_data(self) -> None:
        from argon2 import PasswordHasher

        take = self.ids.take
        # Both demo contracts and every policyholder user in one organisation (issue 16
        # item 1), named after the first contract's policyholder.
        organisation = self.loader.conn.execute(insert(_table(Organisation)).values(
            name=_CONTRACTS[0][1])).inserted_primary_key[0]
        contracts, rules, fields, bands = [], [], [], []
        for index, (policy, holder, currency, dmc, max_days, pct, uninsured, glob,
                    _hours) in enumerate(_CONTRACTS):
            cid = take("contract")
            contracts.append({
                "id": cid, "policy_number": policy, "policyholder": holder,
                "currency": currency, "dmc_days": dmc, "max_declaration_days": max_days,
                "insured_percentage": pct,
                "products_allowed": "CRL,RLI,ECL,CCO,RCO,ROM,RSC,RSM,TOPLINER,REPORT,"
                                    "EXTENSION,CLAIM",
                "option_uninsured_collection": uninsured, "option_globalliance": glob,
                "max_portfolio_companies": 100_000, "version": 1,
                "organisation_id": organisation,
                # Turnover terms (issue 17 item 2): the first contract declares its sales
                # per debtor, the second its outstanding per country.
                "turnover_basis": _TURNOVER_TERMS[index][0].value,
                "turnover_breakdown": _TURNOVER_TERMS[index][1].value})
            ref_rules: dict[str, list[tuple[int, int | None, str]]] = {}
            for code, priority, min_dra, max_amount, hours, name in _RULES[index]:
                rules.append(_rule_row(take("underwriting_rule"), cid, underwriting.Rule(
                    name, code, priority, min_dra=min_dra,
                    max_amount=None if max_amount is None else Decimal(max_amount),
                    response_hours=hours)))
                ref_rules.setdefault(code, []).append(
                    (min_dra, None if max_amount is None else max_amount * 1000, name))
            rules += [_rule_row(take("underwriting_rule"), cid, rule)
                      for rule in underwriting.DEFAULT_RULES]
            bands += [_band_row(take("dra_band"), cid, band)
                      for band in underwriting.DEFAULT_BANDS]
            custom: list[tuple[int, int, str]] = []
            for slot, name, fmt in _CUSTOM_FIELDS:
                def_id = take("custom_field_definition")
                fields.append({"id": def_id, "contract_id": cid, "slot": slot, "name": name,
                               "format": fmt})
                custom.append((def_id, slot, fmt))
            self.contracts.append(ContractRef(
                id=cid, policy=policy, currency=currency, rules=ref_rules,
                response_hours={"CRL": _hours, "CCO": 24, "TOPLINER": 48, "REPORT": 96},
                requesters=("demo", "demo", "demo", "admin", "l.moreau") if index == 0
                else ("other", "other", "demo"),
                custom_fields=custom,
                tables=underwriting.Tables(underwriting.DEFAULT_RULES,
                                           underwriting.DEFAULT_BANDS, pct)))
            self.terms.append(ContractTerms(
                id=cid, currency=currency, insured_percentage=pct, dmc_days=dmc,
                max_declaration_days=max_days, uninsured_option=uninsured,
                requester="demo" if index == 0 else "other"))
        self._core(Contract, contracts)
        self._core(UnderwritingRule, rules)
        self._core(DraBand, bands)
        self._core(CustomFieldDefinition, fields)

        password_hash = PasswordHasher().hash(DEMO_PASSWORD)  # once: hashing is slow
        users, links = [], []
        created = self.now - timedelta(days=400)
        for spec in _USERS:
            uid = take("user")
            self.users[spec.login] = uid
            users.append({
                "id": uid, "login": spec.login, "title": spec.title, "first_name": spec.first,
                "last_name": spec.last,
                "email": f"{spec.login}@durand-industries.example" if spec.role
                is not Role.UNDERWRITER else f"{spec.login}@insurer.example",
                "phone": "+33 1 44 55 66 77", "fax": "", "language": spec.language,
                "role": spec.role.value, "status": spec.status.value,
                "password_hash": password_hash,
                "default_contract_id": None if spec.default_contract is None
                else self.contracts[spec.default_contract].id,
                "notify_opt_out": spec.opt_out, "created_at": created, "version": 1,
                "updated_at": created,
                "organisation_id": None if spec.role is Role.UNDERWRITER else organisation})
            for index, rights, sections in spec.attachments:
                links.append({"id": take("user_contract"), "user_id": uid,
                              "contract_id": self.contracts[index].id,
                              "rights": rights.value,
                              "section_rights": json.dumps(sections, sort_keys=True)})
        self._core(User, users)
        self._core(UserContract, links)
        self.report("users", 1, 1)

    # --------------------------------------------------------------- portfolio

    def _portfolio(self) -> PortfolioState:
        loader = self.loader
        params = PortfolioParams(
            seed_text=f"cofatui-demo/{self.seed}/portfolio", now=self.naive_now,
            contracts=self.contracts, second_share=SECOND_SHARE,
            products_per_company=PRODUCTS_PER_COMPANY, next_ids=dict(self.ids.next),
            reader_id=self.users["demo"], dialect=loader.dialect, companies=self.companies,
            chunk=CHUNK)
        items = run_in_worker(params) if self.worker else build_chunks(params)
        done = 0
        self.report("companies", 0, self.companies)
        # Closed on the way out, a failed write included: the worker is stopped and its
        # reader thread joined there and then. Left to the garbage collector (off for
        # the load), that happened at interpreter shutdown, where the reader's pending
        # read aborted the process ("could not acquire lock ... at interpreter
        # shutdown") instead of the load's own error.
        with contextlib.closing(items):
            for item in items:
                if isinstance(item, PortfolioState):
                    self.ids.next.update(item.next_ids)
                    for contract, units in zip(self.contracts, item.wap_units, strict=True):
                        contract.wap_units = units
                    return item
                self._write(item)
                done = min(self.companies, done + CHUNK)
                self.report("companies", done, self.companies)
        raise RuntimeError("The demo generator stopped before the end of the portfolio")

    def _write(self, chunk: Chunk) -> None:
        insert = self.loader.insert
        insert(_table(Company), COMPANY_COLUMNS, chunk.companies)
        insert(_table(LegalIdentifier), IDENTIFIER_COLUMNS, chunk.identifiers)
        insert(_table(PortfolioEntry), ENTRY_COLUMNS, chunk.entries)
        insert(_table(CustomFieldValue), CUSTOM_VALUE_COLUMNS, chunk.custom_values)
        insert(_table(Product), PRODUCT_COLUMNS, chunk.products)
        insert(_table(ProductEvent), EVENT_COLUMNS, chunk.events)
        insert(_table(Ilu), requests.ILU_COLUMNS, chunk.ilus)
        insert(_table(CompanyInformation), requests.SUBMISSION_COLUMNS, chunk.submissions)
        _insert_documents(insert, chunk.documents)
        insert(_table(Notification), PORTFOLIO_NOTIFICATION_COLUMNS, chunk.notifications)
        insert(_table(NotificationState), STATE_COLUMNS, chunk.states)
        if chunk.notifications and self.search is not None:
            # Their text is final (their entry's): indexed while the worker builds on.
            self.search.index_to(chunk.notifications[-1][0])

    def _partner_companies(self) -> None:
        """Companies of the partners' databases, found by an extended search only."""
        companies, idents = build_partners(
            self.rng("partners"), partner_count(self.companies), self.ids.take,
            self.naive_now, self.loader.ts)
        self.loader.insert(_table(Company), COMPANY_COLUMNS, companies)
        self.loader.insert(_table(LegalIdentifier), IDENTIFIER_COLUMNS, idents)
        self.partners = len(companies)
        self.report("partners", 1, 1)

    def _bulk_seed_companies(self) -> None:
        """The companies of the seed's bulk-order examples (issue 14, item 9)."""
        from cofatui.demo.bulk_seed import seed_rows

        first = self.contracts[0]
        rows = seed_rows(self.ids.take, first.id, first.currency, self.naive_now,
                         self.loader.ts, self.loader.day)
        insert = self.loader.insert
        insert(_table(Company), COMPANY_COLUMNS, rows.companies)
        insert(_table(LegalIdentifier), IDENTIFIER_COLUMNS, rows.identifiers)
        insert(_table(PortfolioEntry), ENTRY_COLUMNS, rows.entries)
        insert(_table(Product), PRODUCT_COLUMNS, rows.products)
        insert(_table(ProductEvent), EVENT_COLUMNS, rows.events)

    # ---------------------------------------------------- claims, extensions

    def _claims_and_extensions(self, b: PortfolioState) -> None:
        rng = self.rng("claims")
        n = len(b.names)
        wanted = min(n, max(6, round(n * 0.02)))
        # Debtors: weak companies far more often than sound ones.
        debtors: list[tuple[int, str, int, ContractTerms]] = []
        taken: set[int] = set()
        order = list(range(n))
        rng.shuffle(order)
        for idx in order:
            if len(debtors) >= wanted:
                break
            if rng.random() < (0.9 if b.dra[idx] <= 3 else 0.3):
                taken.add(idx)
                terms = self.terms[1] if b.second[idx] and rng.random() < 0.3 \
                    else self.terms[0]
                debtors.append((b.first_company_id + idx, b.countries[idx],
                                b.active_cover[idx], terms))
        claims = ClaimBuilder(rng, self.now, self.ids.next)
        made = claims.claims(debtors, forced=[ClaimStatus.PENDING, ClaimStatus.ACCEPTED,
                                              ClaimStatus.REJECTED, ClaimStatus.CLOSED,
                                              ClaimStatus.CANCELLED, ClaimStatus.DRAFT])
        self._core(Claim, made.claims)
        # The claims portfolio's rows (kept by the repository on each claim written).
        self.loader.counts["claim_debtor"] = rebuild_claim_debtors(self.loader.conn)
        self._core(ClaimDeclaration, made.declarations)
        self._core(ClaimInvoice, made.invoices)
        self._core(ClaimPayment, made.payments)
        self._core(PaymentAllocation, made.allocations)
        self._claim_notifications(b, made, rng)
        self.report("claims", 1, 1)

        buyers: list[tuple[int, ContractTerms]] = []
        wanted = min(n - len(taken), max(4, n // 200))
        for idx in order[::-1]:
            if len(buyers) >= wanted:
                break
            if idx not in taken and b.dra[idx] > 0:
                buyers.append((b.first_company_id + idx, self.terms[0]))
        ext = claims.extensions(buyers, forced=list(ExtensionStatus))
        self._core(Extension, ext.extensions)
        self._core(ExtensionInvoice, ext.invoices)
        self._core(ExtensionPlanLine, ext.plan)
        self.report("extensions", 1, 1)

    def _claim_notifications(self, b: PortfolioState, made: ClaimSet,
                             rng: random.Random) -> None:
        rows, states = [], []
        ts = self.loader.ts
        take = self.ids.take
        demo = self.users["demo"]
        for claim_id, contract_id, company_id, status, reference, currency, amount, at \
                in made.events:
            idx = company_id - b.first_company_id
            where = texts.about(b.names[idx], b.countries[idx])
            if status == "indemnity":
                message = texts.indemnity(reference, currency, int(amount * 1000), where)
            else:
                message = texts.claim(reference, status, where)
            nid = take("notification")
            rows.append((nid, contract_id, company_id, None, claim_id, "CLAIM", *message,
                         ts(at.replace(tzinfo=None)), None, None))
            if rng.random() < 0.5:
                states.append((take("notification_state"), demo, nid, True, False))
        self.loader.insert(_table(Notification), NOTIFICATION_COLUMNS, rows)
        self.loader.insert(_table(NotificationState), STATE_COLUMNS, states)

    # ----------------------------------------------------------------- finish

    def _finish(self, b: PortfolioState) -> None:
        rng = self.rng("finish")
        take = self.ids.take
        n = len(b.names)
        favourites = []
        for login, count in (("demo", 20), ("admin", 5)):
            for idx in sorted(rng.sample(range(n), k=min(n, count))):
                favourites.append({"id": take("favourite"), "user_id": self.users[login],
                                   "company_id": b.first_company_id + idx})
        self._core(Favourite, favourites)
        self._turnover_requests(rng, b)
        self._already_known(b)
        snapshots = []
        for contract in self.contracts:
            current = compute_wap(
                (dra, Decimal(units) / 1000) for dra, units in enumerate(contract.wap_units))
            value = float(current) if current is not None else 6.0
            points = []
            for _ in range(12):  # walk back from today's value, month by month
                value = min(10.0, max(0.0, value + rng.gauss(0, 0.12)))
                points.append(round(value, 2))
            for months_ago, wap in zip(range(1, 13), points, strict=True):
                year, month = divmod(self.now.year * 12 + self.now.month - 1 - months_ago, 12)
                snapshots.append({"id": take("wap_snapshot"), "contract_id": contract.id,
                                  "day": datetime(year, month + 1, 1, tzinfo=UTC), "wap": wap})
        self._core(WapSnapshot, snapshots)
        self._core(AuditEntry, [{
            "id": take("audit_entry"), "at": self.now, "user_id": None, "login": "system",
            "contract_id": None, "operation": "demo.generate", "target_type": "database",
            "target_id": None,
            "changes": json.dumps({"companies": [None, self.companies],
                                   "seed": [None, self.seed]})}])
        self.report("finishing", 1, 1)

    def _turnover_requests(self, rng: random.Random, b: PortfolioState) -> None:
        """Monthly turnover declaration requests, with reminders for the recent ones,
        each leading to its declaration (demo.requests.TurnoverObjects)."""
        rows, states = [], []
        ts = self.loader.ts
        take = self.ids.take
        demo = self.users["demo"]
        # Its own generator: the amounts of the lines leave the rest of "finish" alone.
        objects = requests.TurnoverObjects(take, ts, self.loader.day, self.naive_now,
                                           self.rng("turnover"))
        for index, contract in enumerate(self.contracts):
            basis, breakdown = _TURNOVER_TERMS[index]
            debtors = self._turnover_debtors(b, index)
            for months_ago in range(1, 13):
                year, month = divmod(self.now.year * 12 + self.now.month - 1 - months_ago, 12)
                period = date(year, month + 1, 1)
                sent = self.naive_now - timedelta(days=30 * months_ago - 2)
                declaration = objects.declaration(
                    contract.id, contract.currency, breakdown, basis, period, months_ago,
                    sent, debtors, ("Camille Martin", "+33 1 44 55 66 77",
                                    "demo@durand-industries.example"))
                reminders = 3 if months_ago == 1 else (1 if months_ago == 2 else 0)
                for reminder in range(reminders + 1):
                    at = min(self.naive_now, sent + timedelta(days=7 * reminder))
                    message = texts.turnover(period, reminder, contract.policy)
                    nid = take("notification")
                    rows.append((nid, contract.id, None, None, None, "", *message, ts(at),
                                 "turnover_declaration", declaration))
                    if months_ago > 2 or rng.random() < 0.3:
                        states.append((take("notification_state"), demo, nid, True, False))
        self._core_rows(TurnoverDeclaration, requests.DECLARATION_COLUMNS,
                        objects.out.declarations)
        self._core_rows(TurnoverLine, requests.LINE_COLUMNS, objects.out.lines)
        _insert_documents(self.loader.insert, objects.out.documents)
        self.loader.insert(_table(Notification), NOTIFICATION_COLUMNS, rows)
        self.loader.insert(_table(NotificationState), STATE_COLUMNS, states)

    def _core_rows(self, model: Any, columns: Sequence[str], rows: list[Any]) -> None:
        self.loader.insert(_table(model), columns, rows)

    @staticmethod
    def _turnover_debtors(b: PortfolioState, index: int,
                          count: int = 12) -> list[requests.Debtor]:
        """The first covered buyers of a contract (the second holds a share of them)."""
        found: list[requests.Debtor] = []
        for idx, cover in enumerate(b.active_cover):
            if cover and (index == 0 or b.second[idx]):
                found.append(requests.Debtor(b.first_company_id + idx, b.names[idx],
                                             b.countries[idx]))
                if len(found) == count:
                    break
        return found

    def _already_known(self, b: PortfolioState) -> None:
        """A few submissions the underwriter found already known (the portfolio's
        outcomes say analysed, in progress or unusable), on the first contract."""
        from cofatui.repository.sql.company_info import notice

        contract = self.contracts[0]
        out = requests.RequestRows([], [], [])
        objects = requests.RequestObjects(self.ids.take, self.loader.ts, self.loader.day,
                                          self.naive_now, out)
        rows = []
        kinds = texts.DOCUMENT_KINDS
        for i in range(min(3, len(b.names))):
            at = self.naive_now - timedelta(days=40 + 9 * i)
            company = b.first_company_id + i
            _, sid = objects.submission(contract.id, company, at, kinds[i], 0, at.year - 1,
                                        "demo", CompanyInfoStatus.ALREADY_KNOWN)
            said = notice(CompanyInformation(contract_id=contract.id, company_id=company,
                                             form="transmission",
                                             info_type=requests.INFO_TYPES[kinds[i]].value,
                                             status="already_known"), b.names[i]).columns()
            rows.append((self.ids.take("notification"), contract.id, company, None, None, "",
                         "management", "document", "low", said["kind"], said["params"],
                         said["title"], said.get("body", ""), self.loader.ts(at),
                         "company_information", sid))
        self._core_rows(CompanyInformation, requests.SUBMISSION_COLUMNS, out.submissions)
        _insert_documents(self.loader.insert, out.documents)
        self.loader.insert(_table(Notification), NOTIFICATION_COLUMNS, rows)

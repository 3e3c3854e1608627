"""Security of the HTTP API, in-process on SQLite with the contract dataset.

The route matrices are generated from the app's OpenAPI document, so a new route is
covered (or the test says what it needs to cover it) without editing a list of URLs:

- without a token, or with a wrong, revoked or expired one, every route but /health,
  /openapi.json and the password login answers 401;
- alice (contract A) gets 403 or 404 — never 2xx, and nothing is written — for every
  route that takes an id, called with the ids of contract B;
- the read-only user gets 403 on every write route.

The areas of the Repository (``repo.jobs``, ``repo.imports``, ``repo.mail``) are
covered the same way: their routes are named ``area.method`` and each method of each
area protocol has exactly one.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import migrations
from cofatui.api import limits
from cofatui.api.routes.chorus_facturx import FORMAT_ROUTES
from cofatui.clock import FixedClock
from cofatui.enums import ExportAggregation, ExportCategory
from cofatui.models import AuditEntry, NotificationState, OutboxMessage
from cofatui.repository.base import Repository
from cofatui.repository.sql import SqlRepository, identity, make_engine
from cofatui.schemas import (
    ClaimCreate,
    ExtensionCreate,
    ExtensionInvoiceLine,
    InvoiceLine,
    PlanLineInput,
)
from cofatui.schemas_accounting import BooksCreate, CoverCreate, NoticeCreate, NoticeLineIn
from cofatui.schemas_company_info import CompanyInfoIn
from cofatui.schemas_custom_fields import CustomFieldCreate
from cofatui.schemas_exports import DirectExportFile, ExportScenarioIn, ExportTemplateIn
from cofatui.schemas_ilu import IluCreate
from cofatui.schemas_jobs import ExportFormat, ImportMode, ImportStatus, JobKind
from cofatui.schemas_turnover import TurnoverRequestIn
from cofatui.schemas_users import UserCreate
from tests.api_app import openapi_schema, shared_app
from tests.contract import chorus_dataset as chorus
from tests.contract import dataset
from tests.contract.chorus_invoice_samples import IBAN, invoice, pdf
from tests.contract.templates import SqliteTemplate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A client-references import whose one line names no company of the portfolio: stored
# with its line in error, nothing of the contract written.
REFERENCES_CSV = b"EasyNumber;Client reference\nZZZ999;REF-1\n"
# A bulk order file of one line (its job is queued, never run here).
BULK_CSV = b"FRA;00000012354897;;;;CCO;C;10000;;\n"
# A user import of one right line (a user created only if the caller may import).
USERS_CSV = (b"title;last_name;first_name;phone;fax;email\n"
             b"mr;Evil;Eve;0123456789;0123456780;eve@example.com\n")
WRITE_METHODS = {"post", "put", "patch", "delete"}
PUBLIC = {("get", "/health"), ("post", "/auth/token"), ("post", "/auth/activate")}


SCHEMA = openapi_schema()
OPERATIONS = [(method, path, op) for path, ops in SCHEMA["paths"].items()
              for method, op in ops.items()]


def name_of(op: dict[str, Any]) -> str:
    """The operation id: the endpoint's name, which is the Repository method it exposes
    (``area.method`` for a method of an area such as ``repo.jobs``)."""
    return str(op["operationId"])


def repository_methods() -> set[str]:
    """Every method of the Repository protocol; an area (a property typed with its own
    protocol, e.g. ``jobs: JobsArea``) contributes its methods as ``area.method``."""
    names: set[str] = set()
    for name in dir(Repository):
        if name.startswith("_") or name == "close":
            continue
        attr = inspect.getattr_static(Repository, name)
        if isinstance(attr, property):
            area = get_type_hints(attr.fget)["return"]
            names |= {f"{name}.{m}" for m in dir(area) if not m.startswith("_")}
        else:
            names.add(name)
    return names


def ids_of(case: tuple[str, str, dict[str, Any]]) -> str:
    return f"{case[0].upper()} {case[1]}"


# --- fixture ----------------------------------------------------------------------------


@dataclass
class Api:
    client: TestClient
    engine: Engine
    ids: dict[str, int]
    clock: FixedClock

    def token(self, login: str, **kw: Any) -> str:
        return identity.create_token(self.engine, login, clock=kw.pop("clock", self.clock),
                                     **kw)[0]

    def headers(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(login)}"}

    def repo(self, login: str) -> Repository:
        return SqlRepository(self.engine, login, self.clock)

    def audit_count(self) -> int:
        with Session(self.engine) as s:
            return int(s.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def _claim(api: Api, login: str, contract: str, company: str) -> int:
    invoice = InvoiceLine(type="IN", number="9001", invoice_date=dataset.TODAY - timedelta(days=40),
                          due_date=dataset.TODAY - timedelta(days=10), currency="EUR",
                          amount_excl_tax=Decimal("1000.00"), tax=Decimal("200.00"))
    claim = api.repo(login).claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=api.ids[contract], company_id=api.ids[company], reason="insolvency",
        invoices=[invoice]))
    return claim.id


def _extension(api: Api, contract: str, company: str) -> ExtensionCreate:
    due = dataset.TODAY + timedelta(days=15)
    return ExtensionCreate(
        contract_id=api.ids[contract], company_id=api.ids[company], reason="Cash shortage",
        invoices=[ExtensionInvoiceLine(number="F-1", invoice_date=due - timedelta(days=45),
                                       due_date=due, amount=Decimal("600.00"))],
        plan=[PlanLineInput(due_date=due + timedelta(days=20), amount=Decimal("600.00"))])


def personal_items(repo: Repository, ids: dict[str, int], contract: str) -> dict[str, int]:
    """A template, a scenario and a direct export of the contract's user (exports belong
    to their user, issue 15) and a custom field of the contract (issue 16): the ids the
    export and custom-field routes take."""
    template = repo.exports.create_template(ExportTemplateIn(
        category=ExportCategory.PORTFOLIO, name=f"T{contract}", columns=["company_name"]))
    scenario = repo.exports.create_scenario(ExportScenarioIn(
        category=ExportCategory.PORTFOLIO, name=f"S{contract}", template_id=template.id,
        contract_ids=[ids[contract]], aggregation=ExportAggregation.PRODUCT))
    export = repo.exports.store_direct(
        ExportCategory.PORTFOLIO, [ids[contract]], 1,
        [DirectExportFile(format=ExportFormat.CSV, name="p.csv", content=b"x;y\n")])
    field = repo.custom_fields.create(
        ids[contract], CustomFieldCreate(name=f"F{contract}", format="text"))
    assert field.slot is not None
    return {f"template:{contract}": template.id, f"scenario:{contract}": scenario.id,
            f"export:{contract}": export.id, f"slot:{contract}": field.slot}


def _aim_targets(api: Api) -> None:
    """The rows the routes are aimed at, added to the dataset (their ids in ``api.ids``)."""
    ids = api.ids
    # A claim and a document on each contract, for the claim and document routes.
    ids["claim:B"] = _claim(api, "bob", "B", "epsilon")
    ids["claim:A"] = _claim(api, "alice", "A", "beta")
    ids["doc:B"] = api.repo("bob").claims.add_document(ids["claim:B"], "b.pdf", PDF, "other").id
    ids["doc:A"] = api.repo("alice").claims.add_document(ids["claim:A"], "a.pdf", PDF,
                                                         "other").id
    ids["ext:B"] = api.repo("bob").extensions.request(_extension(api, "B", "beta")).id
    ids["ext:A"] = api.repo("alice").extensions.request(_extension(api, "A", "gamma")).id
    # A job and an import result of each contract's user, for the area routes.
    for login, contract in (("bob", "B"), ("alice", "A")):
        repo = api.repo(login)
        ids[f"job:{contract}"] = repo.jobs.queue(
            JobKind.EXPORT_PORTFOLIO, {"contract_id": ids[contract]}).id
        ids[f"import:{contract}"] = repo.imports.run(
            "client_references", ids[contract], "refs.csv", REFERENCES_CSV,
            ImportMode.PER_LINE).id
        ids[f"bulk:{contract}"] = repo.bulk.start(ids[contract], "orders.csv",
                                                  BULK_CSV).bulk_import.id
        ids.update(personal_items(repo, ids, contract))
    for login, contract, covered in (("bob", "B", "epsilon"), ("alice", "A", "alpha")):
        ids.update(insurer_requests(api, login, contract, covered))
    ids.update(chorus_targets(api, ("A", "B")))
    ids.update(accounting_targets(api, ("A", "B")))


#: Each contract's books (issue 20): a SIREN, and the user who records its events.
ACCOUNTING_SIDES = {"A": ("732829320", "alice"), "B": ("552100554", "bob")}


def accounting_targets(api: Api, contracts: tuple[str, ...]) -> dict[str, int]:
    """Books over each contract (set up by insurer staff) with a journal entry, a
    premium notice and a prospection cover: the ids the accounting routes take."""
    from cofatui.enums import AccountingEventKind, CoverKind, Journal, NoticeLineRole
    from cofatui.models.accounting import Books, FinancialYear
    from cofatui.repository.sql.ledger_write import write_posting
    from cofatui.rules.ledger_model import Posting, PostingLine

    found: dict[str, int] = {}
    for contract in contracts:
        siren, login = ACCOUNTING_SIDES[contract]
        cid = api.ids[contract]
        books = api.repo("uw").books.create(BooksCreate(
            siren=siren, name=f"Holder {contract}", contract_ids=[cid],
            first_year_start=date(2026, 1, 1), first_year_end=date(2026, 12, 31)))
        notice = api.repo("uw").premiums.create_notice(NoticeCreate(
            contract_id=cid, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31),
            due_date=date(2026, 2, 1), lines=[NoticeLineIn(
                role=NoticeLineRole.CREDIT_INSURANCE, amount_excl_tax=Decimal("100"))]))
        cover = api.repo(login).covers.create(CoverCreate(
            contract_id=cid, kind=CoverKind.PROSPECTION, reference=f"PROSP-{contract}",
            currency="EUR", start=date(2025, 1, 1), end=date(2029, 12, 31),
            guarantee_end=date(2027, 1, 1), amortisation_end=date(2029, 12, 31)))
        with Session(api.engine) as s:
            row, year = s.get(Books, books.id), s.get(FinancialYear, books.years[0].id)
            assert row is not None and year is not None
            amount = Decimal("100")
            day = date(2026, 2, 1)
            entry = write_posting(s, row, year, Posting(
                event_key=f"notice_paid:{notice.id}",
                event_kind=AccountingEventKind.NOTICE_PAID, journal=Journal.BANK,
                entry_date=day, piece_ref=notice.number, piece_date=day, label="Prime",
                source_kind="payment", source_id=notice.id, lines=(
                    PostingLine("6166", amount, Decimal(0), "Prime"),
                    PostingLine("512", Decimal(0), amount, "Prime"))))
            s.commit()
            assert entry.id is not None
            found[f"ledger-entry:{contract}"] = entry.id
        found |= {f"books:{contract}": books.id, f"year:{contract}": books.years[0].id,
                  f"notice:{contract}": notice.id, f"cover:{contract}": cover.id}
    return found


#: The Chorus Pro side of each "contract": Chorus rights come from attachments, not
#: contracts (issue 18 item 3), so "contract B's" rows are those of supplier structure
#: SB and its user, which alice (attached to nothing) may not reach; "A"'s are SA's.
CHORUS_SIDES = {"A": (chorus.SA, chorus.SA_USER), "B": (chorus.SB, chorus.SB_USER)}


def chorus_invoice_json(contract: str, number: str) -> dict[str, Any]:
    """An invoice of the contract's supplier structure to PA, valid in every field."""
    structure, _login = CHORUS_SIDES[contract]
    return invoice(number, supplier_siret=chorus.SIRET[structure]).model_dump(mode="json")


def chorus_targets(api: Api, contracts: tuple[str, ...]) -> dict[str, int]:
    """An invoice deposited by each side's supplier (with its PDF, a file), and the ids
    of its structure, the attachment and the user: the ids the Chorus routes take."""
    found: dict[str, int] = {}
    for contract in contracts:
        structure, login = CHORUS_SIDES[contract]
        detail = api.repo(login).chorus_invoices.create(
            invoice(f"SEC-{contract}", supplier_siret=chorus.SIRET[structure]), pdf())
        found |= {f"chorus-invoice:{contract}": detail.id,
                  f"chorus-file:{contract}": detail.files[0].id,
                  f"chorus-structure:{contract}": api.ids[structure],
                  f"chorus-attachment:{contract}": api.ids[chorus.attachment_key(login)],
                  f"chorus-user:{contract}": api.ids[login]}
    return found


def insurer_requests(api: Api, login: str, contract: str, covered: str) -> dict[str, int]:
    """A turnover declaration request and an ILU on the contract (issued by the
    underwriter; the ILU on its ``covered`` buyer) and company information sent by its
    user (negative information: no file): the ids the issue-17 routes take."""
    ids = api.ids
    declaration = api.repo("uw").turnover.request(TurnoverRequestIn(
        contract_id=ids[contract], period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31), label="October"))
    info = api.repo(login).company_info.send(CompanyInfoIn.model_validate(
        {"contract_id": ids[contract], "company_id": ids["beta"], "form": "negative",
         "nature": "commercial", "event_date": dataset.TODAY, "description": "Late payer"}),
        [])
    ilu = api.repo("uw").ilus.create(IluCreate(contract_id=ids[contract],
                                               company_id=ids[covered]))
    return {f"turnover:{contract}": declaration.id, f"info:{contract}": info.id,
            f"ilu:{contract}": ilu.id}


@pytest.fixture(scope="module")
def api_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """The contract dataset with the rows the routes are aimed at, made once per test
    process; each test gets a copy of its own (``api``)."""
    path = tmp_path_factory.mktemp("api-template") / "api.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrations.upgrade(engine)
        ids = dict(dataset.build(engine))
        clock = FixedClock(dataset.NOW)
        with shared_app(engine, clock) as app, TestClient(app) as client:
            _aim_targets(Api(client, engine, ids, clock))
    finally:
        engine.dispose()
    return SqliteTemplate(path, dataset.Ids(ids))


@pytest.fixture
def api(tmp_path: Path, api_template: SqliteTemplate) -> Iterator[Api]:
    engine, ids = api_template.copy_to(tmp_path / "api.sqlite")
    clock = FixedClock(dataset.NOW)
    with shared_app(engine, clock) as app, \
            TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, engine, dict(ids), clock)
    engine.dispose()


# --- request building from the OpenAPI ----------------------------------------------------

PATH_IDS = {"contract_id": "{c}", "company_id": "{c}:company", "entry_id": "entry:{c}:{co}",
            "product_id": "{c}:product", "claim_id": "claim:{c}", "document_id": "doc:{c}",
            "extension_id": "ext:{c}", "job_id": "job:{c}", "import_id": "import:{c}",
            "bulk_import_id": "bulk:{c}", "template_id": "template:{c}",
            "scenario_id": "scenario:{c}", "export_id": "export:{c}", "slot": "slot:{c}",
            "declaration_id": "turnover:{c}", "ilu_id": "ilu:{c}", "submission_id": "info:{c}",
            "structure_id": "chorus-structure:{c}", "attachment_id": "chorus-attachment:{c}",
            "invoice_id": "chorus-invoice:{c}", "file_id": "chorus-file:{c}",
            "books_id": "books:{c}", "year_id": "year:{c}", "notice_id": "notice:{c}",
            "cover_id": "cover:{c}", "ledger_entry_id": "ledger-entry:{c}"}
#: Path parameters that are not dataset ids: a user of the contract, a file format.
PATH_VALUES = {"login": {"A": "alice", "B": "bob"}, "format": {"A": "csv", "B": "csv"}}
# Dataset keys per contract for each kind of id.
KEYS: dict[str, dict[str, Any]] = {
    "B": {"{c}": "B", "{c}:company": "epsilon", "entry:{c}:{co}": "entry:B:epsilon",
          "{c}:product": "p_eps_crl", "claim:{c}": "claim:B", "doc:{c}": "doc:B",
          "ext:{c}": "ext:B", "job:{c}": "job:B", "import:{c}": "import:B", "bulk:{c}": "bulk:B",
          "template:{c}": "template:B", "scenario:{c}": "scenario:B",
          "export:{c}": "export:B", "slot:{c}": "slot:B", "turnover:{c}": "turnover:B",
          "ilu:{c}": "ilu:B", "info:{c}": "info:B",
          **{f"chorus-{kind}:{{c}}": f"chorus-{kind}:B"
             for kind in ("structure", "attachment", "invoice", "file", "user")},
          **{f"{kind}:{{c}}": f"{kind}:B"
             for kind in ("books", "year", "notice", "cover", "ledger-entry")},
          "notifications": ["n6", "n7"]},
    "A": {"{c}": "A", "{c}:company": "alpha", "entry:{c}:{co}": "entry:A:alpha",
          "{c}:product": "p_alpha_crl", "claim:{c}": "claim:A", "doc:{c}": "doc:A",
          "ext:{c}": "ext:A", "job:{c}": "job:A", "import:{c}": "import:A", "bulk:{c}": "bulk:A",
          "template:{c}": "template:A", "scenario:{c}": "scenario:A",
          "export:{c}": "export:A", "slot:{c}": "slot:A", "turnover:{c}": "turnover:A",
          "ilu:{c}": "ilu:A", "info:{c}": "info:A",
          **{f"chorus-{kind}:{{c}}": f"chorus-{kind}:A"
             for kind in ("structure", "attachment", "invoice", "file", "user")},
          **{f"{kind}:{{c}}": f"{kind}:A"
             for kind in ("books", "year", "notice", "cover", "ledger-entry")},
          "notifications": ["n1"]},
}


def path_ids(api: Api, path: str, contract: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in PATH_VALUES:
            return PATH_VALUES[name][contract]
        assert name in PATH_IDS, f"add the path parameter {name!r} to PATH_IDS"
        return str(api.ids[KEYS[contract][PATH_IDS[name]]])

    return re.sub(r"\{(\w+)\}", value, path)


def sample(api: Api, name: str, contract: str) -> tuple[dict[str, Any], Any, bytes | None]:
    """Query parameters, JSON body and raw body for one operation, with ids of
    ``contract``: each is valid in shape, so only authorisation can refuse it."""
    k = KEYS[contract]
    i = api.ids
    cid, company = i[k["{c}"]], i[k["{c}:company"]]
    invoice = {"type": "IN", "number": "77", "currency": "EUR", "amount_excl_tax": "10",
               "invoice_date": str(dataset.TODAY - timedelta(days=40)),
               "due_date": str(dataset.TODAY - timedelta(days=10))}
    bodies: dict[str, Any] = {
        "portfolio.update_entry": {"version": 1, "changes": {"client_reference": "X"}},
        "products.request": {"contract_id": cid, "company_id": company, "code": "RSC"},
        "products.modify": {"amount": "1000", "version": 1},
        "products.transform": {"target": "ECL", "version": 1},
        "products.delete": {"version": 1},
        "products.renew": {"version": 1},
        "rates.record": {"base": "EUR", "quote": "USD", "rate": "1.08",
                                 "rate_date": str(dataset.TODAY)},
        "products.cancel_request": {"version": 1},
        "products.stop_monitoring": {"version": 1},
        "products.answer_topliner_quote": {"answer": "buy", "version": 1},
        "underwriting.decide": {"decision": {"decision": "grant"}, "version": 1},
        "claims.submit": {"contract_id": cid, "company_id": company, "reason": "insolvency",
                         "invoices": [invoice]},
        "claims.add_declaration": {"version": 1, "declaration": {"intervention_requested": True}},
        "claims.validate_lines": {"version": 1, "lines": {"invoice_ids": [1]}},
        "claims.set_status": {"version": 1, "change": {"status": "accepted"}},
        "claims.set_indemnity": {"version": 1, "update": {"calculated_indemnity": "1"}},
        "underwriting.set_company_dra": {"dra": 5, "version": 1},
        "portfolio.set_favourite": {"favourite": True},
        "notifications.mark": {"ids": [i[n] for n in k["notifications"]], "read": True},
        "notifications.delete": {"ids": [i[n] for n in k["notifications"]]},
        # "Mark all" on a filter of the contract (issue 21): refused for another's.
        "notifications.mark_matching": {"filter": {"contract_id": cid}, "read": True,
                                        "except_ids": []},
        "notifications.delete_matching": {"filter": {"contract_id": cid}},
        "companies.create": {"name": "Evil", "address": "x", "city": "y", "postal_code": "1",
                           "country": "FRA"},
        "drafts.save": {"payload": {"x": 1}},
        "extensions.request": {
            "contract_id": cid, "company_id": company, "reason": "late", "invoices": [
                {"number": "X", "invoice_date": str(dataset.TODAY - timedelta(days=30)),
                 "due_date": str(dataset.TODAY + timedelta(days=5)), "amount": "10"}],
            "plan": [{"due_date": str(dataset.TODAY + timedelta(days=20)), "amount": "10"}]},
        "extensions.cancel": {"version": 1},
        "extensions.modify": {"version": 1, "plan": [
            {"due_date": str(dataset.TODAY + timedelta(days=25)), "amount": "600"}]},
        "extensions.decide": {"version": 1, "decision": {"decision": "accept"}},
        "jobs.queue": {"kind": JobKind.EXPORT_PORTFOLIO.value, "params": {"contract_id": cid}},
        "mail.set_daily_digest": {"daily_digest": False},
        "custom_fields.create": {"name": "Evil", "format": "text"},
        "custom_fields.modify": {"name": "Evil", "version": 1},
        "exports.create_template": {"category": "portfolio", "name": "Evil",
                                    "columns": ["company_name"]},
        "exports.update_template": {"version": 1, "name": "Evil"},
        "exports.create_scenario": {
            "category": "portfolio", "name": "Evil", "aggregation": "product",
            "template_id": i[k["template:{c}"]], "contract_ids": [cid]},
        "exports.update_scenario": {"version": 1, "name": "Evil"},
        # The version the user read (so only the contract can refuse it) and a
        # threshold on the sample's contract.
        "notifications.save_preferences": {
            "version": api.repo("alice").notifications.preferences().version,
            "thresholds": [{"contract_id": cid, "product_code": "CRL",
                            "direction": "decrease", "amount": "1000", "currency": "EUR"}]},
        "users.modify": {"version": 1, "first_name": "Evil"},
        "users.set_status": {"version": 1, "status": "blocked"},
        "users.set_rights": {"version": 1, "rights": "read_only"},
        "users.create": {"title": "mr", "last_name": "Evil", "first_name": "Eve",
                         "phone": "+33 1 23 45 67 89", "fax": "+33 1 23 45 67 90",
                         "email": "eve@example.test", "language": "en"},
        "users.resend_activation": {"version": 1},
        "turnover.request": {"contract_id": cid, "period_start": "2026-12-01",
                             "period_end": "2026-12-31"},
        "turnover.cancel": {"version": 1},
        "turnover.update": {"version": 1, "lines": [{"company_id": company,
                                                     "amount": "10"}]},
        "turnover.send": {"version": 1},
        "ilus.create": {"contract_id": cid, "company_id": company},
        "company_info.decide": {"version": 1, "outcome": "analysed"},
        "ilus.answer": {"version": 1, "experience": "on_time", "delete_cover": False,
                        "real_need": "1000"},
        **chorus_bodies(api, contract),
        **accounting_bodies(api, contract),
    }
    queries: dict[str, dict[str, Any]] = {
        "notifications.rows": {"contract_id": cid},
        "notifications.unread_count": {"contract_id": cid},
        "notifications.count": {"contract_id": cid, "at_most": 10},
        "underwriting.queue": {"contract_id": cid},
        "claims.add_document": {"filename": "x.pdf", "category": "other"},
        "drafts.save": {"kind": "claim", "key": "k"},
        "drafts.delete": {"kind": "claim", "key": "k"},
        "imports.run": {"kind": "client_references", "contract_id": cid,
                        "file_name": "refs.csv", "mode": "per_line"},
        "bulk.start": {"filename": "orders.csv"},
        "custom_fields.delete": {"version": 1},
        "custom_fields.import_values": {"file_name": "f.csv"},
        "exports.delete_template": {"version": 1},
        "exports.delete_scenario": {"version": 1},
        "exports.delete_runs": {"ids": [i[k["export:{c}"]]]},
        "exports.store_direct": {"category": "portfolio", "contract_id": cid, "rows": 1,
                                 "format": "csv", "name": "x.csv", "size": 4},
        "users.detach": {"version": 1},
        "users.import_users": {"file_name": "users.csv"},
        "documents.rows": {"category": "claims"},
        "turnover.import_file": {"file_name": "t.csv"},
        "turnover.attach": {"file_name": "x.pdf"},
        "turnover.template": {"format": "csv"},
        "chorus_directory.structure_by_siret": {
            "siret": chorus.SIRET[CHORUS_SIDES[contract][0]]},
        "chorus_directory.user_attachments": {"name": "Chorus"},
        "chorus_invoices.delete_draft": {"version": 1},
        "chorus_invoices.dashboard": {"side": "issued",
                                      "structure_id": i[k["chorus-structure:{c}"]]},
        "chorus_invoices.anomalies": {"structure_id": i[k["chorus-structure:{c}"]]},
        "ledger.validation_preview": {"until": "2026-10-31"},
        "premiums.notices": {"contract_id": cid},
        "covers.list": {"contract_id": cid},
    }
    raw = {"claims.add_document": PDF, "imports.run": REFERENCES_CSV,
           "bulk.start": BULK_CSV, "exports.store_direct": b"x;y\n",
           "custom_fields.import_values": b"EasyNumber;Segment\n1;x\n",
           "users.import_users": USERS_CSV,
           "turnover.import_file": b"EasyNumber;Nom;Pays;Montant;Devise\n1;x;FRA;10;EUR\n",
           "turnover.attach": PDF}.get(name)
    return queries.get(name, {}), bodies.get(name), raw


def accounting_bodies(api: Api, contract: str) -> dict[str, Any]:
    """The JSON bodies of the accounting write routes (issue 20), with the ids of
    ``contract``'s books, notice, cover and contract: valid in shape."""
    i, k = api.ids, KEYS[contract]
    cid, books, cover = i[k["{c}"]], i[k["books:{c}"]], i[k["cover:{c}"]]
    siren = ACCOUNTING_SIDES[contract][0]
    return {
        "books.create": {"siren": siren, "name": "Evil", "contract_ids": [cid],
                         "first_year_start": "2027-01-01", "first_year_end": "2027-12-31"},
        "books.update": {"name": "Evil", "bank_account": "512", "bank_label": "Banque",
                         "contract_ids": [cid], "version": 1},
        "books.add_year": {"books_id": books, "end": "2027-12-31"},
        "books.set_override": {"books_id": books, "account": "512", "number": "51210000"},
        "premiums.set_terms": {"contract_id": cid, "year_start": "2026-01-01",
                               "provisional_premium": "1000", "rate_per_mille": "1.5"},
        "premiums.set_price": {"contract_id": cid, "code": "FEE", "price": "10"},
        "premiums.create_notice": {
            "contract_id": cid, "number": "EVIL-1", "period_start": "2026-01-01",
            "period_end": "2026-03-31", "due_date": "2026-02-01",
            "lines": [{"role": "credit_insurance", "amount_excl_tax": "10"}]},
        "premiums.issue_schedule": {"contract_id": cid, "year_start": "2026-01-01"},
        "premiums.issue_adjustment": {"contract_id": cid, "year_start": "2025-01-01",
                                      "turnover": "1000"},
        "premiums.bill_services": {"contract_id": cid, "month": "2026-10-01"},
        "premiums.cancel_notice": {"version": 1},
        "premiums.pay": {"contract_id": cid, "paid_on": "2026-11-01",
                         "notice_ids": [i[k["notice:{c}"]]]},
        "covers.create": {"contract_id": cid, "kind": "prospection", "reference": "EVIL",
                          "currency": "EUR", "start": "2026-01-01", "end": "2029-12-31",
                          "guarantee_end": "2027-01-01", "amortisation_end": "2029-12-31"},
        "covers.add_receivable": {"cover_id": cover, "reference": "R", "debtor": "D",
                                  "amount": "10", "booked_rate": "1.1",
                                  "booked_on": "2026-10-01"},
        "covers.record_event": {"cover_id": cover, "kind": "prospection_indemnity",
                                "event_date": "2026-10-01", "eur_amount": "10"},
        "claim_accounting.record_received": {"received_on": "2026-11-01",
                                             "eur_amount": "10", "version": 1},
        "claim_accounting.declare_irrecoverable": {"on": "2026-11-01", "version": 1},
        "claim_accounting.set_vat_recoverable": {"vat_recoverable": False, "version": 1},
        "ledger.generate": {"books_id": books},
        "ledger.validate": {"until": "2026-10-31"},
        "ledger.close_year": {"version": 1},
        "ledger.fec": {"books_id": books, "year_id": i[k["year:{c}"]]},
    }


def chorus_bodies(api: Api, contract: str) -> dict[str, Any]:
    """The JSON bodies of the Chorus Pro write routes, with the ids of ``contract``'s
    side (:data:`CHORUS_SIDES`)."""
    k = KEYS[contract]
    i = api.ids
    structure, attachment = i[k["chorus-structure:{c}"]], i[k["chorus-attachment:{c}"]]
    return {
        "chorus_directory.create_structure": {"siret": "33517109600035", "name": "Evil"},
        "chorus_directory.update_structure": {"version": 1, "name": "Evil"},
        "chorus_directory.change_siret": {"version": 1, "siret": "33517109600035"},
        "chorus_directory.set_billing_mandate": {"version": 1, "signed": True},
        "chorus_directory.save_service": {"code": "EVIL"},
        "chorus_directory.request_attachment": {"structure_id": structure,
                                                "comment": "Let me in"},
        "chorus_directory.decide_attachment": {"version": 1, "approve": False,
                                               "comment": "No"},
        "chorus_directory.change_attachment": {"version": 1, "role": "user",
                                               "spaces": ["issued"]},
        "chorus_directory.hand_over_main": {"attachment_id": attachment},
        "chorus_directory.create_colleague": {
            "structure_id": structure, "title": "mr", "last_name": "Evil",
            "first_name": "Eve", "email": "eve.chorus@example.test"},
        "chorus_directory.remove_attachments": {"user_id": i[k["chorus-user:{c}"]],
                                                "attachment_ids": [attachment]},
        "chorus_directory.update_account": {"version": 1, "city": "Evil"},
        "chorus_directory.set_subscriptions": {"subscriptions": {"returned": False}},
        "chorus_invoices.update_draft": {
            "version": 1, "invoice": chorus_invoice_json(contract, "EVIL-1")},
        "chorus_invoices.submit": {"version": 1},
        "chorus_invoices.process": {"version": 1, "state": "rejected", "comment": "No"},
        "chorus_invoices.correct": {"version": 1, "service_code": "ACHATS"},
        "chorus_invoices.change_payment_mode": {"version": 1, "iban": IBAN},
        "chorus_invoices.reissue": {"number": "EVIL-2"},
        "chorus_facturx.export_selection": {"invoice_ids": [i[k["chorus-invoice:{c}"]]]},
        "chorus_connector.save": {"enabled": False, "login": "evil",
                                  "password_ref": "env:EVIL", "version": None},
        "chorus_connector.send": {"version": 1},
    }


def _chorus_deposit_form(api: Api, contract: str) -> tuple[dict[str, str], list[Any]]:
    data = json.dumps(chorus_invoice_json(contract, "EVIL-3"))
    return {"data": data}, [("pdf", ("facture.pdf", pdf().content, "application/pdf"))]


def _chorus_files_form(api: Api, contract: str) -> tuple[dict[str, str], list[Any]]:
    return {}, [("files", ("annexe.pdf", pdf().content, "application/pdf"))]


def _chorus_completion_form(api: Api, contract: str) -> tuple[dict[str, str], list[Any]]:
    return {"data": json.dumps({"version": 1, "comment": "RIB"})}, \
        _chorus_files_form(api, contract)[1]


def _facturx_import_form(api: Api, contract: str) -> tuple[dict[str, str], list[Any]]:
    return {}, [("files", ("recue.pdf", pdf().content, "application/pdf"))]


def _company_info_form(api: Api, contract: str) -> tuple[dict[str, str], list[Any]]:
    form = {"contract_id": api.ids[contract], "company_id": api.ids["gamma"],
            "form": "transmission", "info_type": "annual_report"}
    return {"data": json.dumps(form)}, [("files", ("report.pdf", PDF, "application/pdf"))]


#: Multipart routes: their form fields and files for a contract.
MULTIPART = {"company_info.send": _company_info_form,
             "chorus_invoices.create": _chorus_deposit_form,
             "chorus_invoices.add_files": _chorus_files_form,
             "chorus_invoices.complete": _chorus_completion_form,
             "chorus_facturx.import_files": _facturx_import_form}


def call(api: Api, method: str, path: str, op: dict[str, Any], contract: str,
         headers: dict[str, str]) -> Any:
    name = name_of(op)
    params, body, raw = sample(api, name, contract)
    if name in MULTIPART:  # a form: its JSON part names the contract
        data, files = MULTIPART[name](api, contract)
        return api.client.request(method, path_ids(api, path, contract), params=params,
                                  data=data, files=files, headers=headers)
    if "requestBody" in op and body is None and raw is None:
        pytest.fail(f"add a sample body for {name} in sample()")
    return api.client.request(method, path_ids(api, path, contract), params=params,
                              json=body if raw is None else None, content=raw,
                              headers={**headers, **({"Content-Type": "application/octet-stream"}
                                                     if raw is not None else {})})


# Operations whose body carries a contract id inside free-form parameters, which the
# OpenAPI cannot show: a job's params name the contract it exports; company information
# names it in the form's JSON part.
IDS_IN_PARAMS = {"jobs.queue", "company_info.send",
                 # the supplier structure, by its SIRET in the invoice's JSON part
                 "chorus_invoices.create",
                 # the invoices of a Factur-X export, in its body's invoice_ids
                 "chorus_facturx.export_selection"}


def takes_an_id(method: str, path: str, op: dict[str, Any]) -> bool:
    if "{" in path or name_of(op) in IDS_IN_PARAMS:
        return True
    if any(p["name"] == "contract_id" for p in op.get("parameters", [])):
        return True
    return any(re.search(r"_id\b|\bids\b", prop) for prop in _body_properties(op))


def _body_properties(op: dict[str, Any]) -> set[str]:
    """Property names anywhere in the request body schema (refs resolved)."""
    found: set[str] = set()

    def walk(node: Any, seen: frozenset[str]) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    walk(SCHEMA["components"]["schemas"][name], seen | {name})
                return
            found.update(node.get("properties", {}).keys())
            for child in node.values():
                walk(child, seen)
        elif isinstance(node, list):
            for child in node:
                walk(child, seen)

    walk(op.get("requestBody", {}), frozenset())
    return found


# --- the matrices ---------------------------------------------------------------------------

PROTECTED = [case for case in OPERATIONS if (case[0], case[1]) not in PUBLIC]


def test_every_repository_method_has_exactly_one_route() -> None:
    methods = repository_methods()
    assert {"jobs.queue", "imports.run", "mail.set_daily_digest"} <= methods
    names = [name_of(op) for _, _, op in OPERATIONS]
    assert len(names) == len(set(names)), "one route per method"
    # A Factur-X export is one method served at one path per format (issue 19 item 4);
    # bulk.imports of every contract of mine (contract_id None) has a path of its own.
    assert set(names) == methods | {"health", "create_token", "activate_account"} \
        | FORMAT_ROUTES | {"bulk.all_imports"}


@pytest.mark.parametrize("case", PROTECTED, ids=ids_of)
def test_no_token_is_401(api: Api, case: tuple[str, str, dict[str, Any]]) -> None:
    method, path, _op = case
    for headers in ({}, {"Authorization": "Bearer cofa_not-a-real-token"},
                    {"Authorization": "Basic YWxpY2U6cGFzcw=="}, {"Authorization": "Bearer "}):
        response = api.client.request(method, path_ids(api, path, "A"), headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["error"] == "unauthenticated"


def test_public_routes_need_no_token(api: Api) -> None:
    assert api.client.get("/health").json()["status"] == "ok"
    assert api.client.get("/openapi.json").json()["info"]["title"] == "cofatui API"


# Companies are the insurer's worldwide database (SPEC §2): every user reads them, and
# favourites are per user. They belong to no contract, so "contract B's company" is
# meaningful only together with a contract id, which the other routes check.
GLOBAL_COMPANY_ROUTES = {"companies.get", "portfolio.set_favourite", "companies.create"}
#: Anyone signed in may ask to be attached to any structure (seed 003 §IV); the
#: structure's managers decide (test_chorus_directory*).
OPEN_TO_ANYONE = {"chorus_directory.request_attachment"}
CROSS_CONTRACT = [case for case in PROTECTED if takes_an_id(*case)]
#: Forms whose ids are fields of the form, checked as the form's other fields are: the
#: fields that refuse another user's or another contract's id.
ID_FIELDS_CHECKED = {"exports.create_scenario": {"template_id", "contract_ids"},
                     "notifications.save_preferences": {"thresholds.0.contract_id"}}


@pytest.mark.parametrize("case", CROSS_CONTRACT, ids=ids_of)
def test_contract_a_user_gets_nothing_of_contract_b(
        api: Api, case: tuple[str, str, dict[str, Any]]) -> None:
    method, path, op = case
    name = name_of(op)
    if name in GLOBAL_COMPANY_ROUTES:
        pytest.skip("companies are shared by every contract by design (SPEC §2)")
    if name in OPEN_TO_ANYONE:
        pytest.skip("an attachment request is open to anyone, decided by the managers")
    headers = api.headers("alice")
    audit_before = api.audit_count()
    response = call(api, method, path, op, "B", headers)
    if name in ID_FIELDS_CHECKED:
        # A form naming another user's template or a contract not mine: refused at those
        # fields (the same words for an id that does not exist), nothing written.
        assert response.status_code == 422, response.text
        fields = {f["field"] for f in response.json()["fields"]}
        assert fields & ID_FIELDS_CHECKED[name], response.text
    elif name in ("notifications.mark", "notifications.delete", "exports.delete_runs"):
        # Bulk calls ignore ids the user cannot see (contract suite): nothing is counted
        # and nothing is written.
        assert response.status_code == 200 and response.json() == {"count": 0}
        with Session(api.engine) as s:
            assert s.execute(select(func.count()).select_from(NotificationState)).scalar() == 0
        assert api.repo("bob").exports.get_run(api.ids["export:B"]).id == api.ids["export:B"]
    else:
        assert response.status_code in (403, 404), response.text
        assert response.json()["error"] in ("forbidden", "not_found")
    assert api.audit_count() == audit_before


def test_lists_without_a_contract_hold_nothing_of_contract_b(api: Api) -> None:
    headers = api.headers("alice")
    b = api.ids["B"]
    for path in ("/notifications", "/contracts"):
        body = api.client.get(path, headers=headers).json()
        rows = body["items"] if isinstance(body, dict) else body
        assert rows and all(r.get("contract_id", r.get("id")) != b for r in rows)
    assert api.client.get("/me", headers=headers).json()["contracts"][0]["policy_number"] == "P-A"


def test_drafts_are_private(api: Api) -> None:
    bob, alice = api.headers("bob"), api.headers("alice")
    draft = {"kind": "claim", "key": "k"}
    api.client.put("/drafts/draft", params=draft, json={"payload": {"secret": 1}},
                   headers=bob).raise_for_status()
    assert api.client.get("/drafts/draft", params=draft, headers=alice).json() == {
        "payload": None}
    assert api.client.get("/drafts", params={"kind": "claim"}, headers=alice).json() == []
    api.client.delete("/drafts/draft", params=draft, headers=alice).raise_for_status()
    assert api.client.get("/drafts/draft", params=draft, headers=bob).json() == {
        "payload": {"secret": 1}}


# Writes to the user's own state, not to contract data: allowed on read-only rights.
PERSONAL_WRITES = {"portfolio.set_favourite", "notifications.mark", "notifications.delete",
                   "notifications.mark_matching", "notifications.delete_matching",
                   "drafts.save", "drafts.delete", "jobs.cancel", "mail.set_daily_digest",
                   "notifications.save_preferences",
                   # Exports are the user's own (issue 15): reading, saved for later.
                   "exports.create_template", "exports.update_template",
                   "exports.delete_template", "exports.create_scenario",
                   "exports.update_scenario", "exports.delete_scenario", "exports.run",
                   "exports.delete_runs", "exports.store_direct"}
# Every job a user may queue is an export: it reads what the user may read, so a
# reader queues it (the cross-contract test refuses another contract's).
READS_AS_JOBS = {"jobs.queue"}
#: Read-only users export the FEC (issue 20 item 10): a job reading validated entries
#: (its refusals: tests/contract/test_ledger_fec.py).
READER_EXPORTS = {"ledger.fec"}
# Derived from the contract's data, identical whoever asks and idempotent (today's end
# alerts: Home raises them for a reader too, as the server does serving its data).
DERIVED_WRITES = {"products.raise_end_alerts"}
WRITES = [case for case in PROTECTED if case[0] in WRITE_METHODS]


def _reader_case(case: tuple[str, str, dict[str, Any]]) -> Any:
    return pytest.param(case, id=ids_of(case))


@pytest.mark.parametrize("case", [_reader_case(c) for c in WRITES])
def test_read_only_user_cannot_write(api: Api, case: tuple[str, str, dict[str, Any]]) -> None:
    method, path, op = case
    if name_of(op) in PERSONAL_WRITES:
        pytest.skip("the user's own state (favourites, read marks, drafts), not contract data")
    if name_of(op) in DERIVED_WRITES:
        pytest.skip("derived from the data, the same whoever asks (test_products)")
    if name_of(op) in READER_EXPORTS:
        pytest.skip("a read-only user exports the FEC (issue 20 item 10)")
    if name_of(op).startswith("chorus_"):
        pytest.skip("Chorus Pro rights come from attachments, not from contract rights "
                    "(issue 18 item 3): test_chorus_security")
    headers = api.headers("reader")
    if name_of(op) in READS_AS_JOBS:
        assert all(kind.value.startswith("export.") for kind in JobKind)
        response = call(api, method, path, op, "A", headers)
        assert response.status_code == 200 and response.json()["status"] == "queued"
        return
    audit_before = api.audit_count()
    response = call(api, method, path, op, "A", headers)
    assert response.status_code == 403, response.text
    assert api.audit_count() == audit_before


# --- tokens -----------------------------------------------------------------------------------


def test_revoked_token_is_401(api: Api) -> None:
    token, info = identity.create_token(api.engine, "alice", clock=api.clock)
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/me", headers=headers).status_code == 200
    identity.revoke_token(api.engine, "alice", info.id, clock=api.clock)
    response = api.client.get("/me", headers=headers)
    assert response.status_code == 401 and response.json()["code"] == "users.token_revoked"
    assert api.client.post("/notifications/mark", json={"ids": [api.ids["n1"]], "read": True},
                           headers=headers).status_code == 401


def test_expired_token_is_401(api: Api) -> None:
    long_ago = FixedClock(dataset.NOW - timedelta(days=2))
    token = api.token("alice", clock=long_ago, expires_in_days=1)
    response = api.client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.json()["code"] == "users.token_expired"


def test_blocked_user_token_is_401(api: Api) -> None:
    headers = api.headers("alice")
    identity.set_user_status(api.engine, actor=None, login="alice", status="blocked",
                             clock=api.clock)
    assert api.client.get("/me", headers=headers).status_code == 401


def test_password_login_gives_a_working_token_and_is_rate_limited(api: Api) -> None:
    response = api.client.post("/auth/token", json={"login": "alice",
                                                    "password": dataset.PASSWORD,
                                                    "name": "laptop"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["login"] == "alice" and body["info"]["name"] == "laptop"
    me = api.client.get("/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["login"] == "alice"
    for _ in range(identity.MAX_FAILURES):
        wrong = api.client.post("/auth/token", json={"login": "alice", "password": "nope"})
        assert wrong.status_code == 401
        assert wrong.json()["code"] == "users.wrong_credentials"
    locked = api.client.post("/auth/token", json={"login": "alice",
                                                  "password": dataset.PASSWORD})
    assert locked.status_code == 401 and locked.json()["code"] == "users.locked_out"


def test_activation_needs_no_token_and_is_rate_limited_like_login(api: Api) -> None:
    created = api.repo("admin").users.create(api.ids["A"], UserCreate(
        title="ms", last_name="Newcomer", first_name="Nora", phone="+33 1 23 45 67 89",
        fax="+33 1 23 45 67 90", email="nora@example.test", language="en"))
    with Session(api.engine) as s:
        body = s.execute(select(col(OutboxMessage.body)).where(
            col(OutboxMessage.kind) == "activation")).scalar_one()
    found = re.search(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}", body)
    assert found is not None
    attempt = {"login": created.login, "code": "AAAA-BBBB-CCCC-DDDD",
               "password": "Brand-New-Secret-7"}
    for _ in range(4):
        wrong = api.client.post("/auth/activate", json=attempt)
        assert wrong.status_code == 401 and wrong.json()["code"] == "activation.wrong_code"
    done = api.client.post("/auth/activate", json=attempt | {"code": found.group(0)})
    assert done.status_code == 200 and done.json() == {"login": created.login}
    # the login gate's per-login window (shared with POST /auth/token) answers 429
    statuses = [api.client.post("/auth/activate", json=attempt).status_code
                for _ in range(limits.PER_LOGIN)]
    assert statuses[-1] == 429 and set(statuses) <= {401, 429}
    assert api.client.post("/auth/token", json={
        "login": created.login, "password": attempt["password"]}).status_code == 429
    assert api.client.post("/auth/activate", content=b"x" * 20_000,
                           headers={"Content-Type": "application/json"}).status_code == 413


# --- errors, limits, log ------------------------------------------------------------------------


def test_errors_have_one_shape(api: Api) -> None:
    headers = api.headers("alice")
    unknown = api.client.get("/no/such/route", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    invalid = api.client.get(f"/contracts/{api.ids['A']}/portfolio",
                             params={"limit": 501, "amount_min": "x"}, headers=headers)
    assert invalid.status_code == 422
    fields = {f["field"] for f in invalid.json()["fields"]}
    assert {"limit", "amount_min"} <= fields
    bad_json = api.client.post("/claims", content=b"{not json",
                               headers={**headers, "Content-Type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["error"] == "validation_failed"
    conflict = api.client.patch(f"/portfolio-entries/{api.ids['entry:A:alpha']}",
                                json={"version": 99, "changes": {"client_reference": "X"}},
                                headers=headers)
    assert conflict.status_code == 409 and conflict.json()["error"] == "conflict"
    huge = api.client.get(f"/companies/{2**70}", headers=headers)
    assert huge.status_code == 422


def test_job_import_and_mail_routes_refuse_hostile_input(api: Api) -> None:
    headers = api.headers("alice")
    a = api.ids["A"]
    for path in (f"/jobs/{2**70}", "/jobs/0/cancel", "/jobs/-1/file", f"/imports/{2**70}",
                 "/imports/x/lines"):
        method = "post" if path.endswith("cancel") else "get"
        assert api.client.request(method, path, headers=headers).status_code == 422, path
    for params in ({"limit": 501}, {"offset": -1}, {"limit": "x"}):
        for path in ("/jobs", "/imports", "/mail/messages"):
            assert api.client.get(path, params=params, headers=headers).status_code == 422
    for body in ({"kind": "shell.exec", "params": {}}, {"kind": "export.portfolio"},
                 {"kind": "export.portfolio", "params": {"contract_id": "x"}},
                 {"kind": "export.portfolio", "params": {"contract_id": a, "limit": 10**9}},
                 {"kind": "export.notifications", "params": {"language": "../../etc"}},
                 {"kind": "export.notifications", "params": {"format": "exe"}},
                 {"kind": ["export.portfolio"], "params": []}):
        response = api.client.post("/jobs", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"] == "validation_failed"
    assert api.client.put("/mail/subscription", json={"daily_digest": "maybe"},
                          headers=headers).status_code == 422
    good = {"kind": "client_references", "contract_id": a, "file_name": "refs.csv"}
    for bad in ({"kind": "../../etc/passwd"}, {"contract_id": 2**70}, {"file_name": ""},
                {"file_name": "x" * 256}, {"mode": "everything"}):
        response = api.client.post("/imports", params={**good, **bad}, content=REFERENCES_CSV,
                                   headers={**headers, "Content-Type": "application/octet-stream"})
        assert response.status_code == 422, (bad, response.text)
    # Whatever the bytes, the import answers with a stored result (a refusal with its
    # reason), never an error page, and the name is kept without its folders.
    for content in (b"\x00\xff\xfe" * 1000, b"", b"EasyNumber\n" + b"A" * 5000):
        response = api.client.post(
            "/imports", params={**good, "file_name": "../../etc/pass wd [2J.csv"},
            content=content, headers={**headers, "Content-Type": "application/octet-stream"})
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["status"] == ImportStatus.FAILED and result["refusal_code"]
        assert result["file_name"] == "pass wd [2J.csv"
    # A name with control characters is refused at its field, as any text (issue 13).
    for name in ("pass\x00wd.csv", "x\x1b[2J.csv"):
        response = api.client.post(
            "/imports", params={**good, "file_name": name}, content=REFERENCES_CSV,
            headers={**headers, "Content-Type": "application/octet-stream"})
        assert response.status_code == 422, response.text
        assert [f["field"] for f in response.json()["fields"]] == ["file_name"]
    too_big = api.client.post("/imports", params=good, content=b"x" * (7 * 1024 * 1024),
                              headers={**headers, "Content-Type": "application/octet-stream"})
    assert too_big.status_code == 413


def test_request_body_limit(api: Api) -> None:
    headers = api.headers("alice")
    big = {"ids": list(range(1, 400_000)), "read": True}  # ~2.7 MB of JSON
    response = api.client.post("/notifications/mark", json=big, headers=headers)
    assert response.status_code == 413 and response.json()["error"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: streamed, counted as it comes
        for _ in range(300):
            yield b" " * 10_000

    streamed = api.client.post("/notifications/mark", content=chunks(),
                               headers={**headers, "Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_unexpected_errors_are_500_without_details(
        api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def crash(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(SqlRepository, "contracts", crash)
    with caplog.at_level(logging.ERROR, logger="cofatui.api"):
        response = api.client.get("/contracts", headers=api.headers("alice"))
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "secret" not in response.text
    assert any("secret internals" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_access_log_is_json_with_login_and_never_the_token(
        api: Api, caplog: pytest.LogCaptureFixture) -> None:
    token = api.token("alice")
    with caplog.at_level(logging.INFO, logger="cofatui.access"):
        api.client.get("/me", headers={"Authorization": f"Bearer {token}"})
        api.client.get("/me")
        api.client.post("/auth/token", json={"login": "bob", "password": dataset.PASSWORD})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "cofatui.access"]
    assert [(x["method"], x["path"], x["status"], x["login"]) for x in lines] == [
        ("GET", "/me", 200, "alice"), ("GET", "/me", 401, None),
        ("POST", "/auth/token", 201, "bob")]
    assert all(isinstance(x["duration_ms"], float) and x["time"] for x in lines)
    text = caplog.text
    assert token not in text and dataset.PASSWORD not in text


def test_a_file_name_longer_than_a_files_is_refused_at_its_part(api: Api) -> None:
    """A multipart file name of 256+ characters (a hostile or broken client: no file
    system gives one) is refused at its part, in the user's words, nothing stored;
    it was a server error."""
    form = {"contract_id": api.ids["A"], "company_id": api.ids["epsilon"],
            "form": "transmission", "info_type": "annual_accounts",
            "closing_date": (dataset.NOW.date() - timedelta(days=60)).isoformat(),
            "complete": True, "comment": "", "dra_review": False}
    before = _count_company_information(api.engine)
    response = api.client.post(
        "/company-information", data={"data": json.dumps(form)},
        files=[("files", ("a.pdf", PDF, "application/pdf")),
               ("files", ("x" * 300 + ".pdf", PDF, "application/pdf"))],
        headers=api.headers("alice"))
    assert response.status_code == 422, response.text
    assert [(f["field"], f["code"]) for f in response.json()["fields"]] == [
        ("files.1", "attachments.name_too_long")]
    assert _count_company_information(api.engine) == before


def _count_company_information(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM company_information")
                   .scalar_one())

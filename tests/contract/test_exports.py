"""Custom exports (issue 15): ``repo.exports`` on every backend — templates and
scenarios with their limits and versions, ownership, runs queued with their job, the
"Export direct" entry, the list and deletion — and, on the SQL backends, the rows a
run reads (:mod:`cofatui.repository.sql.export_rows`) against what the portfolio and
the claims portfolio show under the same filters.

On the contract dataset: alice has contract A (5 companies), bob contract B, "both"
has A and B; A's custom field 1 is "Segment".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    ClaimStatus,
    ExportAggregation,
    ExportCategory,
    ExportColumnType,
    ExportFormatChoice,
    ExportFrequency,
    ExportRunStatus,
    ProductStatus,
)
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.formats.export import write_csv, write_csv_cells
from cofatui.jobs.export_runs import export_columns
from cofatui.models import (
    AuditEntry,
    Claim,
    ClaimDebtor,
    ClaimDebtorCount,
    Job,
    PortfolioEntry,
    User,
    UserContract,
)
from cofatui.repository.base import Repository
from cofatui.repository.sql.export_rows import (
    ExportSpec,
    count_export_rows,
    export_snapshot,
    headers,
    iter_export_csv_lines,
    iter_export_rows,
)
from cofatui.rules.export_columns import catalogue, default_columns
from cofatui.schemas import PortfolioCriteria
from cofatui.schemas_exports import (
    MAX_SCENARIOS,
    MAX_TEMPLATES,
    CustomFieldCriterion,
    DirectExportFile,
    ExportScenarioIn,
    ExportScenarioUpdate,
    ExportTemplateIn,
    ExportTemplateUpdate,
)
from cofatui.schemas_jobs import ExportFormat
from tests.contract.conftest import Backend

PORTFOLIO, CLAIMS = ExportCategory.PORTFOLIO, ExportCategory.CLAIMS
COLUMNS = ["contract", "company_name", "easy_number", "product_code", "status",
           "decided_amount", "currency", "custom_field_1"]


def template_in(name: str = "Mine", columns: list[str] | None = None,
                category: ExportCategory = PORTFOLIO) -> ExportTemplateIn:
    return ExportTemplateIn(category=category, name=name,
                            columns=COLUMNS if columns is None else columns)


def scenario_in(template_id: int, contracts: list[int], name: str = "Weekly",
                **fields: object) -> ExportScenarioIn:
    data: dict[str, object] = {
        "category": PORTFOLIO, "name": name, "template_id": template_id,
        "contract_ids": contracts, "aggregation": ExportAggregation.PRODUCT,
        "format": ExportFormatChoice.BOTH, "frequency": ExportFrequency.WEEKLY,
        "starts_at": datetime(2026, 11, 25, 8, 0), "time_zone": "Europe/Paris"}
    data.update(fields)
    return ExportScenarioIn.model_validate(data)


def default_of(repo: Repository, category: ExportCategory) -> int:
    return next(t.id for t in repo.exports.templates(category) if t.default)


# --------------------------------------------------------------- templates


def test_the_default_template_is_listed_first_and_cannot_be_changed(backend: Backend) -> None:
    repo = backend.open("alice")
    mine = repo.exports.create_template(template_in("Zeta"))
    listed = repo.exports.templates(PORTFOLIO)
    assert [t.default for t in listed] == [True, False]
    default = listed[0]
    assert default.columns == default_columns(PORTFOLIO)
    assert default.name  # worded in the user's language
    assert listed[1].id == mine.id
    with pytest.raises(RuleViolation) as changed:
        repo.exports.update_template(default.id, ExportTemplateUpdate(
            version=default.version, name="Mine now"))
    assert changed.value.code == "exports.default_template_fixed"
    with pytest.raises(RuleViolation) as deleted:
        repo.exports.delete_template(default.id, default.version)
    assert deleted.value.code == "exports.default_template_fixed"
    claims = repo.exports.templates(CLAIMS)
    assert [t.columns for t in claims] == [default_columns(CLAIMS)]


def test_template_create_update_delete_with_versions(backend: Backend) -> None:
    repo = backend.open("alice")
    made = repo.exports.create_template(template_in(columns=["company_name", "easy_number"]))
    assert made.columns == ["company_name", "easy_number"]  # in the order given
    moved = repo.exports.update_template(made.id, ExportTemplateUpdate(
        version=made.version, columns=["easy_number", "company_name", "dra"],
        description="for the ERP"))
    assert moved.columns == ["easy_number", "company_name", "dra"]
    assert moved.version > made.version
    assert repo.exports.template(made.id) == moved
    with pytest.raises(Conflict):
        repo.exports.update_template(made.id, ExportTemplateUpdate(version=made.version,
                                                                   name="Stale"))
    with pytest.raises(Conflict):
        repo.exports.delete_template(made.id, made.version)
    repo.exports.delete_template(made.id, moved.version)
    with pytest.raises(NotFound):
        repo.exports.template(made.id)


def test_template_fields_are_checked(backend: Backend) -> None:
    repo = backend.open("alice")
    repo.exports.create_template(template_in("Taken"))
    with pytest.raises(ValidationFailed) as refused:
        repo.exports.create_template(template_in(" taken ", ["company_name", "nope",
                                                             "company_name"]))
    fields = {e.field for e in refused.value.errors}
    assert {"name", "columns"} <= fields
    with pytest.raises(ValidationFailed) as empty:
        repo.exports.create_template(template_in("No columns", []))
    assert [e.field for e in empty.value.errors] == ["columns"]


def test_the_eleventh_template_of_a_category_is_refused(backend: Backend) -> None:
    repo = backend.open("alice")
    for n in range(MAX_TEMPLATES):
        repo.exports.create_template(template_in(f"T{n}"))
    with pytest.raises(RuleViolation) as refused:
        repo.exports.create_template(template_in("One too many"))
    assert refused.value.code == "exports.too_many_templates"
    # The other category counts apart, and the default is not counted.
    repo.exports.create_template(template_in("Claims", ["debtor_name"], CLAIMS))
    assert len(repo.exports.templates(PORTFOLIO)) == MAX_TEMPLATES + 1


def test_a_template_in_use_cannot_be_deleted_and_names_its_scenarios(backend: Backend) -> None:
    repo = backend.open("alice")
    t = repo.exports.create_template(template_in())
    repo.exports.create_scenario(scenario_in(t.id, [backend.ids["A"]], "Monday ERP"))
    t = repo.exports.template(t.id)
    assert t.used_by == ["Monday ERP"]
    with pytest.raises(RuleViolation) as refused:
        repo.exports.delete_template(t.id, t.version)
    assert refused.value.code == "exports.template_in_use"
    assert "Monday ERP" in str(refused.value.params["scenarios"])


# --------------------------------------------------------------- scenarios


def test_scenario_create_update_delete_with_versions(backend: Backend) -> None:
    repo = backend.open("alice")
    default = default_of(repo, PORTFOLIO)
    made = repo.exports.create_scenario(scenario_in(
        default, [backend.ids["A"]], company_name="alpha",
        custom_fields=[CustomFieldCriterion(slot=1, value="Textiles")],
        product_codes=["CRL"], email=True))
    assert made.policy_numbers == ["P-A"]
    assert made.template_name and made.template_id == default
    assert made.starts_at == datetime(2026, 11, 25, 8, 0)  # local, as given
    assert made.next_run_at is not None
    assert made.next_run_at.replace(tzinfo=None) == datetime(2026, 11, 25, 7, 0)  # UTC
    assert made.statuses == [ProductStatus.GRANTED, ProductStatus.PARTIALLY_GRANTED,
                             ProductStatus.REDUCED, ProductStatus.PENDING,
                             ProductStatus.CANCELLATION_IN_PROGRESS,
                             ProductStatus.DELETION_IN_PROGRESS]
    assert [s.id for s in repo.exports.scenarios(PORTFOLIO)] == [made.id]
    changed = repo.exports.update_scenario(made.id, ExportScenarioUpdate(
        version=made.version, name="Monthly", frequency=ExportFrequency.MONTHLY,
        clear=["ends_on"]))
    assert (changed.name, changed.frequency) == ("Monthly", ExportFrequency.MONTHLY)
    assert changed.company_name == "alpha" and changed.product_codes == ["CRL"]
    assert changed.version > made.version
    with pytest.raises(Conflict):
        repo.exports.update_scenario(made.id, ExportScenarioUpdate(version=made.version,
                                                                   name="Stale"))
    with pytest.raises(Conflict):
        repo.exports.delete_scenario(made.id, made.version)
    repo.exports.delete_scenario(made.id, changed.version)
    with pytest.raises(NotFound):
        repo.exports.scenario(made.id)
    assert repo.exports.scenarios() == []


def test_scenario_fields_are_checked_at_their_field(backend: Backend) -> None:
    repo = backend.open("alice")
    default = default_of(repo, PORTFOLIO)
    today = backend.clock.now().date()
    with pytest.raises(ValidationFailed) as refused:
        repo.exports.create_scenario(scenario_in(
            default, [], starts_at=datetime(2027, 6, 1, 8, 0),
            ends_on=today - timedelta(days=1)))
    fields = {e.field for e in refused.value.errors}
    assert {"contract_ids", "starts_at", "ends_on"} <= fields
    with pytest.raises(ValidationFailed) as other:
        repo.exports.create_scenario(scenario_in(default_of(repo, CLAIMS), [backend.ids["A"]]))
    assert "template_id" in {e.field for e in other.value.errors}


def test_the_eleventh_scenario_of_a_category_is_refused(backend: Backend) -> None:
    repo = backend.open("alice")
    default = default_of(repo, PORTFOLIO)
    for n in range(MAX_SCENARIOS):
        repo.exports.create_scenario(scenario_in(default, [backend.ids["A"]], f"S{n}"))
    with pytest.raises(RuleViolation) as refused:
        repo.exports.create_scenario(scenario_in(default, [backend.ids["A"]], "One more"))
    assert refused.value.code == "exports.too_many_scenarios"


# --------------------------------------------------------------- ownership


def test_users_see_only_their_own_templates_scenarios_files_and_contracts(
        backend: Backend) -> None:
    alice, bob = backend.open("alice"), backend.open("bob")
    t = alice.exports.create_template(template_in())
    sc = alice.exports.create_scenario(scenario_in(t.id, [backend.ids["A"]]))
    run = alice.exports.run(sc.id)
    assert [x.id for x in bob.exports.templates(PORTFOLIO) if not x.default] == []
    assert bob.exports.scenarios() == []
    assert bob.exports.runs().items == []
    with pytest.raises(NotFound):
        bob.exports.template(t.id)
    with pytest.raises(NotFound):
        bob.exports.scenario(sc.id)
    with pytest.raises(NotFound):
        bob.exports.get_run(run.id)
    with pytest.raises(NotFound):
        bob.exports.download(run.id, ExportFormat.CSV)
    with pytest.raises((NotFound, Conflict)):
        bob.exports.update_template(t.id, ExportTemplateUpdate(version=t.version, name="x"))
    with pytest.raises(NotFound):
        bob.exports.run(sc.id)
    assert bob.exports.delete_runs([run.id]) == 0  # ignored, not failed
    assert alice.exports.get_run(run.id).id == run.id
    # bob's scenario on alice's contract is refused at its field
    with pytest.raises(ValidationFailed) as refused:
        bob.exports.create_scenario(scenario_in(default_of(bob, PORTFOLIO),
                                                [backend.ids["A"]]))
    assert "contract_ids" in {e.field for e in refused.value.errors}
    # The same name is free for another user.
    bob.exports.create_template(template_in())


def test_a_run_of_a_scenario_naming_a_lost_contract_fails_clearly(backend: Backend) -> None:
    both = backend.open("both")
    sc = both.exports.create_scenario(scenario_in(default_of(both, PORTFOLIO),
                                                  [backend.ids["A"], backend.ids["B"]]))
    with Session(backend.engine) as s:
        user_id = s.execute(select(col(User.id)).where(col(User.login) == "both")).scalar_one()
        s.execute(delete(UserContract).where(col(UserContract.user_id) == user_id,
                                             col(UserContract.contract_id) == backend.ids["B"]))
        s.commit()
    again = backend.open("both")
    with pytest.raises(RuleViolation) as lost:
        again.exports.run(sc.id)
    assert lost.value.code == "exports.contract_lost"
    assert "P-B" in str(lost.value.params["contracts"])


# --------------------------------------------------------------- runs and files


def test_run_now_queues_the_run_and_its_job_and_lists_it(backend: Backend) -> None:
    repo = backend.open("alice")
    sc = repo.exports.create_scenario(scenario_in(default_of(repo, PORTFOLIO),
                                                  [backend.ids["A"]], email=True))
    run = repo.exports.run(sc.id)
    assert (run.status, run.scenario_id, run.name, run.direct) == (
        ExportRunStatus.RUNNING, sc.id, "Weekly", False)
    assert run.policy_numbers == ["P-A"] and run.template_name == sc.template_name
    assert run.job_id is not None
    with Session(backend.engine) as s:
        job = s.get(Job, run.job_id)
        assert job is not None and job.kind == "export.run"
        assert f'"export_id": {run.id}' in job.params
        audited = s.execute(select(func.count()).select_from(AuditEntry).where(
            col(AuditEntry.operation) == "run_export",
            col(AuditEntry.target_id) == run.id)).scalar_one()
        assert audited == 1
    assert [r.id for r in repo.exports.runs().items] == [run.id]
    if backend.name != "http-server":  # a real server's worker may have run it already
        with pytest.raises(NotFound) as none:
            repo.exports.download(run.id, ExportFormat.XLSX)
        assert none.value.code == "exports.no_file"
    # Deleting the scenario keeps its files in the list.
    repo.exports.delete_scenario(sc.id, sc.version)
    assert repo.exports.get_run(run.id).scenario_id is None


def test_runs_are_listed_newest_first_paged_and_deleted_together(backend: Backend) -> None:
    repo = backend.open("alice")
    sc = repo.exports.create_scenario(scenario_in(default_of(repo, PORTFOLIO),
                                                  [backend.ids["A"]]))
    runs = [repo.exports.run(sc.id) for _ in range(3)]
    ids = [r.id for r in runs]
    page = repo.exports.runs(PORTFOLIO, offset=0, limit=2)
    assert ([r.id for r in page.items], page.total) == ([ids[2], ids[1]], 3)
    assert repo.exports.runs(CLAIMS).total == 0
    assert repo.exports.delete_runs([ids[0], ids[2], 999_999]) == 2
    assert [r.id for r in repo.exports.runs().items] == [ids[1]]
    with pytest.raises(NotFound):
        repo.exports.get_run(ids[0])
    if backend.name == "http-server":
        return  # a real server's own worker may have run the jobs to the end already
    with Session(backend.engine) as s:  # a running export's job is cancelled with it
        kept, gone = s.get(Job, runs[1].job_id), s.get(Job, runs[0].job_id)
        assert kept is not None and not kept.cancel_requested
        assert gone is None or gone.cancel_requested


def test_run_again_after_deleting_the_latest_export(backend: Backend) -> None:
    # The deleted run's job and e-mail stay keyed "export:<id>": a new run must get an
    # id never given before, or it clashes with them (SQLite reused the last rowid).
    repo = backend.open("alice")
    sc = repo.exports.create_scenario(scenario_in(default_of(repo, PORTFOLIO),
                                                  [backend.ids["A"]], email=True))
    first = repo.exports.run(sc.id)
    assert repo.exports.delete_runs([first.id]) == 1
    again = repo.exports.run(sc.id)
    assert again.id > first.id
    assert [r.id for r in repo.exports.runs().items] == [again.id]


def test_editing_a_scenario_keeps_its_schedule_unless_the_schedule_changes(
        backend: Backend) -> None:
    repo = backend.open("alice")
    sc = repo.exports.create_scenario(scenario_in(default_of(repo, PORTFOLIO),
                                                  [backend.ids["A"]]))
    renamed = repo.exports.update_scenario(sc.id, ExportScenarioUpdate(version=sc.version,
                                                                       name="Renamed"))
    assert renamed.next_run_at == sc.next_run_at
    later = repo.exports.update_scenario(sc.id, ExportScenarioUpdate(
        version=renamed.version, starts_at=datetime(2026, 11, 26, 9, 30)))
    assert later.next_run_at is not None
    assert later.next_run_at.replace(tzinfo=None) == datetime(2026, 11, 26, 8, 30)
    assert not later.ended


def test_export_direct_is_listed_and_downloaded(backend: Backend) -> None:
    repo = backend.open("alice")
    xlsx = b"PK\x03\x04" + bytes(range(256)) * 9000  # over two chunks of 1 MiB
    csv_bytes = "\ufeffCompany;City\r\nAlpha;Lyon\r\n".encode()
    stored = repo.exports.store_direct(PORTFOLIO, [backend.ids["A"]], 1, [
        DirectExportFile(format=ExportFormat.XLSX, name="portfolio.xlsx", content=xlsx),
        DirectExportFile(format=ExportFormat.CSV, name="portfolio.csv", content=csv_bytes)])
    assert stored.direct and stored.status == ExportRunStatus.AVAILABLE
    assert stored.name == "" and stored.rows_done == 1
    assert {(f.format, f.size) for f in stored.files} == {
        (ExportFormat.XLSX, len(xlsx)), (ExportFormat.CSV, len(csv_bytes))}
    assert repo.exports.runs().items[0].id == stored.id
    got = repo.exports.download(stored.id, ExportFormat.XLSX)
    assert (got.name, got.size) == ("portfolio.xlsx", len(xlsx))
    assert b"".join(got.chunks) == xlsx
    assert b"".join(repo.exports.download(stored.id, ExportFormat.CSV).chunks) == csv_bytes
    with pytest.raises(ValidationFailed):
        repo.exports.store_direct(PORTFOLIO, [backend.ids["A"]], 1, [
            DirectExportFile(format=ExportFormat.CSV, name="a.csv", content=b"a"),
            DirectExportFile(format=ExportFormat.CSV, name="b.csv", content=b"b")])
    with pytest.raises((NotFound, Forbidden)):
        repo.exports.store_direct(PORTFOLIO, [backend.ids["B"]], 1, [
            DirectExportFile(format=ExportFormat.CSV, name="a.csv", content=b"a")])
    assert repo.exports.delete_runs([stored.id]) == 1
    assert repo.exports.runs().total == 0


def test_columns_are_labelled_in_the_users_language(backend: Backend) -> None:
    columns = backend.open("alice").exports.columns(PORTFOLIO)
    by_key = {c.key: c for c in columns}
    assert by_key["custom_field_1"].label == "Segment"  # contract A's name for it
    assert by_key["custom_field_2"].label  # the generic one
    assert [c.key for c in columns][:2] == ["contract", "company_name"]


# --------------------------------------------------------------- the rows (SQL)


@pytest.fixture
def sql_backend(backend: Backend) -> Backend:
    if backend.name not in ("sqlite", "postgres"):
        pytest.skip("the rows are read on the server's database")
    return backend


def spec(backend: Backend, **fields: object) -> ExportSpec:
    data: dict[str, object] = {"category": PORTFOLIO, "owner_id": 1,
                               "contract_ids": (backend.ids["A"],), "columns": tuple(COLUMNS),
                               "aggregation": ExportAggregation.COMPANY, "language": "en"}
    data.update(fields)
    return ExportSpec(**data)  # type: ignore[arg-type]


def rows_of(backend: Backend, s: ExportSpec, page: int = 1000) -> tuple[int, list[dict[str, Any]]]:
    with export_snapshot(backend.engine) as conn:
        return count_export_rows(conn, s), list(iter_export_rows(conn, s, page=page))


@pytest.mark.parametrize("criteria", [
    {}, {"product_codes": ["CRL"], "statuses": [ProductStatus.GRANTED]},
    {"statuses": [ProductStatus.GRANTED, ProductStatus.REDUCED]},
    {"custom_field_slot": 1, "custom_field_value": "textiles"}])
def test_company_rows_equal_the_portfolio_under_the_same_filters(
        sql_backend: Backend, criteria: dict[str, object]) -> None:
    b = sql_backend
    repo = b.open("alice")
    c = PortfolioCriteria.model_validate(criteria)
    shown = repo.portfolio.rows(b.ids["A"], c, limit=500)
    s = spec(b, product_codes=tuple(c.product_codes),
             statuses=tuple(x.value for x in c.statuses),
             custom_fields=((c.custom_field_slot, c.custom_field_value),)
             if c.custom_field_slot else ())
    total, rows = rows_of(b, s)
    assert total == len(rows) == shown.total
    assert sorted(r["easy_number"] for r in rows) == sorted(r.easy_number for r in shown.items)
    assert all(list(r)[:len(COLUMNS)] == COLUMNS for r in rows)  # the template's order


def test_product_rows_are_one_per_product_and_paging_changes_nothing(
        sql_backend: Backend) -> None:
    b = sql_backend
    s = spec(b, aggregation=ExportAggregation.PRODUCT, statuses=("granted", "pending"))
    total, rows = rows_of(b, s)
    with Session(b.engine) as session:
        from cofatui.models import Product

        expected = session.execute(select(func.count()).select_from(Product).where(
            col(Product.contract_id) == b.ids["A"],
            col(Product.status).in_(["granted", "pending"]))).scalar_one()
    assert total == len(rows) == expected
    assert rows_of(b, s, page=1)[1] == rows  # keyset pages of one company
    amounts = [r for r in rows if r["decided_amount"] is not None]
    assert amounts and all(isinstance(r["decided_amount"], Decimal) and r["currency"]
                           for r in amounts)
    with export_snapshot(b.engine) as conn:
        labels = headers(conn, s)
    assert [h.key for h in labels] == COLUMNS
    assert labels[-1].label == "Segment"


@pytest.mark.parametrize(("category", "aggregation"), [
    (PORTFOLIO, ExportAggregation.COMPANY), (PORTFOLIO, ExportAggregation.PRODUCT),
    (PORTFOLIO, ExportAggregation.PERIOD), (CLAIMS, ExportAggregation.CLAIM),
    (CLAIMS, ExportAggregation.COMPANY)])
def test_every_column_of_the_catalogue_is_exported_typed(
        sql_backend: Backend, category: ExportCategory, aggregation: ExportAggregation) -> None:
    b = sql_backend
    add_claims(b)
    keys = tuple(c.key for c in catalogue(category))
    total, rows = rows_of(b, spec(b, category=category, columns=keys, aggregation=aggregation,
                                  statuses=(), language="fr"))
    assert total == len(rows) > 0
    types = {c.key: c.type for c in catalogue(category)}
    for row in rows:
        assert list(row)[:len(keys)] == list(keys)
        for key, value in row.items():
            kind = types.get(key)
            if value is None or kind is None:
                continue
            expected = {ExportColumnType.AMOUNT: Decimal, ExportColumnType.DATE: date,
                        ExportColumnType.DATETIME: datetime, ExportColumnType.BOOLEAN: bool,
                        ExportColumnType.INTEGER: int}.get(kind, str)
            assert isinstance(value, expected), (key, value)


@pytest.mark.parametrize(("category", "aggregation", "zone", "language"), [
    (PORTFOLIO, ExportAggregation.COMPANY, "Europe/Paris", "fr"),
    (PORTFOLIO, ExportAggregation.PRODUCT, "Asia/Kolkata", "en"),
    (PORTFOLIO, ExportAggregation.PERIOD, "America/New_York", "fr"),
    (CLAIMS, ExportAggregation.CLAIM, "Europe/Paris", "en"),
    (CLAIMS, ExportAggregation.COMPANY, "Australia/Lord_Howe", "fr")])
def test_a_csv_run_writes_the_typed_rows_text(
        sql_backend: Backend, tmp_path: Path, category: ExportCategory,
        aggregation: ExportAggregation, zone: str, language: str) -> None:
    """A CSV-only run makes its lines from the database's rows (no typed row): the
    file is the one ``write_csv`` writes from the typed rows, byte for byte."""
    b = sql_backend
    add_claims(b)
    keys = tuple(c.key for c in catalogue(category))
    s = spec(b, category=category, columns=keys, aggregation=aggregation, statuses=(),
             language=language)
    with export_snapshot(b.engine) as conn:
        heads = headers(conn, s)
        typed = write_csv(tmp_path / "typed.csv", export_columns(heads),
                          iter_export_rows(conn, s, page=2), language=language, time_zone=zone)
        lines = write_csv_cells(tmp_path / "lines.csv", [h.label for h in heads],
                                iter_export_csv_lines(conn, s, zone, language, page=2))
    assert typed == lines > 0
    assert (tmp_path / "typed.csv").read_bytes() == (tmp_path / "lines.csv").read_bytes()


def test_company_name_contains_ignoring_case_and_accents(sql_backend: Backend) -> None:
    b = sql_backend
    total, rows = rows_of(b, spec(b, company_name="ÂLPHA indùstries", statuses=()))
    assert total == len(rows) == 2
    assert {r["company_name"] for r in rows} == {"Alpha Industries", "Alpha Industries Lyon"}
    assert rows_of(b, spec(b, company_name="nobody"))[0] == 0


def test_period_rows_are_what_changed_in_the_window(sql_backend: Backend) -> None:
    b = sql_backend
    everything = spec(b, aggregation=ExportAggregation.PERIOD, statuses=())
    total, rows = rows_of(b, everything)
    assert total == len(rows) > 0
    future = spec(b, aggregation=ExportAggregation.PERIOD, statuses=(),
                  period_from=b.clock.now() + timedelta(days=1))
    assert rows_of(b, future) == (0, [])


def add_claims(b: Backend) -> list[int]:
    """Three registered claims and a draft on two companies of A."""
    now = b.clock.now()
    with Session(b.engine) as s:
        companies = list(s.execute(select(col(PortfolioEntry.company_id)).where(
            col(PortfolioEntry.contract_id) == b.ids["A"])
            .order_by(col(PortfolioEntry.id))).scalars())
        made = []
        for n, (company, status) in enumerate([
                (companies[0], ClaimStatus.PENDING), (companies[0], ClaimStatus.ACCEPTED),
                (companies[1], ClaimStatus.PENDING), (companies[2], ClaimStatus.DRAFT)]):
            claim = Claim(contract_id=b.ids["A"], company_id=company, status=status.value,
                          reference=None if status == ClaimStatus.DRAFT else f"R-{n}",
                          currency="EUR", claim_amount=Decimal("1000.50") * (n + 1),
                          created_at=now, submitted_at=now, updated_at=now)
            s.add(claim)
            s.flush()
            made.append(claim)
        latest = {made[1].company_id: (_id(made[1]), 2), made[2].company_id: (_id(made[2]), 1)}
        for company, (claim_id, count) in latest.items():
            s.add(ClaimDebtor(contract_id=b.ids["A"], company_id=company, claim_id=claim_id,
                              claims=count, updated_at=now))
        s.merge(ClaimDebtorCount(contract_id=b.ids["A"], debtors=len(latest)))
        s.commit()
        return [c.id for c in made if c.id is not None]


def _id(claim: Claim) -> int:
    assert claim.id is not None
    return claim.id


def test_claim_rows_per_claim_and_per_debtor(sql_backend: Backend) -> None:
    b = sql_backend
    add_claims(b)
    columns = (*default_columns(CLAIMS), "contract", "invoice_count")
    per_claim = spec(b, category=CLAIMS, columns=columns, aggregation=ExportAggregation.CLAIM)
    total, rows = rows_of(b, per_claim)
    assert total == len(rows) == 3  # the draft is not exported
    assert all(list(r)[:len(columns)] == list(columns) for r in rows)
    per_debtor = spec(b, category=CLAIMS, columns=columns,
                      aggregation=ExportAggregation.COMPANY)
    total, rows = rows_of(b, per_debtor)
    shown = b.open("alice").claims.portfolio(b.ids["A"])
    assert total == len(rows) == len(shown.items) == 2
    assert sorted(r["claims_count"] for r in rows) == [1, 2]
    accepted = spec(b, category=CLAIMS, columns=columns, aggregation=ExportAggregation.CLAIM,
                    claim_statuses=(ClaimStatus.ACCEPTED.value,))
    assert rows_of(b, accepted)[0] == 1


def test_a_scenario_run_snapshots_its_spec(sql_backend: Backend) -> None:
    b = sql_backend
    repo = b.open("alice")
    t = repo.exports.create_template(template_in(columns=["easy_number", "company_name"]))
    sc = repo.exports.create_scenario(scenario_in(
        t.id, [b.ids["A"]], aggregation=ExportAggregation.PERIOD,
        frequency=ExportFrequency.NONE, starts_at=None, period_from=date(2026, 1, 1),
        period_to=date(2026, 12, 31), format=ExportFormatChoice.CSV))
    run = repo.exports.run(sc.id)
    from cofatui.models import ExportRun

    with Session(b.engine) as s:
        stored = s.get(ExportRun, run.id)
        assert stored is not None
        frozen = ExportSpec.from_json(stored.spec)
    assert frozen.columns == ("easy_number", "company_name")
    assert frozen.formats == (ExportFormat.CSV,)
    assert frozen.period_from is not None and frozen.period_to is not None
    assert frozen.period_from < frozen.period_to
    assert frozen.contract_ids == (b.ids["A"],)

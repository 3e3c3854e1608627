"""Scheduled exports, their purge and their e-mail, on a migrated SQLite database with
the run's insertion replaced by a plain row (the repository's own is tested in
tests/contract/test_export_runs.py):

- a due scenario becomes ONE run, at its latest due time (a missed week is caught up
  once), and moves on to its next time; fired again, nothing more;
- the (scenario, time) key holds even if the scenario were claimed twice;
- after its end date a scenario has nothing more scheduled;
- expired exports go with their files, the others stay;
- the e-mail attaches the files up to the limit, else says where to find them, in the
  owner's language.
"""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import migrations
from cofatui.enums import ExportMailStatus
from cofatui.jobs.export_purge import purge_expired_exports
from cofatui.jobs.export_runs import RunInfo, compose_mail, mail_delivered
from cofatui.jobs.export_schedule import fire_due_scenarios
from cofatui.jobs.outbox import build_email, export_attachments
from cofatui.models import (
    ExportFile,
    ExportFileChunk,
    ExportRun,
    ExportScenario,
    ExportTemplate,
    OutboxMessage,
)
from cofatui.repository.sql import make_engine
from cofatui.schemas_exports import MAIL_ATTACHMENT_LIMIT
from cofatui.schemas_jobs import ExportFormat
from tests.contract import dataset

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # a Sunday; 13:00 in Paris


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exports") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    dataset.build(engine)
    engine.dispose()
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Iterator[Engine]:
    copy = tmp_path / "db.sqlite"
    copy.write_bytes(template_db.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


def _owner(engine: Engine, login: str = "alice") -> int:
    from cofatui.models import User

    with Session(engine) as s:
        found = s.execute(select(col(User.id)).where(col(User.login) == login)).scalar_one()
        assert found is not None
        return found


def _scenario(engine: Engine, *, frequency: str, starts_at: datetime,
              next_run_at: datetime | None, ends_on: date | None = None,
              name: str = "weekly") -> int:
    with Session(engine) as s:
        template = s.execute(select(col(ExportTemplate.id)).where(
            col(ExportTemplate.category) == "portfolio",
            col(ExportTemplate.is_default).is_(True))).scalar_one()
        assert template is not None
        row = ExportScenario(owner_id=_owner(engine), category="portfolio", name=name,
                             template_id=template, contract_ids="[1]", aggregation="product",
                             frequency=frequency, starts_at=starts_at,
                             time_zone="Europe/Paris", ends_on=ends_on,
                             next_run_at=next_run_at, created_at=NOW, updated_at=NOW)
        s.add(row)
        s.commit()
        assert row.id is not None
        return row.id


def plain_run(s: Session, scenario: Any, now: datetime, scheduled_for: datetime | None,
              language: str) -> int:
    """A run row as the repository's queue_run writes it (no job: not run here)."""
    run = ExportRun(owner_id=scenario.owner_id, category=scenario.category,
                    scenario_id=scenario.id, name=scenario.name, scheduled_for=scheduled_for,
                    spec=json.dumps({"language": language}), created_at=now)
    s.add(run)
    s.flush()
    assert run.id is not None
    return run.id


def _runs(engine: Engine, scenario_id: int) -> list[datetime | None]:
    with Session(engine) as s:
        return list(s.execute(select(col(ExportRun.scheduled_for))
                              .where(col(ExportRun.scenario_id) == scenario_id)).scalars())


def _next(engine: Engine, scenario_id: int) -> datetime | None:
    with Session(engine) as s:
        return s.execute(select(col(ExportScenario.next_run_at))
                         .where(col(ExportScenario.id) == scenario_id)).scalar_one()


# ----------------------------------------------------------------- scheduling


def test_a_scenario_missed_for_weeks_is_caught_up_by_one_run(db: Engine) -> None:
    # Weekly on Mondays at 08:00 Paris (07:00 UTC), first run four weeks ago, never run.
    first = datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    sid = _scenario(db, frequency="weekly", starts_at=first, next_run_at=first)
    fired = fire_due_scenarios(db, NOW, queue_run=plain_run)
    latest = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)  # the last Monday before NOW
    assert [(s, t) for s, _, t in fired.runs] == [(sid, latest)]
    assert _runs(db, sid) == [latest]
    assert _next(db, sid) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    # Another round (or another server) at the same time: nothing more.
    assert fire_due_scenarios(db, NOW + timedelta(seconds=1), queue_run=plain_run).runs == []
    assert _runs(db, sid) == [latest]


def test_a_due_run_starts_at_its_time_and_the_next_one_follows(db: Engine) -> None:
    start = NOW + timedelta(minutes=1)
    sid = _scenario(db, frequency="daily", starts_at=start, next_run_at=start)
    assert fire_due_scenarios(db, NOW, queue_run=plain_run).runs == []  # not yet
    fired = fire_due_scenarios(db, start, queue_run=plain_run)
    assert [t for _, _, t in fired.runs] == [start]
    assert _next(db, sid) == start + timedelta(days=1)


def test_the_same_time_is_never_run_twice(db: Engine) -> None:
    first = NOW - timedelta(hours=1)
    sid = _scenario(db, frequency="daily", starts_at=first, next_run_at=first)
    fire_due_scenarios(db, NOW, queue_run=plain_run)
    # As if a second server had claimed the scenario before the first moved it on.
    with db.begin() as conn:
        conn.execute(update(ExportScenario).where(col(ExportScenario.id) == sid)
                     .values(next_run_at=first))
    again = fire_due_scenarios(db, NOW, queue_run=plain_run)
    assert again.runs == [] and again.skipped == 1
    assert _runs(db, sid) == [first]
    assert _next(db, sid) == first + timedelta(days=1)


def test_a_one_off_scenario_runs_once_and_a_schedule_stops_after_its_end(db: Engine) -> None:
    once = _scenario(db, frequency="none", starts_at=NOW - timedelta(minutes=5),
                     next_run_at=NOW - timedelta(minutes=5), name="once")
    ending = _scenario(db, frequency="daily", starts_at=NOW - timedelta(days=3),
                       next_run_at=NOW - timedelta(days=3), ends_on=NOW.date(), name="ending")
    fired = fire_due_scenarios(db, NOW, queue_run=plain_run)
    assert sorted(s for s, _, _ in fired.runs) == sorted([once, ending])
    assert _next(db, once) is None  # ran once: nothing more
    assert _next(db, ending) is None  # tomorrow is after its end date: "ended"
    assert fire_due_scenarios(db, NOW + timedelta(days=5), queue_run=plain_run).runs == []


def test_twenty_scenarios_due_at_once_give_twenty_runs(db: Engine) -> None:
    ids = [_scenario(db, frequency="daily", starts_at=NOW, next_run_at=NOW, name=f"s{i}")
           for i in range(20)]
    fired = fire_due_scenarios(db, NOW + timedelta(seconds=30), queue_run=plain_run)
    assert sorted(s for s, _, _ in fired.runs) == sorted(ids)
    with Session(db) as s:
        assert s.execute(select(func.count()).select_from(ExportRun)).scalar_one() == 20


def test_a_scenario_that_cannot_be_queued_moves_on_without_holding_the_others(
        db: Engine) -> None:
    bad = _scenario(db, frequency="daily", starts_at=NOW, next_run_at=NOW, name="bad")
    good = _scenario(db, frequency="daily", starts_at=NOW, next_run_at=NOW, name="good")

    def refuse_bad(s: Session, scenario: Any, now: datetime, when: datetime | None,
                   language: str) -> int:
        if scenario.id == bad:
            raise RuntimeError("broken scenario")
        return plain_run(s, scenario, now, when, language)

    fired = fire_due_scenarios(db, NOW, queue_run=refuse_bad)
    assert [s for s, _, _ in fired.runs] == [good]
    assert _next(db, bad) == NOW + timedelta(days=1)


# ----------------------------------------------------------------- purge


def _stored_run(engine: Engine, *, expires_at: datetime, size: int = 3) -> int:
    with Session(engine) as s:
        run = ExportRun(owner_id=_owner(engine), category="portfolio", name="r",
                        status="available", created_at=NOW - timedelta(days=31),
                        finished_at=NOW - timedelta(days=31), expires_at=expires_at)
        s.add(run)
        s.flush()
        assert run.id is not None
        file = ExportFile(export_id=run.id, format="csv", name="r.csv", size=size)
        s.add(file)
        s.flush()
        assert file.id is not None
        s.add(ExportFileChunk(file_id=file.id, seq=0, data=b"a;b"))
        s.add(OutboxMessage(message_id=f"<m{run.id}@x>", dedupe_key=f"export:{run.id}",
                            kind="export", recipient="a@example.test", subject="s", body="b",
                            export_id=run.id, created_at=NOW, next_attempt_at=NOW))
        s.commit()
        return run.id


def test_purge_deletes_expired_exports_with_their_files_only(db: Engine) -> None:
    old = _stored_run(db, expires_at=NOW - timedelta(hours=1))
    kept = _stored_run(db, expires_at=NOW + timedelta(days=1))
    assert purge_expired_exports(db, NOW) == 1
    with Session(db) as s:
        assert list(s.execute(select(col(ExportRun.id))).scalars()) == [kept]
        assert list(s.execute(select(col(ExportFile.export_id))).scalars()) == [kept]
        assert s.execute(select(func.count()).select_from(ExportFileChunk)).scalar_one() == 1
        mails = dict(s.execute(select(col(OutboxMessage.dedupe_key),
                                      col(OutboxMessage.export_id))).all())
    assert mails == {f"export:{old}": None, f"export:{kept}": kept}
    assert purge_expired_exports(db, NOW) == 0


# ----------------------------------------------------------------- e-mail


def _info(language: str, name: str = "ERP weekly") -> RunInfo:
    return RunInfo(id=7, owner_id=1, login="alice", language=language,
                   email="alice@example.test", category=dataset_category(), name=name,
                   spec_json="{}", contract_ids=[1], mail_status="queued", scheduled_for=None)


def dataset_category() -> Any:
    from cofatui.enums import ExportCategory

    return ExportCategory.PORTFOLIO


def test_the_mail_names_the_export_in_the_owners_language() -> None:
    files = [(ExportFormat.XLSX, "ERP-weekly.xlsx", 2048), (ExportFormat.CSV, "ERP-weekly.csv", 10)]
    subject, body = compose_mail(_info("fr"), files, NOW)
    assert subject == "cofatui : votre export « ERP weekly » est prêt"
    assert "Ses fichiers sont joints" in body and "ERP-weekly.xlsx (2 Ko)" in body
    big = [(ExportFormat.CSV, "big.csv", MAIL_ATTACHMENT_LIMIT + 1)]
    subject, body = compose_mail(_info("en"), big, NOW)
    assert subject == 'cofatui: your export "ERP weekly" is ready'
    assert "too large for an e-mail" in body and "export no. 7" in body


def test_the_outbox_attaches_an_exports_files_up_to_the_limit(db: Engine) -> None:
    small = _stored_run(db, expires_at=NOW + timedelta(days=30))
    large = _stored_run(db, expires_at=NOW + timedelta(days=30), size=MAIL_ATTACHMENT_LIMIT + 1)
    with Session(db) as s:
        attached = export_attachments(s, small)
        assert attached == [("r.csv", "csv", b"a;b")]
        assert export_attachments(s, large) == []  # over the limit: the note only
        assert export_attachments(s, None) is None  # not an export's mail
        row = s.execute(select(OutboxMessage).where(
            col(OutboxMessage.export_id) == small)).scalar_one()
        mail = email.message_from_bytes(bytes(build_email(row, "cofatui@x.test", attached)))
    parts = [p for p in mail.walk() if p.get_filename()]
    assert [(p.get_filename(), p.get_payload(decode=True)) for p in parts] == \
        [("r.csv", b"a;b")]


def test_the_runs_line_says_what_became_of_its_mail(db: Engine) -> None:
    run = _stored_run(db, expires_at=NOW + timedelta(days=30))
    for attached, status in ((True, ExportMailStatus.SENT), (False, ExportMailStatus.SENT_NOTE),
                             (None, ExportMailStatus.FAILED)):
        with db.begin() as conn:
            mail_delivered(conn, run, attached)
            assert conn.execute(select(col(ExportRun.mail_status))
                                .where(col(ExportRun.id) == run)).scalar_one() == status.value


# ----------------------------------------------------------------- both formats, one read


def _rows(count: int, seen: list[int]) -> Iterator[dict[str, Any]]:
    for n in range(count):
        seen.append(n)
        yield {"n": n, "name": f"company {n}"}


def _columns() -> list[Any]:
    import operator

    from cofatui.enums import ExportColumnType
    from cofatui.formats.export import ExportColumn

    return [ExportColumn("N", operator.itemgetter("n"), type=ExportColumnType.INTEGER),
            ExportColumn("Name", operator.itemgetter("name"), type=ExportColumnType.TEXT)]


def test_both_formats_are_written_from_one_read(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from cofatui.jobs.export_runs import write_files

    seen: list[int] = []
    steps: list[int] = []
    paths = [(ExportFormat.XLSX, tmp_path / "x.xlsx"), (ExportFormat.CSV, tmp_path / "x.csv")]
    write_files(paths, _columns(), _rows(5_000, seen), steps.append, _info("en"))
    assert seen == list(range(5_000))  # each row read once
    assert steps[-1] == 5_000
    lines = (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 5_001 and lines[-1] == "4999;company 4999"
    sheet = load_workbook(tmp_path / "x.xlsx", read_only=True).active
    assert sheet is not None and sheet.max_row == 5_001


def test_a_cancel_stops_both_writers(tmp_path: Path) -> None:
    from cofatui.jobs.export_runs import write_files

    class Cancelled(Exception):
        pass

    def step(done: int) -> None:
        if done >= 1_000:
            raise Cancelled

    seen: list[int] = []
    paths = [(ExportFormat.CSV, tmp_path / "x.csv"), (ExportFormat.XLSX, tmp_path / "x.xlsx")]
    with pytest.raises(Cancelled):
        write_files(paths, _columns(), _rows(50_000, seen), step, _info("en"))
    assert len(seen) < 50_000 and not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("after", [10, 20_000])  # mid-way, or once every row was read
def test_the_second_writers_failure_is_raised_without_waiting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    from cofatui.jobs import export_runs

    def failing_xlsx(path: Path, columns: Any, rows: Any, **_: Any) -> int:
        for n, _row in enumerate(rows, 1):
            if n == after:
                break
        raise OSError("disk full")

    monkeypatch.setattr(export_runs, "write_xlsx", failing_xlsx)
    seen: list[int] = []
    paths = [(ExportFormat.CSV, tmp_path / "x.csv"), (ExportFormat.XLSX, tmp_path / "x.xlsx")]
    with pytest.raises(OSError, match="disk full"):
        export_runs.write_files(paths, _columns(), _rows(10_000, seen), lambda _n: None,
                                _info("en"))

"""The life of bulk imports, explored (issue 14, item 7): files started, checked,
run, cancelled while queued or half-way, interrupted and resumed, in any order, on
one SQLite database.

After every step: an import is running exactly while its job has not settled it;
a finished import's totals add up to its lines and each line has one result; the
imported-files list holds the imports that are not checks, newest first; a file
already imported into the contract is refused without ``again``; no product is ever
ordered by a check.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.errors import Conflict
from cofatui.jobs.worker import JobCancelled
from cofatui.models import BulkLine, Product
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas_bulk import BulkStatus
from tests.contract import dataset
from tests.contract.bulk_helpers import add_seed_companies

POOL = [
    "FRA;;CRScny;100156874;;CCO;C;5000;;",
    "FRA;;SIREN;957854658;;RCO;C;;;",
    "FRA;;SIREN;958478954;;ROM;S;;;",
    "FRA;00000056487951;;;;ROM;D;;;",
    "DEU;;HRN_DEU;HRB 97512;;CRL;U;60000;;",
    "FRA;;SIREN;123456789;;CCO;C;5000;;",
    "XXX;;;;;CRL;C;;;",
    "FRA;;CRScny;100156874;;CRL;C;20000;;",
]


class Stop(Exception):
    """The worker dies between two lines."""


class BulkLifecycle(RuleBasedStateMachine):
    @initialize()
    def database(self) -> None:
        self.home = tempfile.TemporaryDirectory()
        self.engine = make_engine(f"sqlite:///{Path(self.home.name) / 'bulk.sqlite'}")
        migrations.upgrade(self.engine)
        self.ids = dataset.build(self.engine)
        add_seed_companies(self.engine, self.ids["A"])
        self.repo = SqlRepository(self.engine, "alice", FixedClock(dataset.NOW))
        self.imports: dict[int, bool] = {}  # id -> check
        self.imported: set[bytes] = set()  # contents imported (not checks, not refused)
        self.pending: list[int] = []  # started, job not run yet

    def teardown(self) -> None:
        if hasattr(self, "engine"):
            self.engine.dispose()
            self.home.cleanup()

    def _products(self) -> int:
        with Session(self.engine) as s:
            return int(s.execute(select(func.count()).select_from(Product)).scalar_one())

    @rule(picks=st.lists(st.sampled_from(POOL), min_size=1, max_size=5),
          check=st.booleans(), again=st.booleans())
    def start(self, picks: list[str], check: bool, again: bool) -> None:
        content = ("\n".join(picks) + "\n").encode()
        try:
            started = self.repo.bulk.start(self.ids["A"], "f.csv", content, check=check,
                                           again=again)
        except Conflict:
            assert not check and not again and content in self.imported
            return
        assert check or again or content not in self.imported
        if not check:
            self.imported.add(content)
        self.imports[started.bulk_import.id] = check
        self.pending.append(started.bulk_import.id)

    @rule(data=st.data())
    def run(self, data: st.DataObject) -> None:
        if not self.pending:
            return
        import_id = data.draw(st.sampled_from(self.pending))
        check = self.imports[import_id]
        before = self._products()
        self.repo.bulk.run_job(import_id)
        self.pending.remove(import_id)
        if check:
            assert self._products() == before
        assert self.repo.bulk.get(import_id).finished

    @rule(data=st.data(), after=st.integers(0, 4), cancel=st.booleans())
    def interrupt(self, data: st.DataObject, after: int, cancel: bool) -> None:
        """The job stops after ``after`` lines: cancelled (the rest not processed),
        or its worker died (resumed by the next run)."""
        if not self.pending:
            return
        import_id = data.draw(st.sampled_from(self.pending))

        def stops(done: int, _total: int) -> None:
            if done >= after:
                raise JobCancelled if cancel else Stop

        try:
            self.repo.bulk.run_job(import_id, stops)
        except (JobCancelled, Stop):
            if cancel:
                self.repo.bulk.stop(import_id, cancelled=True)
                self.pending.remove(import_id)
                assert self.repo.bulk.get(import_id).finished
            return
        self.pending.remove(import_id)  # it had fewer lines than ``after``

    @invariant()
    def consistent(self) -> None:
        if not hasattr(self, "repo"):
            return
        for import_id, check in self.imports.items():
            got = self.repo.bulk.get(import_id)
            assert got.check == check
            with Session(self.engine) as s:
                numbers = list(s.execute(select(col(BulkLine.line_no)).where(
                    col(BulkLine.import_id) == import_id)).scalars())
            assert len(numbers) == len(set(numbers)) == got.done_lines
            if import_id in self.pending:
                continue
            assert got.status != BulkStatus.RUNNING
            if got.refused is None:
                assert got.ok_lines + got.error_lines + got.not_processed_lines == \
                    got.total_lines == len(numbers)
        listed = [i.id for i in self.repo.bulk.imports(limit=500).items]
        assert listed == sorted((i for i, check in self.imports.items() if not check),
                                reverse=True)


BulkLifecycle.TestCase.settings = settings(
    max_examples=8, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_bulk_import_lifecycle = BulkLifecycle.TestCase

"""The lifecycle of company information (issue 17 item 4) under any order of sendings,
decisions (by an underwriter or a policyholder, with the version read or a stale one,
on a submission already decided) and time passing, on SQLite, against a model:

- a submission is in progress when sent and gets exactly one outcome, from an
  underwriter, with the version it has; everything else is refused and changes nothing;
- it never changes afterwards (its fields, documents, status and version);
- the contract holds one notification per step of each submission (sent, decided);
- the queue is the submissions in progress, oldest first.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.enums import (
    CompanyInfoForm,
    CompanyInfoStatus,
    CompanyInfoType,
    NegativeNature,
    NotificationTarget,
)
from cofatui.errors import Conflict, Forbidden, RuleViolation
from cofatui.models import Notification
from cofatui.repository.sql import SqlRepository
from cofatui.rules.company_info import OUTCOMES
from cofatui.schemas_company_info import (
    CompanyInfoDecision,
    CompanyInfoIn,
    CompanyInfoPublic,
    UploadedFile,
)
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COMPANIES = ("alpha", "beta", "epsilon")


class CompanyInfoLifecycle(RuleBasedStateMachine):
    template: SqliteTemplate
    folder: Path
    submissions = Bundle("submissions")

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.ids = self.template.copy_to(
            self.folder / f"{uuid.uuid4().hex}.sqlite")
        self.clock = FixedClock(dataset.NOW)
        self.alice = SqlRepository(self.engine, "alice", self.clock).company_info
        self.uw = SqlRepository(self.engine, "uw", self.clock).company_info
        # the model: each submission as last seen, by id
        self.seen: dict[int, CompanyInfoPublic] = {}

    def teardown(self) -> None:
        self.engine.dispose()

    @rule(target=submissions, company=st.sampled_from(COMPANIES), negative=st.booleans(),
          files=st.integers(min_value=0, max_value=3))
    def send(self, company: str, negative: bool, files: int) -> int:
        self.clock.advance(minutes=1)
        if negative:
            data = CompanyInfoIn(
                contract_id=self.ids["A"], company_id=self.ids[company],
                form=CompanyInfoForm.NEGATIVE, nature=NegativeNature.FINANCIAL,
                event_date=dataset.TODAY, description="Retards")
        else:
            data = CompanyInfoIn(
                contract_id=self.ids["A"], company_id=self.ids[company],
                form=CompanyInfoForm.TRANSMISSION, info_type=CompanyInfoType.AGED_BALANCE)
            files = max(files, 1)
        sent = self.alice.send(data, [UploadedFile(name=f"f{i}.pdf", content=PDF)
                                      for i in range(files)])
        assert sent.status == CompanyInfoStatus.IN_PROGRESS and len(sent.documents) == files
        self.seen[sent.id] = sent
        return sent.id

    @rule(submission=submissions, outcome=st.sampled_from(sorted(OUTCOMES)),
          stale=st.booleans())
    def underwriter_decides(self, submission: int, outcome: CompanyInfoStatus,
                            stale: bool) -> None:
        before = self.seen[submission]
        version = before.version + (1 if stale else 0)
        self.clock.advance(minutes=1)
        decision = CompanyInfoDecision(version=version, outcome=outcome, comment="vu")
        if before.status != CompanyInfoStatus.IN_PROGRESS:
            try:
                self.uw.decide(submission, decision)
            except RuleViolation as refused:
                assert refused.code == "company_info.already_decided"
            else:
                raise AssertionError("decided twice")
        elif stale:
            try:
                self.uw.decide(submission, decision)
            except Conflict:
                pass
            else:
                raise AssertionError("a stale version was accepted")
        else:
            decided = self.uw.decide(submission, decision)
            assert (decided.status, decided.decided_by) == (outcome, "uw")
            self.seen[submission] = decided

    @rule(submission=submissions)
    def policyholder_decides(self, submission: int) -> None:
        try:
            self.alice.decide(submission, CompanyInfoDecision(
                version=self.seen[submission].version, outcome=CompanyInfoStatus.ANALYSED))
        except Forbidden:
            pass
        else:
            raise AssertionError("a policyholder decided")

    @rule(days=st.integers(min_value=1, max_value=400))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days=days)

    @invariant()
    def nothing_changes_but_by_its_outcome(self) -> None:
        for submission_id, seen in self.seen.items():
            assert self.alice.get(submission_id) == seen

    @invariant()
    def one_notification_per_step(self) -> None:
        with Session(self.engine) as s:
            counted = {target: count for target, count in s.execute(
                select(col(Notification.target_id), func.count())
                .where(col(Notification.target_type)
                       == NotificationTarget.COMPANY_INFORMATION.value)
                .group_by(col(Notification.target_id)))}
        assert counted == {i: 1 if seen.status == CompanyInfoStatus.IN_PROGRESS else 2
                           for i, seen in self.seen.items()}

    @invariant()
    def the_queue_is_what_is_in_progress_oldest_first(self) -> None:
        waiting = [i for i, seen in sorted(self.seen.items(),
                                           key=lambda item: (item[1].created_at, item[0]))
                   if seen.status == CompanyInfoStatus.IN_PROGRESS]
        assert [row.id for row in self.uw.queue().items] == waiting


def test_the_company_information_lifecycle_follows_its_rules(
        sqlite_template: SqliteTemplate, tmp_path: Path) -> None:
    CompanyInfoLifecycle.template = sqlite_template
    CompanyInfoLifecycle.folder = tmp_path
    run_state_machine_as_test(CompanyInfoLifecycle, settings=settings(
        max_examples=20, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))


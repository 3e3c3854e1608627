"""The lifecycle of attachments to one public structure (issue 18 item 2; seed 003
§IV; seed 004 "Activités du gestionnaire") under any order of requests, decisions by
managers and non-managers, hand-overs, removals and days passing, on SQLite, against
a model:

- a request is pending, then gets exactly one decision from a manager valid today;
  everything else is refused with its code and changes nothing;
- the structure always has exactly one main manager;
- a user's rights (``mine``, ``chorus_access``) are exactly their approved
  attachments valid today (the injected clock's day).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.enums import ChorusRole, ChorusSpace
from cofatui.errors import CofaError, Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models.chorus import ChorusAttachment
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.chorus_access import chorus_rights
from cofatui.schemas_chorus import (
    ChorusAttachmentDecision,
    ChorusAttachmentRemoval,
    ChorusAttachmentRequest,
)
from tests.contract import chorus_dataset as cd
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

REQUESTERS = (cd.NEW_USER, cd.SA_USER, cd.SB_USER)
ACTORS = (cd.PA_USER, cd.PA2_USER, cd.EXPIRED_USER, cd.SA_USER)
SPACES = st.lists(st.sampled_from(list(ChorusSpace)), unique=True, max_size=2)


@dataclass(frozen=True)
class Seen:
    """An attachment to PA as the model knows it."""

    login: str
    status: str
    role: str
    spaces: frozenset[ChorusSpace]
    valid_from: date
    valid_until: date | None
    version: int

    def valid(self, today: date) -> bool:
        return (self.status == "approved" and self.valid_from <= today
                and (self.valid_until is None or self.valid_until >= today))

    def manages(self, today: date) -> bool:
        return self.valid(today) and self.role in ("main_manager", "secondary_manager")


class AttachmentLifecycle(RuleBasedStateMachine):
    template: SqliteTemplate
    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.ids = self.template.copy_to(
            self.folder / f"{uuid.uuid4().hex}.sqlite")
        self.clock = FixedClock(dataset.NOW)
        logins = set(REQUESTERS) | set(ACTORS)
        self.repos = {login: SqlRepository(self.engine, login, self.clock).chorus_directory
                      for login in logins}
        self.pa = self.ids[cd.PA]
        self.seen: dict[int, Seen] = {}
        with Session(self.engine) as s:
            for row in s.execute(select(ChorusAttachment).where(
                    col(ChorusAttachment.structure_id) == self.pa)).scalars():
                login = next(k for k in logins
                             if self.ids.get(k) == row.user_id)
                assert row.id is not None
                self.seen[row.id] = Seen(login, row.status, row.role, frozenset(
                    s for s, held in ((ChorusSpace.ISSUED, row.space_issued),
                                      (ChorusSpace.RECEIVED, row.space_received)) if held),
                    row.valid_from, row.valid_until, row.version)

    def teardown(self) -> None:
        self.engine.dispose()

    @property
    def today(self) -> date:
        return self.clock.today()

    def _of(self, login: str) -> list[int]:
        return [i for i, a in self.seen.items() if a.login == login]

    def _manager(self, login: str) -> bool:
        return any(self.seen[i].manages(self.today) for i in self._of(login))

    def _main(self, login: str) -> bool:
        return any(self.seen[i].manages(self.today) and self.seen[i].role == "main_manager"
                   for i in self._of(login))

    def _refresh(self, attachment_id: int) -> None:
        with Session(self.engine) as s:
            row = s.get(ChorusAttachment, attachment_id)
            assert row is not None
            self.seen[attachment_id] = replace(
                self.seen[attachment_id], status=row.status, role=row.role,
                version=row.version)

    def _expect_refusal(self, call: object, cls: type[CofaError], code: str) -> None:
        before = dict(self.seen)
        try:
            call()  # type: ignore[operator]
        except cls as refused:
            codes = [e.code for e in refused.errors] if isinstance(
                refused, ValidationFailed) else [refused.code]
            assert code in codes, (codes, code)
        else:
            raise AssertionError(f"not refused: {code}")
        for attachment_id in before:
            self._refresh(attachment_id)
        assert self.seen == before  # a refusal changes nothing

    # --- rules ------------------------------------------------------------------------

    @rule(login=st.sampled_from(REQUESTERS), days=st.integers(min_value=0, max_value=3))
    def request(self, login: str, days: int) -> None:
        start = self.today + timedelta(days=days)
        data = ChorusAttachmentRequest(structure_id=self.pa, comment="Factures",
                                       valid_from=start)
        if any(self.seen[i].status in ("pending", "approved") for i in self._of(login)):
            self._expect_refusal(lambda: self.repos[login].request_attachment(data),
                                 RuleViolation, "chorus_directory.already_attached")
            return
        made = self.repos[login].request_attachment(data)
        assert (made.status, made.role, made.valid_from) == ("pending", "user", start)
        self.seen[made.id] = Seen(login, "pending", "user", frozenset(), start, None,
                                  made.version)

    @rule(actor=st.sampled_from(ACTORS), data=st.data(), approve=st.booleans(),
          spaces=SPACES, stale=st.booleans())
    def decide(self, actor: str, data: st.DataObject, approve: bool,
               spaces: list[ChorusSpace], stale: bool) -> None:
        attachment_id = data.draw(st.sampled_from(sorted(self.seen)))
        seen = self.seen[attachment_id]
        decision = ChorusAttachmentDecision(
            version=seen.version + (1 if stale else 0), approve=approve, spaces=spaces,
            comment="" if approve else "Non")

        def call() -> object:
            return self.repos[actor].decide_attachment(attachment_id, decision)

        if not self._manager(actor):
            self._expect_refusal(call, Forbidden, "chorus_directory.not_manager")
        elif seen.status != "pending":
            self._expect_refusal(call, RuleViolation, "chorus_directory.attachment_decided")
        elif approve and not spaces:
            self._expect_refusal(call, ValidationFailed, "chorus_directory.space_required")
        elif stale:
            self._expect_refusal(call, Conflict, "chorus_directory.changed_meanwhile")
        else:
            decided = call()
            self._refresh(attachment_id)
            self.seen[attachment_id] = replace(self.seen[attachment_id],
                                               spaces=frozenset(spaces) if approve
                                               else frozenset())
            assert self.seen[attachment_id].status == ("approved" if approve else "refused")
            assert decided is not None

    @rule(actor=st.sampled_from(ACTORS), data=st.data())
    def hand_over(self, actor: str, data: st.DataObject) -> None:
        attachment_id = data.draw(st.sampled_from(sorted(self.seen)))
        target = self.seen[attachment_id]

        def call() -> object:
            return self.repos[actor].hand_over_main(self.pa, attachment_id)

        if not self._main(actor):
            self._expect_refusal(call, Forbidden, "chorus_directory.not_main_manager")
        elif not target.valid(self.today):
            self._expect_refusal(call, RuleViolation,
                                 "chorus_directory.attachment_not_approved")
        else:
            call()
            for i in list(self.seen):
                self._refresh(i)
            assert self.seen[attachment_id].role == "main_manager"

    @rule(actor=st.sampled_from(ACTORS), data=st.data())
    def remove(self, actor: str, data: st.DataObject) -> None:
        attachment_id = data.draw(st.sampled_from(sorted(self.seen)))
        target = self.seen[attachment_id]
        removal = ChorusAttachmentRemoval(user_id=self.ids[target.login],
                                          attachment_ids=[attachment_id])

        def call() -> object:
            return self.repos[actor].remove_attachments(removal)

        if target.status not in ("pending", "approved"):
            self._expect_refusal(call, NotFound, "chorus_directory.attachment_not_found")
        elif not self._manager(actor):
            self._expect_refusal(call, Forbidden, "chorus_directory.not_manager")
        elif target.status == "approved" and target.role == "main_manager":
            self._expect_refusal(call, RuleViolation, "chorus_directory.main_manager_removed")
        else:
            assert call() == 1
            self._refresh(attachment_id)
            assert self.seen[attachment_id].status == "removed"

    @rule(days=st.integers(min_value=1, max_value=2))
    def days_pass(self, days: int) -> None:
        self.clock.advance(days=days)

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def exactly_one_main_manager(self) -> None:
        with Session(self.engine) as s:
            mains = s.execute(select(func.count()).select_from(ChorusAttachment).where(
                col(ChorusAttachment.structure_id) == self.pa,
                col(ChorusAttachment.status) == "approved",
                col(ChorusAttachment.role) == ChorusRole.MAIN_MANAGER.value)).scalar_one()
        assert mains == 1

    @invariant()
    def rights_are_the_approved_attachments_valid_today(self) -> None:
        with Session(self.engine) as s:
            for login in set(REQUESTERS) | set(ACTORS):
                rights = chorus_rights(s, self.ids[login], self.today)
                expected = [self.seen[i] for i in self._of(login)
                            if self.seen[i].valid(self.today)]
                assert (self.pa in rights.attached) == bool(expected), login
                assert (self.pa in rights.received) == any(
                    ChorusSpace.RECEIVED in a.spaces for a in expected), login
                assert (self.pa in rights.managed) == self._manager(login), login
        mine = {m.structure.id for m in self.repos[cd.NEW_USER].mine()}
        assert (self.pa in mine) == any(self.seen[i].valid(self.today)
                                        for i in self._of(cd.NEW_USER))


def test_attachments_follow_their_lifecycle(sqlite_template: SqliteTemplate,
                                            tmp_path: Path) -> None:
    AttachmentLifecycle.template = sqlite_template
    AttachmentLifecycle.folder = tmp_path
    run_state_machine_as_test(AttachmentLifecycle, settings=settings(
        max_examples=15, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))

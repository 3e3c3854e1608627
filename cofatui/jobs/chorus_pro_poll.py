"""The ``chorus_pro.poll`` job (issue 19 item 6): what Chorus Pro says of the invoices
the connector deposited. Scheduled every minute for all that are due, or queued for
one invoice by "refresh now".

Due (our choices): a flow's report each minute for the hour after the deposit, then
hourly, until integrated or rejected; an integrated invoice's states every 4 hours
until payment in progress or rejected; an uncertain deposit looked up every 10
minutes (the deposit job's own tries may have run out). With no ``[chorus_pro]``
settings in this process the round reads nothing and calls nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.clock import Clock
from cofatui.enums import ChorusProDeposit, ChorusState
from cofatui.errors import CofaError
from cofatui.jobs.chorus_pro_deposit import aware, look_up
from cofatui.models.chorus import ChorusInvoice
from cofatui.repository.sql.chorus_connector_queue import POLL_JOB
from cofatui.repository.sql.chorus_connector_sync import ConnectorSync, FollowWork
from cofatui.repository.sql.core import unit_of_work

if TYPE_CHECKING:
    from cofatui.chorus_pro.client import PisteClient
    from cofatui.jobs.worker import JobContext

__all__ = ["POLL_CRON", "POLL_JOB", "due", "follow", "run_poll"]
log = logging.getLogger(__name__)
#: Every minute; each invoice is due on its own rhythm (``due``).
POLL_CRON = "* * * * *"
REPORT_FAST, FAST_FOR, REPORT_SLOW = (timedelta(minutes=1), timedelta(hours=1),
                                      timedelta(hours=1))
FOLLOW_EVERY = timedelta(hours=4)
LOOKUP_EVERY = timedelta(minutes=10)
#: A round that starts a little early still reads what is due on that minute.
_SLACK = timedelta(seconds=5)
#: Followed no more: Chorus Pro's last word on them.
FINAL = frozenset({ChorusState.PAYMENT_IN_PROGRESS.value, ChorusState.REJECTED.value})
D = ChorusProDeposit


@dataclass(frozen=True)
class Candidate:
    invoice_id: int
    created_by: str
    deposit: str
    state: str
    synced_at: datetime | None
    state_changed_at: datetime | None


def due(c: Candidate, now: datetime) -> bool:
    if c.deposit == D.INTEGRATED.value and c.state in FINAL:
        return False
    if c.synced_at is None:
        return True
    since = now - aware(c.synced_at, now)
    if c.deposit == D.DEPOSITED.value:
        age = now - aware(c.state_changed_at or c.synced_at, now)
        return since >= (REPORT_FAST if age < FAST_FOR else REPORT_SLOW) - _SLACK
    if c.deposit == D.UNCERTAIN.value:
        return since >= LOOKUP_EVERY - _SLACK
    return since >= FOLLOW_EVERY - _SLACK


def candidates(engine: Engine) -> list[Candidate]:
    with unit_of_work(engine) as s:
        return [Candidate(row[0] or 0, *row[1:]) for row in s.execute(select(
            col(ChorusInvoice.id), col(ChorusInvoice.created_by),
            col(ChorusInvoice.cpp_deposit), col(ChorusInvoice.state),
            col(ChorusInvoice.cpp_synced_at), col(ChorusInvoice.state_changed_at))
            .where(col(ChorusInvoice.cpp_deposit).in_(
                [D.DEPOSITED.value, D.INTEGRATED.value, D.UNCERTAIN.value]))
            .order_by(col(ChorusInvoice.id)))]


def run_poll(ctx: JobContext) -> None:
    from cofatui.chorus_pro import runtime

    if runtime.current() is None:  # the connector cannot run in this process
        ctx.progress(0, 0)
        return
    if "invoice_id" in ctx.params:  # "refresh now": its owner asked, errors are theirs
        follow(ConnectorSync(ctx.repo()), int(ctx.params["invoice_id"]), ctx.clock.now())
        ctx.progress(1, 1)
        return
    now = ctx.clock.now()
    todo = [c for c in candidates(ctx.engine) if due(c, now)]
    for done, candidate in enumerate(todo):
        ctx.progress(done, len(todo))
        _follow_logged(ctx.engine, ctx.clock, candidate, now)
    ctx.progress(len(todo), len(todo))


def _follow_logged(engine: Engine, clock: Clock, c: Candidate, now: datetime) -> None:
    """One invoice of the round, as its creator; a failure is logged (by its code,
    never a secret) and the round goes on."""
    from cofatui.repository.sql import SqlRepository

    try:
        follow(ConnectorSync(SqlRepository(engine, c.created_by, clock)), c.invoice_id, now)
    except CofaError as exc:
        log.warning("chorus_pro: invoice %s not followed: %s", c.invoice_id, exc.code)


def follow(sync: ConnectorSync, invoice_id: int, now: datetime) -> None:
    """Read the invoice's report (then its identifier) or its states, or look an
    uncertain deposit up."""
    from cofatui.chorus_pro import runtime

    uncertain = sync.deposit_work(invoice_id)
    if uncertain is not None and uncertain.invoice is None:
        with runtime.client_for(uncertain.login, uncertain.password_ref) as client:
            look_up(sync, client, uncertain, now)
        return
    work = sync.follow_work(invoice_id)
    if work is None:
        return
    with runtime.client_for(work.login, work.password_ref) as client:
        cpp_id = work.cpp_invoice_id
        if work.deposit is D.DEPOSITED:
            found = _report(sync, client, work)
            if found is None:
                return
            cpp_id = found
        sync.history_read(invoice_id, client.history(cpp_id))


def _report(sync: ConnectorSync, client: PisteClient, work: FollowWork) -> str | None:
    """The flow's report: its invoice's Chorus Pro id once integrated, else None."""
    from cofatui.chorus_pro.model import FLUX_REJECTED

    report = client.flux_report(work.flux_number)
    if report.state == FLUX_REJECTED:
        sync.report_rejected(work.invoice_id, report.dp_errors + report.technical_errors)
        return None
    found = client.find_invoices(flux_number=work.flux_number) if report.finished else []
    match = next((f for f in found if f.number.strip().upper() == work.number.strip().upper()),
                 found[0] if len(found) == 1 else None)
    if match is None:
        sync.report_pending(work.invoice_id, report.state)
        return None
    sync.report_integrated(work.invoice_id, match)
    return match.cpp_invoice_id

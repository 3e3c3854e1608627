"""``cofatui export run-due`` (issue 15 item 5): fire what is due, run it, return.

For cron on a machine without a server: the due scenarios become runs
(:mod:`cofatui.jobs.export_schedule_fire`, the same as every worker round), then every
due job runs in this process and the e-mail the exports wrote is delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from cofatui.clock import Clock, SystemClock
from cofatui.config import MailSettings
from cofatui.jobs.export_schedule_fire import Fired, anything_due, fire_due_scenarios

__all__ = ["Fired", "RunDueReport", "anything_due", "fire_due_scenarios", "run_due"]


@dataclass
class RunDueReport:
    """What :func:`run_due` did: the runs it fired, and the jobs it ran to the end."""

    fired: list[tuple[int, int, datetime]]
    jobs_run: int
    mail_sent: int


def run_due(engine: Engine, clock: Clock | None = None, mail: MailSettings | None = None,
            *, limit: int = 10_000) -> RunDueReport:
    """Fire the due scenarios, run every due job (their exports, the e-mail delivery,
    whatever else is due: on a machine without a server nothing else runs them), then
    deliver the e-mail the exports wrote, and return (``cofatui export run-due``, for
    cron)."""
    from cofatui.jobs.outbox import deliver_due
    from cofatui.jobs.worker import Worker

    clock = clock or SystemClock()
    mail = mail or MailSettings()
    fired = fire_due_scenarios(engine, clock.now())
    worker = Worker(engine, clock=clock, mail=mail)
    jobs_run = worker.drain(limit)
    sent = deliver_due(engine, mail, clock.now()).sent
    return RunDueReport(fired.runs, jobs_run, sent)

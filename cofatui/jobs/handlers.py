"""What each job kind does, and the schedules the workers keep."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cofatui.config import MailSettings
from cofatui.jobs.bulk import run_bulk_import
from cofatui.jobs.chorus_facturx_export import FACTURX_EXPORT_JOB, run_facturx_export
from cofatui.jobs.chorus_pro_deposit import DEPOSIT_JOB, run_deposit
from cofatui.jobs.chorus_pro_expiry import EXPIRY_CRON, EXPIRY_JOB, run_expiry
from cofatui.jobs.chorus_pro_poll import POLL_CRON, POLL_JOB, run_poll
from cofatui.jobs.export_purge import EXPORTS_PURGE, EXPORTS_PURGE_CRON, purge_exports
from cofatui.jobs.export_runs import EXPORT_RUN, run_export
from cofatui.jobs.ilu_expiry import ILUS_EXPIRE, ILUS_EXPIRE_CRON, expire_ilus
from cofatui.jobs.ledger_fec import FEC_JOB, run_fec
from cofatui.jobs.schedule import Schedule
from cofatui.jobs.turnover_reminders import TURNOVER_REMINDER, run_reminder
from cofatui.repository.sql.bulk import BULK_JOB
from cofatui.repository.sql.import_apply import IMPORT_JOB
from cofatui.schemas_jobs import JobKind, NotificationExportParams, PortfolioExportParams

if TYPE_CHECKING:
    from cofatui.jobs.worker import Handler, JobContext

MAIL_DELIVER = "mail.deliver"
MAIL_DIGEST = "mail.digest"
#: Every day at 06:00 UTC (07:00 or 08:00 in Paris), before the working day.
DIGEST_CRON = "0 6 * * *"
#: Pending mail (new, or waiting for its retry) is looked at every minute.
DELIVER_CRON = "* * * * *"
JOBS_PURGE = "jobs.purge"
#: Finished jobs past their retention (jobs/retention.py) are deleted nightly.
PURGE_CRON = "30 2 * * *"


def _export_notifications(ctx: JobContext) -> tuple[str, bytes]:
    from cofatui.jobs.exports import export_notifications

    params = NotificationExportParams.model_validate(ctx.params)
    return export_notifications(ctx.repo(), params, ctx.clock.now(), ctx.progress)


def _export_portfolio(ctx: JobContext) -> tuple[str, bytes]:
    from cofatui.jobs.exports import export_portfolio

    params = PortfolioExportParams.model_validate(ctx.params)
    return export_portfolio(ctx.repo(), params, ctx.clock.now(), ctx.progress)


def _import(ctx: JobContext) -> None:
    """A large import: its lines applied and stored one by one (resumed, not redone,
    after a worker died)."""
    ctx.repo().imports.run_queued(int(ctx.params["import_id"]), ctx.progress)


def _digest(ctx: JobContext) -> None:
    from cofatui.jobs.digest import write_digests
    from cofatui.jobs.outbox import deliver_due

    written = write_digests(ctx.engine, ctx.clock.now())
    ctx.progress(written, written)
    if written:
        deliver_due(ctx.engine, ctx.mail, ctx.clock.now(), should_stop=ctx.cancel.is_set)


def _purge(ctx: JobContext) -> None:
    from cofatui.jobs.retention import purge_finished_jobs

    purged = purge_finished_jobs(ctx.engine, ctx.clock.now(), ctx.progress)
    ctx.progress(purged, purged)


def _deliver(ctx: JobContext) -> None:
    from cofatui.jobs.outbox import deliver_due

    report = deliver_due(ctx.engine, ctx.mail, ctx.clock.now(), should_stop=ctx.cancel.is_set)
    ctx.progress(report.sent, report.sent + report.deferred + report.failed)


HANDLERS: dict[str, Handler] = {
    JobKind.EXPORT_NOTIFICATIONS.value: _export_notifications,
    JobKind.EXPORT_PORTFOLIO.value: _export_portfolio,
    IMPORT_JOB: _import,
    BULK_JOB: run_bulk_import,
    MAIL_DIGEST: _digest,
    MAIL_DELIVER: _deliver,
    JOBS_PURGE: _purge,
    EXPORT_RUN: run_export,
    EXPORTS_PURGE: purge_exports,
    ILUS_EXPIRE: expire_ilus,
    TURNOVER_REMINDER: run_reminder,
    FACTURX_EXPORT_JOB: run_facturx_export,
    DEPOSIT_JOB: run_deposit,
    POLL_JOB: run_poll,
    EXPIRY_JOB: run_expiry,
    FEC_JOB: run_fec,
}


#: The jobs that call Chorus Pro: only a process with ``[chorus_pro]`` settings runs them.
CHORUS_PRO_JOBS = frozenset({DEPOSIT_JOB, POLL_JOB})


def runnable_handlers() -> dict[str, Handler]:
    """The handlers of the jobs this process can run: without ``[chorus_pro]`` settings
    a worker would fail a deposit for want of them (or read nothing on a refresh), when
    another process on the same database (``cofatui serve``) has them."""
    from cofatui.chorus_pro import runtime

    if runtime.current() is not None:
        return dict(HANDLERS)
    return {kind: run for kind, run in HANDLERS.items() if kind not in CHORUS_PRO_JOBS}


def schedules(mail: MailSettings) -> list[Schedule]:
    """The digest is written whether or not this worker can send mail (the outbox
    keeps it until a worker that can, delivers it)."""
    return [Schedule("digest", DIGEST_CRON, MAIL_DIGEST, max_attempts=3),
            Schedule("outbox", DELIVER_CRON, MAIL_DELIVER, max_attempts=1),
            Schedule("purge", PURGE_CRON, JOBS_PURGE, max_attempts=3),
            Schedule("exports-purge", EXPORTS_PURGE_CRON, EXPORTS_PURGE, max_attempts=3),
            Schedule("ilus-expire", ILUS_EXPIRE_CRON, ILUS_EXPIRE, max_attempts=3),
            Schedule("chorus-pro-expiry", EXPIRY_CRON, EXPIRY_JOB, max_attempts=3),
            *_chorus_pro_polling()]


def _chorus_pro_polling() -> list[Schedule]:
    """The connector's minute round (issue 19), only in a process with ``[chorus_pro]``
    settings: elsewhere a round could call nothing, and would still write a job row a
    minute (on the embedded database, a write lock a minute for nothing)."""
    from cofatui.chorus_pro import runtime

    if runtime.current() is None:
        return []
    return [Schedule("chorus-pro-poll", POLL_CRON, POLL_JOB, max_attempts=1)]

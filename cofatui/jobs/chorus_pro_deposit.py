"""The ``chorus_pro.deposit`` job (issue 19 item 6): deposit one invoice's Factur-X to
the real Chorus Pro, never twice.

Steps, each in a transaction of its own (``ConnectorSync``), the calls between them:
the Chorus Pro constraints (refused: non-compliant here, nothing sent); the invoice
marked *uncertain* and committed; ``deposer/flux``; then *deposited* with its flux
number (the report is read by ``chorus_pro.poll``). A timeout leaves it uncertain and
the worker tries again later: an uncertain invoice is looked up
(``rechercher/fournisseur`` by its number) and is deposited again by nobody but a
person who sends it after being told it was not found."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cofatui.errors import CofaError, ValidationFailed
from cofatui.repository.sql.chorus_connector_queue import DEPOSIT_JOB
from cofatui.repository.sql.chorus_connector_sync import (
    UNCERTAIN_FOR,
    ConnectorSync,
    DepositWork,
)

if TYPE_CHECKING:
    from datetime import datetime

    from cofatui.chorus_pro.client import PisteClient
    from cofatui.jobs.worker import JobContext

__all__ = ["DEPOSIT_JOB", "aware", "deposit", "look_up", "run_deposit"]
log = logging.getLogger(__name__)
LOOKUP_PENDING = "chorus_connector.lookup_pending"


def run_deposit(ctx: JobContext) -> None:
    """The job: its owner (who deposited or sent it) is the audit's principal."""
    repo = ctx.repo()
    deposit(ConnectorSync(repo), int(ctx.params["invoice_id"]), ctx.clock.now(),
            repo.principal.language)
    ctx.progress(1, 1)


def deposit(sync: ConnectorSync, invoice_id: int, now: datetime, language: str) -> None:
    """Deposit, or look up an uncertain deposit. Raises ChorusProUnavailable (and its
    ChorusProTimeout) for the worker to try again later."""
    from cofatui.chorus_pro import runtime
    from cofatui.chorus_pro.errors import ChorusProBadSetting

    work = sync.deposit_work(invoice_id)
    if work is None:
        return
    try:
        client = runtime.client_for(work.login, work.password_ref)
    except ChorusProBadSetting as exc:
        sync.failed(invoice_id, exc)
        return
    with client:
        if work.invoice is None:
            look_up(sync, client, work, now)
        else:
            _deposit(sync, client, work, language)


def _deposit(sync: ConnectorSync, client: PisteClient, work: DepositWork,
             language: str) -> None:
    from cofatui.chorus_pro.errors import ChorusProTimeout, ChorusProUnavailable
    from cofatui.enums import FacturxFormat
    from cofatui.repository.sql.chorus_facturx_files import make_file

    assert work.invoice is not None
    try:
        file = make_file(work.invoice, FacturxFormat.FACTURX, language)
    except ValidationFailed as refused:
        sync.refused_locally(work.invoice_id, refused)
        return
    if not sync.mark_uncertain(work.invoice_id):
        return  # another worker has it
    try:
        receipt = client.deposit_flux(file.file_name, file.content)
    except ChorusProTimeout:
        log.warning("chorus_pro: deposit of invoice %s timed out: looked up before any "
                    "resend", work.invoice_id)
        raise  # stays uncertain: the next try looks it up
    except ChorusProUnavailable:
        sync.back_to_queue(work.invoice_id)  # nothing reached Chorus Pro
        raise
    except CofaError as refused:  # codeRetour ≠ 0, a bad setting
        sync.failed(work.invoice_id, refused)
        return
    sync.deposited(work.invoice_id, receipt.flux_number)


def look_up(sync: ConnectorSync, client: PisteClient, work: DepositWork,
            now: datetime) -> None:
    """An uncertain deposit: Chorus Pro has it (followed from now on), or not yet
    (asked again later), or still not after an hour (a person decides)."""
    from cofatui.chorus_pro.errors import ChorusProUnavailable

    key = _number_key(work.number)
    found = [f for f in client.find_invoices(invoice_number=work.number)
             if _number_key(f.number) == key]
    if found:
        sync.found(work.invoice_id, found[0])
        return
    since = work.uncertain_since
    if since is not None and now - aware(since, now) >= UNCERTAIN_FOR:
        sync.unresolved(work.invoice_id)
        return
    raise ChorusProUnavailable(LOOKUP_PENDING, invoice_id=work.invoice_id)


def _number_key(number: str) -> str:
    return number.replace(" ", "").upper()


def aware(value: datetime, like: datetime) -> datetime:
    """SQLite gives naive UTC datetimes back."""
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value

"""Queueing the connector's work (issue 19 item 6), in the caller's transaction: the
deposit of an invoice to Chorus Pro is queued with the local deposit that decides it,
so both commit or neither does.

Job kinds (handled in ``cofatui/jobs/chorus_pro_*.py``):

- ``chorus_pro.deposit`` {invoice_id}: build the Factur-X, deposit it, or look an
  uncertain deposit up first;
- ``chorus_pro.poll`` {invoice_id?}: the report of deposited flows and the states of
  integrated invoices (scheduled every minute for all that are due; queued at once for
  one invoice by "refresh now");
- ``chorus_pro.expiry``: managers told 15 days before a password expires (daily).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from cofatui.enums import ChorusProDeposit
from cofatui.models import Job
from cofatui.models.chorus import ChorusConnector, ChorusInvoice

DEPOSIT_JOB = "chorus_pro.deposit"
POLL_JOB = "chorus_pro.poll"
EXPIRY_JOB = "chorus_pro.expiry"
#: A deposit is tried a few times by the worker (a bad setting, Chorus Pro down).
DEPOSIT_ATTEMPTS = 5


def connector_of(s: Session, structure_id: int) -> ChorusConnector | None:
    """The structure's connector when it is on (enabled, login and reference set)."""
    row = s.get(ChorusConnector, structure_id)
    if row is None or not (row.enabled and row.login.strip() and row.password_ref.strip()):
        return None
    return row


def queue_deposit(s: Session, invoice: ChorusInvoice, owner_id: int | None,
                  now: datetime) -> None:
    """Mark ``invoice`` queued for Chorus Pro and queue its deposit job (a second job
    for the same invoice finds it no longer queued and does nothing)."""
    assert invoice.id is not None
    if invoice.cpp_deposit != ChorusProDeposit.UNCERTAIN.value:  # else: looked up first
        invoice.cpp_deposit = ChorusProDeposit.QUEUED.value
    invoice.cpp_error = ""
    s.add(Job(kind=DEPOSIT_JOB, owner_id=owner_id,
              params=json.dumps({"invoice_id": invoice.id}), max_attempts=DEPOSIT_ATTEMPTS,
              created_at=now, run_after=now))


def queue_poll(s: Session, invoice: ChorusInvoice, owner_id: int | None, now: datetime) -> None:
    """"Refresh now": the invoice's report or states read at once (and no later than
    the next scheduled round anyway)."""
    assert invoice.id is not None
    invoice.cpp_synced_at = None  # due now for the scheduled round too
    s.add(Job(kind=POLL_JOB, owner_id=owner_id, params=json.dumps({"invoice_id": invoice.id}),
              max_attempts=3, created_at=now, run_after=now))

"""The TopLiner end alerts as data: one notification per product and day.

A TopLiner alerts its holder every day from five days before its end to its last day
(``rules.products.end_alert_due``). ``raise_end_alerts`` is idempotent: the TUI runs it
when Home loads and the API server when it serves the ending guarantees, so restarts,
several servers and several users must never add a second alert on a product the same
day. The ``end_alert`` row (unique on product and day) is inserted first with ON
CONFLICT DO NOTHING; only the rows this transaction did insert get a notification, in
the same transaction. A concurrent raiser waits on the unique key and inserts nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from cofatui import notification_wording as wording
from cofatui.enums import (
    ACTIVE_COVER_STATUSES,
    Importance,
    NotificationCategory,
    NotificationType,
    Section,
)
from cofatui.models import EndAlert, Notification, Product
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.latest_claims import _insert
from cofatui.rules.products import TOPLINER_END_ALERT_DAYS, end_alert_due

_ACTIVE = [s.value for s in ACTIVE_COVER_STATUSES]
_ALERTED = ("TOPLINER",)  # the products whose end is announced (seed 001)
CHUNK = 500  # rows per INSERT: two bound values each, far below any driver limit


class EndAlerts(SqlArea):
    def raise_end_alerts(self, contract_id: int) -> int:
        self._require_read(contract_id, Section.COVER)
        today = self.clock.today()
        now = self.clock.now()
        with self._uow(write=True) as s:
            due = s.execute(
                select(Product.id, Product.company_id, Product.code, Product.end_date)
                .where(Product.contract_id == contract_id,
                       Product.code.in_(_ALERTED),
                       Product.status.in_(_ACTIVE),
                       Product.end_date >= today,
                       Product.end_date <= today + timedelta(days=TOPLINER_END_ALERT_DAYS),
                       ~select(EndAlert.id).where(EndAlert.product_id == Product.id,
                                                  EndAlert.day == today).exists())
                .order_by(Product.end_date, Product.id)).all()
            due = [row for row in due if end_alert_due(row.code, row.end_date, today)]
            if not due:
                return 0
            ids = [row.id for row in due]
            claimed: set[int] = set()
            for start in range(0, len(ids), CHUNK):
                claimed |= set(s.execute(_claim(s, ids[start:start + CHUNK], today))
                               .scalars())
            for row in due:
                if row.id not in claimed:
                    continue  # another raiser got there first
                s.add(Notification(
                    contract_id=contract_id, company_id=row.company_id, product_id=row.id,
                    product_code=row.code, category=NotificationCategory.INSURANCE.value,
                    type=NotificationType.END_OF_COVER.value, importance=Importance.HIGH.value,
                    **wording.end_alert(row.code, row.end_date,
                                        (row.end_date - today).days).columns(),
                    created_at=now))
            return len(claimed)


def _claim(s: Any, product_ids: list[int], day: Any) -> Any:
    """INSERT the (product, day) rows not there yet; RETURNING the products inserted."""
    table = EndAlert.__table__
    stmt = _insert(s.get_bind().dialect.name, table).values(
        [{"product_id": pid, "day": day} for pid in product_ids])
    return stmt.on_conflict_do_nothing(index_elements=["product_id", "day"]) \
        .returning(table.c.product_id)

"""A notification names the object it leads to (issue 17 item 1): ``target_type`` and
``target_id`` come back on every backend, None for one that leads nowhere."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from cofatui.enums import NotificationTarget
from cofatui.models import Notification, TurnoverDeclaration
from cofatui.schemas import NotificationFilter
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW


def test_rows_carry_their_target(backend: Backend) -> None:
    with Session(backend.engine) as s:
        declaration = TurnoverDeclaration(
            contract_id=backend.ids["A"], period_start=date(2026, 7, 1),
            period_end=date(2026, 9, 30), label="Q3", basis="sales", breakdown="debtor",
            due_date=date(2026, 10, 30))
        s.add(declaration)
        s.flush()
        s.add(Notification(contract_id=backend.ids["A"], category="management",
                           type="information", importance="high", title="Declare Q3",
                           created_at=NOW + timedelta(minutes=1),
                           target_type="turnover_declaration", target_id=declaration.id))
        s.commit()
        target = declaration.id
    rows = backend.open("alice").notifications.rows(
        NotificationFilter(contract_id=backend.ids["A"])).items
    assert (rows[0].target_type, rows[0].target_id) == \
        (NotificationTarget.TURNOVER_DECLARATION, target)
    assert all(r.target_type is None and r.target_id is None for r in rows[1:])

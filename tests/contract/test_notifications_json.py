"""The notifications page the API sends (``rows_json``, written from the rows) is the
same JSON, byte for byte, as the model path's (``rows`` → ``Page[NotificationRow]`` as
FastAPI writes it), on SQLite and PostgreSQL: French text, awkward params, NULLs,
every kind, read and unread, a user's own rows, every filter shape that joins."""

from __future__ import annotations

import json
from datetime import timedelta

from pydantic import TypeAdapter
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cofatui import i18n
from cofatui.enums import Importance, NotificationCategory, NotificationTarget
from cofatui.models import Notification, User
from cofatui.repository.sql import SqlRepository
from cofatui.schemas import NotificationFilter, NotificationRow, Page, Seek
from tests.contract import dataset

PAGE = TypeAdapter(Page[NotificationRow])

#: Params texts as a writer, an older version or a hand-edited row may have left them.
AWKWARD_PARAMS = [
    "{}", "", "not json", "[1, 2]", "null", '"text"',
    '{"amount": {"$money": "1234.50", "currency": "EUR"}}',
    '{"amount": {"$money": 12.5, "currency": "EUR"}}',
    '{"amount": {"$money": "abc"}}',
    '{"rate": {"$decimal": "0.0100"}, "d": {"$date": "2026-02-29"}}',
    '{"d": {"$date": "2026-03-01"}, "t": {"$datetime": "2026-03-01T10:00:00Z"}}',
    '{"product": {"$term": "notices.product.CRL", "params": {"z": 1, "a": "é"}}}',
    '{"x": {"unknown": [1, {"$date": "2026-01-01"}]}, "n": null, "b": true}',
    '{"big": 12345678901234567890, "f": 1e300, "neg": -0.0, "nan": NaN}',
    '{"text": "Société Générale — « déjà » \\u00e9\\ud83d\\ude00 \\n\\t\\"q\\""}',
    '{"list": [{"$money": "1", "currency": "USD"}, "s", 3.25, [null]]}',
]


def _add_awkward_rows(engine: Engine, ids: dataset.Ids) -> None:
    kinds = ["text"] + [key.removeprefix("notices.title.") for key in i18n.catalog("en")
                        if key.startswith("notices.title.")]
    targets = [None, *NotificationTarget]
    with Session(engine) as s:
        alice = s.exec(select(User).where(User.login == "alice")).one()
        for n, kind in enumerate(kinds):
            s.add(Notification(
                contract_id=None if n % 11 == 5 else ids["A"],
                user_id=alice.id if n % 11 == 5 else None,
                company_id=None if n % 3 == 0 else ids["alpha"],
                product_code=["", "CRL", "RSM"][n % 3],
                category=list(NotificationCategory)[n % len(NotificationCategory)].value,
                type=["decision", "information", "x"][n % 3],
                importance=list(Importance)[n % len(Importance)].value,
                kind=kind, params=AWKWARD_PARAMS[n % len(AWKWARD_PARAMS)],
                title=["", "Décision : accord « partiel »", "x" * 200][n % 3],
                body=["", "Ligne 1\nLigne 2 — 100 000,00 €", "\u00a0"][n % 3],
                created_at=dataset.NOW - timedelta(minutes=n, microseconds=n * 1013),
                target_type=None if targets[n % len(targets)] is None
                else str(targets[n % len(targets)]),
                target_id=None if n % 2 else n + 1))
        s.commit()


FILTERS = [
    NotificationFilter(), NotificationFilter(read=False), NotificationFilter(read=True),
    NotificationFilter(text="alpha"), NotificationFilter(company="alp", country="fr"),
    NotificationFilter(product_code="CRL", importance=Importance.HIGH),
    NotificationFilter(category=NotificationCategory.INFORMATION),
    NotificationFilter(include_below_thresholds=True),
    NotificationFilter(custom_field_slot=1, custom_field_value="x"),
]


def test_rows_json_is_the_model_pages_json(sql_dataset: tuple[Engine, dataset.Ids]) -> None:
    made, ids = sql_dataset
    _add_awkward_rows(made, ids)
    repo = SqlRepository(made, "alice")
    first = repo.notifications.rows(limit=7)
    repo.notifications.mark([first.items[0].id, first.items[3].id], True)
    repo.notifications.delete([first.items[1].id])
    compared = 0
    for flt in FILTERS:
        for contract_id in (None, ids["A"]):
            flt = flt.model_copy(update={"contract_id": contract_id})
            for limit, with_total in ((500, True), (7, False)):
                model = repo.notifications.rows(flt, 0, limit, with_total=with_total)
                fast = repo.notifications.rows_json(flt, 0, limit, with_total=with_total)
                assert fast == PAGE.dump_json(model), (flt, limit)
                compared += len(model.items)
                if model.last_cursor:  # the next page by key, and the last page
                    for seek in (Seek(after=model.last_cursor), Seek(last=True)):
                        assert repo.notifications.rows_json(flt, 3, limit, seek=seek) == \
                            PAGE.dump_json(repo.notifications.rows(flt, 3, limit,
                                                                   seek=seek))
    assert compared > 200
    everything = repo.notifications.rows(NotificationFilter(), 0, 500)
    kinds = {row.kind for row in everything.items}
    assert len(kinds) > 50 and any(row.contract_id is None for row in everything.items)
    assert any(row.params for row in everything.items)
    decoded = json.loads(repo.notifications.rows_json(NotificationFilter(), 0, 500))
    assert any("é" in str(item["stored_title"]) for item in decoded["items"])


def test_rows_json_keeps_the_rights(sql_dataset: tuple[Engine, dataset.Ids]) -> None:
    made, ids = sql_dataset
    _add_awkward_rows(made, ids)
    # bob reads contract B only: none of A's rows nor alice's own; "both" reads both.
    for login in ("alice", "bob", "carol", "both", "reader"):
        repo = SqlRepository(made, login)
        assert repo.notifications.rows_json(NotificationFilter(), 0, 500) == \
            PAGE.dump_json(repo.notifications.rows(NotificationFilter(), 0, 500))
    bob = SqlRepository(made, "bob")
    listed = json.loads(bob.notifications.rows_json(NotificationFilter(), 0, 500))
    assert {item["contract_id"] for item in listed["items"]} <= set(bob.contract_ids)

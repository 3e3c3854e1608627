"""``GET /notifications`` and ``GET /contracts/{id}/portfolio`` answered before
FastAPI's router (:mod:`cofatui.api.fast_lists`, issue 21 item 5): a user gets exactly
what the route itself answers — the same bytes and headers for a page, the same refusal for a bad
token, a contract that is not theirs or a parameter out of range — and a token revoked
between two pages stops at once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from cofatui.api import app as app_module
from cofatui.api.fast_lists import read_query
from cofatui.clock import FixedClock
from cofatui.repository.sql import identity
from cofatui.repository.sql.notifications import SqlNotifications
from tests.contract import dataset

QUERIES = (
    "", "limit=2", "limit=1&offset=1", "limit=2&with_total=false", "last=true&limit=2",
    "read=false", "read=1", "importance=high", "text=a", "country=fr",
    "include_below_thresholds=true", "date_from=2020-01-01",
    # refused: each must get the route's own error
    "limit=0", "limit=abc", "offset=-1", "after=not%20a%20cursor", "after=abc",
    "after=abc&before=abc", "date_from=2021-01-02&date_to=2021-01-01", "category=nope",
    "contract_id=0", "contract_id=999999",
    # read by FastAPI only: a repeated or empty parameter, an unknown one
    "limit=2&limit=3", "text=", "unknown=1&limit=2",
)

PORTFOLIO_QUERIES = (
    "", "limit=2", "limit=2&with_total=false", "last=1&limit=1", "text=a", "country=FR",
    "favourites_only=true", "amount_min=10", "amount_min=x", "statuses=ACTIVE",
    "product_codes=CRL&product_codes=RLI", "limit=501", "date_from=2020-13-01",
)


def _answer(response: httpx.Response) -> tuple[int, bytes, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k != "date"}
    return response.status_code, response.content, headers


def test_every_answer_is_the_routes_own(engine: Engine,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FixedClock(dataset.NOW)
    alice = identity.create_token(engine, "alice", clock=clock)[0]
    bob_contract = identity.create_token(engine, "bob", clock=clock)[0]
    fast = app_module.create_app(engine, clock=clock)
    # The same app without the fast path: every request goes through the route.
    monkeypatch.setattr(app_module, "FastLists", _passthrough)
    routed = app_module.create_app(engine, clock=clock)
    with TestClient(fast) as a, TestClient(routed) as b:
        theirs = b.get("/me", headers=_bearer(bob_contract)).json()["contracts"][0]
        queries = [*QUERIES, f"contract_id={theirs['contract_id']}"]
        mine = a.get("/me", headers=_bearer(alice)).json()["contracts"][0]
        queries.append(f"contract_id={mine['contract_id']}&limit=3")
        first = a.get("/notifications?limit=2", headers=_bearer(alice)).json()
        assert first["items"], "the data set gives alice notifications"
        queries.append(f"after={first['last_cursor']}&limit=2")
        queries.append(f"before={first['last_cursor']}&limit=2")
        for headers in (_bearer(alice), {}, _bearer("cofa_unknown"), {"Authorization": "x"}):
            for query in queries:
                got = _answer(a.get(f"/notifications?{query}", headers=headers))
                assert got == _answer(b.get(f"/notifications?{query}", headers=headers)), query
        portfolio = f"/contracts/{mine['contract_id']}/portfolio"
        paths = [f"{portfolio}?{query}" for query in PORTFOLIO_QUERIES] + [
            f"/contracts/{theirs['contract_id']}/portfolio", "/contracts/0/portfolio",
            "/contracts/x/portfolio", f"{portfolio}/", "/contracts/999999/portfolio"]
        for headers in (_bearer(alice), {}, _bearer("cofa_unknown")):
            for path in paths:
                got = _answer(a.get(path, headers=headers))
                assert got == _answer(b.get(path, headers=headers)), path
        # A body (however odd on a GET) is the full stack's to read and refuse.
        odd = {**_bearer(alice), "Content-Type": "text/plain"}
        assert _answer(a.request("GET", "/notifications", headers=odd, content=b"x")) \
            == _answer(b.request("GET", "/notifications", headers=odd, content=b"x"))


def test_a_database_error_gets_the_routes_answer(engine: Engine,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FixedClock(dataset.NOW)
    token = identity.create_token(engine, "alice", clock=clock)[0]

    def unreachable(*_: Any, **__: Any) -> bytes:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(SqlNotifications, "rows_json", unreachable)
    with TestClient(app_module.create_app(engine, clock=clock)) as client:
        answer = client.get("/notifications?limit=1", headers=_bearer(token))
    assert answer.status_code == 503
    assert answer.json()["error"] == "unavailable"


def test_a_token_revoked_between_two_pages_stops_at_once(engine: Engine) -> None:
    clock = FixedClock(dataset.NOW)
    token, info = identity.create_token(engine, "alice", clock=clock)
    with TestClient(app_module.create_app(engine, clock=clock)) as client:
        assert client.get("/notifications?limit=1", headers=_bearer(token)).status_code == 200
        identity.revoke_token(engine, "alice", info.id, clock=clock)
        after = client.get("/notifications?limit=1", headers=_bearer(token))
        assert after.status_code == 401
        assert after.json()["code"] == "users.token_revoked"


def test_only_a_query_read_as_fastapi_reads_it_is_taken() -> None:
    taken = read_query(b"contract_id=3&text=a+b&read=yes&limit=7&with_total=0")
    assert taken is not None
    assert (taken.flt.contract_id, taken.flt.text, taken.flt.read) == (3, "a b", True)
    assert (taken.limit, taken.with_total, taken.offset, taken.last) == (7, False, 0, False)
    for left in (b"limit=1&limit=2", b"text=", b"zz=1", b"limit=0", b"read=maybe",
                 b"after=a%20b", b"text=%ff"):
        assert read_query(left) is None, left


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _passthrough(app: Any, **_: Any) -> Any:
    return app

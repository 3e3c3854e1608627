"""The request's repository is built with the token check, in one worker-thread call
(cofatui.api.middleware.TokenFirst, issue 21 item 5): the rules a user relies on stay
as they were — each request acts for its own token's user and sees only that user's
contracts, a token revoked between two requests stops at once (nothing is kept from
one request to the next), and the token's last use is still recorded, once a minute."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from cofatui.clock import FixedClock
from cofatui.repository.sql import identity
from tests.api_app import shared_app
from tests.contract import dataset


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_each_request_acts_for_its_own_tokens_user(engine: Engine) -> None:
    clock = FixedClock(dataset.NOW)
    alice = identity.create_token(engine, "alice", clock=clock)[0]
    bob = identity.create_token(engine, "bob", clock=clock)[0]
    with shared_app(engine, clock) as app, TestClient(app) as client:
        for _ in range(3):  # alternated: no request reuses another's repository
            mine = client.get("/contracts", headers=bearer(alice)).json()
            theirs = client.get("/contracts", headers=bearer(bob)).json()
            assert [c["policy_number"] for c in mine] == ["P-A"]
            assert [c["policy_number"] for c in theirs] == ["P-B"]
        b_contract = client.get("/me", headers=bearer(bob)).json()["contracts"][0]
        refused = client.get(f"/contracts/{b_contract['contract_id']}/portfolio",
                             headers=bearer(alice))
        assert refused.status_code in (403, 404)


def test_a_token_revoked_between_two_requests_stops_at_once(engine: Engine) -> None:
    clock = FixedClock(dataset.NOW)
    token, info = identity.create_token(engine, "alice", clock=clock)
    with shared_app(engine, clock) as app, TestClient(app) as client:
        assert client.get("/me", headers=bearer(token)).status_code == 200
        identity.revoke_token(engine, "alice", info.id, clock=clock)
        after = client.get("/me", headers=bearer(token))
        assert after.status_code == 401
        assert after.json()["error"] == "unauthenticated"
        assert client.get("/contracts").status_code == 401  # no token: still refused


def test_the_last_use_is_recorded_at_most_once_a_minute(engine: Engine) -> None:
    clock = FixedClock(dataset.NOW)
    token = identity.create_token(engine, "alice", clock=clock)[0]

    def last_used() -> object:
        return identity.list_tokens(engine, "alice")[0].last_used_at

    with shared_app(engine, clock) as app, TestClient(app) as client:
        assert client.get("/contracts", headers=bearer(token)).status_code == 200
        first = last_used()
        assert first is not None
        clock.advance(seconds=30)
        assert client.get("/contracts", headers=bearer(token)).status_code == 200
        assert last_used() == first  # within the minute: not written again
        clock.advance(seconds=31)
        assert client.get("/contracts", headers=bearer(token)).status_code == 200
        assert last_used() != first

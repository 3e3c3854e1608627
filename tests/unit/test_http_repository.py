"""The HTTP repository's transport rules, against a mock transport: errors come back as
the same classes, reads are retried and writes never, an unreachable server is a clear
Unavailable, and the token never leaves the Authorization header."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from cofatui.commands.remote import read_token_file
from cofatui.errors import (
    CofaError,
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)
from cofatui.repository.http import HttpRepository
from cofatui.schemas import PortfolioEntryUpdate

TOKEN = "cofa_secret-token"
BASE = "http://api.test"


def repo_with(handler: Callable[[httpx.Request], httpx.Response]) -> tuple[HttpRepository,
                                                                          list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = httpx.Client(transport=httpx.MockTransport(record))
    return HttpRepository(BASE, TOKEN, client=client, backoff=0.0), seen


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("Connection refused", request=request)


def test_unreachable_server_reads_are_retried_then_unavailable() -> None:
    repo, seen = repo_with(refuse)
    with pytest.raises(Unavailable, match=f"Cannot reach the server at {BASE}"):
        repo.notifications.unread_count()
    assert len(seen) == 3  # one try and two retries


def test_writes_are_never_retried() -> None:
    repo, seen = repo_with(refuse)
    with pytest.raises(Unavailable):
        repo.portfolio.update_entry(1, PortfolioEntryUpdate(client_reference="x"), 1)
    with pytest.raises(Unavailable):
        repo.notifications.mark([1], True)
    assert len(seen) == 2


def test_timeouts_are_unavailable() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    repo, seen = repo_with(slow)
    with pytest.raises(Unavailable, match="did not answer in time"):
        repo.notifications.unread_count()
    assert len(seen) == 3


def test_a_refused_write_says_it_was_not_sent() -> None:
    repo, _seen = repo_with(refuse)
    with pytest.raises(Unavailable, match="Not sent") as caught:
        repo.notifications.mark([1], True)
    assert caught.value.code == "api.client.write_not_sent"


@pytest.mark.parametrize("lost", [httpx.ReadTimeout, httpx.RemoteProtocolError,
                                  httpx.ReadError])
def test_a_write_whose_answer_was_lost_may_have_been_applied(
        lost: type[httpx.TransportError]) -> None:
    def vanish(request: httpx.Request) -> httpx.Response:
        raise lost("the connection dropped", request=request)

    repo, seen = repo_with(vanish)
    with pytest.raises(Unavailable, match="may have been applied") as caught:
        repo.notifications.mark([1], True)
    assert caught.value.code == "api.client.write_maybe_applied"
    assert len(seen) == 1  # never sent twice


def test_a_proxy_503_is_retried_for_reads() -> None:
    answers = iter([httpx.Response(503, text="<html>busy</html>"),
                    httpx.Response(200, json={"count": 4})])
    repo, seen = repo_with(lambda _r: next(answers))
    assert repo.notifications.unread_count() == 4
    assert len(seen) == 2


@pytest.mark.parametrize(("status", "body", "error"), [
    (404, {"error": "not_found", "message": "Company #9 not found"}, NotFound),
    (403, {"error": "forbidden", "message": "Read-only"}, Forbidden),
    (409, {"error": "conflict", "message": "stale"}, Conflict),
    (400, {"error": "rule_violation", "message": "no"}, RuleViolation),
    (401, {"error": "unauthenticated", "message": "This token was revoked"}, Unauthenticated),
    (401, None, Unauthenticated),
    (413, {"error": "too_large", "message": "too big"}, ValidationFailed),
    (502, None, Unavailable),
    (500, {"error": "internal_error", "message": "The server failed"}, CofaError),
])
def test_errors_come_back_as_the_same_classes(status: int, body: object,
                                              error: type[CofaError]) -> None:
    response = httpx.Response(status, json=body) if body is not None \
        else httpx.Response(status, text="Bad Gateway")
    repo, _ = repo_with(lambda _r: response)
    with pytest.raises(error) as raised:
        repo.companies.get(9)
    assert type(raised.value) is error
    if isinstance(body, dict):
        assert str(raised.value) == body["message"]


def test_validation_errors_keep_their_fields() -> None:
    body = {"error": "validation_failed", "message": "x",
            "fields": [{"field": "invoices[2].due_date", "message": "before", "line": 2}]}
    repo, _ = repo_with(lambda _r: httpx.Response(422, json=body))
    with pytest.raises(ValidationFailed) as err:
        repo.companies.get(1)
    assert err.value.errors[0].field == "invoices[2].due_date"
    assert err.value.errors[0].line == 2


def test_token_travels_only_in_the_authorization_header() -> None:
    repo, seen = repo_with(lambda _r: httpx.Response(200, json={"count": 0}))
    repo.notifications.unread_count(3)
    request = seen[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(request.url)
    assert TOKEN not in repr(repo)
    assert str(request.url) == f"{BASE}/notifications/unread-count?contract_id=3"


def test_close_closes_only_its_own_client() -> None:
    given = httpx.Client()
    HttpRepository(BASE, TOKEN, client=given).close()
    assert not given.is_closed
    own = HttpRepository(BASE, TOKEN)
    own.close()
    assert own._client.is_closed


def test_bad_url_and_token_are_refused_early() -> None:
    with pytest.raises(ValidationFailed):
        HttpRepository("ftp://x", TOKEN)
    with pytest.raises(Unauthenticated):
        HttpRepository(BASE, "")


def test_token_file(tmp_path: Path) -> None:
    path = tmp_path / "token"
    with pytest.raises(CofaError, match="does not exist"):
        read_token_file(path)
    path.write_text("\n  \n")
    with pytest.raises(CofaError, match="is empty"):
        read_token_file(path)
    path.write_text("\n  cofa_abc  \n")
    assert read_token_file(path) == "cofa_abc"

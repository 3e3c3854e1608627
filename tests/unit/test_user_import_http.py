"""``repo.users.import_users`` over HTTP (issue 16 item 6): the file is the raw body and
the call may wait for its answer far longer than other calls (500 accounts are made
within the request), while the others keep the client's timeout."""

from __future__ import annotations

import httpx

from cofatui.repository.http.repository import HttpRepository
from cofatui.repository.http.users import IMPORT_WAIT

RESULT = {"id": 7, "kind": "users", "file_name": "u.csv", "login": "admin",
          "created_at": None, "mode": "all_or_nothing", "status": "succeeded",
          "total_lines": 1, "ok_lines": 1, "error_lines": 0, "refusal_code": "",
          "refusal": ""}


def test_the_import_sends_the_file_and_waits_longer() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=RESULT)

    client = httpx.Client(transport=httpx.MockTransport(answer),
                          timeout=httpx.Timeout(10.0, connect=5.0))
    repo = HttpRepository("http://api.test", "cofa_token", client=client)
    result = repo.users.import_users(3, "u.csv", b"title;last_name\n")
    assert (result.id, result.status) == (7, "succeeded")
    sent = seen[0]
    assert (sent.method, sent.url.path, sent.url.params["file_name"], sent.content) == \
        ("POST", "/contracts/3/users/import", "u.csv", b"title;last_name\n")
    assert sent.headers["Content-Type"] == "application/octet-stream"
    assert sent.extensions["timeout"]["read"] == IMPORT_WAIT
    assert sent.extensions["timeout"]["connect"] == 5.0
    repo.imports.result(7)
    assert seen[1].extensions["timeout"]["read"] == 10.0

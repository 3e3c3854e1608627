"""The HTTP client says why the server could not be reached in the user's language, and
sends any text the server can judge (a lone surrogate reaches the server's guard)."""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from cofatui.errors import Unavailable, ValidationFailed
from cofatui.i18n import set_language
from cofatui.repository.http.client import HttpClient


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("language", "words"), [("en", "connection refused"),
                                                 ("fr", "connexion refusée")])
def test_a_refused_connection_is_said_in_the_users_language(language: str, words: str
                                                           ) -> None:
    client = HttpClient(f"http://127.0.0.1:{closed_port()}", "t0ken", retries=0)
    set_language(language)
    try:
        with pytest.raises(Unavailable) as failed:
            client._call("POST", "/companies", body={"name": "x"})
        text = str(failed.value)
    finally:
        set_language("en")
        client.close()
    assert words in text and "Errno" not in text
    assert failed.value.code == "api.client.write_not_sent"


def test_a_lone_surrogate_in_a_body_is_sent_escaped() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    client = HttpClient("http://api.test", "t0ken",
                        client=httpx.Client(transport=httpx.MockTransport(answer)))
    client._call("PUT", "/drafts/draft", body={"payload": {"note": "a\ud800b"}})
    assert sent[0].headers["content-type"] == "application/json"
    assert b"\\ud800" in sent[0].content
    assert json.loads(sent[0].content) == {"payload": {"note": "a\ud800b"}}


def test_a_lone_surrogate_in_a_filter_is_refused_at_its_field() -> None:
    client = HttpClient("http://api.test", "t0ken", client=httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={}))))
    with pytest.raises(ValidationFailed) as refused:
        client._call("GET", "/contracts/1/portfolio", params={"text": "a\ud800b"})
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("text", "input.invalid_unicode")]

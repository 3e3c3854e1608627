"""Reading Chorus Pro's answers (issue 19 item 6), with hypothesis: whatever comes back
— any JSON, any status, any time format — the client returns its plain data or raises
one of its coded errors, never a KeyError or a TypeError a job would not expect; and the
token cache, driven through random calls, clock moves and revocations, asks PISTE for a
token exactly when the one it holds is gone."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from cofatui.chorus_pro import client as client_module
from cofatui.chorus_pro.client import (
    TOKEN_MARGIN_SECONDS,
    ChorusProBadSetting,
    ChorusProRefused,
    ChorusProTimeout,
    ChorusProUnavailable,
    PisteClient,
    clear_token_cache,
)
from cofatui.chorus_pro.model import TechnicalAccount
from cofatui.chorus_pro.settings import ChorusProSettings
from cofatui.errors import CofaError

SETTINGS = ChorusProSettings(token_url="http://piste.test/token",
                             api_url="http://piste.test/cpro/", client_id="id",
                             client_secret="env:PISTE_TEST_SECRET")
ACCOUNT = TechnicalAccount("TECH", "pw")
OUR_ERRORS = (ChorusProRefused, ChorusProTimeout, ChorusProUnavailable, ChorusProBadSetting)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.sampled_from(["0", "IN_INTEGRE", "2026-12-06", "2026-12-06 10:00"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from([
        "codeRetour", "libelle", "numeroFluxDepot", "dateDepot", "etatCourantDepotFlux",
        "listeErreurDP", "libelleErreurDP", "listeErreurTechnique", "listeFactures",
        "identifiantFactureCPP", "numeroFacture", "statut", "statutCourantCode",
        "historiquesDesStatuts", "histoStatut", "histoStatutCode",
        "histoStatutDatePassage", "listeStructures", "idStructureCPP"]), inner,
        max_size=6),
    max_leaves=20)


def _client(answer: Callable[[httpx.Request], httpx.Response],
            monotonic: Callable[[], float] | None = None) -> PisteClient:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return answer(request)

    kwargs = {} if monotonic is None else {"monotonic": monotonic}
    return PisteClient(SETTINGS, ACCOUNT, transport=httpx.MockTransport(handle), **kwargs)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PISTE_TEST_SECRET", "s")
    clear_token_cache()


CALLS: list[Callable[[PisteClient], object]] = [
    lambda c: c.deposit_flux("a.pdf", b"%PDF-"),
    lambda c: c.flux_report("CPP1"),
    lambda c: c.find_invoices(flux_number="CPP1"),
    lambda c: c.find_invoices(invoice_number="F1"),
    lambda c: c.history("1001"),
    lambda c: c.find_structure("21690123100011"),
]


@settings(max_examples=300, deadline=None)
@given(body=json_values, status=st.sampled_from([200, 200, 200, 400, 403, 404, 500, 502]),
       call=st.sampled_from(CALLS))
def test_any_answer_gives_data_or_one_of_our_errors(
        body: object, status: int, call: Callable[[PisteClient], object]) -> None:
    with _client(lambda _r: httpx.Response(status, json=body)) as client:
        try:
            call(client)
        except OUR_ERRORS as exc:
            assert exc.text("en") and exc.text("fr")  # worded in both catalogs
            if status >= 500:
                assert type(exc) is ChorusProUnavailable
        else:
            assert status < 400


@settings(max_examples=50, deadline=None)
@given(body=st.binary(max_size=40))
def test_a_2xx_that_is_not_json_is_uncertain(body: bytes) -> None:
    with _client(lambda _r: httpx.Response(200, content=b"<html>" + body)) as client, \
            pytest.raises(ChorusProTimeout) as unknown:
        client.deposit_flux("a.pdf", b"%PDF-")
    assert unknown.value.code == "chorus_pro.bad_answer"


@settings(max_examples=100, deadline=None)
@given(at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1),
                       timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))])),
       form=st.sampled_from(["iso", "space", "millis"]))
def test_a_status_time_in_any_form_is_the_same_instant(at: datetime, form: str) -> None:
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    millis = (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    written: object = {"iso": at.isoformat(), "space": at.isoformat(sep=" "),
                       "millis": millis}[form]
    answer = {"codeRetour": 0, "statutCourantCode": "MANDATEE", "historiquesDesStatuts": {
        "histoStatut": [{"histoStatutCode": "MANDATEE", "histoStatutDatePassage": written}]}}
    with _client(lambda _r: httpx.Response(200, json=answer)) as client:
        (entry,) = client.history("1").entries
    assert entry.at == at


def test_a_time_without_offset_is_french_time() -> None:
    answer = {"codeRetour": 0, "statutCourantCode": "DEPOSEE", "historiquesDesStatuts": {
        "histoStatut": [{"histoStatutCode": "DEPOSEE",
                         "histoStatutDatePassage": "2026-07-14 10:00"}]}}
    with _client(lambda _r: httpx.Response(200, json=answer)) as client:
        (entry,) = client.history("1").entries
    assert entry.at == datetime(2026, 7, 14, 8, 0, tzinfo=UTC)  # Paris is UTC+2 in July


class TokenCache(RuleBasedStateMachine):
    """Random calls, clock moves and revocations: a token is asked for exactly when
    none is held, the one held is within 240 s of its end, or PISTE refused it."""

    @initialize()
    def start(self) -> None:
        clear_token_cache()
        self.now = 0.0
        self.issued: list[str] = []
        self.valid_until: dict[str, float] = {}
        self.expected_tokens = 0
        self.held: tuple[str, float] | None = None  # the model: token, use until

        def handle(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/token":
                token = f"t{len(self.issued)}"
                self.issued.append(token)
                self.valid_until[token] = self.now + 3600
                return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
            bearer = request.headers["authorization"].removeprefix("Bearer ")
            if self.now >= self.valid_until.get(bearer, -1):
                return httpx.Response(401)
            return httpx.Response(200, json={"codeRetour": 0, "listeFactures": []})

        self.client = PisteClient(SETTINGS, ACCOUNT, transport=httpx.MockTransport(handle),
                                  monotonic=lambda: self.now)

    @rule(seconds=st.floats(min_value=0, max_value=4000))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds

    @rule()
    def piste_revokes_every_token(self) -> None:
        self.valid_until.clear()

    @rule()
    def call(self) -> None:
        held = self.held
        # None held, its margin reached, or refused with a 401 (then one retry).
        renewed = held is None or self.now >= held[1] \
            or self.now >= self.valid_until.get(held[0], -1)
        assert self.client.find_invoices(invoice_number="x") == []
        if renewed:
            self.expected_tokens += 1
            self.held = (self.issued[-1], self.now + 3600 - TOKEN_MARGIN_SECONDS)

    @invariant()
    def tokens_asked_only_when_needed(self) -> None:
        if hasattr(self, "issued"):
            assert len(self.issued) == self.expected_tokens

    def teardown(self) -> None:
        if hasattr(self, "client"):
            self.client.close()
        clear_token_cache()


TokenCache.TestCase.settings = settings(max_examples=60, stateful_step_count=30,
                                        deadline=None)
test_token_cache = TokenCache.TestCase


def test_the_cache_is_per_token_url_and_client_id() -> None:
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("token"):
            asked.append(str(request.url))
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, json={"codeRetour": 0, "listeFactures": []})

    other = ChorusProSettings(token_url="http://other.test/token", api_url=SETTINGS.api_url,
                              client_id="id", client_secret=SETTINGS.client_secret)
    for s in (SETTINGS, SETTINGS, other, other):
        with PisteClient(s, ACCOUNT, transport=httpx.MockTransport(handle)) as c:
            c.find_invoices(invoice_number="x")
    assert asked == ["http://piste.test/token", "http://other.test/token"]
    assert len(client_module._tokens) == 2
    json.dumps(asked)  # plain strings
    assert issubclass(ChorusProTimeout, CofaError)

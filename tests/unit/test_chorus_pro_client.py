"""The PISTE client against the double (issue 19 item 6, Acceptance bullet 4): every
request shape, the token reused and renewed once after a 401, Chorus Pro's refusals,
timeouts that never lead to a second deposit, and no secret in logs, errors or reprs."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time

import httpx
import pytest

from cofatui.chorus_pro.client import (
    FACTURX_SYNTAX,
    ChorusProBadSetting,
    ChorusProRefused,
    ChorusProTimeout,
    ChorusProUnavailable,
    PisteClient,
)
from cofatui.chorus_pro.model import FLUX_INTEGRATED, FLUX_REJECTED, TechnicalAccount
from tests.doubles.piste import JSON_TYPE, RunningDouble
from tests.doubles.piste_fixtures import piste_fixture  # noqa: F401
from tests.doubles.piste_samples import SELLER_SIRET, sample_facturx
from tests.doubles.piste_state import DEPOSIT, FIND, HISTORY, REPORT, STRUCTURE

NUMBER = "F-2026/0042"


def _client(double: RunningDouble, **kwargs: object) -> PisteClient:
    return PisteClient(double.settings(), double.account(), **kwargs)  # type: ignore[arg-type]


def _deposit(client: PisteClient, number: str = NUMBER) -> str:
    return client.deposit_flux(number.replace("/", "-") + ".pdf",
                               sample_facturx(number)).flux_number


def test_every_call_has_the_shape_chorus_pro_expects(piste: RunningDouble) -> None:
    piste.state.add_structure("21690123100011", "Mairie de Lyon")
    with _client(piste) as client:
        receipt = client.deposit_flux("F-2026-0042.pdf", sample_facturx(NUMBER))
        report = client.flux_report(receipt.flux_number)
        found = client.find_invoices(flux_number=receipt.flux_number)
        history = client.history(found[0].cpp_invoice_id)
        structure = client.find_structure("21690123100011")

    assert piste.state.refusals == []  # the double found nothing wrong in any request
    assert receipt.flux_number.startswith("CPP") and receipt.deposited_at is not None
    assert report.state == FLUX_INTEGRATED and report.finished
    assert [(f.number, f.status) for f in found] == [(NUMBER, "DEPOSEE")]
    assert history.current_code == "DEPOSEE"
    assert structure is not None and structure.label == "Mairie de Lyon"

    token, *calls = piste.state.requests
    assert token.path == "token"
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(pair.split("=") for pair in token.body.decode().split("&")) == {
        "grant_type": "client_credentials", "client_id": "double-client",
        "client_secret": "double-client-secret", "scope": "openid"}
    assert [c.path for c in calls] == [DEPOSIT, REPORT, FIND, HISTORY, STRUCTURE]
    account = base64.b64encode(b"TECH_double@cpro.fr:double-password").decode()
    for call in calls:
        assert call.headers["authorization"].startswith("Bearer ")
        assert call.headers["cpro-account"] == account
        assert call.headers["content-type"] == JSON_TYPE
        assert call.headers["accept"] == JSON_TYPE
    bodies = [json.loads(c.body) for c in calls]
    assert bodies[0] == {"fichierFlux": base64.b64encode(sample_facturx(NUMBER)).decode(),
                         "nomFichier": "F-2026-0042.pdf", "syntaxeFlux": FACTURX_SYNTAX,
                         "avecSignature": False}
    assert bodies[1] == {"numeroFluxDepot": receipt.flux_number,
                         "syntaxeFlux": FACTURX_SYNTAX}
    assert bodies[2] == {"numeroFluxDepot": receipt.flux_number}
    assert bodies[3] == {"idFacture": int(found[0].cpp_invoice_id),
                         "nbResultatsMaximum": 100}
    assert bodies[4] == {"structure": {"identifiantStructure": "21690123100011",
                                       "typeIdentifiantStructure": "SIRET"}}


def test_an_unknown_structure_is_none(piste: RunningDouble) -> None:
    with _client(piste) as client:
        assert client.find_structure(SELLER_SIRET) is None


def test_one_token_serves_every_client_and_thread_of_the_process(
        piste: RunningDouble) -> None:
    errors: list[BaseException] = []

    def look_up() -> None:
        try:
            with _client(piste) as client:
                client.find_invoices(invoice_number="nothing")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=look_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with _client(piste) as client:
        client.find_invoices(invoice_number="nothing")
    assert errors == []
    assert piste.state.counters["tokens_issued"] == 1
    assert piste.state.counters[f"calls:{FIND}"] == 9


def test_a_token_is_renewed_240_seconds_before_it_expires(piste: RunningDouble) -> None:
    now = [1000.0]
    with _client(piste, monotonic=lambda: now[0]) as client:
        client.find_invoices(invoice_number="x")
        now[0] += 3600 - 241  # PISTE's 3 600 s less our 240 s margin, not reached yet
        client.find_invoices(invoice_number="x")
        assert piste.state.counters["tokens_issued"] == 1
        now[0] += 1
        client.find_invoices(invoice_number="x")
    assert piste.state.counters["tokens_issued"] == 2


def test_after_a_401_one_new_token_and_one_retry(piste: RunningDouble) -> None:
    with _client(piste) as client:
        client.find_invoices(invoice_number="x")
        piste.state.expire_tokens()  # PISTE revoked it before its time
        assert client.find_invoices(invoice_number="x") == []
    assert piste.state.counters["tokens_issued"] == 2
    assert piste.state.counters[f"calls:{FIND}"] == 3  # one refused, then the retry


def test_a_refused_technical_account_is_not_retried_forever(piste: RunningDouble) -> None:
    wrong = TechnicalAccount("TECH_double@cpro.fr", "not-the-password")
    with PisteClient(piste.settings(), wrong) as client, \
            pytest.raises(ChorusProBadSetting) as refused:
        client.find_invoices(invoice_number="x")
    assert refused.value.code == "chorus_pro.account_refused"
    assert piste.state.counters["tokens_issued"] == 2
    assert piste.state.counters[f"calls:{FIND}"] == 2
    assert "not-the-password" not in refused.value.text("en") + repr(refused.value)


def test_a_wrong_client_secret_is_a_setting_to_fix(piste: RunningDouble,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.doubles.piste import SECRET_ENV

    monkeypatch.setenv(SECRET_ENV, "wrong-secret")
    with _client(piste) as client, pytest.raises(ChorusProBadSetting) as refused:
        client.find_invoices(invoice_number="x")
    assert refused.value.code == "chorus_pro.client_refused"
    assert "client_secret" in refused.value.text("en")
    assert "wrong-secret" not in refused.value.text("en")
    assert piste.state.counters[f"calls:{FIND}"] == 0


def test_code_retour_other_than_zero_is_a_refusal_with_its_label(
        piste: RunningDouble) -> None:
    piste.state.fail_next(DEPOSIT, code=20003, libelle="Le fichier est trop volumineux")
    with _client(piste) as client, pytest.raises(ChorusProRefused) as refused:
        _deposit(client)
    assert refused.value.params == {"code": "20003",
                                    "libelle": "Le fichier est trop volumineux"}
    assert refused.value.text("fr") == \
        "Chorus Pro a refusé (code 20003) : Le fichier est trop volumineux"
    assert "trop volumineux" in refused.value.text("en")


def test_a_rejected_flux_reports_chorus_pro_labels(piste: RunningDouble) -> None:
    piste.state.reject_next_flux("Le SIRET du destinataire est inconnu",
                                 "Le code service est obligatoire")
    piste.state.reports_before_done = 1
    with _client(piste) as client:
        flux = _deposit(client)
        first = client.flux_report(flux)
        final = client.flux_report(flux)
        found = client.find_invoices(flux_number=flux)
    assert not first.finished
    assert final.state == FLUX_REJECTED and final.finished
    assert final.dp_errors == ("Le SIRET du destinataire est inconnu",
                               "Le code service est obligatoire")
    assert found == []


def test_a_deposit_timeout_is_uncertain_and_the_lookup_finds_it(
        piste: RunningDouble) -> None:
    piste.state.fail_next(DEPOSIT, delay=1.5)  # Chorus Pro took it, but answers late
    settings = piste.settings(timeout=1.0)
    with PisteClient(settings, piste.account()) as client:
        with pytest.raises(ChorusProTimeout) as late:
            _deposit(client)
        assert late.value.code == "chorus_pro.timeout"
        # On a loaded machine the double may still be checking the file: the job's
        # next try comes later too.
        deadline = time.monotonic() + 30
        while piste.state.counters["deposits"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        # What the deposit job does next: look the number up, never deposit again.
        found = client.find_invoices(invoice_number=NUMBER)
    assert [f.number for f in found] == [NUMBER]
    assert piste.state.counters["deposits"] == 1


def test_a_server_error_is_unavailable_not_uncertain(piste: RunningDouble) -> None:
    piste.state.fail_next(REPORT, status=503)
    with _client(piste) as client, pytest.raises(ChorusProUnavailable) as failed:
        client.flux_report("CPP0000000001")
    assert type(failed.value) is ChorusProUnavailable
    assert failed.value.params == {"path": REPORT, "status": 503}


def test_an_unreachable_server_is_unavailable(piste: RunningDouble) -> None:
    from tests.server import free_port

    settings = piste.settings()
    closed = f"http://127.0.0.1:{free_port()}"
    from dataclasses import replace

    with PisteClient(replace(settings, api_url=closed + "/cpro/"),
                     piste.account()) as client, pytest.raises(ChorusProUnavailable) as down:
        client.find_invoices(invoice_number="x")
    assert type(down.value) is ChorusProUnavailable
    with PisteClient(replace(settings, token_url=closed + "/token"),
                     piste.account()) as client, pytest.raises(ChorusProUnavailable) as down:
        client.find_invoices(invoice_number="y")
    assert down.value.code == "chorus_pro.token_unreachable"


def test_history_gives_statuses_in_order_with_comments_and_unknown_codes_raw(
        piste: RunningDouble) -> None:
    with _client(piste) as client:
        flux = _deposit(client)
        (invoice,) = client.find_invoices(flux_number=flux)
        piste.state.walk(invoice.number, "MISE_A_DISPOSITION", "Reçue par le service",
                         "Marie Curie")
        piste.state.walk(invoice.number, "STATUT_NOUVEAU", "", "")
        history = client.history(invoice.cpp_invoice_id)
    assert history.current_code == "STATUT_NOUVEAU"
    assert [(e.code, e.comment, e.user) for e in history.entries] == [
        ("DEPOSEE", "", ""), ("MISE_A_DISPOSITION", "Reçue par le service", "Marie Curie"),
        ("STATUT_NOUVEAU", "", "")]
    assert all(e.at is not None and e.at.tzinfo is not None for e in history.entries)


def test_no_secret_in_logs_errors_or_reprs(piste: RunningDouble,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    piste.state.fail_next(FIND, code=1, libelle="Refus")
    with _client(piste) as client:
        _deposit(client)
        with pytest.raises(ChorusProRefused) as refused:
            client.find_invoices(invoice_number="x")
        shown = repr(client) + repr(piste.settings()) + repr(piste.account())
    password_header = base64.b64encode(b"TECH_double@cpro.fr:double-password").decode()
    secrets = ("double-client-secret", "double-password", password_header)
    tokens = list(piste.state.tokens)
    said = caplog.text + shown + refused.value.text("en") + json.dumps(
        refused.value.to_dict())
    assert caplog.records  # httpx did log its requests
    for secret in (*secrets, *tokens):
        assert secret not in said


def test_a_client_opens_no_connection_before_its_first_call(
        monkeypatch: pytest.MonkeyPatch, piste: RunningDouble) -> None:
    made: list[object] = []
    real = httpx.Client

    def counting(*args: object, **kwargs: object) -> httpx.Client:
        made.append(kwargs)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx, "Client", counting)
    client = _client(piste)
    assert made == []
    client.find_invoices(invoice_number="x")
    client.close()
    assert len(made) == 1

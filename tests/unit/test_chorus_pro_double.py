"""The PISTE double itself (issue 19 item 7): it refuses every request that is not of
the shape issue 19 item 6 describes, saying what is wrong, and plays what a test
scripts. A double that accepted anything would let the client's tests prove nothing."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import facturx
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.doubles.piste import JSON_TYPE, TOKEN_PATH, RunningDouble, start
from tests.doubles.piste_fixtures import piste_fixture  # noqa: F401
from tests.doubles.piste_samples import sample_facturx
from tests.doubles.piste_state import DEPOSIT, FACTURX_SYNTAX, HISTORY, PisteState

ACCOUNT = base64.b64encode(b"TECH_double@cpro.fr:double-password").decode()
FORM = {"grant_type": "client_credentials", "client_id": "double-client",
        "client_secret": "double-client-secret", "scope": "openid"}


def _token(double: RunningDouble) -> str:
    answer = httpx.post(double.url + TOKEN_PATH, data=FORM)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _post(double: RunningDouble, path: str, body: object, token: str, *,
          headers: dict[str, str] | None = None) -> httpx.Response:
    sent = {"Authorization": f"Bearer {token}", "cpro-account": ACCOUNT,
            "Content-Type": JSON_TYPE, "Accept": JSON_TYPE, **(headers or {})}
    return httpx.post(f"{double.url}/cpro/{path}", content=json.dumps(body).encode(),
                      headers=sent, timeout=10)


def _deposit_body(pdf: bytes | None = None) -> dict[str, Any]:
    return {"fichierFlux": base64.b64encode(pdf or sample_facturx()).decode(),
            "nomFichier": "F-2026-0042.pdf", "syntaxeFlux": FACTURX_SYNTAX,
            "avecSignature": False}


@pytest.mark.parametrize(("form", "said"), [
    ({**FORM, "grant_type": "password"}, "grant_type must be 'client_credentials'"),
    ({k: v for k, v in FORM.items() if k != "scope"}, "scope must be 'openid'"),
    ({k: v for k, v in FORM.items() if k != "client_id"}, "client_id missing"),
])
def test_a_malformed_token_request_is_refused_naming_what_is_wrong(
        piste: RunningDouble, form: dict[str, str], said: str) -> None:
    answer = httpx.post(piste.url + TOKEN_PATH, data=form)
    assert answer.status_code == 400
    assert said in answer.json()["erreur"]
    assert piste.state.counters["tokens_issued"] == 0


def test_a_token_request_must_be_a_form_with_the_right_credentials(
        piste: RunningDouble) -> None:
    as_json = httpx.post(piste.url + TOKEN_PATH, json=FORM)
    assert as_json.status_code == 400 and "Content-Type" in as_json.json()["erreur"]
    wrong = httpx.post(piste.url + TOKEN_PATH, data={**FORM, "client_secret": "no"})
    assert wrong.status_code == 401 and "invalid_client" in wrong.json()["erreur"]
    good = httpx.post(piste.url + TOKEN_PATH, data=FORM).json()
    assert good["expires_in"] == 3600 and good["access_token"]


@pytest.mark.parametrize(("headers", "status", "said"), [
    ({"Authorization": "Bearer forged"}, 401, "Authorization"),
    ({"Authorization": "Basic abc"}, 401, "Authorization"),
    ({"cpro-account": base64.b64encode(b"TECH_double@cpro.fr:other").decode()}, 401,
     "cpro-account"),
    ({"cpro-account": "%%%"}, 401, "cpro-account: not base64"),
    ({"Content-Type": "application/json"}, 400, "content-type must be"),
    ({"Accept": "*/*"}, 400, "accept must be"),
])
def test_api_headers_are_checked(piste: RunningDouble, headers: dict[str, str],
                                 status: int, said: str) -> None:
    answer = _post(piste, DEPOSIT, _deposit_body(), _token(piste), headers=headers)
    assert answer.status_code == status
    assert said in answer.json()["erreur"]
    assert piste.state.counters["deposits"] == 0


def test_an_expired_token_is_refused(piste: RunningDouble) -> None:
    token = _token(piste)
    piste.state.expire_tokens()
    assert _post(piste, HISTORY, {"idFacture": 1, "nbResultatsMaximum": 1},
                 token).status_code == 401


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["fichierFlux", "nomFichier", "syntaxeFlux", "avecSignature"]),
       change=st.sampled_from(["drop", "null", "number", "text"]))
def test_every_key_of_a_deposit_is_required_with_its_type(
        piste: RunningDouble, key: str, change: str) -> None:
    body = _deposit_body()
    if change == "drop":
        del body[key]
    else:
        body[key] = {"null": None, "number": 1, "text": "true"}[change]
        if key != "avecSignature" and change == "text":
            body[key] = 1.5  # a text is the right type of the others
    answer = _post(piste, DEPOSIT, body, _token(piste))
    assert answer.status_code == 400, answer.text
    assert answer.json()["erreur"].startswith(key)
    assert piste.state.counters["deposits"] == 0


def _xsd_invalid_facturx() -> bytes:
    xml = facturx.get_xml_from_pdf(io.BytesIO(sample_facturx()), check_xsd=False)[1]
    broken = xml.replace(b"<ram:TypeCode>380</ram:TypeCode>",
                         b"<ram:TypeCode>380</ram:TypeCode><ram:Nonsense/>", 1)
    base = _plain_pdf()
    return bytes(facturx.generate_from_binary(base, broken, flavor="factur-x",
                                              level="en16931", check_xsd=False))


def _plain_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


@pytest.mark.parametrize(("content", "said"), [
    (b"not a pdf", "fichierFlux: not a PDF"),
    (None, "fichierFlux: a PDF with no factur-x.xml"),
    ("invalid", "fichierFlux: the XML fails the EN 16931 XSD"),
])
def test_the_flux_must_be_a_factur_x_passing_the_xsd(
        piste: RunningDouble, content: bytes | str | None, said: str) -> None:
    pdf = _plain_pdf() if content is None else \
        _xsd_invalid_facturx() if content == "invalid" else content
    assert isinstance(pdf, bytes)
    answer = _post(piste, DEPOSIT, _deposit_body(pdf), _token(piste))
    assert answer.status_code == 400
    assert answer.json()["erreur"].startswith(said)
    bad_syntax = _post(piste, DEPOSIT, {**_deposit_body(), "syntaxeFlux": "IN_DP_E1_CII"},
                       _token(piste))
    assert "syntaxeFlux: expected IN_DP_E2_CII_FACTURX" in bad_syntax.json()["erreur"]
    assert piste.state.counters["deposits"] == 0


def test_a_scripted_walk_is_what_the_history_gives(piste: RunningDouble) -> None:
    token = _token(piste)
    flux = _post(piste, DEPOSIT, _deposit_body(), token).json()["numeroFluxDepot"]
    found = _post(piste, "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": flux},
                  token).json()["listeFactures"]
    assert [f["numeroFacture"] for f in found] == ["F-2026/0042"]
    cpp_id = found[0]["identifiantFactureCPP"]
    piste.state.auto_walk = ("MISE_A_DISPOSITION", "MANDATEE")
    codes = [_post(piste, HISTORY, {"idFacture": cpp_id, "nbResultatsMaximum": 10},
                   token).json()["statutCourantCode"] for _ in range(4)]
    assert codes == ["MISE_A_DISPOSITION", "MANDATEE", "MANDATEE", "MANDATEE"]
    with httpx.Client(base_url=piste.url) as control:
        control.post("/_double/walk", json={"invoice": cpp_id, "code": "MISE_EN_PAIEMENT",
                                            "comment": "Payée"}).raise_for_status()
        state = control.get("/_double/state").json()
    assert state["counters"]["deposits"] == 1
    assert state["invoices"] == [{"cpp_id": cpp_id, "number": "F-2026/0042",
                                  "status": "MISE_EN_PAIEMENT"}]
    history = _post(piste, HISTORY, {"idFacture": cpp_id, "nbResultatsMaximum": 2},
                    token).json()["historiquesDesStatuts"]["histoStatut"]
    assert [(h["histoStatutCode"], h["histoStatutCommentaire"]) for h in history] == [
        ("MISE_EN_PAIEMENT", "Payée"), ("MANDATEE", "Double: MANDATEE")]


@pytest.fixture
def by_hand() -> Iterator[RunningDouble]:
    double = start(PisteState(client_id="me", client_secret="mine"))
    try:
        yield double
    finally:
        double.stop()


def test_the_control_routes_script_faults(by_hand: RunningDouble) -> None:
    with httpx.Client(base_url=by_hand.url) as control:
        control.post("/_double/fail-next", json={"path": "token", "status": 503})
        assert control.post(TOKEN_PATH, data={**FORM, "client_id": "me",
                                              "client_secret": "mine"}).status_code == 503
        control.post("/_double/reject-next", json={"labels": ["SIRET inconnu"]})
        control.post("/_double/structure", json={"siret": "1", "label": "x"})
    assert by_hand.state.next_rejection == ("SIRET inconnu",)
    assert "1" in by_hand.state.structures


def test_it_runs_by_hand_as_a_process() -> None:
    """``python -m tests.doubles.piste --port N``: what a person starts in tmux."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    from tests.server import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.doubles.piste", "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                state = httpx.get(f"http://127.0.0.1:{port}/_double/state", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert state.json()["counters"] == {}
    finally:
        process.terminate()
        said, _ = process.communicate(timeout=15)
    assert f'api_url = "http://127.0.0.1:{port}/cpro/"' in said
    assert "client_secret = \"env:COFATUI_PISTE_DOUBLE_SECRET\"" in said

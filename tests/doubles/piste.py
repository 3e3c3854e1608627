"""A double of PISTE and the Chorus Pro API (issue 19 item 7), for the connector's
tests and to try it by hand:

    python -m tests.doubles.piste --port 8999

It checks every request as issue 19 item 6 describes it and answers 400 naming what is
wrong: the token form (content type, ``grant_type``, ``client_id``/``client_secret``,
``scope``); on the API, a Bearer it issued and not expired (else 401), ``cpro-account``
decoding to the configured ``login:password`` (else 401), the JSON content type and
accept, the required keys and their types, ``syntaxeFlux``, and ``fichierFlux``
decoding to a PDF whose ``factur-x.xml`` passes the EN 16931 XSD. It is scripted
through :class:`~tests.doubles.piste_state.PisteState` (in a test) or the ``/_double/``
routes (by hand): reject a flux with ``listeErreurDP``, expire the tokens, answer
slowly, answer ``codeRetour`` ≠ 0 or a 5xx, walk an invoice through statuses with
comments. Its counters (tokens issued, deposits made, calls per path) are what the
"never deposits twice" tests assert.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from lxml import etree

from cofatui.chorus_pro.model import TechnicalAccount
from cofatui.chorus_pro.settings import ChorusProSettings
from tests.doubles.piste_state import (
    DEPOSIT,
    FACTURX_SYNTAX,
    FIND,
    HISTORY,
    REPORT,
    STRUCTURE,
    PisteState,
    RecordedRequest,
)

JSON_TYPE = "application/json;charset=utf-8"
TOKEN_PATH = "/api/oauth/token"
API_PREFIX = "/cpro/"
#: The environment variable the double's settings name for the client secret.
SECRET_ENV = "COFATUI_PISTE_DOUBLE_SECRET"
PASSWORD_ENV = "COFATUI_PISTE_DOUBLE_PASSWORD"
_CII = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


class Refusal(Exception):
    """What is wrong with a request: answered ``status`` with ``{"erreur": what}``."""

    def __init__(self, what: str, status: int = 400) -> None:
        super().__init__(what)
        self.what = what
        self.status = status


def create_app(state: PisteState) -> FastAPI:
    app = FastAPI(title="PISTE double (tests)", openapi_url=None, docs_url=None)

    @app.post(TOKEN_PATH)
    async def token(request: Request) -> Response:
        return await _answer(state, "token", request, lambda body: _token(state, request,
                                                                         body))

    @app.post(API_PREFIX + "{path:path}")
    async def api(path: str, request: Request) -> Response:
        return await _answer(state, path, request, lambda body: _api(state, path, request,
                                                                    body))

    _control_routes(app, state)
    return app


async def _answer(state: PisteState, path: str, request: Request, handle: Any) -> Response:
    body = await request.body()
    with state.lock:
        state.counters[f"calls:{path}"] += 1
        state.requests.append(_recorded(path, request, body))
    fault = state.take_fault(path)
    if fault is not None and fault.status is not None:
        return JSONResponse({"erreur": "double: scripted failure"}, fault.status)
    try:
        result = handle(body)
    except Refusal as refusal:
        with state.lock:
            state.refusals.append(f"{path}: {refusal.what}")
        return JSONResponse({"erreur": refusal.what}, refusal.status)
    if fault is not None and fault.delay:
        await asyncio.sleep(fault.delay)  # the work is done; only the answer is late
    if fault is not None and fault.code is not None:
        result = {"codeRetour": fault.code, "libelle": fault.libelle}
    return Response(json.dumps(result, ensure_ascii=False).encode(), 200,
                    media_type=JSON_TYPE if path != "token" else "application/json")


def _recorded(path: str, request: Request, body: bytes) -> RecordedRequest:
    return RecordedRequest(path, {k.lower(): v for k, v in request.headers.items()}, body)


# --- the token ---------------------------------------------------------------------------


def _token(state: PisteState, request: Request, body: bytes) -> dict[str, object]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise Refusal(f"token: Content-Type must be application/x-www-form-urlencoded, "
                      f"got {kind or 'none'}")
    form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"),
                                          keep_blank_values=True).items()}
    for key, wanted in (("grant_type", "client_credentials"), ("scope", "openid")):
        if form.get(key) != wanted:
            raise Refusal(f"token: {key} must be {wanted!r}, got {form.get(key)!r}")
    for key in ("client_id", "client_secret"):
        if not form.get(key):
            raise Refusal(f"token: {key} missing")
    if (form["client_id"], form["client_secret"]) != (state.client_id, state.client_secret):
        raise Refusal("token: invalid_client (client_id or client_secret)", 401)
    return {"access_token": state.issue_token(), "token_type": "Bearer",
            "expires_in": state.token_lifetime, "scope": "openid"}


# --- the API -----------------------------------------------------------------------------


def _api(state: PisteState, path: str, request: Request, body: bytes) -> dict[str, Any]:
    _check_headers(state, request)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refusal("the body is not JSON in UTF-8") from None
    if not isinstance(data, dict):
        raise Refusal("the body must be a JSON object")
    handlers = {DEPOSIT: _deposit, REPORT: _report, FIND: _find, HISTORY: _history,
                STRUCTURE: _structure}
    handler = handlers.get(path)
    if handler is None:
        raise Refusal(f"unknown path {path!r}", 404)
    return {"codeRetour": 0, "libelle": "GCU_MSG_01_000", **handler(state, data)}


def _check_headers(state: PisteState, request: Request) -> None:
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer ") or not state.token_valid(auth[len("Bearer "):]):
        raise Refusal("Authorization: not a Bearer token this double issued, or expired",
                      401)
    try:
        account = base64.b64decode(request.headers.get("cpro-account", ""),
                                   validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Refusal("cpro-account: not base64 of UTF-8 text", 401) from None
    if account != f"{state.login}:{state.password}":
        raise Refusal("cpro-account: not the technical account's login:password", 401)
    for header in ("content-type", "accept"):
        value = request.headers.get(header, "").replace(" ", "").lower()
        if value != JSON_TYPE:
            raise Refusal(f"{header} must be {JSON_TYPE}, got {value or 'none'}")


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...],
           *, required: bool = True) -> Any:
    if key not in data:
        if required:
            raise Refusal(f"{key}: required")
        return None
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise Refusal(f"{key}: expected {getattr(kind, '__name__', kind)}, "
                      f"got {type(value).__name__}")
    return value


def _deposit(state: PisteState, data: dict[str, Any]) -> dict[str, Any]:
    encoded = _field(data, "fichierFlux", str)
    name = _field(data, "nomFichier", str)
    syntax = _field(data, "syntaxeFlux", str)
    _field(data, "avecSignature", bool)
    if not name.strip():
        raise Refusal("nomFichier: empty")
    if syntax != FACTURX_SYNTAX:
        raise Refusal(f"syntaxeFlux: expected {FACTURX_SYNTAX}, got {syntax!r}")
    try:
        content = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise Refusal("fichierFlux: not base64") from None
    number, seller = _facturx_identity(content) if state.check_facturx else (name, "")
    flux = state.deposit(name, number, seller)
    return {"numeroFluxDepot": flux.number,
            "dateDepot": flux.deposited_at.date().isoformat(),
            "syntaxeFlux": FACTURX_SYNTAX}


def _facturx_identity(content: bytes) -> tuple[str, str]:
    """The invoice number and seller SIRET of a Factur-X, after its XML passed the
    EN 16931 XSD; a Refusal says what is wrong."""
    import io

    import facturx

    if not content.startswith(b"%PDF-"):
        raise Refusal("fichierFlux: not a PDF")
    try:
        _name, xml = facturx.get_xml_from_pdf(io.BytesIO(content), check_xsd=False)
    except Exception as exc:  # factur-x raises bare Exceptions on broken PDFs
        raise Refusal(f"fichierFlux: unreadable PDF ({exc})") from None
    if not xml:
        raise Refusal("fichierFlux: a PDF with no factur-x.xml")
    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as exc:
        raise Refusal(f"fichierFlux: the XML fails the EN 16931 XSD: {exc}") from None
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    number = root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=_CII) or ""
    seller = root.findtext(
        ".//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
        namespaces=_CII) or ""
    return number, seller


def _report(state: PisteState, data: dict[str, Any]) -> dict[str, Any]:
    number = _field(data, "numeroFluxDepot", str)
    syntax = _field(data, "syntaxeFlux", str)
    if syntax != FACTURX_SYNTAX:
        raise Refusal(f"syntaxeFlux: expected {FACTURX_SYNTAX}, got {syntax!r}")
    found = state.report(number)
    if found is None:
        return {"codeRetour": 20001, "libelle": f"Flux {number} inconnu"}
    flux_state, labels = found
    return {"numeroFluxDepot": number, "etatCourantDepotFlux": flux_state,
            "listeErreurDP": [{"identifiantFournisseur": "", "identifiantDestinataire": "",
                               "numeroDP": "", "libelleErreurDP": label}
                              for label in labels],
            "listeErreurTechnique": []}


def _find(state: PisteState, data: dict[str, Any]) -> dict[str, Any]:
    flux = _field(data, "numeroFluxDepot", str, required=False)
    number = _field(data, "numeroFacture", str, required=False)
    if flux is None and number is None:
        raise Refusal("numeroFluxDepot or numeroFacture: one is required")
    found = state.find(flux, number)
    return {"nbResultats": len(found), "listeFactures": [
        {"identifiantFactureCPP": i.cpp_id, "numeroFacture": i.number, "statut": i.current}
        for i in found]}


def _history(state: PisteState, data: dict[str, Any]) -> dict[str, Any]:
    cpp_id = _field(data, "idFacture", int)
    most = _field(data, "nbResultatsMaximum", int)
    if most < 1:
        raise Refusal("nbResultatsMaximum: must be at least 1")
    found = state.history(cpp_id)
    if found is None:
        return {"codeRetour": 20002, "libelle": f"Facture {cpp_id} inconnue"}
    newest_first = list(reversed(found.statuses))[:most]
    return {"idFacture": cpp_id, "statutCourantCode": found.current,
            "historiquesDesStatuts": {"histoStatut": [
                {"histoStatutCode": s.code,
                 "histoStatutDatePassage": s.at.strftime("%Y-%m-%dT%H:%M:%S.%f%z"),
                 "histoStatutCommentaire": s.comment, "histoStatutUtilisateurNom": s.user}
                for s in newest_first]}}


def _structure(state: PisteState, data: dict[str, Any]) -> dict[str, Any]:
    inner = _field(data, "structure", dict)
    siret = _field(inner, "identifiantStructure", str)
    kind = _field(inner, "typeIdentifiantStructure", str)
    if kind != "SIRET":
        raise Refusal(f"structure.typeIdentifiantStructure: expected SIRET, got {kind!r}")
    found = state.structures.get(siret)
    return {"listeStructures": [] if found is None else [
        {"idStructureCPP": found[0], "identifiantStructure": siret,
         "designationStructure": found[1]}]}


# --- the control routes (scripting by hand) ----------------------------------------------


def _control_routes(app: FastAPI, state: PisteState) -> None:
    @app.get("/_double/state")
    def show() -> dict[str, object]:
        return state.snapshot()

    @app.post("/_double/expire-tokens")
    def expire() -> dict[str, object]:
        state.expire_tokens()
        return state.snapshot()

    @app.post("/_double/reject-next")
    async def reject(request: Request) -> dict[str, object]:
        labels = (await request.json()).get("labels") or []
        state.reject_next_flux(*[str(label) for label in labels])
        return state.snapshot()

    @app.post("/_double/fail-next")
    async def fail(request: Request) -> dict[str, object]:
        data = await request.json()
        state.fail_next(str(data["path"]), times=int(data.get("times", 1)),
                        delay=float(data.get("delay", 0)), status=data.get("status"),
                        code=data.get("code"), libelle=str(data.get("libelle", "")))
        return state.snapshot()

    @app.post("/_double/walk")
    async def walk(request: Request) -> dict[str, object]:
        data = await request.json()
        state.walk(data["invoice"], str(data["code"]), str(data.get("comment", "")),
                   str(data.get("user", "")))
        return state.snapshot()

    @app.post("/_double/structure")
    async def structure(request: Request) -> dict[str, object]:
        data = await request.json()
        state.add_structure(str(data["siret"]), str(data.get("label", "")))
        return state.snapshot()


# --- running it --------------------------------------------------------------------------


class RunningDouble:
    """The double served on 127.0.0.1 (a random port unless given) in a thread."""

    def __init__(self, state: PisteState, server: uvicorn.Server,
                 thread: threading.Thread, port: int) -> None:
        self.state = state
        self.server = server
        self.thread = thread
        self.port = port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, *, timeout: float = 5.0) -> ChorusProSettings:
        """``[chorus_pro]`` pointing at the double; the secret in ``SECRET_ENV``."""
        return ChorusProSettings(token_url=self.url + TOKEN_PATH,
                                 api_url=self.url + API_PREFIX,
                                 client_id=self.state.client_id,
                                 client_secret=f"env:{SECRET_ENV}", timeout=timeout)

    def account(self) -> TechnicalAccount:
        return TechnicalAccount(self.state.login, self.state.password)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def start(state: PisteState | None = None, port: int = 0) -> RunningDouble:
    state = state or PisteState()
    config = uvicorn.Config(create_app(state), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="piste-double", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the PISTE double did not start")
        time.sleep(0.01)
    bound = int(server.servers[0].sockets[0].getsockname()[1])
    return RunningDouble(state, server, thread, bound)


@contextmanager
def running(state: PisteState | None = None) -> Iterator[RunningDouble]:
    double = start(state)
    try:
        yield double
    finally:
        double.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.doubles.piste",
        description="A PISTE / Chorus Pro double on 127.0.0.1, for trying the connector.")
    parser.add_argument("--port", type=int, default=8999)
    parser.add_argument("--client-id", default="double-client")
    parser.add_argument("--client-secret", default="double-client-secret")
    parser.add_argument("--login", default="TECH_double@cpro.fr")
    parser.add_argument("--password", default="double-password")
    parser.add_argument("--reports-before-done", type=int, default=1,
                        help="report calls answering 'in progress' before the flux's end")
    parser.add_argument("--auto-walk", default="MISE_A_DISPOSITION,MANDATEE",
                        help="statuses each history call moves an invoice one further "
                             "through (comma-separated; empty: none)")
    args = parser.parse_args(argv)
    state = PisteState(client_id=args.client_id, client_secret=args.client_secret,
                       login=args.login, password=args.password)
    state.reports_before_done = args.reports_before_done
    state.auto_walk = tuple(code for code in args.auto_walk.split(",") if code)
    url = f"http://127.0.0.1:{args.port}"
    print(f"PISTE double on {url} (a test double, not PISTE). In the settings of the "
          f"process that runs the jobs:\n\n[chorus_pro]\ntoken_url = \"{url}{TOKEN_PATH}\"\n"
          f"api_url = \"{url}{API_PREFIX}\"\nclient_id = \"{args.client_id}\"\n"
          f"client_secret = \"env:{SECRET_ENV}\"\n\nexport {SECRET_ENV}="
          f"{args.client_secret} {PASSWORD_ENV}={args.password}\n(a structure's "
          f"connector: login {args.login}, password_ref env:{PASSWORD_ENV}).\n"
          f"Script it: GET {url}/_double/state, POST /_double/walk "
          "{\"invoice\": N, \"code\": \"MANDATEE\", \"comment\": \"…\"}, "
          "/_double/reject-next, /_double/fail-next, /_double/expire-tokens.",
          flush=True)
    uvicorn.run(create_app(state), host="127.0.0.1", port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

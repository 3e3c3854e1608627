"""The calls to Chorus Pro through PISTE (issue 19 item 6), as the public clients
(OCA's l10n_fr_chorus_account, go-choruspro) make them.

- A token: ``POST`` form ``grant_type=client_credentials``, ``client_id``,
  ``client_secret``, ``scope=openid`` → ``access_token``, ``expires_in``. It is cached
  per process (keyed by token URL and client id, shared by every client and thread)
  until 240 s before it expires; after a 401 from the API, one new token and one retry.
- Every call: ``POST`` JSON to ``<api_url><path>`` with ``Authorization: Bearer``,
  ``cpro-account: base64("<login>:<password>")`` and ``Content-Type``/``Accept``
  ``application/json;charset=utf-8``. ``codeRetour`` ≠ 0 is a refusal.

The errors are those of :mod:`cofatui.chorus_pro.errors`; none carries a secret, and
neither does a repr. A client opens its HTTP connection pool on its first call; close
it (``close()`` or ``with``) when done.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from cofatui.chorus_pro import secrets
from cofatui.chorus_pro.errors import (
    ChorusProBadSetting,
    ChorusProRefused,
    ChorusProTimeout,
    ChorusProUnavailable,
)
from cofatui.chorus_pro.model import (
    DepositReceipt,
    FluxReport,
    FoundInvoice,
    InvoiceHistory,
    StatusEntry,
    StructureFound,
    TechnicalAccount,
)
from cofatui.chorus_pro.settings import ChorusProSettings

__all__ = [
    "FACTURX_SYNTAX", "ChorusProBadSetting", "ChorusProRefused", "ChorusProTimeout",
    "ChorusProUnavailable", "PisteClient", "clear_token_cache",
]

#: The ``syntaxeFlux`` of a Factur-X flux (the PDF with its CII XML).
FACTURX_SYNTAX = "IN_DP_E2_CII_FACTURX"
JSON_TYPE = "application/json;charset=utf-8"
#: A cached token is dropped this long before PISTE says it expires.
TOKEN_MARGIN_SECONDS = 240
#: How many history entries ``history`` asks for.
HISTORY_MAX = 100

PATH_DEPOSIT = "factures/v1/deposer/flux"
PATH_REPORT = "transverses/v1/consulterCRDetaille"
PATH_FIND = "factures/v1/rechercher/fournisseur"
PATH_HISTORY = "factures/v1/consulter/historique"
PATH_STRUCTURE = "structures/v1/rechercher"

#: Chorus Pro writes its times in French local time when it gives no offset.
_CHORUS_ZONE = ZoneInfo("Europe/Paris")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- the token cache, one per process --------------------------------------------------


@dataclass(frozen=True)
class _Token:
    value: str
    #: On the monotonic clock: after this, ask for another.
    use_until: float


_tokens: dict[tuple[str, str], _Token] = {}
_key_locks: dict[tuple[str, str], threading.Lock] = {}
_cache_lock = threading.Lock()


def _lock_for(key: tuple[str, str]) -> threading.Lock:
    # One lock per token URL and client id: two threads needing a token wait for one
    # request instead of both asking PISTE.
    with _cache_lock:
        return _key_locks.setdefault(key, threading.Lock())


def clear_token_cache() -> None:
    """Forget every cached token (tests, or after the settings changed)."""
    with _cache_lock:
        _tokens.clear()


# --- the client -------------------------------------------------------------------------


class PisteClient:
    """The calls a structure's connector makes, with its technical account."""

    def __init__(self, settings: ChorusProSettings, account: TechnicalAccount, *,
                 transport: httpx.BaseTransport | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._account = account
        self._transport = transport
        self._monotonic = monotonic
        self._http: httpx.Client | None = None
        self._key = (settings.token_url, settings.client_id)

    def __repr__(self) -> str:
        return (f"PisteClient(api_url={self._settings.api_url!r}, "
                f"client_id={self._settings.client_id!r}, login={self._account.login!r})")

    # --- lifetime

    def __enter__(self) -> PisteClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _client(self) -> httpx.Client:
        if self._http is None:
            seconds = self._settings.timeout
            self._http = httpx.Client(
                transport=self._transport, follow_redirects=False,
                timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)))
        return self._http

    # --- the calls

    def deposit_flux(self, file_name: str, content: bytes) -> DepositReceipt:
        """Deposit a Factur-X. A ChorusProTimeout means it may have been made."""
        answer = self._call(PATH_DEPOSIT, {
            "fichierFlux": base64.b64encode(content).decode("ascii"),
            "nomFichier": file_name,
            "syntaxeFlux": FACTURX_SYNTAX,
            "avecSignature": False,
        })
        number = _text(answer, "numeroFluxDepot", PATH_DEPOSIT)
        return DepositReceipt(flux_number=number,
                              deposited_at=_when(answer.get("dateDepot")))

    def flux_report(self, flux_number: str) -> FluxReport:
        """The flux's processing report (``consulterCRDetaille``: ``consulterCR`` is
        broken for Factur-X, OCA notes)."""
        answer = self._call(PATH_REPORT, {"numeroFluxDepot": flux_number,
                                          "syntaxeFlux": FACTURX_SYNTAX})
        return FluxReport(
            state=_text(answer, "etatCourantDepotFlux", PATH_REPORT),
            dp_errors=tuple(_label(e, "libelleErreurDP")
                            for e in _items(answer.get("listeErreurDP"))),
            technical_errors=tuple(_label(e, "libelleErreur")
                                   for e in _items(answer.get("listeErreurTechnique"))))

    def find_invoices(self, *, flux_number: str | None = None,
                      invoice_number: str | None = None) -> list[FoundInvoice]:
        """The supplier's invoices of a flux, or with a number (what a job looks up
        after a deposit timed out, before any resend)."""
        if flux_number is None and invoice_number is None:
            raise ValueError("find_invoices needs a flux number or an invoice number")
        body: dict[str, object] = {}
        if flux_number is not None:
            body["numeroFluxDepot"] = flux_number
        if invoice_number is not None:
            body["numeroFacture"] = invoice_number
        answer = self._call(PATH_FIND, body)
        return [FoundInvoice(cpp_invoice_id=_text(item, "identifiantFactureCPP", PATH_FIND),
                             number=str(item.get("numeroFacture") or ""),
                             status=str(item.get("statut") or ""))
                for item in _items(answer.get("listeFactures"))]

    def history(self, cpp_invoice_id: str) -> InvoiceHistory:
        """The invoice's statuses in Chorus Pro, oldest first."""
        answer = self._call(PATH_HISTORY, {"idFacture": _cpp_id(cpp_invoice_id),
                                           "nbResultatsMaximum": HISTORY_MAX})
        block = answer.get("historiquesDesStatuts")
        entries = [StatusEntry(code=_text(item, "histoStatutCode", PATH_HISTORY),
                               at=_when(item.get("histoStatutDatePassage")),
                               comment=str(item.get("histoStatutCommentaire") or ""),
                               user=str(item.get("histoStatutUtilisateurNom") or ""))
                   for item in _items(block.get("histoStatut")
                                      if isinstance(block, Mapping) else None)]
        # Chorus Pro lists the newest first; a follow-up reads them in the order lived.
        entries.sort(key=lambda e: e.at or datetime.min.replace(tzinfo=UTC))
        return InvoiceHistory(current_code=_text(answer, "statutCourantCode", PATH_HISTORY),
                              entries=tuple(entries))

    def find_structure(self, siret: str) -> StructureFound | None:
        """A structure by SIRET (``cofatui chorus connector test``); None if unknown."""
        answer = self._call(PATH_STRUCTURE, {"structure": {
            "identifiantStructure": siret, "typeIdentifiantStructure": "SIRET"}})
        for item in _items(answer.get("listeStructures")):
            return StructureFound(cpp_structure_id=_text(item, "idStructureCPP", PATH_STRUCTURE),
                                  label=str(item.get("designationStructure") or ""))
        return None

    def check_token(self) -> None:
        """Ask for a token now (not from the cache): the connector's test."""
        self._new_token(stale=None, force=True)

    # --- plumbing

    def _call(self, path: str, body: Mapping[str, object]) -> dict[str, Any]:
        token = self._token()
        response = self._post(path, body, token)
        if response.status_code == httpx.codes.UNAUTHORIZED:
            # The token was revoked or expired early: one new token, one retry.
            token = self._new_token(stale=token)
            response = self._post(path, body, token)
            if response.status_code == httpx.codes.UNAUTHORIZED:
                raise ChorusProBadSetting("chorus_pro.account_refused", path=path)
        return _answer(response, path)

    def _post(self, path: str, body: Mapping[str, object], token: str) -> httpx.Response:
        account = f"{self._account.login}:{self._account.password}".encode()
        headers = {
            "Authorization": f"Bearer {token}",
            "cpro-account": base64.b64encode(account).decode("ascii"),
            "Content-Type": JSON_TYPE,
            "Accept": JSON_TYPE,
        }
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            return self._client().post(self._settings.api_url + path, content=content,
                                       headers=headers)
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            # Never connected: nothing reached Chorus Pro, a retry is safe.
            raise ChorusProUnavailable("chorus_pro.unreachable", path=path) from None
        except httpx.TimeoutException:
            raise ChorusProTimeout("chorus_pro.timeout", path=path) from None
        except httpx.HTTPError:
            raise ChorusProUnavailable("chorus_pro.unreachable", path=path) from None

    def _token(self) -> str:
        cached = _tokens.get(self._key)  # a dict read is atomic: no lock on the fast path
        if cached is not None and self._monotonic() < cached.use_until:
            return cached.value
        return self._new_token(stale=cached.value if cached else None)

    def _new_token(self, *, stale: str | None, force: bool = False) -> str:
        """A token from PISTE, unless another thread got a fresh one (not ``stale``,
        the one refused or expired) while this one waited for the lock."""
        with _lock_for(self._key):
            cached = _tokens.get(self._key)
            if not force and cached is not None and cached.value != stale \
                    and self._monotonic() < cached.use_until:
                return cached.value
            token = self._request_token()
            with _cache_lock:
                _tokens[self._key] = token
            return token.value

    def _request_token(self) -> _Token:
        if not self._settings.configured:
            raise ChorusProBadSetting("chorus_pro.not_configured")
        form = {"grant_type": "client_credentials", "client_id": self._settings.client_id,
                "client_secret": secrets.resolve(self._settings.client_secret),
                "scope": "openid"}
        started = self._monotonic()
        try:
            response = self._client().post(self._settings.token_url, data=form,
                                           headers={"Accept": "application/json"})
        except httpx.HTTPError:
            # No deposit rides on a token: a token timeout is merely "unavailable".
            raise ChorusProUnavailable("chorus_pro.token_unreachable") from None
        if response.status_code in (400, 401, 403):
            raise ChorusProBadSetting("chorus_pro.client_refused",
                                      status=response.status_code)
        if response.status_code >= 300:
            raise ChorusProUnavailable("chorus_pro.token_failed", status=response.status_code)
        try:
            data = response.json()
            value = data["access_token"]
            lifetime = float(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise ChorusProUnavailable("chorus_pro.token_failed",
                                       status=response.status_code) from None
        if not isinstance(value, str) or not value:
            raise ChorusProUnavailable("chorus_pro.token_failed", status=response.status_code)
        return _Token(value, started + lifetime - TOKEN_MARGIN_SECONDS)


# --- reading answers --------------------------------------------------------------------


def _answer(response: httpx.Response, path: str) -> dict[str, Any]:
    status = response.status_code
    if status >= 500:
        raise ChorusProUnavailable("chorus_pro.server_error", path=path, status=status)
    try:
        data = response.json()
    except ValueError:
        data = None
    if status >= 400:
        refusal = _refusal(data)
        if refusal is not None:
            raise refusal
        raise ChorusProRefused(code=str(status), libelle=_excerpt(response.text))
    if not isinstance(data, dict):
        # A 2xx we cannot read: the call may have done its work (a deposit made).
        raise ChorusProTimeout("chorus_pro.bad_answer", path=path)
    refusal = _refusal(data)
    if refusal is not None:
        raise refusal
    return data


def _refusal(data: object) -> ChorusProRefused | None:
    if not isinstance(data, Mapping) or "codeRetour" not in data:
        return None
    code = data.get("codeRetour")
    if code in (0, "0", None):
        return None
    return ChorusProRefused(code=str(code), libelle=str(data.get("libelle") or ""))


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def _items(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item if isinstance(item, Mapping) else {"": item} for item in value]


def _label(item: Mapping[str, Any], key: str) -> str:
    for name in (key, "libelle", "libelleErreur", ""):
        value = item.get(name)
        if value not in (None, ""):
            return str(value)
    return json.dumps(dict(item), ensure_ascii=False)


def _text(data: Mapping[str, Any], key: str, path: str) -> str:
    value = data.get(key)
    if value is None or isinstance(value, bool) or value == "":
        raise ChorusProTimeout("chorus_pro.bad_answer", path=path)
    return str(value)


def _cpp_id(cpp_invoice_id: str) -> int | str:
    # Chorus Pro's invoice ids are numbers (``identifiantFactureCPP``).
    return int(cpp_invoice_id) if cpp_invoice_id.isdigit() else cpp_invoice_id


def _when(value: object) -> datetime | None:
    """A Chorus Pro time: ISO text (date only, or with a time, with or without an
    offset; a space for the ``T``) or milliseconds since 1970. Aware, UTC."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:  # exact for whole milliseconds (a float division is not)
            return _EPOCH + timedelta(milliseconds=value)
        except (OverflowError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        try:
            at = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=_CHORUS_ZONE)
    return at.astimezone(UTC)

"""The Repository over HTTP: talks to ``cofatui serve`` with httpx.

Same methods, same public models, same errors as the SQL repository: the server runs
the SQL repository for the token's user and sends errors as ``CofaError.to_dict()``
JSON, which :func:`cofatui.errors.error_from_dict` turns back into the same class.

- Every call has a timeout; a server that cannot be reached or does not answer in time
  raises :class:`Unavailable` ("Cannot reach the server at …"), so the UI shows a
  message and works again once the server is back.
- Reads (GET) are retried twice with a short backoff on connection failures, timeouts
  and 502/503/504 from a proxy; writes are never retried, since a write whose answer
  was lost may have been applied.
- The token travels only in the ``Authorization`` header.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from cofatui import __version__
from cofatui.errors import (
    CofaError,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
    error_from_dict,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.http.jobs import HttpJobAreas
from cofatui.schemas import (
    AdditionalDeclaration,
    AuditEntryPublic,
    ClaimCreate,
    ClaimDetail,
    ClaimPublic,
    ClaimQueueFilter,
    ClaimQueueItem,
    ClaimStatusChange,
    CompanyCreate,
    CompanyDetail,
    CompanyPublic,
    CompanySearch,
    ContractPublic,
    DebtorClaimsRow,
    DocumentPublic,
    EndingGuarantee,
    ExchangeRateCreate,
    ExchangeRatePublic,
    ExtensionCreate,
    ExtensionDecisionInput,
    ExtensionPublic,
    IndemnityUpdate,
    LineValidation,
    NewActionItem,
    NotificationFilter,
    NotificationRow,
    Page,
    PendingRequest,
    PlanLineInput,
    PortfolioCriteria,
    PortfolioEntryUpdate,
    PortfolioRow,
    Principal,
    ProductEventPublic,
    ProductPublic,
    ProductRequest,
    QueueFilter,
    QueueItem,
    UnderwriterDecisionInput,
    WapSummary,
)

T = TypeVar("T")

RETRIES = 2
BACKOFF_SECONDS = 0.2
RETRY_STATUSES = frozenset({502, 503, 504})

_PRINCIPAL = TypeAdapter(Principal)
_CONTRACTS = TypeAdapter(list[ContractPublic])
_COMPANY = TypeAdapter(CompanyPublic)
_COMPANIES = TypeAdapter(Page[CompanyPublic])
_PORTFOLIO = TypeAdapter(Page[PortfolioRow])
_ROW = TypeAdapter(PortfolioRow)
_PRODUCTS = TypeAdapter(list[ProductPublic])
_EVENTS = TypeAdapter(list[ProductEventPublic])
_PENDING = TypeAdapter(Page[PendingRequest])
_ENDING = TypeAdapter(Page[EndingGuarantee])
_WAP = TypeAdapter(WapSummary)
_DETAIL = TypeAdapter(CompanyDetail)
_MENU = TypeAdapter(list[NewActionItem])
_PRODUCT = TypeAdapter(ProductPublic)
_QUEUE = TypeAdapter(Page[QueueItem])
_NOTIFICATIONS = TypeAdapter(Page[NotificationRow])
_CLAIM = TypeAdapter(ClaimPublic)
_CLAIMS = TypeAdapter(Page[ClaimPublic])
_AUDIT = TypeAdapter(Page[AuditEntryPublic])
_DEBTORS = TypeAdapter(Page[DebtorClaimsRow])
_CLAIM_DETAIL = TypeAdapter(ClaimDetail)
_CLAIM_QUEUE = TypeAdapter(Page[ClaimQueueItem])
_DOCUMENT = TypeAdapter(DocumentPublic)
_KEYS = TypeAdapter(list[str])
_EXTENSION = TypeAdapter(ExtensionPublic)
_EXTENSIONS = TypeAdapter(list[ExtensionPublic])
_RATE = TypeAdapter(ExchangeRatePublic)
_RATES = TypeAdapter(Page[ExchangeRatePublic])


class _Draft(BaseModel):
    payload: dict[str, Any] | None = None


_DRAFT = TypeAdapter(_Draft)


def _query(model: BaseModel | None) -> dict[str, Any]:
    """A filter model as query parameters: only what differs from the defaults, lists
    as repeated parameters, values in their JSON form (Decimal as text, enums as values)."""
    if model is None:
        return {}
    return {k: v for k, v in model.model_dump(mode="json", exclude_defaults=True).items()
            if v is not None}


def _page(offset: int, limit: int) -> dict[str, int]:
    return {"offset": max(0, int(offset)), "limit": max(1, min(int(limit), MAX_PAGE))}


class HttpRepository(HttpJobAreas):
    """The Repository protocol against a ``cofatui serve`` at ``base_url``."""

    def __init__(self, base_url: str, token: str, *, client: httpx.Client | None = None,
                 timeout: float = 10.0, retries: int = RETRIES,
                 backoff: float = BACKOFF_SECONDS) -> None:
        base_url = base_url.strip().rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise ValidationFailed("api.client.not_a_url", field="api", url=base_url)
        if not token or any(ch.isspace() for ch in token):
            raise Unauthenticated("api.client.bad_token")
        self.base_url = base_url
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                         "User-Agent": f"cofatui/{__version__}"}
        self._own_client = client is None
        self._client = client if client is not None else httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)), follow_redirects=False)
        self._retries = max(0, retries)
        self._backoff = backoff

    # --- transport ------------------------------------------------------------------
    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              body: Any = None, content: bytes | None = None) -> httpx.Response:
        url = self.base_url + path
        headers = self._headers if content is None else {
            **self._headers, "Content-Type": "application/octet-stream"}
        attempts = 1 + (self._retries if method == "GET" else 0)
        failure: CofaError | None = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(self._backoff * (2 ** (attempt - 1)))
            try:
                response = self._client.request(method, url, params=params, json=body,
                                                content=content, headers=headers)
            except httpx.TimeoutException as exc:
                failure = Unavailable("api.client.timeout", url=self.base_url)
                failure.__cause__ = exc
                continue
            except httpx.TransportError as exc:
                failure = Unavailable("api.client.unreachable", url=self.base_url,
                                      reason=_reason(exc))
                failure.__cause__ = exc
                continue
            if response.status_code in RETRY_STATUSES and attempt + 1 < attempts:
                failure = self._error(response)
                continue
            if response.is_success:
                return response
            raise self._error(response)
        assert failure is not None
        raise failure

    def _error(self, response: httpx.Response) -> CofaError:
        status = response.status_code
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("error"), str):
            error = error_from_dict(payload)
            if status == 401 and not isinstance(error, Unauthenticated):
                return Unauthenticated(error.code, **error.params)
            if status == 413:
                return ValidationFailed(error.code, **error.params)
            return error
        if status == 401:
            return Unauthenticated("api.client.token_refused")
        if status == 413:
            return ValidationFailed("api.client.too_large")
        if status in RETRY_STATUSES:
            return Unavailable("api.client.unavailable", url=self.base_url, status=status)
        return CofaError("api.client.unexpected_status", url=self.base_url, status=status)

    def _get(self, adapter: TypeAdapter[T], path: str,
             params: Mapping[str, Any] | None = None) -> T:
        return self._parse(adapter, self._call("GET", path, params=params))

    def _send(self, adapter: TypeAdapter[T], method: str, path: str, body: Any) -> T:
        return self._parse(adapter, self._call(method, path, body=body))

    def _parse(self, adapter: TypeAdapter[T], response: httpx.Response) -> T:
        try:
            return adapter.validate_json(response.content)
        except ValidationError as exc:
            raise CofaError("api.client.not_understood", url=self.base_url,
                            count=exc.error_count()) from exc

    # --- identity -------------------------------------------------------------------
    def whoami(self) -> Principal:
        return self._get(_PRINCIPAL, "/me")

    def contracts(self) -> list[ContractPublic]:
        return self._get(_CONTRACTS, "/contracts")

    # --- companies ------------------------------------------------------------------
    def get_company(self, company_id: int) -> CompanyPublic:
        return self._get(_COMPANY, f"/companies/{int(company_id)}")

    def search_companies(self, search: CompanySearch, offset: int = 0,
                         limit: int = 100) -> Page[CompanyPublic]:
        return self._get(_COMPANIES, "/companies", {**_query(search), **_page(offset, limit)})

    def create_company(self, data: CompanyCreate) -> CompanyPublic:
        return self._send(_COMPANY, "POST", "/companies", data.model_dump(mode="json"))

    # --- portfolio ------------------------------------------------------------------
    def portfolio(self, contract_id: int, criteria: PortfolioCriteria | None = None,
                  offset: int = 0, limit: int = 100, with_total: bool = True
                  ) -> Page[PortfolioRow]:
        params: dict[str, Any] = {**_query(criteria), **_page(offset, limit)}
        if not with_total:
            params["with_total"] = False
        return self._get(_PORTFOLIO, f"/contracts/{int(contract_id)}/portfolio", params)

    def update_portfolio_entry(self, entry_id: int, changes: PortfolioEntryUpdate,
                               version: int) -> PortfolioRow:
        body = {"version": version, "changes": changes.model_dump(mode="json")}
        return self._send(_ROW, "PATCH", f"/portfolio-entries/{int(entry_id)}", body)

    def set_favourite(self, company_id: int, favourite: bool) -> None:
        self._call("PUT", f"/companies/{int(company_id)}/favourite",
                   body={"favourite": bool(favourite)})

    # --- products -------------------------------------------------------------------
    def company_products(self, contract_id: int, company_id: int) -> list[ProductPublic]:
        return self._get(_PRODUCTS,
                         f"/contracts/{int(contract_id)}/companies/{int(company_id)}/products")

    def product_history(self, product_id: int) -> list[ProductEventPublic]:
        return self._get(_EVENTS, f"/products/{int(product_id)}/history")

    def pending_requests(self, contract_id: int, offset: int = 0,
                         limit: int = 100) -> Page[PendingRequest]:
        return self._get(_PENDING, f"/contracts/{int(contract_id)}/pending-requests",
                         _page(offset, limit))

    def ending_guarantees(self, contract_id: int, within_days: int, offset: int = 0,
                          limit: int = 100) -> Page[EndingGuarantee]:
        return self._get(_ENDING, f"/contracts/{int(contract_id)}/ending-guarantees",
                         {"within_days": int(within_days), **_page(offset, limit)})

    def raise_end_alerts(self, contract_id: int) -> int:
        return _count(self._call("POST", f"/contracts/{int(contract_id)}/end-alerts",
                                 body={}))

    def wap(self, contract_id: int) -> WapSummary:
        return self._get(_WAP, f"/contracts/{int(contract_id)}/wap")

    # --- company detail, NEW ACTION and product commands -----------------------------
    def company_detail(self, contract_id: int, company_id: int) -> CompanyDetail:
        return self._get(_DETAIL, f"/contracts/{int(contract_id)}/companies/{int(company_id)}")

    def new_action_menu(self, contract_id: int, company_id: int) -> list[NewActionItem]:
        return self._get(_MENU, f"/contracts/{int(contract_id)}/companies/{int(company_id)}"
                                "/new-action")

    def request_product(self, request: ProductRequest) -> ProductPublic:
        return self._send(_PRODUCT, "POST", "/products", request.model_dump(mode="json"))

    def modify_product(self, product_id: int, amount: Decimal, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/modify",
                          {"amount": str(amount), "version": version})

    def transform_product(self, product_id: int, target: str, version: int,
                          amount: Decimal | None = None) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/transform",
                          {"target": target, "version": version,
                           "amount": None if amount is None else str(amount)})

    def renew_product(self, product_id: int, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/renew",
                          {"version": version})

    def cancel_request(self, product_id: int, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/cancel-request",
                          {"version": version})

    def delete_product(self, product_id: int, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/delete",
                          {"version": version})

    def stop_monitoring(self, product_id: int, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/stop-monitoring",
                          {"version": version})

    def answer_topliner_quote(self, product_id: int, answer: str,
                              version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/quote-answer",
                          {"answer": answer, "version": version})

    # --- underwriter ------------------------------------------------------------------
    def underwriter_queue(self, flt: QueueFilter | None = None, offset: int = 0,
                          limit: int = 100) -> Page[QueueItem]:
        return self._get(_QUEUE, "/underwriter/queue", {**_query(flt), **_page(offset, limit)})

    def decide_request(self, product_id: int, decision: UnderwriterDecisionInput,
                       version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/decision",
                          {"decision": decision.model_dump(mode="json"), "version": version})

    def set_company_dra(self, company_id: int, dra: int, version: int,
                        comment: str = "") -> int:
        return _count(self._call("PUT", f"/companies/{int(company_id)}/dra",
                                 body={"dra": dra, "version": version, "comment": comment}))

    # --- notifications --------------------------------------------------------------
    def notifications(self, flt: NotificationFilter | None = None, offset: int = 0,
                      limit: int = 100, with_total: bool = True) -> Page[NotificationRow]:
        params: dict[str, Any] = {**_query(flt), **_page(offset, limit)}
        if not with_total:
            params["with_total"] = False
        return self._get(_NOTIFICATIONS, "/notifications", params)

    def unread_count(self, contract_id: int | None = None) -> int:
        params = {} if contract_id is None else {"contract_id": int(contract_id)}
        return _count(self._call("GET", "/notifications/unread-count", params=params))

    def mark_notifications(self, ids: Sequence[int], read: bool) -> int:
        return _count(self._call("POST", "/notifications/mark",
                                 body={"ids": [int(i) for i in ids], "read": bool(read)}))

    def delete_notifications(self, ids: Sequence[int]) -> int:
        return _count(self._call("POST", "/notifications/delete",
                                 body={"ids": [int(i) for i in ids]}))

    # --- claims ---------------------------------------------------------------------
    def submit_claim(self, data: ClaimCreate) -> ClaimPublic:
        return self._send(_CLAIM, "POST", "/claims", data.model_dump(mode="json"))

    def claims(self, contract_id: int, offset: int = 0, limit: int = 100) -> Page[ClaimPublic]:
        return self._get(_CLAIMS, f"/contracts/{int(contract_id)}/claims", _page(offset, limit))

    def claims_portfolio(self, contract_id: int, text: str | None = None, offset: int = 0,
                         limit: int = 100) -> Page[DebtorClaimsRow]:
        params: dict[str, Any] = _page(offset, limit)
        if text is not None:
            params["text"] = text
        return self._get(_DEBTORS, f"/contracts/{int(contract_id)}/claims-portfolio", params)

    def claim_detail(self, claim_id: int) -> ClaimDetail:
        return self._get(_CLAIM_DETAIL, f"/claims/{int(claim_id)}")

    def add_declaration(self, claim_id: int, data: AdditionalDeclaration,
                        version: int) -> ClaimPublic:
        return self._send(_CLAIM, "POST", f"/claims/{int(claim_id)}/declarations",
                          {"version": version, "declaration": data.model_dump(mode="json")})

    def add_document(self, claim_id: int, filename: str, content: bytes, category: str,
                     comment: str = "") -> DocumentPublic:
        response = self._call("POST", f"/claims/{int(claim_id)}/documents",
                              params={"filename": filename, "category": category,
                                      "comment": comment},
                              content=bytes(content))
        return self._parse(_DOCUMENT, response)

    def document_content(self, document_id: int) -> bytes:
        return self._call("GET", f"/documents/{int(document_id)}/content").content

    # --- claims handler -------------------------------------------------------------
    def validate_claim_lines(self, claim_id: int, lines: LineValidation,
                             version: int) -> ClaimPublic:
        return self._send(_CLAIM, "POST", f"/claims/{int(claim_id)}/line-validation",
                          {"version": version, "lines": lines.model_dump(mode="json")})

    def set_claim_status(self, claim_id: int, change: ClaimStatusChange,
                         version: int) -> ClaimPublic:
        return self._send(_CLAIM, "POST", f"/claims/{int(claim_id)}/status",
                          {"version": version, "change": change.model_dump(mode="json")})

    def set_indemnity(self, claim_id: int, update: IndemnityUpdate,
                      version: int) -> ClaimPublic:
        return self._send(_CLAIM, "PUT", f"/claims/{int(claim_id)}/indemnity",
                          {"version": version, "update": update.model_dump(mode="json")})

    def claims_queue(self, flt: ClaimQueueFilter | None = None, offset: int = 0,
                     limit: int = 100) -> Page[ClaimQueueItem]:
        return self._get(_CLAIM_QUEUE, "/underwriter/claims",
                         {**_query(flt), **_page(offset, limit)})

    # --- exchange rates -------------------------------------------------------------
    def record_exchange_rate(self, data: ExchangeRateCreate) -> ExchangeRatePublic:
        return self._send(_RATE, "POST", "/exchange-rates", data.model_dump(mode="json"))

    def exchange_rates(self, currency: str | None = None, offset: int = 0,
                       limit: int = 100) -> Page[ExchangeRatePublic]:
        params: dict[str, Any] = _page(offset, limit)
        if currency is not None:
            params["currency"] = currency
        return self._get(_RATES, "/exchange-rates", params)

    # --- extensions of due date ------------------------------------------------------
    def extensions(self, contract_id: int, company_id: int | None = None
                   ) -> list[ExtensionPublic]:
        params = {} if company_id is None else {"company_id": int(company_id)}
        return self._get(_EXTENSIONS, f"/contracts/{int(contract_id)}/extensions", params)

    def request_extension(self, data: ExtensionCreate) -> ExtensionPublic:
        return self._send(_EXTENSION, "POST", "/extensions", data.model_dump(mode="json"))

    def cancel_extension(self, extension_id: int, version: int) -> ExtensionPublic:
        return self._send(_EXTENSION, "POST", f"/extensions/{int(extension_id)}/cancel",
                          {"version": version})

    def modify_extension(self, extension_id: int, plan: Sequence[PlanLineInput],
                         version: int) -> ExtensionPublic:
        return self._send(_EXTENSION, "PUT", f"/extensions/{int(extension_id)}/plan",
                          {"version": version,
                           "plan": [line.model_dump(mode="json") for line in plan]})

    def decide_extension(self, extension_id: int, decision: ExtensionDecisionInput,
                         version: int) -> ExtensionPublic:
        return self._send(_EXTENSION, "POST", f"/extensions/{int(extension_id)}/decision",
                          {"version": version, "decision": decision.model_dump(mode="json")})

    # --- drafts ---------------------------------------------------------------------
    def save_draft(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        self._call("PUT", "/drafts/draft", params={"kind": kind, "key": key},
                   body={"payload": payload})

    def load_draft(self, kind: str, key: str) -> dict[str, Any] | None:
        return self._get(_DRAFT, "/drafts/draft", {"kind": kind, "key": key}).payload

    def delete_draft(self, kind: str, key: str) -> None:
        self._call("DELETE", "/drafts/draft", params={"kind": kind, "key": key})

    def list_drafts(self, kind: str) -> list[str]:
        return self._get(_KEYS, "/drafts", {"kind": kind})

    # --- audit ----------------------------------------------------------------------
    def audit_log(self, offset: int = 0, limit: int = 100) -> Page[AuditEntryPublic]:
        return self._get(_AUDIT, "/audit", _page(offset, limit))

    # --- lifetime -------------------------------------------------------------------
    def close(self) -> None:
        """Close the HTTP client if this repository created it (a given one is the
        caller's to close)."""
        if self._own_client:
            self._client.close()

    def __enter__(self) -> HttpRepository:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # never shows the token
        return f"HttpRepository({self.base_url!r})"


def _count(response: httpx.Response) -> int:
    try:
        return int(response.json()["count"])
    except (ValueError, KeyError, TypeError) as exc:
        raise CofaError("api.client.no_count") from exc


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def open_http_repository(api_url: str, token: str, *, client: httpx.Client | None = None,
                         timeout: float = 10.0, verify: bool = True) -> HttpRepository:
    """The repository for ``--api URL`` and a token. With ``verify`` (the default) it
    asks the server who the token belongs to, so a wrong URL or token fails at once with
    a clear message (Unavailable / Unauthenticated) rather than at the first screen."""
    repo = HttpRepository(api_url, token, client=client, timeout=timeout)
    if verify:
        try:
            repo.whoami()
        except BaseException:
            repo.close()
            raise
    return repo


__all__ = ["HttpRepository", "open_http_repository"]

"""The transport of the Repository over HTTP: one httpx client talking to ``cofatui
serve``, shared by the root (``repository.py``) and every area module of this package.

Same methods, same public models, same errors as the SQL repository: the server runs
the SQL repository for the token's user and sends errors as ``CofaError.to_dict()``
JSON, which :func:`cofatui.errors.error_from_dict` turns back into the same class.

- Every call has a timeout; a server that cannot be reached or does not answer in time
  raises :class:`Unavailable` ("Cannot reach the server at …"), so the UI shows a
  message and works again once the server is back.
- Reads (GET) are retried twice with a short backoff on connection failures, timeouts
  and 502/503/504 from a proxy; writes are never retried, since a write whose answer
  was lost may have been applied. A write that failed says which: refused before it was
  sent (``api.client.write_not_sent``: nothing changed) or sent and its answer lost
  (``api.client.write_maybe_applied``: check before retrying).
- The token travels only in the ``Authorization`` header.
"""

from __future__ import annotations

import errno
import json
import socket
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from cofatui import __version__
from cofatui.errors import (
    CofaError,
    FieldError,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
    error_from_dict,
)
from cofatui.i18n.messages import Term
from cofatui.repository.base import MAX_PAGE
from cofatui.rules.text import INVALID_UNICODE, text_errors
from cofatui.schemas import Seek

T = TypeVar("T")

RETRIES = 2
BACKOFF_SECONDS = 0.2
RETRY_STATUSES = frozenset({502, 503, 504})

def query_params(model: BaseModel | None) -> dict[str, Any]:
    """A filter model as query parameters: only what differs from the defaults, lists
    as repeated parameters, values in their JSON form (Decimal as text, enums as values)."""
    if model is None:
        return {}
    return {k: v for k, v in model.model_dump(mode="json", exclude_defaults=True).items()
            if v is not None}


def page_params(offset: int, limit: int) -> dict[str, int]:
    return {"offset": max(0, int(offset)), "limit": max(1, min(int(limit), MAX_PAGE))}


def seek_params(offset: int, limit: int, seek: Seek | None) -> dict[str, Any]:
    """The query parameters of a page read by offset, or by key (issue 21): ``after``,
    ``before`` or ``last`` as the list routes take them (``seek_of`` on the server)."""
    params: dict[str, Any] = dict(page_params(0 if seek else offset, limit))
    if seek is not None:
        if seek.after is not None:
            params["after"] = seek.after
        elif seek.before is not None:
            params["before"] = seek.before
        elif seek.last:
            params["last"] = True
    return params


class HttpClient:
    """The transport to a ``cofatui serve`` at ``base_url``, authenticated by a token."""

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
              body: Any = None, content: bytes | None = None,
              wait: float | None = None, content_type: str | None = None) -> httpx.Response:
        """``wait``: how long a call that works a while on the server (a user import
        creating 500 accounts) may wait for its answer, beyond the client's timeout.
        ``content_type``: that of ``content`` (default octet-stream; a multipart form
        names its boundary)."""
        url = self.base_url + path
        limit: Any = httpx.USE_CLIENT_DEFAULT if wait is None else httpx.Timeout(
            max(wait, self._client.timeout.read or 0.0), connect=self._client.timeout.connect)
        headers = self._headers if content is None else {
            **self._headers, "Content-Type": content_type or "application/octet-stream"}
        _check_params(params)
        payload = content
        if content is None and body is not None:
            # Encoded here rather than by httpx (which writes UTF-8 as is): ASCII escapes
            # carry a lone surrogate to the server, whose guard refuses it at its field,
            # instead of failing to encode on this side.
            payload = json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode()
            headers = {**headers, "Content-Type": "application/json"}
        attempts = 1 + (self._retries if method == "GET" else 0)
        failure: CofaError | None = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(self._backoff * (2 ** (attempt - 1)))
            try:
                response = self._client.request(method, url, params=params,
                                                content=payload, headers=headers,
                                                timeout=limit)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Refused before a byte was sent: a write was not applied.
                failure = Unavailable("api.client.unreachable", url=self.base_url,
                                      reason=_reason(exc)) if method == "GET" \
                    else Unavailable("api.client.write_not_sent", url=self.base_url,
                                     reason=_reason(exc))
                failure.__cause__ = exc
                continue
            except httpx.TransportError as exc:
                # Sent, the answer lost (a timeout, a dropped connection): a write may
                # have been applied, and is never sent again here.
                if method != "GET":
                    failure = Unavailable("api.client.write_maybe_applied",
                                          url=self.base_url, reason=_reason(exc))
                elif isinstance(exc, httpx.TimeoutException):
                    failure = Unavailable("api.client.timeout", url=self.base_url)
                else:
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
                return ValidationFailed([FieldError("", error.code, error.params)])
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

    # --- lifetime -------------------------------------------------------------------
    def close(self) -> None:
        """Close the HTTP client if this repository created it (a given one is the
        caller's to close)."""
        if self._own_client:
            self._client.close()

    def __repr__(self) -> str:  # never shows the token
        return f"{type(self).__name__}({self.base_url!r})"


class HttpArea:
    """Base of an area over HTTP: holds the transport and forwards its calls, so an
    area's methods read like the transport's."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              body: Any = None, content: bytes | None = None,
              wait: float | None = None, content_type: str | None = None) -> httpx.Response:
        return self.http._call(method, path, params=params, body=body, content=content,
                               wait=wait, content_type=content_type)

    def _get(self, adapter: TypeAdapter[T], path: str,
             params: Mapping[str, Any] | None = None) -> T:
        return self.http._get(adapter, path, params)

    def _send(self, adapter: TypeAdapter[T], method: str, path: str, body: Any) -> T:
        return self.http._send(adapter, method, path, body)

    def _parse(self, adapter: TypeAdapter[T], response: httpx.Response) -> T:
        return self.http._parse(adapter, response)


def count_of(response: httpx.Response) -> int:
    try:
        return int(response.json()["count"])
    except (ValueError, KeyError, TypeError) as exc:
        raise CofaError("api.client.no_count") from exc


def _check_params(params: Mapping[str, Any] | None) -> None:
    """A URL cannot carry a lone surrogate (it has no UTF-8 form): refuse it here at its
    field, with the server's own code, as the server would refuse it in a body."""
    errors = [error for name, value in (params or {}).items() if isinstance(value, str)
              for error in text_errors(name, value, multiline=True, max_chars=len(value))
              if error.code == INVALID_UNICODE]
    if errors:
        raise ValidationFailed(errors)


#: The network failures a user meets, in words of their language rather than the system's
#: English ("[Errno 111] Connection refused").
_REASONS = {errno.ECONNREFUSED: "refused", errno.ECONNRESET: "reset",
            errno.ETIMEDOUT: "timeout", errno.EHOSTUNREACH: "host_unreachable",
            errno.ENETUNREACH: "network_unreachable", errno.EPIPE: "reset"}


def _reason(exc: httpx.TransportError) -> str | Term:
    """Why the server could not be reached: a catalog term for the usual causes, else
    the first line of the library's text."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return Term("errors.api.client.reason.unknown_host")
        if isinstance(cause, OSError) and cause.errno in _REASONS:
            return Term(f"errors.api.client.reason.{_REASONS[cause.errno]}")
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.TimeoutException):
        return Term("errors.api.client.reason.timeout")
    if isinstance(exc, httpx.RemoteProtocolError):
        return Term("errors.api.client.reason.closed")
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


__all__ = ["HttpArea", "HttpClient"]

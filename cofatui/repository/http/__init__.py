"""The Repository over HTTP: talks to ``cofatui serve`` with httpx.

``client`` holds the transport (timeouts, retries, errors rebuilt from the API's
body) and the root; each area of the protocol has its module here."""

from __future__ import annotations

from cofatui.repository.http.repository import HttpRepository, open_http_repository

__all__ = ["HttpRepository", "open_http_repository"]

"""``repo.claim_accounting`` over HTTP (issue 20). Being written this session: see the protocol
in ``repository/areas/claim_accounting.py``."""

from __future__ import annotations

from cofatui.repository.http.client import HttpArea


class HttpClaimAccounting(HttpArea):
    """``repo.claim_accounting`` over HTTP."""

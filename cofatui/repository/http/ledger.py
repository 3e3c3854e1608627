"""``repo.ledger`` over HTTP (issue 20). Being written this session: see the protocol
in ``repository/areas/ledger.py``."""

from __future__ import annotations

from cofatui.repository.http.client import HttpArea


class HttpLedger(HttpArea):
    """``repo.ledger`` over HTTP."""

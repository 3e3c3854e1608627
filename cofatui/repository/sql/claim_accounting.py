"""``repo.claim_accounting`` on SQL (issue 20). Being written this session: see the protocol in
``repository/areas/claim_accounting.py``."""

from __future__ import annotations

from cofatui.repository.sql.core import SqlArea


class SqlClaimAccounting(SqlArea):
    """``repo.claim_accounting`` on SQL."""

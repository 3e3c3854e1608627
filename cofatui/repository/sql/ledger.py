"""``repo.ledger`` on SQL (issue 20). Being written this session: see the protocol in
``repository/areas/ledger.py``."""

from __future__ import annotations

from cofatui.repository.sql.core import SqlArea


class SqlLedger(SqlArea):
    """``repo.ledger`` on SQL."""

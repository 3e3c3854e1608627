"""``repo.premiums`` on SQL (issue 20). Being written this session: see the protocol in
``repository/areas/premiums.py``."""

from __future__ import annotations

from cofatui.repository.sql.core import SqlArea


class SqlPremiums(SqlArea):
    """``repo.premiums`` on SQL."""

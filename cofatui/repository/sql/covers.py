"""``repo.covers`` on SQL (issue 20). Being written this session: see the protocol in
``repository/areas/covers.py``."""

from __future__ import annotations

from cofatui.repository.sql.core import SqlArea


class SqlCovers(SqlArea):
    """``repo.covers`` on SQL."""

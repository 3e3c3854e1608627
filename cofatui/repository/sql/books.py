"""``repo.books`` on SQL (issue 20). Being written this session: see the protocol in
``repository/areas/books.py``."""

from __future__ import annotations

from cofatui.repository.sql.core import SqlArea


class SqlBooks(SqlArea):
    """``repo.books`` on SQL."""

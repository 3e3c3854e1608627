"""``repo.books`` over HTTP (issue 20). Being written this session: see the protocol
in ``repository/areas/books.py``."""

from __future__ import annotations

from cofatui.repository.http.client import HttpArea


class HttpBooks(HttpArea):
    """``repo.books`` over HTTP."""

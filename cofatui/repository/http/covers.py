"""``repo.covers`` over HTTP (issue 20). Being written this session: see the protocol
in ``repository/areas/covers.py``."""

from __future__ import annotations

from cofatui.repository.http.client import HttpArea


class HttpCovers(HttpArea):
    """``repo.covers`` over HTTP."""

"""``repo.premiums`` over HTTP (issue 20). Being written this session: see the protocol
in ``repository/areas/premiums.py``."""

from __future__ import annotations

from cofatui.repository.http.client import HttpArea


class HttpPremiums(HttpArea):
    """``repo.premiums`` over HTTP."""

"""``repo.products`` on SQL, made of its parts: reading products
(``product_queries``), ordering and the request lifecycle (``product_commands``,
``product_lifecycle``) and the TopLiner end alerts (``end_alerts``)."""

from __future__ import annotations

from cofatui.repository.sql.end_alerts import EndAlerts
from cofatui.repository.sql.product_lifecycle import ProductLifecycle
from cofatui.repository.sql.product_queries import ProductQueries


class SqlProducts(ProductQueries, EndAlerts, ProductLifecycle):
    """``repo.products`` on SQL."""

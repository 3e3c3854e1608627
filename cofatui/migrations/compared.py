"""What alembic's autogenerate compares between the models and a migrated database: its
``include_object`` hook. Shared by ``env.py`` (a developer's ``alembic revision
--autogenerate``) and the tests that check the migrated schema equals the models, so
neither proposes nor reports objects that are the migrations' own on purpose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: SQLite FTS5 tables (and their shadow tables) the migrations create for the search
#: indexes; the models do not declare them.
FTS_TABLES = ("portfolio_search", "claim_debtor_search", "notification_search")


def include_object_for(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """The hook for a database of ``dialect``. Left out: what the models create on the
    other backend only (``ddl_if``, which alembic does not know of: on PostgreSQL it
    would propose SQLite's ``ix_notification_state_user_read`` again), the GIN text
    search indexes and the FTS5 tables, which only the migrations make."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool,
                _compare_to: Any) -> bool:
        if reflected:
            if type_ == "index" and obj.kwargs.get("postgresql_using") == "gin":
                return False
            return not (type_ == "table" and (name or "").startswith(FTS_TABLES))
        only = getattr(obj, "_ddl_if", None)
        return only is None or only.dialect in (None, dialect)

    return include


__all__ = ["FTS_TABLES", "include_object_for"]

"""What alembic's autogenerate compares between the models and a migrated database: its
``include_object`` hook. Shared by ``env.py`` (a developer's ``alembic revision
--autogenerate``) and the tests that check the migrated schema equals the models, so
neither proposes nor reports objects that are the migrations' own on purpose."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

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


def schema_differences(connection: Connection) -> list[Any]:
    """What autogenerate would change to make the database of ``connection`` match the
    models (types aside), with :func:`include_object_for` its dialect: empty when the
    migrations and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import cofatui.models  # noqa: F401  (registers every table on the metadata)

    context = MigrationContext.configure(connection, opts={
        "compare_type": False, "include_object": include_object_for(connection.dialect.name)})
    return list(compare_metadata(context, SQLModel.metadata))


__all__ = ["FTS_TABLES", "include_object_for", "schema_differences"]

"""Schema migrations (Alembic). The app upgrades the database on start; ``cofatui db
upgrade`` does it explicitly.

``HEAD`` names the newest revision so that start-up can tell "up to date" with one
cheap query instead of loading Alembic; a unit test keeps it equal to the script head.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

HEAD = "0040_notification_indexes"
HERE = Path(__file__).parent


def alembic_config(url: str = "") -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(HERE / "versions"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def current_revision(engine: Engine) -> str | None:
    from cofatui.repository.sql.engine import translated_errors

    with translated_errors(), engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == HEAD


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction."""
    _move(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` in one transaction (tests of migrations)."""
    _move(engine, "downgrade", revision)


def _move(engine: Engine, direction: str, revision: str) -> None:
    from alembic import command

    from cofatui.repository.sql.engine import translated_errors

    cfg = alembic_config()
    with translated_errors(), engine.connect() as conn:
        conn.info["write"] = True
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                getattr(command, direction)(cfg, revision)
        finally:
            conn.info["write"] = False

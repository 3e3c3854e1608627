"""Where cofatui keeps its files: the one seam tests and CI patch.

Paths come from platformdirs (app name ``cofatui``) unless ``COFATUI_CONFIG_DIR`` or
``COFATUI_DATA_DIR`` name other directories. Nothing here touches the disk until a
caller asks for it with :func:`ensure_dir`: importing this module or asking for a path
never creates a directory (a read-only ``--help`` must leave no trace).

platformdirs is imported on first use only, to keep start-up before the first frame cheap.
"""

from __future__ import annotations

import os
from pathlib import Path

from cofatui.errors import CofaError

APP_NAME = "cofatui"
CONFIG_DIR_ENV = "COFATUI_CONFIG_DIR"
DATA_DIR_ENV = "COFATUI_DATA_DIR"

CONFIG_FILE_NAME = "config.toml"
SQLITE_FILE_NAME = "cofatui.sqlite"


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    # Absolute, so that a later chdir cannot move the user's files.
    return Path(value).expanduser().absolute()


def config_dir() -> Path:
    """The directory holding ``config.toml`` (not created)."""
    override = _from_env(CONFIG_DIR_ENV)
    if override is not None:
        return override
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """The directory holding the embedded database, attachments and exports (not created)."""
    override = _from_env(DATA_DIR_ENV)
    if override is not None:
        return override
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_config_file() -> Path:
    return config_dir() / CONFIG_FILE_NAME


def default_sqlite_path() -> Path:
    return data_dir() / SQLITE_FILE_NAME


def default_sqlite_url() -> str:
    """SQLAlchemy URL of the embedded database (``sqlite:////abs/path`` on POSIX).

    The caller must ``ensure_dir(default_sqlite_path().parent)`` before connecting:
    SQLite creates the file but not its directory.
    """
    return "sqlite:///" + default_sqlite_path().as_posix()


def attachments_dir() -> Path:
    """Claim attachments stored by the embedded database (not created)."""
    return data_dir() / "attachments"


def exports_dir() -> Path:
    """Default destination of XLSX/CSV/FEC exports (not created)."""
    return data_dir() / "exports"


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if missing and return it.

    Raises :class:`CofaError` (``common.directory_*``) when it cannot be created, for
    example because a file already sits where the directory should be.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise CofaError("common.directory_blocked", path=str(path)) from exc
    except OSError as exc:
        # ``reason``: the system's own words (strerror), not ours to translate.
        raise CofaError("common.directory_failed", path=str(path),
                        reason=exc.strerror or str(exc)) from exc
    return path

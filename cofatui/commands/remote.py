"""Helpers for running the TUI and the CLI against a ``cofatui serve`` (``--api URL``
with ``--token-file PATH``). ``cli.py`` calls them; they are not a sub-command."""

from __future__ import annotations

from pathlib import Path

from cofatui.errors import CofaError
from cofatui.repository.http import HttpRepository, open_http_repository


def read_token_file(path: str | Path) -> str:
    """The token stored in ``path``: its first non-blank line, without whitespace."""
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CofaError("cli.token_file_missing", path=str(file)) from None
    except IsADirectoryError:
        raise CofaError("cli.token_file_is_dir", path=str(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CofaError("cli.token_file_unreadable", path=str(file), reason=str(exc)) from exc
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    raise CofaError("cli.token_file_empty", path=str(file))


def open_remote_repository(api_url: str, token_file: str | Path,
                           verify: bool = True) -> HttpRepository:
    """``--api URL --token-file PATH`` → a repository on that server."""
    return open_http_repository(api_url, read_token_file(token_file), verify=verify)


__all__ = ["open_remote_repository", "read_token_file"]

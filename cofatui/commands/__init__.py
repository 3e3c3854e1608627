"""Sub-commands of the ``cofatui`` console script that live in their own module.

Each module exposes ``register(sub)``: ``sub(name, help) -> ArgumentParser`` creates a
sub-parser that already has the global options; the module adds its arguments and
``set_defaults(handler=func)``. Helpers for handlers (settings, repository) are in
``cofatui.cli``: ``load_settings_for(args)``, ``database_url(args, settings)``,
``login_for(args, settings)``, ``open_repository(args, settings)``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cofatui.repository.base import Repository

Handler = Callable[[argparse.Namespace], int]
Action = Callable[[str, str, Handler], argparse.ArgumentParser]


def actions_of(command: argparse.ArgumentParser, dest: str) -> Action:
    """For a command with actions (``cofatui jobs list``, ``cofatui bulk import``):
    ``action(name, help, handler)`` adds one, with the global options (accepted after
    the action too) and its handler."""
    from cofatui.cli import _global_options

    actions = command.add_subparsers(dest=dest, metavar="ACTION", required=True)

    def action(name: str, text: str, handler: Handler) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=text, description=text)
        _global_options(p, in_subcommand=True)
        p.set_defaults(handler=handler)
        return p

    return action


@contextmanager
def opened(args: argparse.Namespace) -> Iterator[Repository]:
    """The repository a command acts on (``--db``/``--user`` or ``--api``), in the
    language of the settings, closed afterwards; what opening it says goes to stderr."""
    from cofatui import i18n
    from cofatui.cli import load_settings_for, open_repository

    settings = load_settings_for(args)
    i18n.set_language(settings.language)
    repo = open_repository(args, settings, say=lambda text: print(text, file=sys.stderr))
    try:
        yield repo
    finally:
        repo.close()


def read_input(path: str) -> bytes:
    """The bytes of a file named on the command line; unreadable, a coded refusal that
    names it and why (not a traceback)."""
    from pathlib import Path

    from cofatui.errors import CofaError

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CofaError("bulk_api.file_unreadable", path=path,
                        reason=exc.strerror or type(exc).__name__) from exc


def all_pages(page: Callable[[int], Any]) -> list[Any]:
    """Every item of a paged list: ``page(offset)`` returns a ``Page``, called from
    offset 0 until its ``total`` is read (or a page comes back empty)."""
    out: list[Any] = []
    while True:
        got = page(len(out))
        out += got.items
        if not got.items or len(out) >= got.total:
            return out

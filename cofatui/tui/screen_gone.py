"""A screen that is gone never receives data.

Screens load in worker threads and hand the result back with
``app.call_from_thread(self._loaded, rows)``. If the user left the screen meanwhile
(Home while the portfolio was loading), the callback would query widgets of a screen
that has been popped and the app would die on ``NoMatches``. Textual cancels the
workers of a *removed* node, but a thread keeps running, and between the pop and the
removal the screen is still mounted.

The one door every worker result goes through is ``App.call_from_thread``:
:class:`DropWhenGone` (mixed into the app) checks there, on the UI thread, whether the
callback's screen is still in the app's screen stacks, and drops the call when it is
not. The callback's owner is the node a bound method belongs to (``self._loaded``,
``lst._page_arrived``) or, for a plain function or lambda, the node whose worker is
calling. A result from a worker that was cancelled (replaced by a newer exclusive one:
another contract, a new filter) is stale and dropped too. Toasts still go through.
Timers need nothing: Textual stops a node's timers when it is removed. A callback that
may be called by other means can use :func:`unless_gone`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from textual.app import App
from textual.css.query import NoMatches
from textual.dom import DOMNode, NoScreen
from textual.screen import Screen
from textual.worker import NoActiveWorker, Worker, get_current_worker

__all__ = ["DropWhenGone", "is_gone", "owner_of", "unless_gone", "unless_rebuilt"]

log = logging.getLogger(__name__)

P = ParamSpec("P")  # i18n: ok (a type variable, not text)
R = TypeVar("R")

#: What still makes sense once the screen is gone: a toast goes to the app ("Exported
#: 1 200 rows to …" must reach the user who left the portfolio meanwhile).
STILL_DELIVERED = frozenset({"notify", "bell"})


def is_gone(node: DOMNode) -> bool:
    """The node's screen has been popped (or the node removed): nothing to show it on."""
    if isinstance(node, App):
        return False
    try:
        screen = node if isinstance(node, Screen) else node.screen
    except NoScreen:
        return True
    if not node.is_attached:
        return True
    stacks = getattr(node.app, "_screen_stacks", None)
    if isinstance(stacks, dict):
        return not any(screen in stack for stack in stacks.values())
    return screen not in node.app.screen_stack


def _target(callback: Callable[..., Any]) -> Callable[..., Any]:
    return callback.func if isinstance(callback, functools.partial) else callback


def _still_delivered(callback: Callable[..., Any]) -> bool:
    target = _target(callback)
    return isinstance(getattr(target, "__self__", None), DOMNode) \
        and getattr(target, "__name__", "") in STILL_DELIVERED


def _calling_worker() -> Worker[Any] | None:
    try:
        return get_current_worker()
    except NoActiveWorker:
        return None


def owner_of(callback: Callable[..., Any]) -> DOMNode | None:
    """The node a callback acts on: a bound method's node, else the calling worker's."""
    bound = getattr(_target(callback), "__self__", None)
    if isinstance(bound, DOMNode):
        return bound
    worker = _calling_worker()
    node = worker.node if worker is not None else None
    return node if isinstance(node, DOMNode) else None


def unless_gone(method: Callable[P, R]) -> Callable[P, R | None]:
    """Decorate a node's method so it does nothing once its screen is gone."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        node = args[0] if args else None
        if isinstance(node, DOMNode) and is_gone(node):
            log.debug("dropped %s: its screen is gone", method.__qualname__)
            return None
        return method(*args, **kwargs)

    return wrapper


def unless_rebuilt(method: Callable[P, R]) -> Callable[P, R | None]:
    """Decorate a screen's result callback so it does nothing when the widgets it fills
    are not there: the screen is being rebuilt (``recompose`` after a language or
    contract change removes them before it mounts new ones), and the rebuilt screen
    loads its own data. Without it the app would die on ``NoMatches``."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(*args, **kwargs)
        except NoMatches:
            log.debug("dropped %s: its widgets are being rebuilt", method.__qualname__)
            return None

    return wrapper


class DropWhenGone:
    """Mixed into the App: results sent from threads to a gone screen are dropped."""

    def call_from_thread(self, callback: Callable[..., Any], *args: Any,
                         **kwargs: Any) -> Any:
        if _still_delivered(callback):
            return super().call_from_thread(callback, *args, **kwargs)  # type: ignore[misc]
        worker = _calling_worker()
        if worker is not None and worker.is_cancelled:
            log.debug("dropped %r: its worker was cancelled", callback)
            return None
        owner = owner_of(callback)
        if owner is None:
            return super().call_from_thread(callback, *args, **kwargs)  # type: ignore[misc]

        def deliver() -> Any:
            # Decided here, on the UI thread, where the screen stack changes: no race.
            if is_gone(owner):
                log.debug("dropped %r: its screen is gone", callback)
                return None
            return callback(*args, **kwargs)

        return super().call_from_thread(deliver)  # type: ignore[misc]

"""The Pilot helpers every TUI test shares: wait until the app is still, read what the
terminal shows, type into a field, wait for a condition.

Nothing here sleeps for a fixed time: ``settle`` waits for the workers and the message
queues, ``wait_until`` for a condition (failing after a timeout), and the app's own
delays (debounces, polls) are set near zero by the ``quick_delays`` fixture of
``tests/tui/conftest.py``.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from cofatui.tui.kit.drafts import FormDraft


async def workers_done(app: App[Any]) -> None:
    """Every worker of ``app`` finished. A worker cancelled meanwhile is finished too:
    an exclusive group cancels its running worker when the next starts (a list's count
    restarted by a newer read), which ``WorkerManager.wait_for_complete`` reports by
    raising ``WorkerCancelled``; any other failure of a worker is raised."""
    results = await asyncio.gather(*(worker.wait() for worker in list(app.workers)),
                                   return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
            raise result


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let workers finish and their results land (a worker's result may start another,
    and pages arrive through ``call_from_thread``: hence a few rounds)."""
    for _ in range(rounds - 1):
        await workers_done(pilot.app)
        # The screen's pending messages processed and the layout refreshed, without the
        # 20 ms idle-CPU watch of a bare ``pause()``...
        await pilot.pause(0)
    await workers_done(pilot.app)
    await pilot.pause()  # ...which the last round keeps: a recomposed screen mounts anew


async def wait_until(pilot: Pilot[Any], done: Callable[[], object], timeout: float = 10.0,
                     what: str = "the condition") -> None:
    """Give the app turns until ``done()`` is true; fail after ``timeout`` seconds."""
    limit = time.monotonic() + timeout
    while not done():
        if time.monotonic() > limit:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()  # the app's turn: messages, timers, results of threads


async def drafts_written(pilot: Pilot[Any]) -> None:
    """Wait until the open forms have written their drafts (the typing pause over, the
    write done)."""
    def pending() -> bool:
        for screen in pilot.app.screen_stack:
            if getattr(screen, "_draft_timer", None) is not None:  # the claim wizard
                return True
            if any(isinstance(value, FormDraft) and value._timer is not None
                   for value in vars(screen).values()):
                return True
        return False

    await wait_until(pilot, lambda: not pending(), what="the drafts written")
    await settle(pilot)


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text: the screen with what is under a modal
    and the toasts, as a snapshot draws it."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


def top_screen_text(app: App[Any]) -> str:
    """The top screen alone (a modal without the screen under it), line by line."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Clear the input ``selector`` of the current screen, type ``text`` key by key."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.value = ""
    widget.focus()
    await pilot.pause()
    await pilot.press(*text)
    await settle(pilot)


def toasts(app: App[Any]) -> str:
    """Every notification shown so far, one a line."""
    return "\n".join(n.message for n in app._notifications)


__all__ = ["drafts_written", "screen_text", "settle", "toasts", "top_screen_text", "type_into",
           "wait_until", "workers_done"]

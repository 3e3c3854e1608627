"""Every wait the TUI makes on purpose, in one place.

Debounces spare the database while the user types; polls follow work done elsewhere
(a background job, another user's decisions). The screens read these values when they
start a timer, so a test sets them near zero once (``tests/tui/conftest.py``) instead of
sleeping through them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Delays:
    """Seconds."""

    #: Between two filter queries while the user types (the first key applies at once).
    filter_debounce: float = 0.1
    #: Before a list counts its rows (skipped if the user typed on meanwhile): longer than
    #: the gap between two keys of a word, since a count cannot be stopped once it runs.
    count: float = 0.3
    #: Quiet typing before a form's draft is written.
    draft: float = 0.5
    #: Between two looks at a background job the user waits for.
    job_poll: float = 1.0
    #: Between two refreshes of the jobs list.
    jobs_refresh: float = 1.0
    #: Between two reads of the unread count in the header (decisions arrive from
    #: underwriters and rules while the user works).
    unread_poll: float = 20.0
    #: First wait before asking an unreachable server (or database) again; each failed
    #: probe doubles it, up to ``probe_max``.
    probe_first: float = 2.0
    probe_max: float = 60.0


#: The delays the app uses.
DELAYS = Delays()

__all__ = ["DELAYS", "Delays"]

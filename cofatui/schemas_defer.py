"""Whether the public models (``cofatui.schemas``) put off building their validators
until first use (pydantic's ``defer_build``), read when they are defined.

Building them costs about 0.15 s of CPU at import, before the TUI's first frame
(issue 21 item 1). Off by default: pydantic's first-use build is not thread-safe (a
model used from two threads while it builds may validate with its parent's validator),
and the API server, the CLI's commands and the job worker use models from many threads.
The CLI turns it on for the TUI only, before it imports the app; the worker that
opens the repository then builds them all (``schemas.build_deferred``) before any
other thread uses a model.
"""

from __future__ import annotations

DEFER = False

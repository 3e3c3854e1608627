"""Raw-body uploads (claim attachments, import files): the body is streamed, after the
token was checked, into a temporary file — the first ``SPOOL_MEMORY_BYTES`` in memory,
the rest on disk — and read back once, when the repository is called.

FastAPI's ``bytes`` body reads the whole body into memory (twice, while it joins the
chunks) before the route runs: ten 10 MiB uploads arriving together took the server
323 MiB higher. Here an upload in transit costs at most ``SPOOL_MEMORY_BYTES``; at
most ``UPLOAD_SLOTS`` uploads are read back and stored at a time, in threads of their
own (the repository stores the file in a column: the database driver needs its bytes
at once), the others waiting with their file on disk; and the large blocks they free
go back to the system (:func:`return_large_blocks`). Measured: 57 MiB higher for the
same ten uploads (tests/e2e/test_edge_uploads.py).

The size limit and the read deadline are those of :class:`cofatui.api.middleware.BodyLimit`,
which guards the stream read here (413, 408); a route may stop sooner with its own
refusal (an attachment over 10 MB).
"""

from __future__ import annotations

import asyncio
import ctypes
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import IO, Any, TypeVar

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from cofatui.errors import CofaError

#: The part of an upload kept in memory before it goes to disk.
SPOOL_MEMORY_BYTES = 1024 * 1024
#: Uploads read back into memory and stored at a time (one per core of a 2-core server).
UPLOAD_SLOTS = 2

T = TypeVar("T")


def raw_body(*media_types: str, description: str, required: bool = True) -> dict[str, Any]:
    """The ``openapi_extra`` of a route whose body is the raw file, sent as one of
    ``media_types`` (:class:`cofatui.api.middleware.MediaTypeGate` refuses the others)."""
    schema = {"type": "string", "format": "binary"}
    return {"requestBody": {"required": required, "description": description,
                            "content": {media: {"schema": schema} for media in media_types}}}


#: glibc's M_MMAP_THRESHOLD (malloc.h), and the threshold set: its default at start.
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


def return_large_blocks() -> None:
    """Make glibc give large blocks back to the system when they are freed.

    glibc serves a block over its mmap threshold (128 KiB) by mapping it, and unmaps
    it when freed; but it raises the threshold to the size of each such block freed
    (up to 32 MiB), so after the first upload every 10 MiB buffer (the file, the
    database driver's copies) is carved from a heap and stays resident once freed:
    +60 MiB after three uploads measured, where a fixed threshold keeps it flat. Setting
    the threshold fixes it (mallopt(3)). Elsewhere than glibc, nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def _workers(app: FastAPI) -> ThreadPoolExecutor:
    workers: ThreadPoolExecutor | None = getattr(app.state, "upload_workers", None)
    if workers is None:
        workers = app.state.upload_workers = ThreadPoolExecutor(
            UPLOAD_SLOTS, thread_name_prefix="cofatui-upload")
    return workers


async def spool(request: Request, *, max_bytes: int | None = None,
                refusal: Callable[[], CofaError] | None = None) -> IO[bytes]:
    """The request's body in a temporary file, positioned at its start. Past
    ``max_bytes`` the reading stops with ``refusal()`` (the file closed)."""
    file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if max_bytes is not None and refusal is not None and size > max_bytes:
                raise refusal()
            if size > SPOOL_MEMORY_BYTES:  # on disk by now: a write that may block
                await run_in_threadpool(file.write, chunk)
            else:
                file.write(chunk)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


async def store(request: Request, file: IO[bytes], call: Callable[[bytes], T]) -> T:
    """``call(content)`` with the file's bytes, read once, in one of the app's
    ``UPLOAD_SLOTS`` upload threads (the others wait their turn with their file on
    disk); the file is closed afterwards.

    Dedicated threads rather than the shared thread pool: besides bounding how many
    files are in memory at once, the memory a stored file took (its bytes and the
    database driver's copies) is reused by the next one instead of being left behind
    in the allocator arena of whichever of forty pool threads ran it."""
    def read_and_call() -> T:
        try:
            return call(file.read())
        finally:
            file.close()

    future = _workers(request.app).submit(copy_context().run, read_and_call)
    return await asyncio.wrap_future(future)

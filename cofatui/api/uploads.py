"""Raw-body uploads (claim attachments, import files): the body is streamed, after the
token was checked, into a temporary file — the first ``SPOOL_MEMORY_BYTES`` in memory,
the rest on disk — and read back once, when the repository is called.

FastAPI's ``bytes`` body reads the whole body into memory (twice, while it joins the
chunks) before the route runs, so ten 10 MiB uploads arriving together cost hundreds of
MiB. Here an upload in transit costs at most ``SPOOL_MEMORY_BYTES``, and at most
``UPLOAD_SLOTS`` uploads are read back and written to the database at a time (the
repository stores the file in a column: the database driver needs its bytes at once),
the others waiting with their file on disk.

The size limit and the read deadline are those of :class:`cofatui.api.middleware.BodyLimit`,
which guards the stream read here (413, 408).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from typing import IO, Any, TypeVar

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from cofatui.errors import CofaError

#: The part of an upload kept in memory before it goes to disk.
SPOOL_MEMORY_BYTES = 1024 * 1024
#: Uploads read back into memory and stored at a time (one per core of a 2-core server).
UPLOAD_SLOTS = 2

T = TypeVar("T")


def raw_body(*media_types: str, description: str) -> dict[str, Any]:
    """The ``openapi_extra`` of a route whose body is the raw file, sent as one of
    ``media_types`` (:class:`cofatui.api.middleware.MediaTypeGate` refuses the others)."""
    schema = {"type": "string", "format": "binary"}
    return {"requestBody": {"required": True, "description": description,
                            "content": {media: {"schema": schema} for media in media_types}}}


def _slots(app: FastAPI) -> asyncio.Semaphore:
    slots: asyncio.Semaphore | None = getattr(app.state, "upload_slots", None)
    if slots is None:
        slots = app.state.upload_slots = asyncio.Semaphore(UPLOAD_SLOTS)
    return slots


async def spool(request: Request, *, max_bytes: int | None = None,
                too_large: Callable[[], CofaError] | None = None) -> IO[bytes]:
    """The request's body in a temporary file, positioned at its start. Past
    ``max_bytes`` the reading stops and ``too_large()`` is raised (the file closed)."""
    file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise too_large() if too_large is not None else ValueError(max_bytes)
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
    """``call(content)`` in a worker thread with the file's bytes, read once, when one
    of the ``UPLOAD_SLOTS`` is free; the file is closed afterwards."""
    def read_and_call() -> T:
        return call(file.read())

    try:
        async with _slots(request.app):
            return await run_in_threadpool(read_and_call)
    finally:
        file.close()

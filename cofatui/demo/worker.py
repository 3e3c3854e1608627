"""A worker process that builds the demo portfolio rows while the parent writes them.

The parent runs ``python -m cofatui.demo.worker``, writes the pickled
``PortfolioParams`` to its stdin and reads frames from its stdout: an 8-byte length
then a ``marshal`` payload (rows hold only int, str, bool and None, which marshal
handles several times faster than pickle). A thread of the parent reads the frames as
they come, up to ``READ_AHEAD`` of them, so the worker builds on while the writer is
slower for a chunk and the writer finds the next chunk ready when the worker was: in
lock-step (the worker blocked on a full pipe until the writer took its chunk) each chunk
cost the slower of the two, and the 100 000-company load waited on both processes about
a third of the time. A plain subprocess rather than
``multiprocessing``: nothing is asked of the caller's ``__main__`` and nothing forks a
process that may run threads (the TUI does).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Generator
from pathlib import Path
from types import ModuleType
from typing import IO

from cofatui.demo.portfolio import (
    Chunk,
    PortfolioParams,
    PortfolioState,
    build_chunks,
    decode,
    encode,
)

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows: the pipe keeps its size
    fcntl = None

_LENGTH = struct.Struct("<Q")
#: Frames read ahead of the writer (each chunk of ``generator.CHUNK`` companies is a few
#: MB): the worker stops when so many wait.
READ_AHEAD = 4
#: The pipe's buffer (Linux's default ceiling for an unprivileged process).
_PIPE_BYTES = 1 << 20


def run_in_worker(params: PortfolioParams) -> Generator[Chunk | PortfolioState, None, None]:
    """Chunks built by a worker process, then the final state; a failure raises."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "cofatui.demo.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=errors, env=env)
        assert process.stdin is not None and process.stdout is not None
        _widen(process.stdout)
        frames: queue.Queue[bytes | None] = queue.Queue(READ_AHEAD)
        stop = threading.Event()
        reader = threading.Thread(target=_read_frames, args=(process.stdout, frames, stop),
                                  name="demo-worker-reader", daemon=True)
        try:
            process.stdin.write(pickle.dumps(params))
            process.stdin.close()
            reader.start()
            while True:
                payload = frames.get()
                if payload is None:
                    process.wait()
                    errors.seek(0)
                    detail = errors.read().decode(errors="replace").strip()
                    raise RuntimeError("The demo generator worker stopped unexpectedly "
                                       f"(exit code {process.returncode}): {detail[-2000:]}")
                item = decode(payload)
                yield item
                if isinstance(item, PortfolioState):
                    break
        finally:
            stop.set()
            if process.poll() is None:
                process.kill()  # the reader's pending read ends on the closed pipe
            process.wait()
            if reader.is_alive():
                reader.join()
            process.stdout.close()


def _widen(stream: IO[bytes]) -> None:
    """The pipe's buffer as large as the system allows (Linux): a chunk then crosses in
    a few reads, each of which waits for the GIL the writer's thread holds."""
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setpipe is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(stream.fileno(), setpipe, _PIPE_BYTES)


def _read_frames(stream: IO[bytes], frames: queue.Queue[bytes | None],
                 stop: threading.Event) -> None:
    """The worker's frames into ``frames``, then None at the end of the stream (a frame
    cut short included). Reading the pipe releases the GIL: this thread costs the
    writer next to nothing."""
    while not stop.is_set():
        header = _read(stream, _LENGTH.size)
        payload = None if header is None else _read(stream, _LENGTH.unpack(header)[0])
        while not stop.is_set():
            try:
                frames.put(payload, timeout=0.1)
                break
            except queue.Full:
                continue
        if payload is None:
            return


def _read(stream: IO[bytes], size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def main() -> None:
    # Rows are tuples of ints and strings, which make no cycles: the cyclic collector
    # would only walk the growing heap again and again (the process ends with the load).
    gc.disable()
    params: PortfolioParams = pickle.loads(sys.stdin.buffer.read())
    out = sys.stdout.buffer
    for item in build_chunks(params):
        payload = encode(item)
        out.write(_LENGTH.pack(len(payload)))
        out.write(payload)
        out.flush()


if __name__ == "__main__":
    main()

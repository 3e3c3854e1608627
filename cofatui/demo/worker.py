"""A worker process that builds the demo portfolio rows while the parent writes them.

The parent runs ``python -m cofatui.demo.worker``, writes the pickled
``PortfolioParams`` to its stdin and reads frames from its stdout: an 8-byte length
then a ``marshal`` payload (rows hold only int, str, bool and None, which marshal
handles several times faster than pickle). A full pipe blocks the worker, so it is never
more than one chunk ahead of the writer. A plain subprocess rather than
``multiprocessing``: nothing is asked of the caller's ``__main__`` and nothing forks a
process that may run threads (the TUI does).
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cofatui.demo.portfolio import (
    Chunk,
    PortfolioParams,
    PortfolioState,
    build_chunks,
    decode,
    encode,
)

_LENGTH = struct.Struct("<Q")


def run_in_worker(params: PortfolioParams) -> Iterator[Chunk | PortfolioState]:
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
        try:
            process.stdin.write(pickle.dumps(params))
            process.stdin.close()
            while True:
                header = _read(process.stdout, _LENGTH.size)
                if header is None:
                    process.wait()
                    errors.seek(0)
                    detail = errors.read().decode(errors="replace").strip()
                    raise RuntimeError("The demo generator worker stopped unexpectedly "
                                       f"(exit code {process.returncode}): {detail[-2000:]}")
                (length,) = _LENGTH.unpack(header)
                payload = _read(process.stdout, length)
                if payload is None:
                    raise RuntimeError("The demo generator worker sent a truncated chunk")
                item = decode(payload)
                yield item
                if isinstance(item, PortfolioState):
                    break
        finally:
            process.stdout.close()
            if process.poll() is None:
                process.kill()
            process.wait()


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

"""A demo load that fails while the worker builds rows stops cleanly: the load's own
error, the worker stopped, the process ended normally.

The failure is raised to the top of a fresh interpreter on purpose: there, the chunk
iterator left suspended used to be finalised only at interpreter shutdown, where its
reader thread's pending read on the worker's pipe aborted the process ("Fatal Python
error: ... could not acquire lock ... at interpreter shutdown") instead of the error.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import sys
    from cofatui.demo import generator
    from cofatui.repository.sql.engine import make_engine

    written = []

    def failing_write(self, chunk):
        written.append(chunk)
        if len(written) == 2:
            raise OSError("disk full (simulated)")

    generator._Demo._write = failing_write
    generator.generate_demo(make_engine("sqlite:///" + sys.argv[1]), companies=3000,
                            worker=True)
""")


def test_a_failed_write_during_the_worker_load_ends_with_its_own_error(
        tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "demo.sqlite")],
                          capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert "disk full (simulated)" in done.stderr
    assert "Fatal Python error" not in done.stderr
    assert done.returncode == 1, done.stderr[-2000:]

"""Process start to home with the WAP on screen, in tmux at 120x40, beside its anchor:
a bare Textual app (a header, a line of text, a footer) started the same way in the
same run (issue 21 item 1; goal ≤ 2.0× the bare app). The cofatui figure includes
Python start-up, imports, opening the database and the first WAP query — what a user
waits for. Runs alternate between the two so that the machine's load hits both alike.

Usage::

    python -m tests.bench.bench_startup --db /tmp/demo.sqlite [--runs 7]

``compare(db, runs)`` returns the row the runner of ``tests.bench.compare`` prints.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.harness import print_table, write_json

#: A tmux server of its own (socket and session): two benches may run at once.
SESSION = f"cofatui-startup-bench-{os.getpid()}"
GOAL_RATIO = 2.0
BARE_MARKER = "bare-app-ready"
#: cofatui's first frames (home's layout on screen), seconds, in the order measured.
FIRST_FRAMES: list[float] = []

#: The anchor: what any Textual app costs to put a screen up, started the same way.
BARE_APP = f"""
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static({BARE_MARKER!r})
        yield Footer()

Bare().run()
"""


def _bytecode_env() -> str:
    """Environment words that let both programs start from compiled bytecode, as an
    installed package does: under PYTHONDONTWRITEBYTECODE (set on this machine) every
    start compiled the whole package from source, seconds that no user waits for. The
    bytecode goes to a cache outside the checkout (as tests/conftest.py does)."""
    prefix = os.environ.get("PYTHONPYCACHEPREFIX") or str(
        Path(tempfile.gettempdir()) / f"cofatui-pycache-{os.getuid()}")
    return f"-u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX={shlex.quote(prefix)}"


def _wait_for(command: str, *shown: Any) -> list[float]:
    """Seconds from launching ``command`` in a fresh tmux session until each of
    ``shown(screen)`` holds, in order."""
    subprocess.run(["tmux", "-L", SESSION, "kill-session", "-t", SESSION], capture_output=True)
    for _ in range(20):
        start = time.perf_counter()
        opened = subprocess.run(["tmux", "-L", SESSION, "new-session", "-d", "-s", SESSION,
                                 "-x", "120", "-y", "40", command],
                                capture_output=True, text=True)
        if opened.returncode == 0:
            break
        # The server of the last session may still be exiting (a loaded machine): the
        # new session then fails at once; try again rather than end the whole bench.
        time.sleep(0.2)
    else:
        raise RuntimeError("tmux refused a new session: " + opened.stderr)
    screen = ""
    times: list[float] = []
    try:
        while time.perf_counter() - start < 60:
            screen = subprocess.run(["tmux", "-L", SESSION, "capture-pane", "-p", "-t", SESSION],
                                    capture_output=True, text=True).stdout
            while len(times) < len(shown) and shown[len(times)](screen):
                times.append(time.perf_counter() - start)
            if len(times) == len(shown):
                return times
            time.sleep(0.005)
        raise RuntimeError("the expected screen never showed:\n" + screen)
    finally:
        subprocess.run(["tmux", "-L", SESSION, "kill-session", "-t", SESSION], capture_output=True)


def cofatui_run(db: str, home: str, tree: str = "") -> float:
    """Start to the WAP on screen. ``tree``: a checkout to run instead of this one (to
    compare with an older commit: ``git archive <commit> cofatui | tar -x -C DIR``)."""
    env = f"{_bytecode_env()} COFATUI_CONFIG_DIR={home}/cfg COFATUI_DATA_DIR={home}/data"
    where = f"cd {shlex.quote(tree)} && " if tree else ""
    command = f"{where}env {env} {sys.executable} -m cofatui --db {shlex.quote(db)}"
    # Home's layout (its WAP box) first, then the WAP figure.
    first, wap = _wait_for(command, lambda s: "(WAP)" in s,
                           lambda s: "WAP" in s and "/ 10" in s)
    FIRST_FRAMES.append(first)
    return wap


def bare_run() -> float:
    command = f"env {_bytecode_env()} {sys.executable} -c {shlex.quote(BARE_APP)}"
    return _wait_for(command, lambda s: BARE_MARKER in s)[0]


def measure(db: str, runs: int, tree: str = "") -> tuple[list[float], list[float]]:
    home = tempfile.mkdtemp()
    cofatui_run(db, home, tree)  # warm the OS file cache, as a user's second start would
    bare_run()
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        ours.append(cofatui_run(db, home, tree))
        bare.append(bare_run())
    return sorted(ours), sorted(bare)


def compare(db: str, runs: int = 7) -> list[dict[str, Any]]:
    """The start-up figure beside its anchor (rows for ``tests.bench.compare``)."""
    ours, bare = measure(db, runs)
    value, anchor = statistics.median(ours), statistics.median(bare)
    first = statistics.median(FIRST_FRAMES[1:])  # the warm-up run left out
    return [{"figure": "start to WAP on screen (tmux 120x40), median s",
             "value": round(value, 3), "anchor": "bare Textual app to its first screen",
             "anchor_value": round(anchor, 3), "ratio": round(value / anchor, 2),
             "goal": f"<= {GOAL_RATIO}x"},
            {"figure": "start to home's first frame (WAP placeholder), median s",
             "value": round(first, 3), "anchor": "bare Textual app to its first screen",
             "anchor_value": round(anchor, 3), "ratio": round(first / anchor, 2),
             "goal": "measured, no goal"}]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a demo database (cofatui demo --db …)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tree", default="", help="run the cofatui of this checkout")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed for this benchmark")
    load = round(os.getloadavg()[0], 2)
    ours, bare = measure(args.db, args.runs, args.tree)
    row = {"tree": args.tree or "this checkout","case": "start to WAP on screen (120x40)",
           "median_s": round(statistics.median(ours), 3),
           "min_s": round(ours[0], 3), "max_s": round(ours[-1], 3),
           "first_frame_median_s": round(statistics.median(FIRST_FRAMES[1:]), 3),
           "bare_median_s": round(statistics.median(bare), 3),
           "bare_min_s": round(bare[0], 3),
           "ratio": round(statistics.median(ours) / statistics.median(bare), 2),
           "runs": args.runs, "load_before": load,
           "load_after": round(os.getloadavg()[0], 2)}
    print_table("Start-up", [row])
    print(f"\nJSON: {write_json('startup', row)}")


if __name__ == "__main__":
    main()

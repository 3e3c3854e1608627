"""The e2e tests' console script (``python -m cofatui`` in a subprocess) and their demo
databases.

``cofatui demo`` costs about 4.7 s of CPU (start-up, 38 migrations, the generation), and
some thirty e2e tests each made one with the same options. A demo is made by the command
once per test process for each set of options (and each day: the demo is dated from
today), then copied to the path each test gives, so every test still has a database of
its own, as the command leaves it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_MADE: dict[tuple[str, ...], Path] = {}
_FOLDER: list[tempfile.TemporaryDirectory[str]] = []  # removed when the process ends


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"COFATUI_CONFIG_DIR": str(home / "cfg"), "COFATUI_DATA_DIR": str(home / "data"),
           "LANGUAGE": "en"}
    return subprocess.run([sys.executable, "-m", "cofatui", *args], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=300, cwd=ROOT)


def demo_copy(db: Path, *options: str, home: Path) -> Path:
    """At ``db``, the database ``cofatui demo OPTIONS --db FILE`` makes (run in ``home``
    the first time in this process, then copied)."""
    key = (date.today().isoformat(), *options)
    made = _MADE.get(key)
    if made is None:
        if not _FOLDER:
            _FOLDER.append(tempfile.TemporaryDirectory(prefix="cofatui-e2e-demo-"))
        made = Path(_FOLDER[0].name) / f"demo-{len(_MADE)}.sqlite"
        done = cli("demo", *options, "--db", str(made), home=home)
        assert done.returncode == 0, done.stderr
        _MADE[key] = made
    shutil.copyfile(made, db)
    wal = Path(f"{made}-wal")
    if wal.exists():  # the command closed its database: normally none left
        shutil.copyfile(wal, Path(f"{db}-wal"))
    return db

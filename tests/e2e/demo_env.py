"""The e2e tests' console script (``python -m cofatui`` in a subprocess) and their demo
databases.

``cofatui demo`` costs about 4.7 s of CPU (start-up, 38 migrations, the generation), and
some thirty e2e tests each made one with the same options. A demo is made by the command
once per test process for each set of options (and each day: the demo is dated from
today), then copied to the path each test gives, so every test still has a database of
its own, as the command leaves it."""

from __future__ import annotations

import io
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


def cli_in_process(*args: str, home: Path, input: str | None = None,
                   ) -> subprocess.CompletedProcess[str]:
    """``cofatui ARGS`` as :func:`cli` runs it, but in this process: the console script's
    own entry point (``cofatui.cli.main``, which ``python -m cofatui`` calls) with the
    same environment, working directory and standard streams captured, its exit code as
    the script's (``SystemExit`` included: argparse's usage errors). No interpreter
    start and no imports again: about a second saved per command. A test that walks
    many commands runs one of them with :func:`cli`, the real console script, and the
    others here. What the command changes in the process (its language, the Chorus Pro
    connector's settings, the environment, the working directory) is put back."""
    from cofatui import cli as console
    from cofatui import i18n
    from cofatui.chorus_pro import runtime

    env = {"COFATUI_CONFIG_DIR": str(home / "cfg"), "COFATUI_DATA_DIR": str(home / "data"),
           "LANGUAGE": "en"}
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    with runtime._lock:
        saved_chorus = runtime._settings, runtime._transport
    saved_language = i18n.get_language()
    out, err = io.BytesIO(), io.BytesIO()
    # Text streams with a ``buffer`` (``documents get`` writes bytes), as a process has.
    streams = (io.TextIOWrapper(out, encoding="utf-8", write_through=True),
               io.TextIOWrapper(err, encoding="utf-8", write_through=True))
    sys.stdout, sys.stderr = streams
    sys.stdin = io.StringIO(input or "")
    os.environ.update(env)
    os.chdir(ROOT)
    try:
        try:
            code = console.main(list(args))
        except SystemExit as exc:  # as the interpreter turns it into the exit status
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
    finally:
        for stream in streams:
            stream.flush()
            stream.detach()  # the bytes stay readable
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        runtime.configure(*saved_chorus)
        i18n.set_language(saved_language)
    return subprocess.CompletedProcess(  # args: what ran, said apart from the script's
        ["cofatui.cli.main", *args], code,
        out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))

"""The real console script in a subprocess: help, version, demo, db, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cofatui import __version__


def run(args: list[str], tmp_path: Path, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COFATUI_CONFIG_DIR": str(tmp_path / "cfg"),
           "COFATUI_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "cofatui", *args], capture_output=True,
                          text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def test_version_and_help(tmp_path: Path) -> None:
    assert run(["--version"], tmp_path).stdout.strip() == f"cofatui {__version__}"
    helped = run(["--help"], tmp_path)
    assert helped.returncode == 0
    for command in ("demo", "db"):
        assert command in helped.stdout


def test_demo_then_db_info_with_options_after_the_command(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    made = run(["demo", "--companies", "50", "--seed", "3", "--db", str(db)], tmp_path)
    assert made.returncode == 0, made.stderr
    assert db.exists()
    info = run(["db", "info", "--db", str(db)], tmp_path)
    assert info.returncode == 0, info.stderr
    assert "sqlite" in info.stdout and "latest" in info.stdout
    again = run(["--db", str(db), "demo", "--companies", "50"], tmp_path)
    assert again.returncode == 1
    assert "already holds data" in again.stderr
    assert "Traceback" not in again.stderr


def test_db_upgrade_on_a_new_file(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    first = run(["db", "upgrade", "--db", str(db)], tmp_path)
    assert first.returncode == 0 and "empty" in first.stdout
    second = run(["--db", str(db), "db", "upgrade"], tmp_path)
    assert "already at" in second.stdout


def test_errors_are_one_line_and_non_zero(tmp_path: Path) -> None:
    bad_url = run(["db", "info", "--db", "mysql+nosuchdriver://x"], tmp_path)
    assert bad_url.returncode == 1
    assert bad_url.stderr.count("\n") == 1 and "Traceback" not in bad_url.stderr
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("language = 'xx'\n")
    result = run(["--config", str(bad_config), "db", "info"], tmp_path)
    assert result.returncode == 1
    assert "bad.toml" in result.stderr and "language" in result.stderr
    assert bad_config.read_text() == "language = 'xx'\n"
    usage = run(["demo", "--companies", "zero"], tmp_path)
    assert usage.returncode == 2 and "whole number" in usage.stderr


def test_unreachable_postgres_is_a_clear_error(tmp_path: Path) -> None:
    result = run(["db", "info", "--db", "postgresql://nobody@127.0.0.1:1/none"], tmp_path,
                 timeout=60)
    assert result.returncode == 1
    assert "cannot be reached" in result.stderr and "Traceback" not in result.stderr

"""`--api URL --token-file PATH`: the CLI's composition root reaches a real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cofatui.cli import build_parser, load_settings_for, open_repository
from cofatui.errors import CofaError, Unauthenticated
from cofatui.repository.http import HttpRepository
from tests.e2e.demo_env import demo_copy
from tests.server import ServerProcess


def cli(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"COFATUI_CONFIG_DIR": str(home / "cfg"), "COFATUI_DATA_DIR": str(home / "data")}
    return subprocess.run([sys.executable, "-m", "cofatui", *args], capture_output=True,
                          text=True, input=stdin, env={**os.environ, **env}, timeout=180)


def test_api_and_token_file_open_a_remote_repository(tmp_path: Path) -> None:
    db = demo_copy(tmp_path / "shared.sqlite", "--companies", "30", home=tmp_path)
    token_file = tmp_path / "token"
    token = cli("user", "token", "create", "--login", "demo", "--output", str(token_file),
                "--db", str(db), home=tmp_path)
    assert token.returncode == 0, token.stderr
    with ServerProcess(f"sqlite:///{db}", tmp_path) as server:
        args = build_parser().parse_args(["--api", server.url, "--token-file", str(token_file)])
        for name in ("db", "user", "config"):
            setattr(args, name, getattr(args, name, None))
        repo = open_repository(args, load_settings_for(args))
        assert isinstance(repo, HttpRepository)
        assert repo.whoami().login == "demo"
        assert repo.portfolio.rows(repo.whoami().contracts[0].contract_id, limit=5).total > 0
        repo.close()
        token_file.write_text("cofa_not-a-real-token\n")
        with pytest.raises(Unauthenticated):
            open_repository(args, load_settings_for(args))
        token_file.unlink()
        with pytest.raises(CofaError, match="does not exist"):
            open_repository(args, load_settings_for(args))


def test_api_without_token_is_a_clear_error() -> None:
    args = build_parser().parse_args(["--api", "http://127.0.0.1:9"])
    for name in ("db", "user", "config", "token_file"):
        setattr(args, name, getattr(args, name, None))
    with pytest.raises(CofaError, match="needs a token"):
        open_repository(args, load_settings_for(args))

"""``cofatui user …`` through the real console script, on a temporary SQLite file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cofatui import migrations
from cofatui.repository.sql import identity, make_engine

PASSWORD = "Str0ng-Passw0rd!"


class Cli:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = str(root / "team.sqlite")
        self.env = {**os.environ, "COFATUI_CONFIG_DIR": str(root / "config"),
                    "COFATUI_DATA_DIR": str(root / "data")}

    def __call__(self, *args: str, stdin: str | None = None
                 ) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cofatui", *args, "--db", self.db],
                              input=stdin if stdin is not None else "", capture_output=True,
                              text=True, env=self.env, cwd=self.root, timeout=120)

    def ok(self, *args: str, stdin: str | None = None) -> str:
        done = self(*args, stdin=stdin)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout

    def fails(self, *args: str, stdin: str | None = None) -> str:
        done = self(*args, stdin=stdin)
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("cofatui: ")
        return lines[0]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path)
    assert migrations.HEAD in cli.ok("db", "upgrade")
    return cli


def create_nina(cli: Cli) -> str:
    return cli.ok("user", "create", "nina", "--first-name", "Nina", "--last-name", "New",
                  "--email", "nina@example.test", "--title", "Mme", "--password-stdin",
                  stdin=PASSWORD + "\n")


def test_create_list_block_unblock(cli: Cli) -> None:
    assert "Created user nina (policyholder)" in create_nina(cli)
    cli.ok("user", "create", "ursula", "--first-name", "Ursula", "--last-name", "W",
           "--email", "u@example.test", "--role", "underwriter", "--password-stdin",
           stdin=PASSWORD + "\n")
    lines = cli.ok("user", "list").splitlines()
    assert lines[0].split() == ["LOGIN", "ROLE", "STATUS", "NAME", "E-MAIL", "CONTRACTS"]
    assert lines[1].split() == ["nina", "policyholder", "active", "Mme", "Nina", "New",
                                "nina@example.test"]
    assert lines[2].split()[:3] == ["ursula", "underwriter", "active"]
    # Columns are aligned: every row starts its second column at the same place.
    assert len({line.index(line.split()[1]) for line in lines}) == 1

    assert "nina is now blocked" in cli.ok("user", "block", "nina")
    assert cli.ok("user", "list").splitlines()[1].split()[2] == "blocked"
    assert "nina is now active" in cli.ok("user", "unblock", "nina")

    engine = make_engine(cli.db)
    try:
        assert identity.authenticate_password(engine, "nina", PASSWORD) == "nina"
    finally:
        engine.dispose()


def test_token_create_to_a_private_file_then_list_and_revoke(cli: Cli) -> None:
    create_nina(cli)
    out = cli.ok("user", "token", "create", "--login", "nina", "--name", "laptop",
                 "--output", "nina.token")
    path = cli.root / "nina.token"
    assert "written to" in out
    token = path.read_text().strip()
    assert token.startswith("cofa_") and token not in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    engine = make_engine(cli.db)
    try:
        assert identity.authenticate_token(engine, token) == "nina"
    finally:
        engine.dispose()

    # The global --user names the owner too; the token alone goes to standard output.
    shown = cli("--user", "nina", "user", "token", "create", "--no-expiry")
    assert shown.returncode == 0 and shown.stdout.strip().startswith("cofa_")
    assert "cannot be shown again" in shown.stderr

    rows = cli.ok("user", "token", "list", "--login", "nina").splitlines()[1:]
    assert rows[0].split()[:3] == ["1", "laptop", "active"]
    assert rows[1].split()[:2] == ["2", "active"]  # no name
    assert rows[1].split()[-1] == "never"  # not used yet
    assert "revoked" in cli.ok("user", "token", "revoke", "1", "--login", "nina")
    assert cli.ok("user", "token", "list", "--login", "nina").splitlines()[1].split()[2] \
        == "revoked"


def test_password_change(cli: Cli) -> None:
    create_nina(cli)
    cli.ok("user", "password", "nina", "--password-stdin", stdin="An0ther-Secret!\n")
    engine = make_engine(cli.db)
    try:
        assert identity.authenticate_password(engine, "nina", "An0ther-Secret!") == "nina"
    finally:
        engine.dispose()


def test_bad_input_gives_one_line_and_exit_1(cli: Cli) -> None:
    weak = cli.fails("user", "create", "bob", "--first-name", "Bob", "--last-name", "B",
                     "--email", "bob@example.test", "--password-stdin", stdin="weak\n")
    assert "password" in weak and "at least 12 characters" in weak
    bad_email = cli.fails("user", "create", "bob", "--first-name", "Bob", "--last-name", "B",
                          "--email", "bob", "--password-stdin", stdin=PASSWORD + "\n")
    assert "e-mail" in bad_email
    create_nina(cli)
    assert "already taken" in cli.fails(
        "user", "create", "nina", "--first-name", "N", "--last-name", "N",
        "--email", "n@example.test", "--password-stdin", stdin=PASSWORD + "\n")
    assert "P-NONE" in cli.fails(
        "user", "create", "zoe", "--first-name", "Z", "--last-name", "Z", "--email",
        "z@example.test", "--contract", "P-NONE", "--password-stdin", stdin=PASSWORD + "\n")
    assert "--password-stdin" in cli.fails(
        "user", "create", "zoe", "--first-name", "Z", "--last-name", "Z", "--email",
        "z@example.test")  # no terminal and no --password-stdin
    assert "not found" in cli.fails("user", "block", "nobody")
    assert "not found" in cli.fails("user", "token", "revoke", "99", "--login", "nina")
    assert "--login" in cli.fails("user", "token", "list")
    assert "Cannot write" in cli.fails("user", "token", "create", "--login", "nina",
                                       "--output", str(cli.root / "missing" / "t"))


def test_password_is_never_a_command_line_argument(cli: Cli) -> None:
    done = cli("user", "create", "zoe", "--first-name", "Z", "--last-name", "Z", "--email",
               "z@example.test", "--password", PASSWORD)
    assert done.returncode == 2  # refused by argparse, like any unknown option

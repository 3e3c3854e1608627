"""A contract administrator creates a user with ``cofatui user create --default-contract``
and the user activates their account with ``cofatui account activate`` and the mailed
code (issue 16 items 3 and 7): through the real console script, on a database (acting
as ``--user admin``) and through ``--api`` (the administrator's token; activation needs
none)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import migrations
from cofatui.models import OutboxMessage
from cofatui.repository.sql import identity, make_engine
from tests.contract import dataset
from tests.server import ServerProcess

PASSWORD = "Fresh-Passw0rd-42"
CODE = re.compile(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}")
NEW_USER = ("--title", "mr", "--first-name", "Jean", "--last-name", "Le Gall",
            "--phone", "06 12 34 56 78", "--fax", "+33 1 23 45 67 89",
            "--email", "jean.le-gall@example.test", "--language", "en")


def run(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {"COFATUI_CONFIG_DIR": str(home / "cfg"), "COFATUI_DATA_DIR": str(home / "data")}
    return subprocess.run([sys.executable, "-m", "cofatui", *args], capture_output=True,
                          text=True, input=stdin, env={**os.environ, **env}, timeout=180)


def ok(home: Path, *args: str, stdin: str = "") -> str:
    done = run(home, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def refused(home: Path, *args: str, stdin: str = "") -> str:
    done = run(home, *args, stdin=stdin)
    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cofatui: "), done.stderr
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, Engine]:
    path = tmp_path / "team.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    dataset.build(engine)
    return path, engine


def mailed_code(engine: Engine, login: str) -> str:
    with Session(engine) as s:
        body = s.execute(select(col(OutboxMessage.body))
                         .where(col(OutboxMessage.kind) == "activation")
                         .order_by(col(OutboxMessage.id).desc()).limit(1)).scalar_one()
    assert f"Login: {login}" in body and PASSWORD not in body
    found = CODE.search(body)
    assert found is not None
    return found.group(0)


def test_create_and_activate_on_a_database(tmp_path: Path, db: tuple[Path, Engine]) -> None:
    path, engine = db
    where = ("--db", str(path))
    said = ok(tmp_path, "user", "create", "--default-contract", "P-A", *NEW_USER,
              "--user", "admin", *where)
    assert "Created user j.le-gall" in said and "activation code is mailed" in said
    first = mailed_code(engine, "j.le-gall")
    ok(tmp_path, "user", "resend-activation", "j.le-gall", "--user", "admin", *where)
    code = mailed_code(engine, "j.le-gall")
    assert code != first
    assert "Wrong login or activation code" in refused(
        tmp_path, "account", "activate", "j.le-gall", "--code", first, "--password-stdin",
        *where, stdin=PASSWORD + "\n")
    assert "activated" in ok(tmp_path, "account", "activate", "j.le-gall", "--code", code,
                             "--password-stdin", *where, stdin=PASSWORD + "\n")
    assert identity.authenticate_password(engine, "j.le-gall", PASSWORD) == "j.le-gall"
    refused(tmp_path, "account", "activate", "j.le-gall", "--code", code,
            "--password-stdin", *where, stdin=PASSWORD + "\n")  # once only
    # field errors: one line, every field named, nothing created
    line = refused(tmp_path, "user", "create", "--default-contract", "P-A", "--title", "dr",
                   "--first-name", "A", "--last-name", "B", "--phone", "12", "--fax", "",
                   "--email", "b@", "--user", "admin", *where)
    assert all(field in line for field in ("title", "phone", "fax", "email"))
    # a policyholder manages no one; the operator's --password-stdin mails nothing
    refused(tmp_path, "user", "create", "--default-contract", "P-A", *NEW_USER,
            "--user", "alice", *where)
    said = ok(tmp_path, "user", "create", "--default-contract", "P-A", *NEW_USER,
              "--password-stdin", *where, stdin=PASSWORD + "\n")
    assert "Created user j.le-gall2" in said and "mailed" not in said
    assert identity.authenticate_password(engine, "j.le-gall2", PASSWORD) == "j.le-gall2"
    engine.dispose()


def test_create_and_activate_through_the_api(tmp_path: Path, db: tuple[Path, Engine]
                                             ) -> None:
    path, engine = db
    token = tmp_path / "admin.token"
    ok(tmp_path, "user", "token", "create", "--login", "admin", "--output", str(token),
       "--db", str(path))
    with ServerProcess(f"sqlite:///{path}", tmp_path) as server:
        remote = ("--api", server.url, "--token-file", str(token))
        said = ok(tmp_path, "user", "create", "--default-contract", "P-A", *NEW_USER, *remote)
        assert "Created user j.le-gall" in said
        assert "--password-stdin works on a database only" in refused(
            tmp_path, "user", "create", "--default-contract", "P-A", *NEW_USER,
            "--password-stdin", *remote, stdin=PASSWORD + "\n")
        code = mailed_code(engine, "j.le-gall")
        # no token needed to activate: the code is the proof
        api = ("--api", server.url)
        assert "password" in refused(tmp_path, "account", "activate", "j.le-gall", "--code",
                                     code, "--password-stdin", *api, stdin="short\n")
        assert "activated" in ok(tmp_path, "account", "activate", "j.le-gall", "--code",
                                 code, "--password-stdin", *api, stdin=PASSWORD + "\n")
        assert "Wrong login or activation code" in refused(
            tmp_path, "account", "activate", "j.le-gall", "--code", code, "--password-stdin",
            *api, stdin=PASSWORD + "\n")
        assert "already activated" in refused(tmp_path, "user", "resend-activation",
                                              "j.le-gall", *remote)
    assert identity.authenticate_password(engine, "j.le-gall", PASSWORD) == "j.le-gall"
    engine.dispose()

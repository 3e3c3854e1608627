"""``cofatui serve`` as a real process: it refuses public addresses without --public,
upgrades the schema, serves the API that ``--api URL --token-file PATH`` reaches, and
writes one JSON access line per request, never a token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from cofatui import migrations
from cofatui.commands.remote import open_remote_repository
from cofatui.commands.serve import check_bind, is_loopback
from cofatui.errors import CofaError, Unavailable
from cofatui.repository.http import HttpRepository
from cofatui.repository.sql import identity, make_engine
from tests.contract import dataset
from tests.server import ServerProcess, free_port


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COFATUI_CONFIG_DIR": str(tmp_path / "cfg"),
           "COFATUI_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "cofatui", *args], capture_output=True,
                          text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)


def test_public_address_needs_public_flag(tmp_path: Path) -> None:
    refused = run(["serve", "--db", str(tmp_path / "x.sqlite"), "--host", "0.0.0.0"], tmp_path)
    assert refused.returncode == 1
    assert "Refusing to listen on 0.0.0.0 without --public" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "x.sqlite").exists()  # refused before touching anything
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")
    check_bind("0.0.0.0", public=True)
    try:
        check_bind("192.168.1.2", public=False)
    except CofaError as exc:
        assert "TLS reverse proxy" in str(exc)
    else:
        raise AssertionError("a LAN address was accepted without --public")


def test_serve_upgrades_and_answers_the_remote_client(tmp_path: Path) -> None:
    db = tmp_path / "served.sqlite"
    engine = make_engine(str(db))
    migrations.upgrade(engine)
    dataset.build(engine)
    token, _ = identity.create_token(engine, "alice")
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    with ServerProcess(str(db), tmp_path, log_level="info") as server:
        assert httpx.get(server.url + "/health").json()["status"] == "ok"
        repo = open_remote_repository(server.url, token_file)
        assert repo.whoami().login == "alice"
        assert [c.policy_number for c in repo.contracts()] == ["P-A"]
        repo.close()
    engine.dispose()
    log = server.log()
    access = [json.loads(line) for line in log.splitlines() if line.startswith('{"time"')]
    assert {(a["path"], a["login"]) for a in access} >= {("/me", "alice"), ("/contracts",
                                                                           "alice")}
    assert token not in log


def test_client_without_server_is_unavailable() -> None:
    repo = HttpRepository(f"http://127.0.0.1:{free_port()}", "cofa_x", timeout=2.0,
                          backoff=0.0)
    try:
        repo.whoami()
    except Unavailable as exc:
        assert "Cannot reach the server at http://127.0.0.1:" in str(exc)
    else:
        raise AssertionError("no server, yet an answer")
    finally:
        repo.close()


def test_several_worker_processes_share_the_port(tmp_path: Path) -> None:
    db = tmp_path / "workers.sqlite"
    engine = make_engine(str(db))
    migrations.upgrade(engine)
    dataset.build(engine)
    token, _ = identity.create_token(engine, "bob")
    engine.dispose()
    with ServerProcess(str(db), tmp_path, workers=2) as server:
        repo = HttpRepository(server.url, token)
        assert {repo.whoami().login for _ in range(6)} == {"bob"}
        repo.close()

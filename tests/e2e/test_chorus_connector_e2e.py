"""The connector end to end (issue 19 item 6, Acceptance bullet 4): ``cofatui serve``
and the PISTE double as real processes, the server's ``[chorus_pro]`` settings in its
``config.toml`` (secrets in environment variables), and the demo supplier working
through ``--api``: it sets its structure's connector, tests it, deposits an invoice
(checked here, queued for Chorus Pro, deposited by the server's worker), asks "refresh
now" and watches it reach "made available" then "mandated" as the double walks it.
Chorus Pro got exactly one deposit; no secret is ever printed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.test_bulk_cli import ROOT, cli
from tests.e2e.test_chorus_cli import _demo
from tests.e2e.test_chorus_facturx_cli import SUPPLIER_SIRET, _sample
from tests.server import ServerProcess, free_port

CLIENT_SECRET = "e2e-client-secret"
PASSWORD = "e2e-tech-password"
LOGIN = "TECH_e2e@cpro.fr"
SECRETS = (CLIENT_SECRET, PASSWORD)

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def double(tmp_path: Path) -> Iterator[str]:
    """``python -m tests.doubles.piste`` on a free port: its URL."""
    port = free_port()
    log = (tmp_path / "double.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.doubles.piste", "--port", str(port),
         "--client-secret", CLIENT_SECRET, "--login", LOGIN, "--password", PASSWORD,
         "--reports-before-done", "0", "--auto-walk", "MISE_A_DISPOSITION,MANDATEE"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: httpx.get(url + "/_double/state", timeout=2).status_code == 200, 60)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def _wait(ready: Callable[[], bool], seconds: float,
          seen: Callable[[], object] = lambda: None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not ready in time; last seen: {seen()!r}")


def _server(db: Path, home: Path, double: str) -> ServerProcess:
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        "[chorus_pro]\n"
        f'token_url = "{double}/api/oauth/token"\n'
        f'api_url = "{double}/cpro/"\n'
        'client_id = "double-client"\n'
        'client_secret = "env:E2E_PISTE_SECRET"\n', encoding="utf-8")
    # A fixed clock: the scheduled ``chorus_pro.poll`` (every minute of the server's
    # clock, for every invoice due) then fires once, at start-up, before anything is
    # deposited. On the wall clock a minute could tick between the deposit and the
    # test's next look and move the invoice on by itself (integrated, made available),
    # so "deposited" was never seen and the wait ran out, more often the slower each
    # CLI call under load; nor could a refresh be told from a round.
    now = datetime.now(UTC).isoformat()
    return ServerProcess(f"sqlite:///{db}", home, clock=now).start(timeout=120)


def test_a_supplier_sends_through_the_api_and_follows_the_states(
        tmp_path: Path, double: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("E2E_PISTE_SECRET", CLIENT_SECRET)  # the server's environment
    monkeypatch.setenv("E2E_TECH_PASSWORD", PASSWORD)
    db = _demo(tmp_path)
    token = tmp_path / "supplier.token"
    made = cli("user", "token", "create", "--login", "supplier", "--output", str(token),
               "--db", str(db), home=tmp_path)
    assert made.returncode == 0, made.stderr
    server = _server(db, tmp_path, double)
    said: list[str] = []

    def run(*args: str) -> tuple[int, str, str]:
        done = here("chorus", *args, "--api", server.url, "--token-file", str(token),
                    home=tmp_path)
        said.append(done.stdout + done.stderr)
        return done.returncode, done.stdout, done.stderr

    try:
        _walk(run, tmp_path, double)
    finally:
        server.stop()
    for text in [*said, server.log()]:
        assert not any(secret in text for secret in SECRETS)


def _walk(run: Run, home: Path, double: str) -> None:
    structure = ("--structure", SUPPLIER_SIRET)
    code, out, err = run("connector", "set", *structure, "--enable", "--login", LOGIN,
                         "--password-ref", "env:E2E_TECH_PASSWORD", "--json")
    assert code == 0, err
    httpx.post(double + "/_double/structure",
               json={"siret": SUPPLIER_SIRET, "label": "SOFAXIS"}, timeout=5)
    code, out, err = run("connector", "test", *structure)
    assert code == 0, (out, err)

    invoice = {**_sample(), "number": "CPP-E2E-0001"}
    path = home / "cpp.json"
    path.write_text(json.dumps(invoice), encoding="utf-8")
    code, out, err = run("invoice", "deposit", str(path), "--json")
    assert code == 0, err
    queued: dict[str, Any] = json.loads(out)
    assert queued["state"] == "deposited" and queued["chorus_pro"]["deposit"] == "queued"
    invoice_id = str(queued["id"])

    last: list[dict[str, Any]] = []

    def show() -> dict[str, Any]:
        code, out, err = run("invoice", "show", invoice_id, "--json")
        assert code == 0, err
        shown: dict[str, Any] = json.loads(out)
        last[:] = [shown]
        return shown

    def seen() -> object:
        return [(s["state"], s["chorus_pro"]) for s in last]

    # The server's worker deposits it.
    _wait(lambda: show()["chorus_pro"]["deposit"] == "deposited", 90, seen)
    for state in ("made_available", "mandated"):
        code, out, err = run("invoice", "refresh", invoice_id)
        assert code == 0, err
        _wait(lambda state=state: show()["state"] == state, 90, seen)  # type: ignore[misc]
    final = show()
    assert final["chorus_pro"]["deposit"] == "integrated"
    assert final["chorus_pro"]["status"] == "MANDATEE" and final["chorus_pro"]["invoice_id"]
    assert [h["to_state"] for h in final["history"] if h["actor"] == "chorus_pro"] == [
        "deposited", "made_available", "mandated"]
    snapshot = httpx.get(double + "/_double/state", timeout=5).json()
    assert snapshot["counters"]["deposits"] == 1
    assert [f["invoice_number"] for f in snapshot["fluxes"]] == ["CPP-E2E-0001"]

"""`cofatui user … --api` as the demo's contract administrator ``admin`` (issue 16,
acceptance "e2e"): the console script against a real ``cofatui serve``, acting as the
token's owner. The administrator lists, modifies, customises rights, suspends and
detaches on the contract they administer (1234567); on 7654321, which they do not, and
on a user of another organisation, they are refused with the reason and exit 1, and the
database is left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlmodel import col

from cofatui.models import Contract, User, UserContract
from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.demo_env import demo_copy
from tests.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"COFATUI_CONFIG_DIR": str(home / "cfg"), "COFATUI_DATA_DIR": str(home / "data"),
           "LANGUAGE": "en"}
    return subprocess.run([sys.executable, "-m", "cofatui", *args], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=300, cwd=ROOT)


def attachment(db: Path, login: str, policy: str) -> tuple[str, str] | None:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(col(UserContract.rights), col(UserContract.section_rights))
                .join(User, col(User.id) == col(UserContract.user_id))
                .join(Contract, col(Contract.id) == col(UserContract.contract_id))
                .where(col(User.login) == login, col(Contract.policy_number) == policy)
            ).one_or_none()
            return (str(row[0]), str(row[1])) if row is not None else None
    finally:
        engine.dispose()


def test_user_administration_through_the_api_as_the_contract_administrator(
        tmp_path: Path) -> None:
    db = demo_copy(tmp_path / "server.sqlite", "--companies", "30", home=tmp_path)
    token_file = tmp_path / "token"
    made = cli("user", "token", "create", "--login", "admin", "--output", str(token_file),
               "--db", str(db), home=tmp_path)
    assert made.returncode == 0, made.stderr
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        remote = ("--api", server.url, "--token-file", str(token_file))

        listed = here("user", "list", "--contract", "1234567", *remote, home=tmp_path)
        assert listed.returncode == 0, listed.stderr
        logins = {line.split()[0] for line in listed.stdout.splitlines()[1:] if line}
        assert {"admin", "demo", "reader", "custom"} <= logins
        assert "other" not in logins  # attached to 7654321 only

        modified = here("user", "modify", "reader", "--phone", "+33 1 42 68 53 00",
                        *remote, home=tmp_path)
        assert modified.returncode == 0, modified.stderr

        customised = here("user", "rights", "reader", "1234567", "--section", "cover=full",
                          "--section", "claims=read_only", *remote, home=tmp_path)
        assert customised.returncode == 0, customised.stderr
        assert "custom" in customised.stdout and "claims=read_only" in customised.stdout
        rights, sections = attachment(db, "reader", "1234567") or ("", "")
        assert rights == "custom" and '"claims": "read_only"' in sections

        refused = here("user", "attach", "reader", "7654321", *remote, home=tmp_path)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert refused.stderr.strip(), "the refusal says why"
        assert attachment(db, "reader", "7654321") is None

        hidden = here("user", "suspend", "underwriter", *remote, home=tmp_path)
        assert hidden.returncode == 1 and "Traceback" not in hidden.stderr

        suspended = here("user", "suspend", "reader", "--until", "2030-01-31", *remote,
                         home=tmp_path)
        assert suspended.returncode == 0, suspended.stderr
        assert "suspended until" in suspended.stdout

        detached = here("user", "detach", "custom", "1234567", *remote, home=tmp_path)
        assert detached.returncode == 0, detached.stderr
        assert attachment(db, "custom", "1234567") is None
        not_attached = here("user", "list", "--contract", "1234567", "--not-attached",
                            *remote, home=tmp_path)
        assert not_attached.returncode == 0, not_attached.stderr
        assert "custom" in {line.split()[0] for line in
                            not_attached.stdout.splitlines()[1:] if line}

        myself = here("user", "detach", "admin", "1234567", *remote, home=tmp_path)
        assert myself.returncode == 1 and "Traceback" not in myself.stderr
        assert attachment(db, "admin", "1234567") == ("full", "{}")
    finally:
        server.stop()

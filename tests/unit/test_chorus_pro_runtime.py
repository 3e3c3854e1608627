"""This process's connector (issue 19 item 6): off by default and then makes no HTTP
client at all; configured, ``client_for`` resolves the technical account's password
reference and reaches Chorus Pro with the process's settings and transport."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from cofatui.chorus_pro import runtime
from cofatui.chorus_pro.errors import ChorusProBadSetting
from cofatui.chorus_pro.secrets import NotAReference
from cofatui.chorus_pro.settings import ChorusProSettings
from tests.doubles.piste import PASSWORD_ENV, RunningDouble
from tests.doubles.piste_fixtures import piste_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


class FailingTransport(httpx.BaseTransport):
    """A transport that fails the test if anything tries to use it."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        pytest.fail(f"an HTTP request was made: {request.method} {request.url}")


def test_not_configured_makes_no_client() -> None:
    runtime.reset()
    assert runtime.current() is None
    with pytest.raises(ChorusProBadSetting) as refused:
        runtime.client_for("TECH_x", "env:X")
    assert refused.value.code == "chorus_pro.not_configured"
    assert "[chorus_pro]" in refused.value.text("en")


def test_a_table_without_client_id_is_not_configured() -> None:
    runtime.configure(ChorusProSettings(environment="production"), FailingTransport())
    try:
        with pytest.raises(ChorusProBadSetting) as refused:
            runtime.client_for("TECH_x", "env:X")
        assert refused.value.code == "chorus_pro.not_configured"
    finally:
        runtime.reset()


def test_the_account_is_checked_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    runtime.configure(ChorusProSettings(client_id="id", client_secret="env:S"),
                      FailingTransport())
    monkeypatch.delenv("TECH_PASSWORD", raising=False)
    try:
        with pytest.raises(ChorusProBadSetting) as no_login:
            runtime.client_for(" ", "env:TECH_PASSWORD")
        assert no_login.value.code == "chorus_pro.no_login"
        with pytest.raises(NotAReference):
            runtime.client_for("TECH_x", "the-password-itself")
        with pytest.raises(ChorusProBadSetting) as missing:
            runtime.client_for("TECH_x", "env:TECH_PASSWORD")
        assert missing.value.params == {"name": "TECH_PASSWORD"}
    finally:
        runtime.reset()


def test_a_configured_process_reaches_chorus_pro(piste: RunningDouble,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, piste.state.password)
    runtime.configure(piste.settings())
    assert runtime.current() == piste.settings()
    with runtime.client_for(piste.state.login, f"env:{PASSWORD_ENV}") as client:
        client.check_token()
        assert client.find_structure("21690123100011") is None
    assert piste.state.counters["tokens_issued"] == 1
    assert piste.state.refusals == []


def test_loading_settings_and_configuring_imports_no_http_client(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[chorus_pro]\nclient_id = 'id'\nclient_secret = 'env:S'\n",
                      encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from cofatui.config import load_settings
        from cofatui.chorus_pro import runtime
        runtime.configure(load_settings(Path({str(config)!r})).chorus_pro)
        assert runtime.current() is not None
        print("httpx" in sys.modules, "keyring" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_opening_a_database_configures_the_process_that_runs_its_jobs(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The TUI on a database (and the CLI with ``--db``) runs the jobs itself: its
    ``[chorus_pro]`` becomes this process's."""
    import argparse

    from cofatui import cli
    from cofatui.config import parse_settings
    from cofatui.repository import sql

    settings = parse_settings("[chorus_pro]\nclient_id = 'id'\n"
                              "client_secret = 'env:PISTE_SECRET'\n")
    opened: list[str] = []
    monkeypatch.setattr(sql, "open_sql_repository",
                        lambda url, login: opened.append(url))
    args = argparse.Namespace(db=f"sqlite:///{tmp_path / 'x.sqlite'}", api=None, user=None)
    try:
        cli.open_repository(args, settings)
        assert opened == [args.db]
        assert runtime.current() == settings.chorus_pro
    finally:
        runtime.reset()

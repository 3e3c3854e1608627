"""Company information and documents sent with ``--api``: the TUI talks to the API
(in-process, FastAPI's TestClient), the form's file goes up in the multipart sending,
and the copy saved from the documents sent comes down through ``repo.documents.content``
with the same bytes."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from textual.widgets import Input, Select

from cofatui.config import Settings
from cofatui.repository.http import open_http_repository
from cofatui.tui.app import CofaApp
from cofatui.tui.features.company_info.forms import TransmissionForm
from cofatui.tui.features.documents.screen import DocumentsSentScreen
from cofatui.tui.kit.file_picker import FilePicker
from tests.api_app import shared_app
from tests.contract.conftest import make_token
from tests.tui.company_info_env import EXE, PDF, open_form, pick_file, write
from tests.tui.pilot import settle, wait_until
from tests.tui.products_env import SIZE, make_env, screen_text


async def test_send_then_save_a_copy_through_the_api(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    with shared_app(env.engine, env.clock) as api, TestClient(api) as client:
        repo = open_http_repository(str(client.base_url),
                                    make_token(env.engine, "alice", env.clock), client=client)
        app = CofaApp(repo, Settings(language="en"), clock=env.clock)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            form = await open_form(pilot, env.ids["gamma"], "t")
            assert isinstance(form, TransmissionForm)
            form.query_one("#info_type", Select).value = "aged_balance"
            await pick_file(pilot, write(tmp_path, "balance.pdf", PDF))
            # Checked here before it would be sent, with the server's own message.
            await pick_file(pilot, write(tmp_path, "balance.xlsx", EXE))
            assert "balance.xlsx" in screen_text(app) and "not accepted" in screen_text(app)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not isinstance(app.screen, TransmissionForm),
                             what="the form sent")

            app.switch_to("documents_sent")
            await wait_until(pilot, lambda: isinstance(app.screen, DocumentsSentScreen)
                             and "balance.pdf" in screen_text(app), what="the file listed")
            await pilot.press("c")
            await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), what="picker")
            target = tmp_path / "downloaded.pdf"
            app.screen.query_one("#picker-path", Input).value = str(target)
            await pilot.press("enter")
            await wait_until(pilot, target.exists, what="the copy written")
            await settle(pilot)
    assert target.read_bytes() == PDF

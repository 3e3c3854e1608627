"""Factur-X in the TUI (issue 19, TUI Pilot tests): the export from an invoice's detail
writes the file where the picker says; a refused export names each field. The
repository's Factur-X area is a double here (the SQL one is tested in the contract
suite): what is tested is the screens, on the real invoices of the Chorus dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from cofatui.config import Settings
from cofatui.enums import FacturxFormat
from cofatui.errors import ValidationFailed
from cofatui.schemas_facturx import FacturxFile
from cofatui.tui.app import CofaApp
from cofatui.tui.features.chorus.detail import InvoiceDetailScreen
from cofatui.tui.features.chorus_facturx.export import ExportDialog
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.navigation import open_screen
from tests.tui.chorus_env import SA_USER, chorus_env, deposit, repo
from tests.tui.pilot import settle, toasts, wait_until
from tests.tui.products_env import SIZE, Env, pin_utc

__all__ = ["pin_utc"]


class FakeFacturx:
    """``repo.chorus_facturx`` as the screens use it: records the calls, answers a file
    (or raises what ``refuse`` holds)."""

    def __init__(self, refuse: Exception | None = None) -> None:
        self.refuse = refuse
        self.calls: list[tuple[Any, ...]] = []

    def export(self, invoice_id: int, fmt: FacturxFormat = FacturxFormat.FACTURX,
               language: str | None = None) -> FacturxFile:
        self.calls.append(("export", invoice_id, fmt, language))
        if self.refuse is not None:
            raise self.refuse
        ext = "xml" if fmt is FacturxFormat.XML else "pdf"
        return FacturxFile(file_name=f"F-2026-1.{ext}", media_type="application/pdf",
                           content=b"%PDF-1.7 factur-x " + fmt.value.encode())


def app_with(env: Env, login: str, folder: Path, language: str = "en",
             **areas: Any) -> CofaApp:
    the_repo = repo(env, login)
    for name, area in areas.items():
        setattr(the_repo, name, area)
    return CofaApp(the_repo, Settings(language=language, last_folder=str(folder)),
                   clock=env.clock)


async def detail_of(pilot: Any, invoice_id: int) -> InvoiceDetailScreen:
    open_screen(pilot.app, "chorus_invoice", invoice_id)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, InvoiceDetailScreen),
                     what="the invoice")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InvoiceDetailScreen)
    return screen


async def test_export_from_the_detail_writes_the_chosen_format_where_picked(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    made = deposit(env, "F-2026/1")
    out = tmp_path / "out"
    out.mkdir()
    fake = FakeFacturx()
    app = app_with(env, SA_USER, out, chorus_facturx=fake)
    async with app.run_test(size=SIZE) as pilot:
        await detail_of(pilot, made.id)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog), what="the dialog")
        app.screen.query_one("#fmt-xml").value = True  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), what="the picker")
        path_input = app.screen.query_one("#picker-path", Input)
        assert path_input.value.endswith("F-2026-1.xml")  # the repository's name
        path_input.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: (out / "F-2026-1.xml").exists(), what="the file")
        await wait_until(pilot, lambda: "Saved" in toasts(app), what="told")
        assert isinstance(app.screen, InvoiceDetailScreen)
    assert (out / "F-2026-1.xml").read_bytes() == b"%PDF-1.7 factur-x xml"
    assert fake.calls == [("export", made.id, FacturxFormat.XML, "en")]


async def test_a_refused_export_names_each_field_in_french_and_writes_nothing(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    made = deposit(env, "F-2026/2")
    fake = FakeFacturx(refuse=ValidationFailed.at("number", "chorus_facturx.number_too_long",
                                                  max=20, length=24))
    app = app_with(env, SA_USER, tmp_path, language="fr", chorus_facturx=fake)
    async with app.run_test(size=SIZE) as pilot:
        await detail_of(pilot, made.id)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog), what="the dialog")
        await pilot.press("ctrl+s")
        dialog = app.screen
        await wait_until(pilot, lambda: "Numéro" in str(
            dialog.query_one("#export-error", Static).render()), what="the refusal")
        said = str(dialog.query_one("#export-error", Static).render())
        assert "refuse cette facture" in said
        assert isinstance(app.screen, ExportDialog)  # kept open, nothing picked
    assert not list(tmp_path.glob("*.pdf"))

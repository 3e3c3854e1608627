"""Shared by the company-information and documents-sent Pilot tests: the contract
dataset (alice on contract A, uw the underwriter), files of each kind, and the steps a
user takes (open a company, pick a file with the file picker, send)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from cofatui.enums import CompanyInfoForm, CompanyInfoType
from cofatui.schemas_company_info import CompanyInfoIn, CompanyInfoPublic, UploadedFile
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.company_info.form_base import SubmissionForm
from cofatui.tui.features.company_info.forms import FormChoiceDialog
from cofatui.tui.features.documents.screen import DocumentsSentScreen
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.navigation import open_screen
from tests.tui.pilot import settle, wait_until
from tests.tui.products_env import Env

#: The smallest file each reader recognises as a PDF (by its first bytes).
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
#: A Windows program: its first bytes say so whatever its name.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


async def open_company(pilot: Pilot[Any], company_id: int) -> CompanyDetailScreen:
    open_screen(pilot.app, "company_detail", company_id)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CompanyDetailScreen),
                     what="the company page")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompanyDetailScreen)
    return screen


async def open_form(pilot: Pilot[Any], company_id: int, key: str) -> SubmissionForm:
    """From the company page: ``i``, then the form (``n`` negative information, ``t``
    information transmission)."""
    await open_company(pilot, company_id)
    await pilot.press("i")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FormChoiceDialog),
                     what="the choice of form")
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SubmissionForm),
                     what="the form")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, SubmissionForm)
    return form


async def open_documents(pilot: Pilot[Any]) -> DocumentsSentScreen:
    """Tools › Documents sent, its tabs read."""
    pilot.app.switch_to("documents_sent")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DocumentsSentScreen),
                     what="the documents sent")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DocumentsSentScreen)
    return screen


async def pick_file(pilot: Pilot[Any], path: Path) -> None:
    """Ctrl+B in a form, the path typed in the file picker, Enter."""
    await pilot.press("ctrl+b")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FilePicker),
                     what="the file picker")
    pilot.app.screen.query_one("#picker-path", Input).value = str(path)
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, FilePicker),
                     what="the picker closed")
    await settle(pilot)


def send_annual_report(env: Env, company: str = "gamma",
                       files: tuple[tuple[str, bytes], ...] = (("report.pdf", PDF),)
                       ) -> CompanyInfoPublic:
    """A transmission sent by alice through the repository (for the lists' tests)."""
    repo = env.app("alice").repo
    return repo.company_info.send(
        CompanyInfoIn(contract_id=env.ids["A"], company_id=env.ids[company],
                      form=CompanyInfoForm.TRANSMISSION,
                      info_type=CompanyInfoType.ANNUAL_REPORT, comment="2025 report"),
        [UploadedFile(name=name, content=content) for name, content in files])

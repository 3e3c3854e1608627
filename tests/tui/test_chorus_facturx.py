"""Factur-X in the TUI (issue 19, TUI Pilot tests): the export from an invoice's detail
writes the file where the picker says; a refused export names each field. The
repository's Factur-X area is a double here (the SQL one is tested in the contract
suite): what is tested is the screens, on the real invoices of the Chorus dataset."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Static

from cofatui.config import Language, Settings
from cofatui.enums import (
    ChorusInvoiceType,
    ChorusPaymentMode,
    ChorusProDeposit,
    ChorusState,
    ChorusVatRate,
    FacturxFormat,
)
from cofatui.errors import ValidationFailed
from cofatui.formats.facturx import build_facturx
from cofatui.formats.facturx_read import read_pdf
from cofatui.rules.facturx_model import FacturxInvoice, FacturxLine, FacturxParty, FacturxVat
from cofatui.schemas_chorus import (
    ChorusInvoiceDetail,
    ChorusInvoiceSearch,
    ChorusProLink,
    MyChorusStructure,
)
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import (
    ChorusConnectorPublic,
    ChorusConnectorSave,
    FacturxExportRequest,
    FacturxFile,
    FacturxImportBatch,
    FacturxImportOutcome,
    FacturxImportStatus,
    FacturxInvoiceRef,
    FacturxReason,
)
from cofatui.schemas_jobs import JobFileContent, JobPublic, JobStatus
from cofatui.tui.app import CofaApp
from cofatui.tui.features.chorus.detail import InvoiceDetailScreen
from cofatui.tui.features.chorus.hub import ChorusHubScreen
from cofatui.tui.features.chorus.lists import InvoiceListScreen
from cofatui.tui.features.chorus_facturx.connector import ConnectorScreen
from cofatui.tui.features.chorus_facturx.export import ExportDialog
from cofatui.tui.features.chorus_facturx.import_screen import FacturxImportScreen
from cofatui.tui.features.chorus_facturx.selection import SelectionExportDialog
from cofatui.tui.features.chorus_forms.deposit import InvoiceDepositScreen
from cofatui.tui.features.chorus_forms.entry import InvoiceEntryScreen
from cofatui.tui.features.chorus_forms.lines import LinesPanel
from cofatui.tui.features.tools.imports import ImportLinesScreen
from cofatui.tui.kit.choices import Choice, Tick
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.form import FormField
from cofatui.tui.navigation import open_screen
from tests.contract import chorus_dataset as cd
from tests.repo_doubles import Override
from tests.tui.chorus_env import PA_USER, SA_USER, chorus_env, deposit, repo
from tests.tui.pilot import settle, toasts, type_into, wait_until
from tests.tui.products_env import SIZE, Env, pin_utc
from tests.tui.test_chorus import open_invoice as detail_of

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


    def import_files(self, files: list[UploadedFile]) -> FacturxImportBatch:
        """A file starting ``%PDF-FX`` is imported; any other is a plain PDF."""
        self.calls.append(("import", [f.name for f in files]))
        outcomes = []
        for index, f in enumerate(files):
            if f.content.startswith(b"%PDF-FX"):
                outcomes.append(FacturxImportOutcome(
                    file=f.name, status=FacturxImportStatus.IMPORTED,
                    invoice=FacturxInvoiceRef(
                        id=index + 1, number="FX-2026-7", type=ChorusInvoiceType.INVOICE,
                        supplier_siret=cd.SIRET[cd.SA], supplier_name="Fournisseur SA",
                        recipient_siret=cd.SIRET[cd.PA], currency="EUR",
                        total_incl_tax=Decimal("1200.00"), state=ChorusState.MADE_AVAILABLE)))
            else:
                code = "chorus_facturx.facturx_missing"
                outcomes.append(FacturxImportOutcome(
                    file=f.name, status=FacturxImportStatus.REFUSED,
                    reasons=[FacturxReason(code=code, message="a plain PDF")]))
        return FacturxImportBatch(import_id=1, outcomes=outcomes)


def app_with(env: Env, login: str, folder: Path, language: Language = "en",
             **areas: Any) -> CofaApp:
    the_repo = repo(env, login)
    for name, area in areas.items():
        setattr(the_repo, name, area)
    return CofaApp(the_repo, Settings(language=language, last_folder=str(folder)),
                   clock=env.clock)


async def export_from_detail(pilot: Any, invoice_id: int, fmt: FacturxFormat,
                             file: Path) -> None:
    """The detail, x, the format, Ctrl+S, then Enter on the name the picker proposes:
    ``file`` is written."""
    app = pilot.app
    await detail_of(pilot, invoice_id)
    await pilot.press("x")
    await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog), what="the dialog")
    app.screen.query_one(f"#fmt-{fmt.value}", Choice).value = True
    await settle(pilot)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), what="the picker",
                     timeout=20)
    path_input = app.screen.query_one("#picker-path", Input)
    assert path_input.value.endswith(file.name)  # the repository's name
    path_input.focus()
    await pilot.press("enter")
    await wait_until(pilot, file.exists, what="the file")


async def test_export_from_the_detail_writes_the_chosen_format_where_picked(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    made = deposit(env, "F-2026/1")
    out = tmp_path / "out"
    out.mkdir()
    fake = FakeFacturx()
    app = app_with(env, SA_USER, out, chorus_facturx=fake)
    async with app.run_test(size=SIZE) as pilot:
        await export_from_detail(pilot, made.id, FacturxFormat.XML, out / "F-2026-1.xml")
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


async def pick(pilot: Any, path: Path, back: Screen[Any]) -> None:
    """Ctrl+O, ``path`` typed in the kit's picker, Enter: back on ``back``."""
    app = pilot.app
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), what="the picker")
    path_input = app.screen.query_one("#picker-path", Input)
    path_input.value = str(path)
    path_input.focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen is back, what="back from the picker")


async def import_files(pilot: Any, *paths: Path) -> tuple[FacturxImportScreen, list[str]]:
    """The import screen opened, ``paths`` picked one by one and imported: the screen
    and its outcome lines."""
    app = pilot.app
    await settle(pilot)
    open_screen(app, "chorus_facturx_import")
    await wait_until(pilot, lambda: isinstance(app.screen, FacturxImportScreen),
                     what="the import")
    screen = app.screen
    assert isinstance(screen, FacturxImportScreen)
    for path in paths:
        await pick(pilot, path, screen)
    assert screen.paths == list(paths)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: len(screen.outcomes) == len(paths), what="the outcomes",
                     timeout=20)
    await settle(pilot)
    box = screen.query_one("#facturx-outcomes", OptionList)
    return screen, [str(box.get_option_at_index(i).prompt) for i in range(box.option_count)]


async def test_import_of_a_factur_x_and_a_plain_pdf_shows_both_outcomes_in_french(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    good = tmp_path / "facture-fx.pdf"
    good.write_bytes(b"%PDF-FX a Factur-X")
    plain_pdf = tmp_path / "scan.pdf"
    plain_pdf.write_bytes(b"%PDF-1.4 a plain PDF")
    fake = FakeFacturx()
    app = app_with(env, PA_USER, tmp_path, language="fr", chorus_facturx=fake)
    async with app.run_test(size=SIZE) as pilot:
        screen, lines = await import_files(pilot, good, plain_pdf)
        assert "facture-fx.pdf" in lines[0] and "Importée" in lines[0]
        assert "FX-2026-7" in lines[0]
        assert "scan.pdf" in lines[1] and "Refusée" in lines[1]
        assert "son fournisseur doit le déposer" in lines[1]  # the reason, in French
        assert "1 importée(s), 1 refusée(s)" in str(
            screen.query_one("#facturx-status", Static).render())
    assert fake.calls == [("import", ["facture-fx.pdf", "scan.pdf"])]


class FakeConnector:
    """``repo.chorus_connector`` for the connector screen: a never-configured connector;
    ``save`` refuses a password that is not a reference, as the repository does."""

    def __init__(self, structure_id: int) -> None:
        self.saved: list[ChorusConnectorSave] = []
        self.current = ChorusConnectorPublic(
            structure_id=structure_id, structure_siret=cd.SIRET[cd.SA], enabled=False,
            login="", password_ref="", password_expires_on=None, configured=False,
            updated_at=None, updated_by="", version=None)

    def get(self, structure_id: int) -> ChorusConnectorPublic:
        return self.current

    def save(self, structure_id: int, data: ChorusConnectorSave) -> ChorusConnectorPublic:
        if not data.password_ref.startswith(("env:", "keyring:")):
            raise ValidationFailed.at("password_ref", "chorus_connector.secret_not_reference")
        self.saved.append(data)
        self.current = self.current.model_copy(update={
            "enabled": data.enabled, "login": data.login, "password_ref": data.password_ref,
            "password_expires_on": data.password_expires_on, "configured": True,
            "version": 1, "updated_by": SA_USER})
        return self.current


async def test_the_connector_screen_refuses_a_literal_password_at_its_field(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    structure_id = env.ids[cd.SA]
    fake = FakeConnector(structure_id)
    app = app_with(env, SA_USER, tmp_path, language="fr", chorus_connector=fake)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_screen(app, "chorus_connector", structure_id)
        await wait_until(pilot, lambda: isinstance(app.screen, ConnectorScreen),
                         what="the connector")
        screen = app.screen
        await wait_until(pilot, lambda: "Jamais configuré" in "".join(
            str(w.render()) for w in screen.query("#connector-updated")), what="loaded")
        screen.query_one("#enabled", Tick).value = True
        await type_into(pilot, "#login", "TECH_0001@cpro.fr")
        await type_into(pilot, "#password_ref", "hunter2")  # the password itself
        await type_into(pilot, "#password_expires_on", "31/03/2027")
        await pilot.press("ctrl+s")
        field = screen.query_one("#password_ref-field", FormField)
        await wait_until(pilot, lambda: bool(field.error.strip()), what="the refusal")
        assert "pas le mot de passe" in field.error  # at the field, in French
        assert fake.saved == []
        # A reference goes through.
        screen.query_one("#password_ref", Input).value = "env:CHORUS_PRO_PASSWORD"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(fake.saved), what="saved")
        await settle(pilot)
        assert not field.error.strip()
    assert fake.saved[0].password_ref == "env:CHORUS_PRO_PASSWORD"
    assert fake.saved[0].login == "TECH_0001@cpro.fr"
    assert fake.saved[0].enabled
    assert fake.saved[0].password_expires_on == date(2027, 3, 31)


def a_facturx() -> bytes:
    """A Factur-X of SA to PA made by our own writer: 2 lines at 20 %."""
    lines = (FacturxLine(1, "Audit de sécurité", Decimal(2), Decimal("450.00"),
                         ChorusVatRate.STANDARD, Decimal("900.00"), unit="HUR"),
             FacturxLine(2, "Rapport", Decimal(1), Decimal("100.00"),
                         ChorusVatRate.STANDARD, Decimal("100.00")))
    invoice = FacturxInvoice(
        number="FX-2026-042", type=ChorusInvoiceType.INVOICE, invoice_date=date(2026, 11, 20),
        currency="EUR", seller=FacturxParty("Fournisseur SA", cd.SIRET[cd.SA]),
        buyer=FacturxParty("Acheteur public", cd.SIRET[cd.PA]), lines=lines,
        vat=(FacturxVat(ChorusVatRate.STANDARD, Decimal("1000.00"), Decimal("200.00")),),
        total_excl_tax=Decimal("1000.00"), total_vat=Decimal("200.00"),
        total_incl_tax=Decimal("1200.00"), amount_due=Decimal("1200.00"),
        service_code=cd.SERVICE_ACTIVE, engagement="EJ-77", market_number="M-2026-3",
        payment_mode=ChorusPaymentMode.VIREMENT, iban="FR7630006000011234567890189")
    return build_facturx(invoice, "fr")


async def test_depositing_a_factur_x_fills_the_form_and_a_plain_pdf_leaves_it(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    fx = tmp_path / "fx.pdf"
    fx.write_bytes(a_facturx())
    app = app_with(env, SA_USER, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = InvoiceDepositScreen()
        app.push_screen(form)
        await wait_until(pilot, lambda: bool(form.query(LinesPanel)), what="the form")
        await settle(pilot)
        await pick(pilot, fx, form)
        await wait_until(pilot, lambda: form.query_one("#number", Input).value == "FX-2026-042",
                         what="filled from the Factur-X")
        await settle(pilot)
        assert form.query_one("#recipient_siret", Input).value == cd.SIRET[cd.PA]
        assert form.query_one("#service_code", Input).value == cd.SERVICE_ACTIVE
        assert form.query_one("#engagement", Input).value == "EJ-77"
        assert form.query_one("#market_number", Input).value == "M-2026-3"
        assert form.query_one("#invoice_date", Input).value == "20/11/2026"
        assert [x.label for x in form.query_one(LinesPanel).lines] == [
            "Audit de sécurité", "Rapport"]
        assert "fx.pdf" in str(form.query_one("#pdf-name", Static).render())  # still chosen
        # A plain PDF changes nothing typed.
        form.query_one("#number", Input).value = "MINE-1"
        plain_pdf = tmp_path / "plain.pdf"
        plain_pdf.write_bytes(_blank_pdf())
        await pick(pilot, plain_pdf, form)
        await settle(pilot, rounds=8)
        assert form.query_one("#number", Input).value == "MINE-1"
        assert "plain.pdf" in str(form.query_one("#pdf-name", Static).render())


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def test_an_entry_starts_with_its_suppliers_default_payment_terms(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    real = repo(env, SA_USER).chorus_directory
    terms = "Pénalités de retard : 3 fois le taux légal ; indemnité forfaitaire 40 €"

    def mine() -> list[MyChorusStructure]:
        return [m.model_copy(update={"structure": m.structure.model_copy(
            update={"payment_terms_default": terms})}) for m in real.mine()]

    app = app_with(env, SA_USER, tmp_path, chorus_directory=Override(real, mine=mine))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = InvoiceEntryScreen(structure_id=env.ids[cd.SA])
        app.push_screen(form)
        await wait_until(pilot, lambda: bool(form.query(LinesPanel)), what="the form")
        await wait_until(pilot, lambda: form.query_one("#payment_terms", Input).value == terms,
                         what="the default terms")


def a_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


class FakeJobs:
    """``repo.jobs`` for one export job: running at first look, then done with its ZIP."""

    def __init__(self, job: JobPublic, content: bytes, running_looks: int = 1) -> None:
        self.job, self.content, self.looks = job, content, 0
        self.running_looks = running_looks

    def get(self, job_id: int) -> JobPublic:
        self.looks += 1
        if self.looks <= self.running_looks:
            return self.job.model_copy(update={"status": JobStatus.RUNNING,
                                               "progress_done": 1, "progress_total": 2})
        return self.job.model_copy(update={"status": JobStatus.DONE, "progress_done": 2,
                                           "progress_total": 2,
                                           "result_name": "factur-x-2026-11-20.zip"})

    def result_file(self, job_id: int) -> JobFileContent:
        return JobFileContent(name="factur-x-2026-11-20.zip", content=self.content)


JOB = JobPublic(id=7, kind="chorus.facturx_export", params={"import_id": 3},
                status=JobStatus.QUEUED, progress_done=0, progress_total=None, error_code="",
                error="", result_name="", result_size=None, attempts=0,
                cancel_requested=False, created_at=None, started_at=None, finished_at=None)
ZIP = a_zip({"F-2026-10.pdf": b"%PDF-10", "F-2026-11.pdf": b"%PDF-11"})


class Exports(FakeFacturx):
    """The export job queued at once: ``asked`` holds the requests."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[FacturxExportRequest] = []

    def export_selection(self, request: FacturxExportRequest,
                         language: str | None = None) -> JobPublic:
        self.asked.append(request)
        return JOB


async def start_list_export(pilot: Any) -> SelectionExportDialog:
    """Every invoice listed, x, Ctrl+S, Enter on the ZIP's proposed name: queued."""
    app = pilot.app
    await settle(pilot)
    open_screen(app, "chorus_invoices", ChorusInvoiceSearch())
    await wait_until(pilot, lambda: isinstance(app.screen, InvoiceListScreen), what="the list")
    await settle(pilot)
    await pilot.press("x")
    await wait_until(pilot, lambda: isinstance(app.screen, SelectionExportDialog),
                     what="the dialog")
    dialog = app.screen
    assert isinstance(dialog, SelectionExportDialog)
    await wait_until(pilot, lambda: dialog.ids is not None, what="the invoices counted")
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), what="the picker")
    path_input = app.screen.query_one("#picker-path", Input)
    assert path_input.value.endswith(".zip")
    path_input.focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: dialog.job is not None, what="queued")
    return dialog


async def test_a_list_is_exported_as_a_job_and_unpacked_in_the_chosen_folder(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    first, second = deposit(env, "F-2026/10"), deposit(env, "F-2026/11")
    out = tmp_path / "exports"
    out.mkdir()
    (out / "F-2026-10.pdf").write_bytes(b"already there")  # never replaced
    exports = Exports()
    app = app_with(env, SA_USER, out, chorus_facturx=exports, jobs=FakeJobs(JOB, ZIP))
    async with app.run_test(size=SIZE) as pilot:
        dialog = await start_list_export(pilot)
        await wait_until(pilot, lambda: len(dialog.written) == 2, what="unpacked",
                         timeout=20)
        await settle(pilot)
        assert dialog.query_one("#results", Button).display  # the result list offered
    assert sorted(exports.asked[0].invoice_ids) == sorted([first.id, second.id])
    assert (out / "F-2026-10.pdf").read_bytes() == b"already there"
    assert (out / "F-2026-10-2.pdf").read_bytes() == b"%PDF-10"
    assert (out / "F-2026-11.pdf").read_bytes() == b"%PDF-11"
    assert list(out.glob("*.zip"))  # the ZIP kept where chosen


async def test_a_list_export_left_running_lands_in_the_exports_folder(
        tmp_path: Path, isolated_dirs: Path) -> None:
    env = chorus_env(tmp_path)
    deposit(env, "F-2026/12")
    jobs = FakeJobs(JOB, ZIP, running_looks=10**9)
    app = app_with(env, SA_USER, tmp_path, chorus_facturx=Exports(), jobs=jobs)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await start_list_export(pilot)
        await pilot.press("escape")  # left while it runs
        await wait_until(pilot, lambda: dialog not in app.screen_stack, what="closed")
        jobs.running_looks = jobs.looks  # done from the next look on
        saved = isolated_dirs / "data" / "exports" / "factur-x-2026-11-20.zip"
        await wait_until(pilot, saved.exists, what="saved by the follower", timeout=20)
    assert saved.read_bytes() == ZIP


def linked(detail: ChorusInvoiceDetail, deposit_state: ChorusProDeposit,
           **more: Any) -> ChorusInvoiceDetail:
    link = ChorusProLink(deposit=deposit_state, flux_number="FLUX-0042", invoice_id="",
                         status="", error="Compte technique invalide", synced_at=None)
    return detail.model_copy(update={"chorus_pro": link, **more})


async def test_the_detail_shows_the_chorus_pro_panel_and_sends_again(tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    made = deposit(env, "F-2026/20")
    real = repo(env, SA_USER).chorus_invoices
    sent: list[tuple[int, int]] = []

    def get(invoice_id: int) -> ChorusInvoiceDetail:
        return linked(real.get(invoice_id), ChorusProDeposit.FAILED, actions=["send"])

    class Connector:
        def send(self, invoice_id: int, version: int) -> ChorusInvoiceDetail:
            sent.append((invoice_id, version))
            return linked(real.get(invoice_id), ChorusProDeposit.QUEUED, actions=[])

    app = app_with(env, SA_USER, tmp_path, language="fr",
                   chorus_invoices=Override(real, get=get), chorus_connector=Connector())
    async with app.run_test(size=SIZE) as pilot:
        screen = await detail_of(pilot, made.id)
        panel = screen.query_one("#chorus-pro", Static)
        said = str(panel.render())
        assert panel.display
        assert "Échec : à renvoyer" in said and "FLUX-0042" in said
        assert "Compte technique invalide" in said  # Chorus Pro's label, literal
        await pilot.press("g")
        await wait_until(pilot, lambda: "En attente d'envoi" in str(panel.render()),
                         what="queued")
        assert screen.check_action("chorus_pro", ("send",)) is False  # sent: no more
    assert sent == [(made.id, made.version)]


async def test_local_recipient_moves_are_hidden_when_chorus_pro_is_in_play(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    made = deposit(env, "F-2026/21")
    real = repo(env, PA_USER).chorus_invoices
    assert real.get(made.id).moves  # without the connector, PA may process it
    app = app_with(env, PA_USER, tmp_path, chorus_invoices=Override(
        real, get=lambda i: linked(real.get(i), ChorusProDeposit.INTEGRATED)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await detail_of(pilot, made.id)
        assert screen.check_action("process", ()) is False
        assert "on the portal" in str(screen.query_one("#chorus-pro", Static).render())
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is screen  # no process dialog


# --- on the real SQL repository ----------------------------------------------------------


async def test_on_the_sql_repository_an_export_writes_a_factur_x_that_reads_back(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    made = deposit(env, "F-2026/30")
    out = tmp_path / "out"
    out.mkdir()
    app = app_with(env, SA_USER, out)
    async with app.run_test(size=SIZE) as pilot:
        await export_from_detail(pilot, made.id, FacturxFormat.FACTURX, out / "F-2026-30.pdf")
    read = read_pdf((out / "F-2026-30.pdf").read_bytes())
    assert read.invoice.number == "F-2026/30"
    assert read.invoice.seller.siret == cd.SIRET[cd.SA]
    assert read.invoice.total_incl_tax == made.total_incl_tax


async def test_on_the_sql_repository_a_factur_x_is_imported_and_a_plain_pdf_refused(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    good = tmp_path / "facture-fx.pdf"
    good.write_bytes(a_facturx())
    plain_pdf = tmp_path / "scan.pdf"
    plain_pdf.write_bytes(_blank_pdf())
    app = app_with(env, PA_USER, tmp_path, language="fr")
    async with app.run_test(size=SIZE) as pilot:
        screen, lines = await import_files(pilot, good, plain_pdf)
        box = screen.query_one("#facturx-outcomes", OptionList)
        assert "Importée" in lines[0] and "FX-2026-042" in lines[0], lines
        assert "Refusée" in lines[1] and "son fournisseur doit le déposer" in lines[1], lines
        # The stored result: one line per file (Tools › Import results).
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportLinesScreen),
                         what="the import result")
        lines_screen = app.screen
        assert isinstance(lines_screen, ImportLinesScreen)
        assert screen.result_batch is not None
        assert lines_screen.result.id == screen.result_batch.import_id
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="back")
        # Enter on the imported one opens it, made available.
        box.focus()
        box.highlighted = 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceDetailScreen),
                         what="the invoice")
        detail = app.screen
        assert isinstance(detail, InvoiceDetailScreen)
        assert detail.detail.state is ChorusState.MADE_AVAILABLE
        assert detail.detail.number == "FX-2026-042"


async def test_on_the_sql_repository_the_connector_refuses_a_literal_password(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    structure_id = env.ids[cd.SA]
    app = app_with(env, SA_USER, tmp_path, language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_screen(app, "chorus_connector", structure_id)
        await wait_until(pilot, lambda: isinstance(app.screen, ConnectorScreen),
                         what="the connector")
        screen = app.screen
        assert isinstance(screen, ConnectorScreen)
        await wait_until(pilot, lambda: screen.connector is not None, what="loaded")
        screen.query_one("#enabled", Tick).value = True
        await type_into(pilot, "#login", "TECH_0001@cpro.fr")
        await type_into(pilot, "#password_ref", "hunter2")
        await pilot.press("ctrl+s")
        field = screen.query_one("#password_ref-field", FormField)
        await wait_until(pilot, lambda: bool(field.error.strip()), what="the refusal")
        assert "env:" in field.error and "hunter2" not in field.error
        screen.query_one("#password_ref", Input).value = "env:CHORUS_PRO_PASSWORD"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.connector is not None
                         and screen.connector.version is not None, what="saved")
    saved = repo(env, SA_USER).chorus_connector.get(structure_id)
    assert saved.enabled and saved.password_ref == "env:CHORUS_PRO_PASSWORD"


async def test_the_hub_offers_the_import_on_the_received_side_only(tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    app = app_with(env, PA_USER, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_screen(app, "chorus")
        await wait_until(pilot, lambda: isinstance(app.screen, ChorusHubScreen), what="the hub")
        hub = app.screen
        assert isinstance(hub, ChorusHubScreen)
        await wait_until(pilot, lambda: hub.mine != [], what="my structures")
        await settle(pilot)
        links = hub.query_one("#chorus-links", OptionList)
        link = links.get_option("chorus_facturx_import")
        assert hub.side.value == "received" and not link.disabled  # a recipient: received
        hub.action_side("issued")
        await settle(pilot)
        assert links.get_option("chorus_facturx_import").disabled
        hub.action_side("received")
        await settle(pilot)
        links.focus()
        links.highlighted = links.get_option_index("chorus_facturx_import")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FacturxImportScreen),
                         what="the import")

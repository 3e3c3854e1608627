"""Tools › Exports (issue 15 item 7) and the portfolio's Export (item 6), on the SQL
repository: the template editor moving and reordering columns with its header preview,
the default template that cannot be changed, a template in use that cannot be deleted,
the scenario form's messages at its fields, Run now followed with its progress, the
download through the file picker's save mode, deleting marked files after a
confirmation, the portfolio's choice dialog (simple export kept as "Export direct", or
a custom export prefilled with the criteria), the claims portfolio's simple export;
snapshots of the three parts and of the dialog."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import OptionList

from cofatui import locations
from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.enums import ExportAggregation, ExportCategory, ExportFormatChoice, ExportRunStatus
from cofatui.jobs.worker import Worker
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_exports import (
    DirectExportFile,
    ExportScenarioIn,
    ExportTemplateIn,
    ExportTemplatePublic,
)
from cofatui.schemas_jobs import ExportFormat
from cofatui.tui.app import CofaApp
from cofatui.tui.features.exports.choice import ChoiceDialog, ExportChoiceDialog
from cofatui.tui.features.exports.files import FilesPart
from cofatui.tui.features.exports.scenarios import ScenarioForm
from cofatui.tui.features.exports.screen import ExportsScreen
from cofatui.tui.features.exports.templates import TemplateEditor
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.form import field
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import dataset
from tests.tui.pilot import screen_text, settle, toasts, top_screen_text, type_into, wait_until
from tests.tui.products_env import copied_database, themed
from tests.tui.test_notifications import pin_utc

SIZE = (160, 44)
PORTFOLIO = ExportCategory.PORTFOLIO
LOGIN = "both"  # two contracts, P-A and P-B


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    eng, ids = copied_database(tmp_path / "exports.sqlite", "exports_tui", dataset.build)
    yield eng, ids
    eng.dispose()


def make_app(engine: Engine, **settings: Any) -> CofaApp:
    settings.setdefault("language", "en")
    clock = FixedClock(dataset.NOW)
    app = CofaApp(SqlRepository(engine, LOGIN, clock), Settings(**settings))
    app.clock = clock
    return app


def repo_for(engine: Engine) -> SqlRepository:
    """The same user's repository, to prepare data and to check what the screens did."""
    return SqlRepository(engine, LOGIN, FixedClock(dataset.NOW))


def drain(engine: Engine) -> None:
    """Run the queued jobs (the exports') to their end, as the worker would."""
    Worker(engine, clock=FixedClock(dataset.NOW), schedules=[]).drain()


def default_template(repo: SqlRepository, category: ExportCategory = PORTFOLIO
                     ) -> ExportTemplatePublic:
    return next(x for x in repo.exports.templates(category) if x.default)


def scenario_in(repo: SqlRepository, ids: dataset.Ids, name: str = "Weekly ERP",
                **changes: Any) -> ExportScenarioIn:
    data = ExportScenarioIn(category=PORTFOLIO, name=name,
                            template_id=default_template(repo).id, contract_ids=[ids["A"]],
                            aggregation=ExportAggregation.PRODUCT)
    return data.model_copy(update=changes)


def rows(lst: VirtualList) -> list[Any]:
    return [row for i in range(lst.row_count) if (row := lst.row_at(i)) is not None]


async def open_exports(pilot: Pilot[Any], part: str = "1") -> ExportsScreen:
    await settle(pilot)
    pilot.app.switch_to("exports")  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExportsScreen)
    await pilot.press(part)
    await settle(pilot)
    return screen


async def run_now(pilot: Pilot[Any]) -> tuple[ExportsScreen, FilesPart]:
    """The scenarios part, then r on its first scenario: the screen and its files part,
    which follows the run."""
    screen = await open_exports(pilot, "3")
    await pilot.press("r")
    await settle(pilot)
    return screen, screen.files_part(PORTFOLIO)


async def open_new(pilot: Pilot[Any], part: str) -> Any:
    """The exports screen at ``part``, then n: the new template's or scenario's form."""
    await open_exports(pilot, part)
    await pilot.press("n")
    await settle(pilot)
    return pilot.app.screen


# ------------------------------------------------------------------------ templates


async def test_template_editor_moves_columns_across_reorders_them_and_previews_the_header(
        engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_new(pilot, "2")
        assert isinstance(editor, TemplateEditor)
        await type_into(pilot, "#name", "ERP weekly")
        labels = {c.key: c.label for c in editor.catalogue}
        first, second, third = editor.available_keys[:3]
        editor.query_one("#available", OptionList).focus()
        await pilot.press("right", "right", "enter")  # → or Enter: across
        await settle(pilot)
        assert editor.chosen == [first, second, third]
        assert first not in editor.available_keys
        chosen = editor.query_one("#chosen", OptionList)
        chosen.focus()
        chosen.highlighted = 2
        await pilot.press("shift+up", "shift+up")  # the third column first
        await settle(pilot)
        assert editor.chosen == [third, first, second]
        await pilot.press("shift+down")
        await settle(pilot)
        assert editor.chosen == [first, third, second]
        chosen.highlighted = 0
        await pilot.press("left")  # ← takes it back
        await settle(pilot)
        assert editor.chosen == [third, second]
        assert first in editor.available_keys
        assert f"Header: {labels[third]} ; {labels[second]}" in top_screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, TemplateEditor)
        saved = [x for x in repo_for(engine[0]).exports.templates(PORTFOLIO)
                 if x.name == "ERP weekly"]
        assert [x.columns for x in saved] == [[third, second]]
        assert "ERP weekly" in screen_text(app)


async def test_template_refusals_show_at_their_fields(engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_new(pilot, "2")
        assert isinstance(editor, TemplateEditor)
        await pilot.press("ctrl+s")  # no name, no column
        await settle(pilot)
        assert isinstance(app.screen, TemplateEditor)
        name = field(editor, "name")
        assert name is not None and name.error
        assert "⚠" in str(editor.query_one("#columns-error").render())


async def test_the_default_template_is_fixed_but_can_be_duplicated(
        engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(pilot, "2")
        lst = screen.templates_part(PORTFOLIO).templates_list
        assert rows(lst)[0].default
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, TemplateEditor)
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert toasts(app).count("The default template cannot be changed or deleted") == 2
        await pilot.press("u")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, TemplateEditor)
        assert editor.chosen == rows(lst)[0].columns
        assert editor.query_one("#name").value.startswith("Copy of ")  # type: ignore[attr-defined]


async def test_deleting_a_template_in_use_names_its_scenarios(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    repo = repo_for(eng)
    template = repo.exports.create_template(ExportTemplateIn(
        category=PORTFOLIO, name="Credit committee", columns=["company_name", "country"]))
    repo.exports.create_scenario(scenario_in(repo, ids, "Monday committee",
                                             template_id=template.id))
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(pilot, "2")
        lst = screen.templates_part(PORTFOLIO).templates_list
        lst.cursor = [x.name for x in rows(lst)].index("Credit committee")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "Monday committee" in toasts(app)
        assert "Credit committee" in [x.name for x in repo.exports.templates(PORTFOLIO)]


# ------------------------------------------------------------------------ scenarios


async def test_scenario_form_shows_its_messages_at_the_fields(
        engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new(pilot, "3")
        assert isinstance(form, ScenarioForm)
        # What cannot be read is said before anything is sent.
        await type_into(pilot, "#starts_at", "someday")
        await type_into(pilot, "#custom_fields", "7=x")
        await pilot.press("ctrl+s")
        await settle(pilot)
        for name in ("starts_at", "custom_fields"):
            where = field(form, name)
            assert where is not None and where.error, name
        # Then the repository's rules, each at its field.
        await type_into(pilot, "#starts_at", "")
        await type_into(pilot, "#custom_fields", "")
        await type_into(pilot, "#name", "Too late")
        await type_into(pilot, "#ends_on", "01/01/2020")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScenarioForm)
        for name in ("contract_ids", "ends_on"):
            where = field(form, name)
            assert where is not None and where.error, name
        name_field = field(form, "name")
        assert name_field is not None and not name_field.error
        assert repo_for(engine[0]).exports.scenarios(PORTFOLIO) == []


async def test_a_scenario_changed_in_its_form_runs_now(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    repo = repo_for(eng)
    repo.exports.create_scenario(scenario_in(repo, ids, company_name="Alpha"))
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(pilot, "3")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ScenarioForm) and form.scenario is not None
        assert form.query_one("#company_name").value == "Alpha"  # type: ignore[attr-defined]
        await type_into(pilot, "#name", "Alpha only")
        await pilot.press("ctrl+r")  # saved, then run now
        await settle(pilot)
        assert not isinstance(app.screen, ScenarioForm)
        assert [x.name for x in repo.exports.scenarios(PORTFOLIO)] == ["Alpha only"]
        assert screen.part == "files"
        assert screen.files_part(PORTFOLIO).following is not None
        assert [x.name for x in repo.exports.runs(PORTFOLIO).items] == ["Alpha only"]


async def test_run_now_shows_the_progress_then_the_file_is_downloaded(
        engine: tuple[Engine, dataset.Ids], tmp_path: Path) -> None:
    eng, ids = engine
    repo = repo_for(eng)
    repo.exports.create_scenario(scenario_in(repo, ids, format=ExportFormatChoice.BOTH))
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen, files = await run_now(pilot)
        assert screen.part == "files"
        assert files.following is not None
        assert "Weekly ERP: in progress" in screen_text(app)
        await asyncio.to_thread(drain, eng)
        await wait_until(pilot, lambda: files.following is None, what="the run's end")
        await settle(pilot)
        run = repo.exports.get_run(rows(files.runs_list)[0].id)
        assert run.status == ExportRunStatus.AVAILABLE
        assert "available" in screen_text(app)
        assert "XLSX" in screen_text(app) and "CSV" in screen_text(app)
        # Download: which file, then where (the picker's save mode).
        files.runs_list.focus()
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        formats = [f.format for f in run.files]
        await pilot.press(str(formats.index(ExportFormat.CSV) + 1))
        # (no settle from here: the picker's tree keeps a loader worker running)
        await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), what="the picker")
        picker = app.screen
        assert isinstance(picker, FilePicker) and picker.save_name is not None
        assert picker.save_name.endswith(".csv")
        assert picker.path_input.value.endswith(picker.save_name)
        target = tmp_path / "mine.csv"
        target.write_bytes(b"old")
        picker.path_input.value = str(target)
        picker.path_input.focus()
        await pilot.press("enter")  # it exists: a second Enter replaces it
        await wait_until(pilot, lambda: "press Enter again" in top_screen_text(app),
                         what="the question")
        assert target.read_bytes() == b"old"
        await pilot.press("enter")
        await wait_until(pilot, lambda: f"Saved {target}" in toasts(app), what="the file saved")
        expected = b"".join(repo.exports.download(run.id, ExportFormat.CSV).chunks)
        assert target.read_bytes() == expected


async def test_marked_files_are_deleted_after_a_confirmation(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    repo = repo_for(eng)
    for n in (1, 2, 3):
        repo.exports.store_direct(PORTFOLIO, [ids["A"]], n, [DirectExportFile(
            format=ExportFormat.CSV, name=f"portfolio-{n}.csv", content=b"a;b\r\n")])
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(pilot, "1")
        lst = screen.files_part(PORTFOLIO).runs_list
        assert len(rows(lst)) == 3
        assert all(x.direct for x in rows(lst)) and "Export direct" in screen_text(app)
        kept = rows(lst)[2].id
        await pilot.press("space", "down", "space")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete 2 exports and their files?" in top_screen_text(app)
        await pilot.press("n")  # No: nothing deleted
        await settle(pilot)
        assert repo.exports.runs(PORTFOLIO).total == 3
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [x.id for x in repo.exports.runs(PORTFOLIO).items] == [kept]
        await wait_until(pilot, lambda: len(rows(lst)) == 1, what="the list read again")


# ------------------------------------------------------------------------ the portfolio


async def open_portfolio(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.switch_to("portfolio")  # type: ignore[attr-defined]
    await settle(pilot)
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "loaded", False),
                     what="the portfolio")


async def test_portfolio_export_asks_simple_or_custom(engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    repo = repo_for(eng)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_portfolio(pilot)
        shown = len(app.screen.shown)  # type: ignore[attr-defined]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportChoiceDialog)
        text = top_screen_text(app)
        assert "Simple export as displayed — XLSX" in text and "Custom export" in text
        await pilot.press("2")  # CSV, as displayed
        await settle(pilot)
        await wait_until(pilot, lambda: repo.exports.runs(PORTFOLIO).total == 1,
                         what="the export kept")
        run = repo.exports.runs(PORTFOLIO).items[0]
        assert run.direct and run.rows_done == shown
        assert [f.format for f in run.files] == [ExportFormat.CSV]
        written = list(locations.exports_dir().glob("*.csv"))
        assert len(written) == 1
        assert b"".join(repo.exports.download(run.id, ExportFormat.CSV).chunks) == \
            written[0].read_bytes()
        # Custom: Tools › Exports, a new scenario for the current contract.
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, ScenarioForm),
                         what="the scenario form")
        form = app.screen
        assert isinstance(form, ScenarioForm)
        assert form.category == PORTFOLIO
        assert form.values.contract_ids == [ids["A"]]
        assert any(isinstance(s, ExportsScreen) for s in app.screen_stack)


async def test_claims_portfolio_simple_export_is_kept_in_the_claims_category(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, _ids = engine
    repo = repo_for(eng)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("claims_portfolio")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportChoiceDialog)
        await pilot.press("1")  # XLSX
        await settle(pilot)
        await wait_until(pilot, lambda: repo.exports.runs(ExportCategory.CLAIMS).total == 1,
                         what="the export kept")
        run = repo.exports.runs(ExportCategory.CLAIMS).items[0]
        assert run.direct and [f.format for f in run.files] == [ExportFormat.XLSX]
        assert repo.exports.runs(PORTFOLIO).total == 0


async def test_in_french(engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0], language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await open_exports(pilot, "2")
        text = screen_text(app)
        assert "Portefeuille des garanties" in text and "Fichiers générés" in text
        assert "Dupliquer" in text


# ------------------------------------------------------------------------ snapshots


def _prepare(engine: Engine, ids: dataset.Ids) -> None:
    repo = repo_for(engine)
    template = repo.exports.create_template(ExportTemplateIn(
        category=PORTFOLIO, name="Credit committee", description="for the Monday meeting",
        columns=["contract", "company_name", "easy_number", "status", "decided_amount",
                 "currency"]))
    repo.exports.create_scenario(scenario_in(repo, ids, template_id=template.id,
                                             format=ExportFormatChoice.BOTH, email=True))
    repo.exports.store_direct(PORTFOLIO, [ids["A"]], 2, [DirectExportFile(
        format=ExportFormat.CSV, name="portfolio-20261122-120000.csv",
        content=b"Company;Country\r\nAlpha;FRA\r\nBeta;DEU\r\n")])


@pytest.mark.parametrize("part", ["1", "2", "3"])
def test_snapshot_parts(snap_compare: Any, engine: tuple[Engine, dataset.Ids], part: str) -> None:
    _prepare(*engine)
    app = themed(make_app(engine[0]), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_exports(pilot, part)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_portfolio_export_dialog(snap_compare: Any,
                                          engine: tuple[Engine, dataset.Ids]) -> None:
    app = themed(make_app(engine[0]), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_portfolio(pilot)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_followed_run_answered_while_the_part_is_taken_down_is_dropped(
        engine: tuple[Engine, dataset.Ids]) -> None:
    """The follow's answer comes from a worker thread; when it lands while the part's
    widgets are being removed (the app quitting, the screen rebuilt for another
    language), it is dropped. Found under load in a local run of the TUI tests, where it
    ended the app with NoMatches on the progress line."""
    eng, ids = engine
    repo = repo_for(eng)
    repo.exports.create_scenario(scenario_in(repo, ids))
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        _, files = await run_now(pilot)
        assert files.following is not None
        run = repo.exports.get_run(files.following)
        await files.query_one(".exports-progress").remove()  # as a teardown does
        assert files._followed(run) is None
        assert files.following == run.id

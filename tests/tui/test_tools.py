"""Tools: the hub opens from every screen, the file picker completes a path and walks
the tree, an import's result lists its errors first."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input, OptionList

from cofatui.enums import Rights, Role
from cofatui.models import Job
from cofatui.schemas import ContractAccess, Principal
from cofatui.tui.app import CofaApp
from cofatui.tui.features.tools.hub import ToolsScreen, tools_for
from cofatui.tui.features.tools.imports import ImportLinesScreen, ImportResultsScreen
from cofatui.tui.features.tools.jobs import JobsScreen
from cofatui.tui.kit.file_picker import FilePicker, complete
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import dataset
from tests.tui.pilot import screen_text, settle
from tests.tui.test_notifications import app_for, engine

__all__ = ["app_for", "engine"]


async def pause(pilot: Pilot[Any], rounds: int = 10) -> None:
    for _ in range(rounds):
        await pilot.pause(0.05)


async def test_tools_key_opens_the_hub_listing_only_existing_tools(
        app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ToolsScreen)
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == \
            ["jobs", "import_results", "bulk_orders", "exports", "custom_fields",
             "turnover_declarations", "company_information_send_any",
             "company_information_list", "documents_sent", "chorus", "accounting",
        "premium_notices", "other_covers"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen)


def test_completion_completes_as_a_shell_does(tmp_path: Path) -> None:
    (tmp_path / "invoices-2026").mkdir()
    (tmp_path / "invoices-2025.csv").write_text("x")
    (tmp_path / "payments.csv").write_text("x")
    base = str(tmp_path) + os.sep
    assert complete(base + "pay") == base + "payments.csv"
    assert complete(base + "inv") == base + "invoices-202"  # as far as they agree
    assert complete(base + "invoices-2026") == base + "invoices-2026" + os.sep
    assert complete(base + "nothing") == base + "nothing"


async def test_file_picker_completes_a_path_and_walks_the_tree(
        app_for: Callable[..., CofaApp], tmp_path: Path) -> None:
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "references.csv").write_text("EasyNumber;Client reference\n")
    (tmp_path / "other.txt").write_text("x")
    app = app_for()
    picked: list[Path | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The DirectoryTree's loader worker lives as long as the tree: wait by pausing.
        app.push_screen(FilePicker("Pick", tmp_path), picked.append)
        await pause(pilot)
        path_input = app.screen.query_one("#picker-path", Input)
        path_input.value = str(tmp_path / "imp")
        path_input.cursor_position = len(path_input.value)
        await pilot.press("tab")  # completes the folder, focus stays in the field
        assert path_input.value == str(tmp_path / "imports") + os.sep
        assert app.screen.focused is path_input
        tree = app.screen.query_one(DirectoryTree)
        await pause(pilot)
        assert Path(tree.path) == tmp_path / "imports"  # the tree follows
        await pilot.press("r", "tab")
        assert path_input.value == str(tmp_path / "imports" / "references.csv")
        await pilot.press("tab")  # nothing more to complete: on to the tree
        assert app.screen.focused is tree
        await pause(pilot)
        # Walk the tree: below the folder (line 0) comes its file; Enter picks it.
        await pilot.press("down", "enter")
        await pause(pilot)
    assert picked == [tmp_path / "imports" / "references.csv"]


async def _open_result(pilot: Pilot[Any], app: CofaApp) -> ImportLinesScreen:
    content = ("EasyNumber;Client reference\n00000000000001;R1\n99999999999999;R9\n"
               "00000000000002;" + "X" * 40 + "\n00000000000003;R3\n").encode()
    assert app.current_contract_id is not None
    result = app.repo.imports.run("client_references", app.current_contract_id, "refs.csv",
                                  content, "per_line")  # type: ignore[arg-type]
    app.switch_to("import_results")
    await settle(pilot)
    assert isinstance(app.screen, ImportResultsScreen)
    assert "refs.csv" in screen_text(app) and "partially succeeded" in screen_text(app)
    await pilot.press("enter")
    await settle(pilot, rounds=6)
    screen = app.screen
    assert isinstance(screen, ImportLinesScreen) and screen.result.id == result.id
    return screen


def _line_numbers(app: CofaApp) -> list[str]:
    rows = [line.split() for line in screen_text(app).splitlines()]
    return [row[0].lstrip("›") or row[1] for row in rows
            if row and (row[0].lstrip("›").isdigit() or (row[0] == "›" and row[1].isdigit()))]


async def test_import_result_lists_errors_first_then_in_file_order(
        app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = await _open_result(pilot, app)
        text = screen_text(app)
        assert "4 lines, 2 applied, 2 in error" in text
        assert "No company of the portfolio has this EasyNumber." in text
        lines = screen.query_one("#lines")
        order = [lines.row_at(i).line_no for i in range(lines.row_count)]  # type: ignore[attr-defined]
        assert order == [3, 4, 2, 5]  # errors first
        await pilot.press("o")
        await settle(pilot, rounds=6)
        order = [lines.row_at(i).line_no for i in range(lines.row_count)]  # type: ignore[attr-defined]
        assert order == [2, 3, 4, 5]


async def test_import_results_read_again_on_reload(app_for: Callable[..., CofaApp]) -> None:
    """After an outage the app calls action_reload on the current screen: an import a
    colleague ran meanwhile appears without a key."""
    app = app_for()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.switch_to("import_results")
        await settle(pilot)
        assert isinstance(app.screen, ImportResultsScreen)
        assert "later.csv" not in screen_text(app)
        assert app.current_contract_id is not None
        app.repo.imports.run("client_references", app.current_contract_id, "later.csv",
                             b"EasyNumber;Client reference\n00000000000001;R1\n",
                             "per_line")  # type: ignore[arg-type]
        app.screen.action_reload()
        await settle(pilot)
        assert "later.csv" in screen_text(app), screen_text(app)


def _principal(*accesses: tuple[Rights, dict[str, str]]) -> Principal:
    return Principal(user_id=1, login="u", display_name="U", role=Role.POLICYHOLDER,
                     language="en", contracts=[
                         ContractAccess(contract_id=i + 1, policy_number=str(1000 + i),
                                        rights=rights, section_rights=sections)
                         for i, (rights, sections) in enumerate(accesses)])


def test_custom_fields_tool_is_listed_only_to_who_may_write_them() -> None:
    def names(principal: Principal) -> list[str]:
        return [name for name, _label, _hint in tools_for(principal)]

    assert "custom_fields" in names(_principal((Rights.FULL, {})))
    assert "custom_fields" in names(_principal(
        (Rights.READ_ONLY, {}), (Rights.CUSTOM, {"custom_fields": "full"})))
    assert "custom_fields" not in names(_principal((Rights.READ_ONLY, {})))
    assert "custom_fields" not in names(_principal(
        (Rights.CUSTOM, {"custom_fields": "read_only", "cover": "full"})))
    assert "custom_fields" not in names(_principal())
    # The other tools are everyone's (sending company information needs write rights).
    assert names(_principal((Rights.READ_ONLY, {}))) == [
        "jobs", "import_results", "bulk_orders", "exports", "turnover_declarations",
        "company_information_list", "documents_sent", "chorus", "accounting",
        "premium_notices", "other_covers"]


async def test_jobs_screen_reads_past_the_first_page_by_key_and_end_shows_the_oldest(
        app_for: Callable[..., CofaApp],
        engine: tuple[Engine, dataset.Ids]) -> None:
    """450 jobs (over two pages, many created in the same second): the list counts them
    all, End shows the oldest, and every job is listed once, newest first (issue 21:
    pages after the first are read by key, never by a deep OFFSET)."""
    db, ids = engine
    start = dataset.NOW - timedelta(days=1)
    with Session(db) as s:
        s.add_all(Job(kind="export.run", status="done", owner_id=ids["alice"],
                      created_at=start + timedelta(seconds=n // 3), result_name=f"job-{n}")
                  for n in range(450))
        s.commit()
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(JobsScreen())
        await settle(pilot)
        jobs = app.screen.query_one("#jobs", VirtualList)
        assert jobs.row_count == 450
        await pilot.press("end")
        await settle(pilot)
        assert "job-0" in screen_text(app)
        listed = [row.result_name for i in range(jobs.row_count)
                  if (row := jobs.row_at(i)) is not None]
        assert listed == [f"job-{n}" for n in reversed(range(450))]

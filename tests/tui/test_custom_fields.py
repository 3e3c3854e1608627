"""Tools › Custom fields (issue 16 item 8, acceptance "Pilot" and "Snapshots"): create and
delete a custom field (the confirmation gives the number of values lost), a name refused
at its field, the fixed fields untouchable, Enter on a buyer opening the company page's
editor where ``banana`` is refused at the date field, French labels, a snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import Input

from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_custom_fields import CustomFieldCreate
from cofatui.tui.app import CofaApp
from cofatui.tui.features.companies.fields import CustomFieldsScreen as EditorScreen
from cofatui.tui.features.custom_fields.screen import CustomFieldsScreen, FieldDialog
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import dataset
from tests.tui.pilot import screen_text, settle, toasts, top_screen_text, wait_until
from tests.tui.products_env import copied_database, themed
from tests.tui.test_notifications import pin_utc

SIZE = (140, 40)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    eng, ids = copied_database(tmp_path / "cf.sqlite", "custom_fields_tui", dataset.build)
    yield eng, ids
    eng.dispose()


def make_app(engine: Engine, login: str = "alice", **settings: Any) -> CofaApp:
    settings.setdefault("language", "en")
    clock = FixedClock(dataset.NOW)
    app = CofaApp(SqlRepository(engine, login, clock), Settings(**settings))
    app.clock = clock
    return app


async def open_fields(pilot: Pilot[Any]) -> CustomFieldsScreen:
    await settle(pilot)
    screen = CustomFieldsScreen()
    await pilot.app.push_screen(screen)
    await wait_until(pilot, lambda: len(screen.fields) >= 3, what="the fields")
    await settle(pilot)
    return screen


def field_rows(screen: CustomFieldsScreen) -> list[Any]:
    lst = screen.query_one("#cf-fields", VirtualList)
    return [row for i in range(lst.row_count) if (row := lst.row_at(i)) is not None]


async def to_row(pilot: Pilot[Any], screen: CustomFieldsScreen, key: str) -> None:
    lst = screen.query_one("#cf-fields", VirtualList)
    lst.focus()
    lst.cursor = next(i for i, f in enumerate(field_rows(screen)) if f.key == key)
    await settle(pilot)


async def test_create_then_delete_a_field_with_the_count_of_values(
        engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_fields(pilot)
        text = screen_text(app)
        for label in ("Client reference", "Outstanding amount", "Internal credit limit",
                      "Segment", "amount (EUR)"):
            assert label in text
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FieldDialog)
        app.screen.query_one("#name", Input).value = "segment"  # taken, in another case
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen.query_one("#name-field", FormField)
                         .has_class("-invalid") or "already" in top_screen_text(app),
                         what="the refusal")
        assert "is already the name of one of the contract’s eight fields" in \
            top_screen_text(app)
        app.screen.query_one("#name", Input).value = "Next audit"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any(f.name == "Next audit" for f in screen.fields),
                         what="the new field")
        await settle(pilot)
        assert "Next audit" in screen_text(app)
        # The fixed fields cannot be changed.
        await to_row(pilot, screen, "client_reference")
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "3 fixed fields cannot be changed" in toasts(app)
        # Segment holds one value: the confirmation says it.
        await to_row(pilot, screen, "custom_field_1")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete the field “Segment” and its 1 values?" in top_screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: all(f.key != "custom_field_1" for f in screen.fields),
                         what="the field gone")
        # The notice is posted from the delete's worker apart from the list's refresh:
        # it may land a frame after the list.
        await wait_until(pilot, lambda: "deleted with its 1 values" in toasts(app),
                         what="the deletion's notice")


async def test_banana_is_refused_at_the_date_field(engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    SqlRepository(eng, "alice").custom_fields.create(
        ids["A"], CustomFieldCreate(name="Last review", format="date"))
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_fields(pilot)
        buyers = screen.query_one("#cf-buyers", VirtualList)
        await wait_until(pilot, lambda: buyers.row_at(0) is not None, what="the portfolio")
        buyers.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen),
                         what="the company's editor")
        await settle(pilot)
        app.screen.query_one("#custom_field_2", Input).value = "banana"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        field = app.screen.query_one("#custom_field_2-field", FormField)
        # Read in the user's date order by the screen, before any call to the server.
        assert "Not a date: type dd/mm/yyyy or yyyy-mm-dd" in top_screen_text(app)
        assert field.has_class("-invalid") or "banana" in str(field.render())


async def test_a_reader_is_refused_and_told_why(engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0], login="reader")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_fields(pilot)
        for key in ("n", "e", "d", "i"):  # told at once, no form to fill first
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
        assert toasts(app).count("Read-only access to contract P-A") == 4


async def test_in_french(engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0], language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await open_fields(pilot)
        text = screen_text(app)
        for label in ("Référence client", "Montant total de l’encours",
                      "Limite de crédit interne", "montant (EUR)", "à vous", "À corriger"):
            assert label in text


def test_snapshot_custom_fields(snap_compare: Any, engine: tuple[Engine, dataset.Ids]) -> None:
    app = themed(make_app(engine[0]), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_fields(pilot)
        buyers = screen.query_one("#cf-buyers", VirtualList)
        await wait_until(pilot, lambda: buyers.row_at(0) is not None, what="the portfolio")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

"""The settings kept by the account (issue 16 item 9), driven as a user would: the CRS
and non-Latin toggles, claim-file notifications and a threshold per contract reach the
account (``repo.notifications.preferences``); the settings file's values are imported
once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import col
from textual.pilot import Pilot
from textual.widgets import Select, Static

from cofatui.config import Threshold
from cofatui.models import User
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_preferences import PreferencesUpdate
from cofatui.tui.app import CofaApp
from cofatui.tui.features.settings.settings import SettingsScreen, YesNo
from cofatui.tui.features.settings.thresholds import ThresholdTable
from tests.tui.pilot import settle, type_into, workers_done

SIZE = (120, 50)
AppFactory = Callable[..., CofaApp]


async def open_settings(pilot: Pilot[Any]) -> SettingsScreen:
    await settle(pilot)
    pilot.app.switch_to("settings")  # type: ignore[attr-defined]
    await settle(pilot)
    for _ in range(50):  # the account answers from a worker
        if pilot.app.screen.query(ThresholdTable):
            break
        await pilot.pause(0.05)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


async def saved(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    await workers_done(pilot.app)
    await settle(pilot)


async def test_toggles_and_a_threshold_reach_the_account(probe_app: AppFactory,
                                                         repo: SqlRepository) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await pilot.click("#field-show_crs_number")
        await pilot.click("#field-show_non_latin_names")
        screen.query_one("#field-claim_notifications", YesNo).value = False
        await type_into(pilot, "#threshold-CRL-decrease", "10 000")
        await saved(pilot)
    prefs = repo.notifications.preferences()
    assert prefs.show_crs_number and prefs.show_non_latin_names
    assert prefs.claim_notifications is False
    contract = app.current_contract_id
    assert [(t.contract_id, t.product_code, t.direction, t.amount)
            for t in prefs.thresholds] == [(contract, "CRL", "decrease", Decimal(10000))]
    assert app.settings.show_crs_number and app.settings.show_non_latin_names


async def test_a_wrong_threshold_is_refused_at_the_field(probe_app: AppFactory,
                                                         repo: SqlRepository) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await type_into(pilot, "#threshold-RSM-increase", "12")
        label = screen.query_one("#error-notification_thresholds", Static)
        assert label.has_class("-shown") and "RSM" in str(label.render())
        await saved(pilot)
    assert repo.notifications.preferences().thresholds == []


async def test_the_settings_file_is_imported_once(probe_app: AppFactory,
                                                  repo: SqlRepository) -> None:
    app = probe_app(show_crs_number=True,
                    notification_thresholds={"CRL": Threshold(decrease=5000)})
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await workers_done(pilot.app)
        await settle(pilot)
    prefs = repo.notifications.preferences()
    assert prefs.version == 1 and prefs.show_crs_number
    assert {(t.product_code, t.direction, t.amount) for t in prefs.thresholds} \
        == {("CRL", "decrease", Decimal(5000))}
    assert app.settings.notification_thresholds == {}  # the account holds them now
    repo.notifications.save_preferences(PreferencesUpdate(version=1))  # changed elsewhere
    again = probe_app(show_crs_number=True)
    async with again.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await workers_done(pilot.app)
        await settle(pilot)
    assert repo.notifications.preferences().show_crs_number is False  # not re-imported
    assert again.settings.show_crs_number is False  # the file's copy follows


async def test_the_first_start_keeps_an_opt_out_made_elsewhere(probe_app: AppFactory,
                                                               repo: SqlRepository) -> None:
    """The operator (or the API) opted the account out of claim-file notifications before
    its first start on this machine: importing the settings file keeps that choice."""
    with Session(repo.engine) as s:
        s.execute(update(User).where(col(User.login) == repo.whoami().login)
                  .values(notify_opt_out=True))
        s.commit()
    assert repo.notifications.preferences().version == 0
    app = probe_app(show_crs_number=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await workers_done(pilot.app)
        await settle(pilot)
    prefs = repo.notifications.preferences()
    assert prefs.version == 1 and prefs.show_crs_number  # the file was imported
    assert prefs.claim_notifications is False  # and the opt-out kept


async def test_the_threshold_table_is_shown_whole(probe_app: AppFactory) -> None:
    """The table is mounted once the account answers: its place grows to hold it (it
    stayed one line high, the rows cut off, in a real terminal)."""
    app = probe_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_settings(pilot)
        await workers_done(pilot.app)
        await settle(pilot)
        table = screen.query_one(ThresholdTable)
        rows = len(table.query(".threshold-row"))
        assert rows == 9  # the heading and the eight product types
        assert screen.query_one("#thresholds-slot").outer_size.height >= rows


async def test_a_language_chosen_in_settings_becomes_the_account_s(
        probe_app: AppFactory, repo: SqlRepository) -> None:
    """The e-mails and files made for the account follow the language chosen here; merely
    opening Settings with another language in the file changes nothing."""
    before = repo.notifications.preferences()
    other = "fr" if before.language == "en" else "en"
    app = probe_app(language=before.language if before.language == "en" else "fr")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await workers_done(pilot.app)
        await settle(pilot)
        assert not screen.is_dirty()
        screen.query_one("#field-language", Select).value = other
        await settle(pilot)
        await saved(pilot)
    assert repo.notifications.preferences().language == other

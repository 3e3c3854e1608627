"""The settings screen: messages next to the fields before saving, saving to the TOML
file, live application (language, theme, keymap), favourites; and its snapshots."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from cofatui import locations
from cofatui.config import load_settings
from cofatui.schemas import PortfolioCriteria
from cofatui.tui.app import CofaApp
from cofatui.tui.features.help.help import HelpScreen
from cofatui.tui.features.settings.settings import SettingsScreen, YesNo
from cofatui.tui.kit.typed_input import parse_whole_number
from tests.tui.conftest import ProbeScreen
from tests.tui.pilot import settle, type_into

SIZE = (120, 40)
AppFactory = Callable[..., CofaApp]


async def open_settings(pilot: Pilot[Any]) -> SettingsScreen:
    await settle(pilot)
    pilot.app.switch_to("settings")  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def error_of(screen: SettingsScreen, name: str) -> str:
    label = screen.query_one(f"#error-{name}", Static)
    return str(label.render()) if label.has_class("-shown") else ""


def saved_file() -> dict[str, Any]:
    return tomllib.loads(locations.default_config_file().read_text(encoding="utf-8"))


async def test_unknown_country_is_flagged_at_the_field_and_not_saved(
        probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await type_into(pilot, "#field-default_country", "zzz")
        assert error_of(screen, "default_country").startswith("✗ Unknown country code")
        assert screen.query_one("#row-default_country").has_class("-invalid")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not locations.default_config_file().exists()
        await type_into(pilot, "#field-default_country", "deu")
        assert error_of(screen, "default_country") == ""
        hint = screen.query_one("#row-default_country .field-hint", Static)
        assert str(hint.render()) == "Germany"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert saved_file()["default_country"] == "DEU"
        assert app.settings.default_country == "DEU"


@pytest.mark.parametrize("typed", ["0", "366", "abc", ""])
async def test_imminent_end_days_out_of_range(probe_app: AppFactory, typed: str) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await type_into(pilot, "#field-imminent_end_days", typed)
        assert error_of(screen, "imminent_end_days") == \
            "✗ Type a whole number of days from 1 to 365."
        assert screen.validate() is None


def test_thresholds_are_read_as_whole_numbers() -> None:
    assert parse_whole_number("") is None
    assert parse_whole_number(" 1 000 000 ") == 1_000_000
    assert parse_whole_number("1\u202f000") == 1000
    assert parse_whole_number("1,000,000") == 1_000_000  # the English UI's grouping
    with pytest.raises(ValueError):
        parse_whole_number("1.5")


async def test_theme_is_saved_and_applied(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        assert app.theme == "cofatui-dark"
        screen.query_one("#field-theme", Select).value = "cofatui-high-contrast"
        await pilot.pause()
        assert app.theme == "cofatui-dark"  # nothing applied before saving
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.theme == "cofatui-high-contrast"
        assert saved_file()["theme"] == "cofatui-high-contrast"


async def test_language_switches_the_screen_live(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        label = screen.query_one("#row-language .field-label")
        assert str(label.render()) == "Language"
        screen.query_one("#field-language", Select).value = "fr"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert str(screen.query_one("#row-language .field-label").render()) == "Langue"
        assert str(screen.query_one(YesNo).label) == "Non"
        assert app.screen.active_bindings["ctrl+s"].binding.description == "Enregistrer"
        assert saved_file()["language"] == "fr"


async def test_yes_no_fields_read_without_colour(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        digest = screen.query_one("#field-email_digest", YesNo)
        assert digest.BUTTON_INNER == " " and str(digest.label) == "No"
        digest.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert digest.value and digest.BUTTON_INNER == "X" and str(digest.label) == "Yes"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert saved_file()["email_digest"] is True


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_email_digest_is_the_accounts_shown_and_set_on_the_server(
        probe_app: AppFactory, language: str) -> None:
    app = probe_app(language=language)  # the local file says no digest
    app.repo.mail.set_daily_digest(True)  # the account says yes (set from elsewhere)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        digest = screen.query_one("#field-email_digest", YesNo)
        assert digest.value, "the account's choice, not the file's"
        email = app.repo.mail.subscription().email
        hint = str(screen.query_one("#row-email_digest .field-hint", Static).render())
        assert email in hint and ("account" in hint if language == "en" else "compte" in hint)
        assert not screen.is_dirty()
        digest.focus()
        await pilot.press("enter")  # off
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.repo.mail.subscription().daily_digest is False
        assert saved_file()["email_digest"] is False
        await pilot.press("enter", "ctrl+s")  # on again
        await settle(pilot)
        assert app.repo.mail.subscription().daily_digest is True


async def test_remap_a_key_from_the_keymap_editor(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        keys = screen.query_one("#field-keymap", OptionList)
        ids = [keys.get_option_at_index(i).id for i in range(keys.option_count)]
        assert "key-app.help" in ids and "key-settings.save" in ids
        assert "key-list.mark" in ids  # widgets' bindings too
        keys.focus()
        keys.highlighted = ids.index("key-app.help")
        await pilot.press("enter")
        await pilot.pause()
        editor = screen.query_one("#keymap-key", Input)
        assert app.focused is editor and editor.value == "question_mark,f1"
        editor.value = "ctrl+q"  # taken by Quit
        await pilot.press("enter")
        await pilot.pause()
        assert error_of(screen, "keymap") == "✗ That key is already used by app.quit."
        editor.value = "not a key!"
        await pilot.press("enter")
        await pilot.pause()
        assert error_of(screen, "keymap").startswith("✗ Not a key name")
        editor.value = "f9"
        await pilot.press("enter")
        await pilot.pause()
        assert error_of(screen, "keymap") == ""
        assert screen.draft["keymap"] == {"app.help": "f9"}
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert saved_file()["keymap"] == {"app.help": "f9"}
        keys.focus()
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is screen  # the old key no longer opens the help
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_favourites_are_listed_and_removed(probe_app: AppFactory) -> None:
    app = probe_app(favourites=["123456"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        contract = app.principal.contracts[0].contract_id
        before = app.repo.portfolio.rows(contract, PortfolioCriteria(favourites_only=True)).items
        assert before
        options = screen.query_one("#field-favourites", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[-1] == "file-0"
        first = sorted(before, key=lambda r: r.company_name.casefold())[0]
        assert ids[0] == f"db-{first.company_id}"
        options.focus()
        options.highlighted = 0
        await pilot.press("delete")
        await settle(pilot)
        after = app.repo.portfolio.rows(contract, PortfolioCriteria(favourites_only=True)).items
        assert first.company_id not in {r.company_id for r in after}
        options.highlighted = options.option_count - 1
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert load_settings().favourites == ()


async def test_escape_with_unsaved_changes_warns_once(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await type_into(pilot, "#field-imminent_end_days", "45")
        screen.query_one("#field-home_screen").focus()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProbeScreen)
        assert app.settings.imminent_end_days == 30


async def test_revert_restores_the_saved_values(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await type_into(pilot, "#field-imminent_end_days", "45")
        screen.query_one("#field-home_screen").focus()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.query_one("#field-imminent_end_days", Input).value == "30"
        assert not screen.is_dirty()


async def test_a_file_that_cannot_be_saved_is_reported(probe_app: AppFactory) -> None:
    path = locations.default_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("language = [broken\n", encoding="utf-8")
    app = probe_app()
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        app.notify = lambda message, **_kw: said.append(message)  # type: ignore[method-assign]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert said and "not valid TOML" in said[-1]
        assert path.read_text(encoding="utf-8") == "language = [broken\n"


# --- snapshots --------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["cofatui-dark", "cofatui-light"])
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_settings_snapshot(snap_compare: Any, shell_only_app: AppFactory, theme: str,
                           size: tuple[int, int]) -> None:
    app = shell_only_app(theme=theme, default_contract="1234567")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_settings(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_settings_snapshot_with_errors(snap_compare: Any,
                                       shell_only_app: AppFactory) -> None:
    app = shell_only_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_settings(pilot)
        await type_into(pilot, "#field-default_country", "ZZ")
        await type_into(pilot, "#field-imminent_end_days", "0")
        pilot.app.screen.query_one("#field-home_screen").focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)

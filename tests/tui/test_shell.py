"""The shell: header, contract switch, language, keys, help, filter key, back, palette,
copy; and snapshots of the help screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.app import ComposeResult
from textual.command import Command, CommandList, CommandPalette
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from cofatui.config import load_settings
from cofatui.enums import Rights, Role
from cofatui.schemas import ContractAccess, NotificationFilter, Principal
from cofatui.tui.app import CofaApp, ContractChanged, LanguageChanged
from cofatui.tui.features.help.help import HelpScreen
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.header import AppHeader, ContractPicker
from tests.tui.conftest import ProbeScreen
from tests.tui.pilot import settle, wait_until

SIZE = (120, 40)
AppFactory = Callable[..., CofaApp]


def header_text(app: CofaApp) -> str:
    header = app.screen.query_one(AppHeader)
    return " ".join(str(static.render()) for static in header.query(Static))


def record_notifications(app: CofaApp) -> list[str]:
    seen: list[str] = []
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        seen.append(message)
        original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return seen


async def test_header_shows_user_contract_and_unread_count(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        expected = app.repo.notifications.unread_count(app.current_contract_id)
        assert app.unread_count == expected
        text = header_text(app)
        assert app.principal.display_name in text
        assert app.current_contract_label() in text
        assert f"{expected:,} unread" in text


async def test_switch_contract_from_the_header_key(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        probe = app.screen
        assert isinstance(probe, ProbeScreen)
        first, second = (c.contract_id for c in app.principal.contracts[:2])
        assert app.current_contract_id == first
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ContractPicker)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ProbeScreen)
        assert app.current_contract_id == second
        assert app.unread_count == app.repo.notifications.unread_count(second)
        assert app.current_contract_label() in header_text(app)
        assert [e.contract_id for e in probe.events if isinstance(e, ContractChanged)] \
            == [second]


async def test_clicking_the_contract_opens_the_switcher(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#header-contract")
        await pilot.pause()
        assert isinstance(app.screen, ContractPicker)
        await pilot.click("#contracts", offset=(4, 1))  # the second contract's line
        await settle(pilot)
        assert app.current_contract_id == app.principal.contracts[1].contract_id


async def test_contract_picker_escape_keeps_the_contract(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.current_contract_id
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("down", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ProbeScreen)
        assert app.current_contract_id == before


async def test_contract_changed_reaches_screens_under_the_top(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        probe = app.screen
        assert isinstance(probe, ProbeScreen)
        app.switch_to("help")
        await pilot.pause()
        second = app.principal.contracts[1].contract_id
        app.switch_contract(second)
        await settle(pilot)
        assert [e.contract_id for e in probe.events if isinstance(e, ContractChanged)] \
            == [second]
        assert app.current_contract_label() in header_text(app)  # the help's header


async def test_switch_language_changes_texts_live_and_is_saved(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        probe = app.screen
        assert isinstance(probe, ProbeScreen)
        assert "Contract" in header_text(app)
        assert _footer_descriptions(app)["f1"] == "Help"
        app.choose_language("fr")
        await settle(pilot)
        assert "Contrat" in header_text(app)
        assert "non lue" in header_text(app)
        assert _footer_descriptions(app)["f1"] == "Aide"
        assert [e.language for e in probe.events if isinstance(e, LanguageChanged)] == ["fr"]
        assert load_settings().language == "fr"


def _footer_descriptions(app: CofaApp) -> dict[str, str]:
    return {key: active.binding.description for key, active in app.screen.active_bindings.items()}


async def test_unread_changed_message_reloads_the_count(probe_app: AppFactory) -> None:
    app = probe_app()

    class UnreadChanged(Message):
        """As the notifications screens post it."""

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.unread_count
        assert before
        page = app.repo.notifications.rows(
            NotificationFilter(contract_id=app.current_contract_id, read=False), 0, 3)
        app.repo.notifications.mark([n.id for n in page.items], True)
        app.screen.post_message(UnreadChanged())
        await settle(pilot)
        assert app.unread_count == before - len(page.items)


async def test_unread_count_follows_notifications_written_elsewhere(
        probe_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user or the server marks notifications: the header follows by itself."""
    monkeypatch.setattr(DELAYS, "unread_poll", 0.2)
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.unread_count
        assert before
        page = app.repo.notifications.rows(
            NotificationFilter(contract_id=app.current_contract_id, read=False), 0, 2)
        app.repo.notifications.mark([n.id for n in page.items], True)  # no message posted
        await wait_until(pilot, lambda: app.unread_count == before - len(page.items),
                         what="the unread count read again")


async def test_remapped_key_triggers_the_action_and_the_old_one_does_not(
        probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        probe = app.screen
        assert isinstance(probe, ProbeScreen)
        probe.query_one("#probe").focus()
        await pilot.press("r")
        assert probe.reloads == 1
        app.save_settings(app.settings.with_changes(keymap={"probe.reload": "t",
                                                            "app.help": "f9"}))
        await pilot.pause()
        await pilot.press("r")
        assert probe.reloads == 1
        await pilot.press("t")
        assert probe.reloads == 2
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is probe
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert load_settings().keymap == {"probe.reload": "t", "app.help": "f9"}


async def test_keymap_from_the_settings_file_applies_at_start(probe_app: AppFactory) -> None:
    app = probe_app(keymap={"probe.reload": "ctrl+t"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        probe = app.screen
        assert isinstance(probe, ProbeScreen)
        probe.query_one("#probe").focus()
        await pilot.press("r")
        await pilot.press("ctrl+t")
        assert probe.reloads == 1


async def test_help_lists_the_screen_bindings_and_the_global_ones(
        probe_app: AppFactory) -> None:
    app = probe_app(keymap={"probe.reload": "ctrl+t"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")  # "?" would be typed into the focused filter
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        (screen_heading, screen_rows), (global_heading, global_rows) = help_screen.sections()
        assert screen_heading == "This screen: probe.title"  # a key missing from catalogs
        assert global_heading == "Everywhere"
        probe = {r.binding_id: r for r in screen_rows}["probe.reload"]
        assert probe.keys == ("ctrl+t",)  # after remapping
        assert probe.key_display(app) == "^t"
        ids = {r.binding_id for r in global_rows}
        assert {"app.quit", "app.help", "app.back", "app.filter", "app.contract",
                "app.copy", "app.palette"} <= ids
        helps = {r.binding_id: r for r in global_rows}["app.help"]
        assert helps.keys == ("question_mark", "f1")
        assert helps.description == "Help"


async def test_slash_focuses_the_filter(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#probe").focus()
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        assert app.focused.id == "filter"
        await pilot.press("slash")  # typed into the filter, not a key any more
        assert app.focused.value == "/"


async def test_slash_without_filter_says_so(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = record_notifications(app)
        app.switch_to("help")
        await pilot.pause()
        await pilot.press("slash")
        assert said == ["This screen has no filter."]


async def test_escape_goes_back_but_not_past_the_base_screen(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        base = app.screen
        app.switch_to("settings")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is base
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is base
        assert "escape" not in app.screen.active_bindings  # Back is not offered


async def test_switch_to_goes_back_to_a_screen_already_open(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("settings")
        await pilot.pause()
        app.switch_to("help")
        await pilot.pause()
        app.switch_to("settings")
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["ProbeScreen",
                                                                     "SettingsScreen"]
        app.switch_to("home")
        await pilot.pause()
        assert isinstance(app.screen, ProbeScreen)
        assert len(app.screen_stack) == 2


async def test_palette_lists_screen_actions_and_navigation(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        listed = _palette_texts(app)
        assert "probe.reload" in listed  # the screen's own binding (description key)
        for text in ("Go to Home", "Go to the Portfolio", "Go to Notifications", "Open Settings",
                     "Show the keys (help)", "Language: Français", "Theme: Light",
                     "Theme: High contrast", "Quit"):
            assert text in listed
        second = app.principal.contracts[1].policy_number
        assert f"Switch to contract {second}" in listed
        await pilot.press(*"open settings")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"


async def test_palette_runs_a_screen_action(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        probe = app.screen
        assert isinstance(probe, ProbeScreen)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"probe.reload")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert probe.reloads == 1


def _palette_texts(app: CofaApp) -> set[str]:
    options = app.screen.query_one(CommandList)
    return {str(option.hit.text) for i in range(options.option_count)
            if isinstance(option := options.get_option_at_index(i), Command)}


async def test_copy_sends_the_selection_without_control_characters(
        probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = record_notifications(app)
        app.screen.query_one("#probe").focus()
        await pilot.press("y")
        assert app.clipboard == "Foo [UK] Ltd[2J\t42"  # the ESC is gone: inert text
        assert said == ["Copied (1 line) to the clipboard."]
        app.screen.query_one("#filter").focus()
        await pilot.press("y")  # typed into the filter
        app.action_copy()
        assert said[-1] == "Nothing to copy here."


async def test_data_in_the_header_is_shown_literally(repo: Any, make_app: AppFactory,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = repo.whoami()
    odd = Principal(user_id=real.user_id, login=real.login, role=Role.POLICYHOLDER,
                    display_name="[@click=app.quit]x[/] $accent \x1b]52;c;AAAA\x07",
                    language="en", default_contract_id=real.contracts[0].contract_id,
                    contracts=[ContractAccess(contract_id=real.contracts[0].contract_id,
                                              policy_number="Foo [UK] Ltd [/] x",
                                              rights=Rights.FULL)])
    from cofatui.tui import navigation

    monkeypatch.setitem(navigation.SCREENS_BY_NAME, "home", ProbeScreen)
    from cofatui.config import Settings

    app = CofaApp(repo, Settings(language="en"), principal=odd)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = header_text(app)
        assert "[@click=app.quit]x[/] $accent ]52;c;AAAA" in text
        assert "Foo [UK] Ltd [/] x" in text
        await pilot.click("#header-user")
        await pilot.pause()
        assert app.is_running


async def test_real_home_screen_is_the_base(make_app: AppFactory) -> None:
    """With the real screens registered (not the probe)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert len(app.screen_stack) == 2


async def test_portfolio_home_falls_back_to_home_with_a_note(
        probe_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from cofatui.tui import navigation

    monkeypatch.delitem(navigation.SCREENS_BY_NAME, "portfolio", raising=False)
    app = probe_app(home_screen="portfolio")
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_kw: said.append(message))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProbeScreen)
        assert said == ["The portfolio screen is not available yet: home is shown instead."]


async def test_picker_lists_every_contract(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        numbers = [c.policy_number for c in app.principal.contracts]
        assert all(any(n in text for text in texts) for n in numbers)
        assert texts[0].startswith("●")  # the current one, marked without colour


# --- snapshots --------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["cofatui-dark", "cofatui-light"])
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_help_snapshot(snap_compare: Any, shell_only_app: AppFactory, theme: str,
                       size: tuple[int, int]) -> None:
    """The help of the settings screen (bindings of ours only: stable)."""
    app = shell_only_app(theme=theme)

    async def open_help(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app.switch_to("settings")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_help)


async def test_portfolio_as_home_then_home_on_top(make_app: AppFactory) -> None:
    app = make_app(home_screen="portfolio")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        base = app.screen
        assert type(base).__name__ == "PortfolioScreen"
        app.switch_to("home")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        app.switch_to("portfolio")
        await pilot.pause()
        assert app.screen is base


class TwoFields(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")


async def test_tab_in_a_burst_of_keys_moves_to_the_next_field_first(
        probe_app: AppFactory) -> None:
    """Keys that arrive together (a paste, a fast typist over SSH, tmux send-keys) go
    where the user meant: the text after a Tab lands in the next field, not the one
    the Tab left."""
    app = probe_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.push_screen(TwoFields())
        await pilot.pause()
        app.screen.query_one("#first", Input).focus()
        await pilot.pause()
        burst = [("a", "a"), ("b", "b"), ("tab", "\t"), ("c", "c"), ("d", "d"),
                 ("shift+tab", None)]
        for key, char in burst:  # posted at once, as a terminal delivers a burst
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#first", Input).value == "ab"
        assert app.screen.query_one("#second", Input).value == "cd"
        assert app.focused is app.screen.query_one("#first", Input)

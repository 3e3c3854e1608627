"""Tools › User management (issue 16 item 7; acceptance "Pilot"): on the demo data, as
`admin` (a contract administrator of 1234567) unless said otherwise.

- the hub lists the tool to administrators and underwriters only; for `reader` the
  screen says why and its actions are disabled;
- the lists: the seed's columns, sorted by a column (key or a click on its title),
  filtered as you type;
- create a user with field errors shown at their fields, then created (the User tab
  shows the generated login, awaiting activation);
- Personnaliser: customised rights with a level per section, stored as chosen;
- block, suspend until a date and reactivate, each after a confirmation; one's own
  account refused before any call;
- a stale version gets the conflict message; Ctrl+R reads the user again;
- attach and detach ticked contracts (as `underwriter`);
- an import showing its errors first, nothing created, then the fixed file imported;
- French everywhere on these screens.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import Input, RadioSet, Select, Static

from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.enums import Rights, Section, UserStatus
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas_users import UserUpdate
from cofatui.tui.app import CofaApp
from cofatui.tui.features.tools.hub import ToolsScreen, tools_for
from cofatui.tui.features.tools.imports import ImportLinesScreen
from cofatui.tui.features.users.actions import SuspendDialog
from cofatui.tui.features.users.detail import UserDetailScreen
from cofatui.tui.features.users.forms import CreateUserDialog
from cofatui.tui.features.users.lists import SortableList, UsersScreen
from cofatui.tui.features.users.rights import RightsDialog
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.virtual_list import VirtualList
from tests.tui.conftest import NOW
from tests.tui.pilot import screen_text, settle, toasts, top_screen_text, wait_until
from tests.tui.test_french_everywhere import report
from tests.tui.test_notifications import pin_utc

SIZE = (120, 40)
POLICY = "1234567"
HEADER = ("Title", "Last name", "First name", "Updated", "User code", "Created", "Status",
          "Rights")


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


@pytest.fixture
def engine(demo_db: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{demo_db}")
    yield eng
    eng.dispose()


def repo_of(engine: Engine, login: str = "admin") -> SqlRepository:
    return SqlRepository(engine, login, FixedClock(NOW))


def make_app(engine: Engine, login: str = "admin", **settings: Any) -> CofaApp:
    settings.setdefault("language", "en")
    return CofaApp(repo_of(engine, login), Settings(**settings), clock=FixedClock(NOW))


def rows(lst: VirtualList) -> list[Any]:
    return [row for i in range(lst.row_count) if (row := lst.row_at(i)) is not None]


async def open_users(pilot: Pilot[Any]) -> UsersScreen:
    await settle(pilot)
    pilot.app.switch_to("users")  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, UsersScreen)
    await wait_until(pilot, lambda: screen.totals["attached"] is not None
                     and screen.totals["not-attached"] is not None, what="the lists")
    await settle(pilot)
    return screen


async def to_user(pilot: Pilot[Any], screen: UsersScreen, login: str) -> None:
    lst = screen.query_one("#attached", SortableList)
    lst.focus()
    lst.cursor = next(i for i, r in enumerate(rows(lst)) if r.login == login)
    await settle(pilot)


async def open_detail(pilot: Pilot[Any], login: str, tab: str = "data") -> UserDetailScreen:
    await settle(pilot)
    screen = UserDetailScreen(login, tab)
    await pilot.app.push_screen(screen)
    await wait_until(pilot, lambda: screen.detail is not None
                     and bool(screen.query("#user-tabs")), what="the user")
    await settle(pilot)
    return screen


# --- who sees the tool ---------------------------------------------------------------------


async def test_the_tool_is_listed_to_administrators_and_underwriters_only(
        engine: Engine) -> None:
    def listed(login: str) -> bool:
        return "users" in [name for name, _, _ in tools_for(repo_of(engine, login).whoami())]

    assert listed("admin") and listed("underwriter")
    assert not listed("demo") and not listed("reader") and not listed("custom")
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("tools")
        await settle(pilot)
        assert isinstance(app.screen, ToolsScreen)
        assert "User management — the users of your contracts" in screen_text(app)


async def test_actions_disabled_for_reader(engine: Engine) -> None:
    """A reader reaching the screen by its name is told why; creating, importing and
    changing a status are disabled (no dialog, no call)."""
    app = make_app(engine, "reader")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("users")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UsersScreen)
        text = screen_text(app)
        assert "Only contract administrators and underwriters manage users" in text
        for action in ("create", "import", "status", "resend"):
            assert screen.check_action(action, ()) is None
        assert screen.check_action("next_sort", ()) is True
        for key in ("n", "i", "b"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
        assert rows(screen.query_one("#attached", SortableList)) == []


# --- the lists ---------------------------------------------------------------------------


async def test_lists_show_the_seed_columns_sorted_and_filtered(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        attached = screen.query_one("#attached", SortableList)
        others = screen.query_one("#not-attached", SortableList)
        text = screen_text(app)
        assert f"Attached to contract {POLICY}: 7 users" in text
        assert f"Members of your organisation not attached to {POLICY}: 1" in text
        assert all(word in text for word in HEADER)
        assert [r.login for r in rows(others)] == ["other"]
        by_name = [r.last_name for r in rows(attached)]
        assert by_name == sorted(by_name, key=str.casefold)
        assert by_name[0] == "Bernard"
        # s: the next column (first name); o: reversed.
        await pilot.press("s")
        await wait_until(pilot, lambda: rows(attached)[:1] != [] and screen.sort == "first_name"
                         and rows(attached)[0].first_name == "Camille", what="by first name")
        await pilot.press("o")
        await wait_until(pilot, lambda: rows(attached)[:1] != []
                         and rows(attached)[0].first_name == "Thomas", what="reversed")
        assert "Sorted by First name, descending" in screen_text(app)
        # A click on a column's title sorts by it.
        x = next(x for x in range(SIZE[0]) if (c := attached.column_at(x)) is not None
                 and c.key == "login")  # the "User code" column's title
        await pilot.click("#attached", offset=(x + 1, 0))
        await wait_until(pilot, lambda: screen.sort == "login" and rows(attached)[:1] != []
                         and rows(attached)[0].login == "admin", what="by login")
        assert [r.login for r in rows(attached)] == sorted(r.login for r in rows(attached))
        # The filter as you type (login or names), both lists.
        screen.query_one("#filter", Input).focus()
        await pilot.press(*"mor")
        await wait_until(pilot, lambda: [r.login for r in rows(attached)] == ["l.moreau"]
                         and screen.totals["attached"] == 1, what="the filter")
        assert rows(others) == []
        assert f"Attached to contract {POLICY}: 1 user" in screen_text(app)


# --- create ------------------------------------------------------------------------------


async def test_create_a_user_with_field_errors(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await open_users(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CreateUserDialog)
        assert f"Create a user on contract {POLICY}" in top_screen_text(app)
        values = {"last_name": "Durand", "first_name": "", "phone": "abc",
                  "fax": "+33 1 44 55 66 78", "email": "paul.durand"}
        for name, value in values.items():
            dialog.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.query_one("#phone-field", FormField)
                         .has_class("-invalid"), what="the refusals")
        shown = top_screen_text(app)
        assert "is required" in dialog.query_one("#first_name-field", FormField).error
        assert "abc is not a phone number" in shown
        assert "paul.durand is not an e-mail address" in shown
        assert not dialog.query_one("#fax-field", FormField).has_class("-invalid")
        assert app.focused is dialog.query_one("#first_name", Input)  # the first refused
        assert repo_of(engine).users.contract_users(1, query="Durand").total == 0
        # Fixed: created, the User tab shows the login made from the names.
        dialog.query_one("#first_name", Input).value = "Paul"
        dialog.query_one("#phone", Input).value = "+33 1 44 55 66 77"
        dialog.query_one("#email", Input).value = "paul.durand@example.com"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, UserDetailScreen)
                         and app.screen.detail is not None, what="the new user")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, UserDetailScreen)
        assert detail.login == "p.durand" and detail.tab == "user"
        text = screen_text(app)
        assert "Paul Durand (p.durand), user: awaiting activation" in text
        assert "awaiting: the mailed code has not been used yet" in text
        assert "p.durand created: an activation code was mailed to paul.durand@example.com" \
            in toasts(app)
        stored = repo_of(engine).users.get("p.durand")
        assert stored.phone == "+33144556677" and stored.awaiting_activation
        # Back on the lists, the new user is there.
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UsersScreen)
        await wait_until(pilot, lambda: "p.durand" in [
            r.login for r in rows(screen.query_one("#attached", SortableList))],
            what="the new user listed")


# --- Personnaliser -------------------------------------------------------------------------


async def test_personnaliser_gives_a_level_per_section(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "reader", "contracts")
        assert f"› yes       {POLICY}      read only" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RightsDialog)
        # Read only is chosen; the sections are off until "customised".
        assert dialog.query_one("#section-claims", RadioSet).disabled
        await pilot.click("#rights-custom")  # read only -> customised
        await settle(pilot)
        assert dialog.chosen_rights() == "custom"
        assert not dialog.query_one("#section-claims", RadioSet).disabled
        # Customising starts from the rights held: read only in every section.
        assert set(dialog.chosen_sections().values()) == {"read_only"}
        for section, level in (("cover", "full"), ("information", "none"),
                               ("exports", "full")):
            await pilot.click(f"#section-{section}-{level}")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and screen.detail is not None
                         and screen.detail.contracts[0].rights == Rights.CUSTOM,
                         what="the rights saved")
        await settle(pilot)
        stored = repo_of(engine).users.get("reader").contracts[0]
        assert stored.rights == Rights.CUSTOM
        assert stored.sections == {
            **{s.value: "read_only" for s in Section if s.value != "information"},
            "cover": "full", "exports": "full"}
        assert "customised: Cover full" in screen_text(app)
        assert "Rights of reader set on 1 contract" in toasts(app)
        # Opened again, the editor shows what is stored.
        await pilot.press("p")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, RightsDialog)
        assert again.chosen_rights() == "custom"
        assert again.chosen_sections()["claims"] == "read_only"
        assert again.chosen_sections()["information"] == "none"


# --- status ----------------------------------------------------------------------------------


async def test_block_suspend_until_and_reactivate_after_a_confirmation(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        attached = screen.query_one("#attached", SortableList)

        def status_of(login: str) -> UserStatus | None:
            return next((r.status for r in rows(attached) if r.login == login), None)

        # One's own account: refused at once, no confirmation.
        await to_user(pilot, screen, "admin")
        await pilot.press("b")
        await settle(pilot)
        assert app.screen is screen
        assert "You cannot block, suspend or reactivate your own account" in toasts(app)
        # Block, after a confirmation naming the user; "n" would have kept them.
        await to_user(pilot, screen, "reader")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Block Laura Smith (reader)?" in top_screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert status_of("reader") == UserStatus.ACTIVE
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: status_of("reader") == UserStatus.BLOCKED,
                         what="reader blocked")
        # Suspend until a date typed in the user's order.
        await to_user(pilot, screen, "custom")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, SuspendDialog)
        app.screen.query_one("#until", Input).value = "banana"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SuspendDialog)
        assert "-invalid" in app.screen.query_one("#until-field", FormField).classes
        app.screen.query_one("#until", Input).value = "31/12/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Suspend Thomas Weber (custom) until 31 Dec 2026?" in top_screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: status_of("custom") == UserStatus.SUSPENDED,
                         what="custom suspended")
        stored = repo_of(engine).users.get("custom")
        assert stored.suspended_until == datetime(2027, 1, 1, tzinfo=UTC)
        # Reactivate.
        await to_user(pilot, screen, "reader")
        await pilot.press("a")
        await settle(pilot)
        assert "Reactivate Laura Smith (reader)?" in top_screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: status_of("reader") == UserStatus.ACTIVE,
                         what="reader active again")
        assert "reader is now active" in toasts(app)


async def test_the_user_tab_disables_what_cannot_apply(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "admin", "user")
        assert "This is your own account" in screen_text(app)
        assert screen.query_one("#do-block").disabled
        assert screen.query_one("#do-suspend").disabled
        assert screen.check_action("status", ("blocked",)) is None
        assert screen.query_one("#do-resend").disabled  # activated long ago
        await pilot.press("escape")
        screen = await open_detail(pilot, "s.dubois", "user")
        assert screen.query_one("#do-block").disabled  # blocked already
        assert not screen.query_one("#do-reactivate").disabled
        # Keys of other tabs are not offered here.
        assert screen.check_action("detach", ()) is False
        assert screen.check_action("save", ()) is False


# --- modify, stale version -----------------------------------------------------------------


async def test_modify_and_a_stale_version_gets_the_conflict_message(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "reader")
        # Someone else changes reader meanwhile.
        repo_of(engine).users.modify("reader", UserUpdate(version=1, first_name="Lara"))
        screen.query_one("#last_name", Input).value = "Smith-Jones"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "changed meanwhile" in screen_text(app),
                         what="the conflict")
        assert "This user was changed meanwhile" in str(
            screen.query_one("#data-error", Static).render())
        assert repo_of(engine).users.get("reader").last_name == "Smith"
        # Ctrl+R reads them again; the change then goes through.
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.detail is not None
                         and screen.detail.first_name == "Lara", what="read again")
        await settle(pilot)
        assert screen.query_one("#first_name", Input).value == "Lara"
        screen.query_one("#last_name", Input).value = "Smith-Jones"
        screen.query_one("#phone", Input).value = "not a phone"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.query_one("#phone-field", FormField)
                         .has_class("-invalid"), what="the phone refused")
        screen.query_one("#phone", Input).value = "+33 6 12 34 56 78"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "reader saved" in toasts(app), what="saved")
        stored = repo_of(engine).users.get("reader")
        assert (stored.last_name, stored.phone) == ("Smith-Jones", "+33612345678")
        assert screen.query_one("#phone", Input).value == "+33612345678"  # as stored


async def test_preferences_tab_changes_the_default_language(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "reader", "preferences")
        assert screen.query_one("#language", Select).value == "en"
        screen.query_one("#language", Select).value = "fr"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "reader saved" in toasts(app), what="saved")
        assert repo_of(engine).users.get("reader").language == "fr"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing to save" in toasts(app)


# --- contracts ---------------------------------------------------------------------------------


async def test_attach_and_detach_ticked_contracts(engine: Engine) -> None:
    app = make_app(engine, "underwriter")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "other", "contracts")
        lst = screen.query_one("#contracts", VirtualList)
        assert [(a.policy_number, a.attached) for a in rows(lst)] == [
            ("1234567", False), ("7654321", True)]
        await pilot.press("space", "down", "space")  # both ticked
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RightsDialog)
        assert "rights of Claire Fontaine on 1234567, 7654321" in top_screen_text(app)
        await pilot.click("#rights-read_only")  # full -> read only
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.detail is not None and all(
            a.attached and a.rights == Rights.READ_ONLY for a in screen.detail.contracts),
            what="both attached read-only")
        assert "Rights of other set on 2 contracts" in toasts(app)
        # Detach 1234567 (the cursor's, nothing ticked any more).
        await pilot.press("home", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Detach Claire Fontaine (other) from contract 1234567?" in top_screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.detail is not None
                         and not screen.detail.contracts[0].attached, what="detached")
        assert "other detached from 1 contract" in toasts(app)
        stored = repo_of(engine).users.get("other")
        assert [a.attached for a in stored.contracts if a.policy_number == "1234567"] == [
            False]


async def test_a_refusal_of_the_repository_is_shown_with_its_reason(engine: Engine) -> None:
    """`admin` may not change `demo`, who holds a contract `admin` does not administer."""
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "demo", "user")
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: "contracts you do not administer" in screen_text(app),
                         what="the refusal")
        assert "demo is also attached to contracts you do not administer" in str(
            screen.query_one("#user-message", Static).render())


# --- import --------------------------------------------------------------------------------

TEMPLATE = "title;last_name;first_name;phone;fax;email;language;default_contract;rights\n"
GOOD = "mr;Petit;Jean;+33 1 44 55 66 77;+33 1 44 55 66 78;jean.petit@example.com;fr;1234567;full\n"
BAD = "mrs;Grand;;+33 1 44 55 66 79;+33 1 44 55 66 80;anne.grand;en;1234567;read_only\n"
FIXED = ("mrs;Grand;Anne;+33 1 44 55 66 79;+33 1 44 55 66 80;anne.grand@example.com;en;"
         "1234567;read_only\n")


async def import_file(pilot: Pilot[Any], path: Path) -> None:
    # No settle while the picker shows: its directory tree's loader never ends.
    await pilot.press("i")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FilePicker),
                     what="the file picker")
    pilot.app.screen.query_one("#picker-path", Input).value = str(path)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ImportLinesScreen),
                     what="the import's lines")


async def test_an_import_showing_errors_first(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text(TEMPLATE + GOOD + BAD + GOOD.replace("Jean", "Marc").replace(
        "jean.petit", "marc.petit"), encoding="utf-8")
    app = make_app(engine, last_folder=str(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_users(pilot)
        await import_file(pilot, path)
        lines = app.screen.query_one("#lines", VirtualList)
        await wait_until(pilot, lambda: lines.row_at(0) is not None
                         and lines.row_count == 3, what="the lines")
        first = lines.row_at(0)
        assert first is not None
        assert first.line_no == 3 and first.status == "error"
        assert [r.status for r in rows(lines)] == ["error", "not_applied", "not_applied"]
        assert "To fix: [first_name] is required" in screen_text(app)
        assert "anne.grand is not an e-mail address" in first.message
        assert "users.csv: nothing imported, 1 line in error" in toasts(app)
        assert repo_of(engine).users.contract_users(1, query="Petit").total == 0
        # Fixed and imported again: every line created, listed on return.
        path.write_text(TEMPLATE + GOOD + FIXED, encoding="utf-8")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, UsersScreen), what="the lists")
        screen = app.screen
        assert isinstance(screen, UsersScreen)
        await import_file(pilot, path)
        assert "users.csv: 2 of 2 lines imported" in toasts(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: {"j.petit", "a.grand"} <= {
            r.login for r in rows(screen.query_one("#attached", SortableList))},
            what="the users imported")


# --- French ----------------------------------------------------------------------------------


async def test_in_french(engine: Engine) -> None:
    app = make_app(engine, language="fr")
    shots: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE) as pilot:
        await open_users(pilot)
        text = screen_text(app)
        for label in ("Civilité", "Nom", "Prénom", "Mise à jour", "Code utilisateur",
                      "Création", "Statut", "Droits", f"Rattachés au contrat {POLICY} : 7",
                      "Membres de votre entreprise non rattachés", "bloqué", "suspendu",
                      "lecture seule", "personnalisés"):
            assert label in text, label
        shots.append(("lists", text))
        await pilot.press("n")
        await settle(pilot)
        shots.append(("create", screen_text(app)))
        assert "Créer un utilisateur sur le contrat" in top_screen_text(app)
        await pilot.press("escape")
        screen = await open_detail(pilot, "custom")
        for tab in ("data", "user", "preferences", "contracts"):
            screen.action_tab(tab)
            await settle(pilot)
            shots.append((tab, screen_text(app)))
        assert "Données" in shots[-1][1] and "Préférences" in shots[-1][1]
        assert "Couverture complet, Information lecture seule" in shots[-1][1]
        await pilot.press("p")
        await settle(pilot)
        shots.append(("rights", screen_text(app)))
        assert "Personnaliser : droits de Thomas Weber sur 1234567" in shots[-1][1]
    english = report(shots, "users")
    assert not english, "English on French screens:\n" + "\n".join(english)

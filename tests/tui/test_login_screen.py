"""The login screen (issue 13, item 7): the only screen of a session without a token.

With a sign-in double (the refusals the API gives, coded) and, at the end, the real
password login against a real ``cofatui serve``:

- a wrong password shows the message and stays, the password cleared;
- the right one replaces the login screen by the home screen, acting for that user;
- nothing of the app before: Escape, the screen keys and the palette do nothing, and the
  app's repository refuses every call;
- "login⏎password⏎" typed in one burst (a paste, a browser) lands in the right fields;
- the messages in French, the waits of "too many attempts" and of a lockout included;
- a login screen left alone ends the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Literal

import pytest
from textual.widgets import Input

from cofatui import i18n
from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.errors import CofaError, Unauthenticated
from cofatui.repository.base import Repository
from cofatui.repository.sql import SqlRepository
from cofatui.tui.app import CofaApp
from cofatui.tui.features.home.home import HomeScreen
from cofatui.tui.features.login.screen import LoginScreen
from cofatui.tui.navigation import BASE_DEPTH
from cofatui.web.signin import password_sign_in
from tests.contract import dataset
from tests.e2e.test_web import dataset_database
from tests.server import ServerProcess
from tests.tui.conftest import LOGIN, NOW
from tests.tui.pilot import screen_text, settle, type_into, wait_until

PASSWORD = "Right-Password-1"


@pytest.fixture(autouse=True)
def language_restored() -> Iterator[None]:
    """The app sets the process-wide language: put it back for the tests that follow."""
    before = i18n.get_language()
    yield
    i18n.set_language(before)


class SignInDouble:
    """The API's answers: the repository for LOGIN with PASSWORD, else ``refusal``."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.calls: list[tuple[str, str]] = []
        self.refusal: CofaError = Unauthenticated("users.wrong_credentials")

    def __call__(self, login: str, password: str) -> Repository:
        self.calls.append((login, password))
        if (login, password) == (LOGIN, PASSWORD):
            return self.repo
        raise self.refusal


@pytest.fixture
def sign_in(repo: SqlRepository) -> SignInDouble:
    return SignInDouble(repo)


@pytest.fixture
def login_app(sign_in: SignInDouble) -> Callable[..., CofaApp]:
    def build(language: Literal["en", "fr"] = "en") -> CofaApp:
        return CofaApp(None, Settings(language=language), clock=FixedClock(NOW),
                       sign_in=sign_in)

    return build


def error_of(app: CofaApp) -> str:
    """The login screen's error line (the login screen must be on top)."""
    screen = app.screen
    assert isinstance(screen, LoginScreen)
    return screen.error_text()


async def log_in(pilot: object, login: str, password: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await type_into(pilot, "#login-name", login)
    await type_into(pilot, "#login-password", password)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_wrong_password_shows_the_message_and_stays(
        login_app: Callable[..., CofaApp], sign_in: SignInDouble) -> None:
    app = login_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot, LOGIN, "Wrong-Password-1")
        assert sign_in.calls == [(LOGIN, "Wrong-Password-1")]
        assert isinstance(app.screen, LoginScreen)
        assert not app.signed_in
        screen = app.screen
        assert screen.error_text() == "Wrong login or password"
        assert "Wrong login or password" in screen_text(app)
        assert screen.query_one("#login-password", Input).value == ""
        await wait_until(pilot, lambda: screen.focused is not None
                         and screen.focused.id == "login-password",
                         what="the password focused again")
        assert screen.query_one("#login-name", Input).value == LOGIN


async def test_the_right_password_replaces_the_login_by_the_home_screen(
        login_app: Callable[..., CofaApp]) -> None:
    app = login_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await log_in(pilot, LOGIN, PASSWORD)
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen),
                         what="the home screen")
        assert app.signed_in
        assert app.principal.login == LOGIN
        assert len(app.screen_stack) == BASE_DEPTH  # no login screen left under it
        await settle(pilot)
        text = screen_text(app)
        assert "Portfolio risk (WAP)" in text
        assert app.principal.display_name in text  # the header names who logged in
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not any(isinstance(s, LoginScreen) for s in app.screen_stack)


async def test_nothing_of_the_app_is_reachable_before_the_login(
        login_app: Callable[..., CofaApp], sign_in: SignInDouble) -> None:
    app = login_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        login_screen = app.screen
        assert isinstance(login_screen, LoginScreen)
        for key in ("escape", "f2", "f3", "f4", "f6", "ctrl+p", "ctrl+o", "f1"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is login_screen, key
            assert len(app.screen_stack) == BASE_DEPTH, key
        assert not app.signed_in
        assert sign_in.calls == []
        assert "Portfolio risk" not in screen_text(app)
        with pytest.raises(Unauthenticated):
            app.repo.whoami()
        with pytest.raises(Unauthenticated):
            app.repo.notifications.unread_count(None)
        assert app.principal.contracts == []


async def test_login_and_password_typed_in_one_burst_land_in_their_fields(
        login_app: Callable[..., CofaApp], sign_in: SignInDouble) -> None:
    app = login_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*LOGIN, "enter", *PASSWORD, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen),
                         what="the home screen")
        assert sign_in.calls == [(LOGIN, PASSWORD)]


async def test_an_empty_field_is_asked_for_without_a_check(
        login_app: Callable[..., CofaApp], sign_in: SignInDouble) -> None:
    app = login_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert error_of(app) == "Enter your login and your password."
        assert sign_in.calls == []


@pytest.mark.parametrize(("refusal", "english", "french"), [
    (Unauthenticated("users.wrong_credentials"), "Wrong login or password",
     "Identifiant ou mot de passe erroné"),
    (Unauthenticated("users.locked_out", count=15),
     "Too many failed attempts; try again in 15 minutes",
     "Trop de tentatives échouées ; réessayez dans 15 minutes"),
])
async def test_refusals_are_worded_in_the_language_of_the_settings(
        login_app: Callable[..., CofaApp], sign_in: SignInDouble, refusal: CofaError,
        english: str, french: str) -> None:
    sign_in.refusal = refusal
    for language, wording in (("en", english), ("fr", french)):
        app = login_app(language)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await log_in(pilot, LOGIN, "Wrong-Password-1")
            assert isinstance(app.screen, LoginScreen)
            assert error_of(app) == wording


async def test_the_login_screen_in_french(login_app: Callable[..., CofaApp],
                                          sign_in: SignInDouble) -> None:
    from cofatui.errors import TooManyRequests

    sign_in.refusal = TooManyRequests("login.too_many_for_login", retry_after=42)
    app = login_app("fr")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for label in ("Identifiant", "Mot de passe", "Se connecter",
                      "connectez-vous avec votre identifiant"):
            assert label in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(app) == \
            "Saisissez votre identifiant et votre mot de passe."
        await log_in(pilot, LOGIN, "Mauvais-1")
        assert error_of(app) == ("Trop de tentatives de connexion pour cet "
                                           "identifiant ; réessayez dans 42 secondes")


async def test_a_login_screen_left_alone_ends_the_session(
        login_app: Callable[..., CofaApp], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LoginScreen, "DEADLINE_SECONDS", 0.05)
    app = login_app()
    ended: list[bool] = []
    monkeypatch.setattr(app, "exit", lambda *_args, **_kwargs: ended.append(True))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: ended, what="the session ended")
        assert not app.signed_in


# --- the real password login, against a real server ----------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("login-api")
    with ServerProcess(dataset_database(home), home) as running:
        yield running


async def test_the_login_screen_logs_in_at_a_real_server(server: ServerProcess,
                                                         tmp_path: Path) -> None:
    sign_in = partial(password_sign_in, server.url, token_name="test")
    app = CofaApp(None, Settings(language="en"), sign_in=sign_in)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await log_in(pilot, "alice", "Not-Her-Password-1")
        await wait_until(pilot, lambda: error_of(app) != "Checking…",
                         what="the answer")
        assert error_of(app) == "Wrong login or password"
        await log_in(pilot, "nobody-here", "Not-Her-Password-1")  # the same answer
        await wait_until(pilot, lambda: error_of(app) != "Checking…",
                         what="the answer")
        assert error_of(app) == "Wrong login or password"
        await log_in(pilot, "alice", dataset.PASSWORD)
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen),
                         what="the home screen", timeout=30)
        assert app.principal.login == "alice"


# --- which sessions start on it ------------------------------------------------------------


def test_the_terminal_app_over_api_without_a_token_starts_on_the_login_screen(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from cofatui import cli

    started: list[CofaApp] = []
    monkeypatch.setattr(CofaApp, "run", lambda self, *_a, **_k: started.append(self))
    token_file = tmp_path / "token"
    token_file.write_text("cofa_not-a-real-token\n")
    assert cli.main(["--api", "http://127.0.0.1:9"]) == 0
    # --login: the login screen even with a token file (what `cofatui web` runs).
    assert cli.main(["--api", "http://127.0.0.1:9", "--token-file", str(token_file),
                     "tui", "--login"]) == 0
    assert [app.signed_in for app in started] == [False, False]
    for app in started:
        with pytest.raises(Unauthenticated):
            app.repo.whoami()
    assert cli.main(["tui", "--login"]) == 1  # no server to log in at
    assert "--login works with --api URL" in capsys.readouterr().err
    assert len(started) == 2

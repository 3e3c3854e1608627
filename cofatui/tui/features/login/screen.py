"""The login screen: login, masked password, submit; the refusal's coded message in place.

It is the only screen of a session that has not logged in yet (``cofatui web``, the
terminal TUI over ``--api`` without a token). It holds no repository of its own: it hands
the login and password to ``sign_in`` (given by the CLI: a password login at the API,
which applies the login limits of issue 13) in a worker thread and passes the repository
it returns, with the principal, to ``signed_in``. Until then the app has nothing to show:
the shell refuses every action but quit (``CofaApp.check_action``).

A login screen left without a login for ``DEADLINE_SECONDS`` ends the session: a browser
tab left open (or opened by a script) does not hold a server process for ever.

The password lives in the Input only while the check runs; it is cleared after a refusal
and the Input is removed with the screen after a success. The messages are the server's
(wrong credentials, locked for N minutes, too many attempts: try again in N seconds):
the same for an unknown login and a wrong password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static
from textual.worker import get_current_worker

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.repository.base import Repository
from cofatui.schemas import Principal

#: Checks a login and password; returns a repository acting for that user or raises a
#: CofaError (Unauthenticated, Forbidden, TooManyRequests, Unavailable). Runs in a thread.
SignIn = Callable[[str, str], Repository]
#: Receives the repository and its principal on the app's thread.
SignedIn = Callable[[Repository, Principal], None]


class LoginScreen(Screen[None]):
    TITLE = "login.title"
    CSS_PATH = "login.tcss"
    #: Ten minutes to log in, then the session ends.
    DEADLINE_SECONDS = 600.0
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "login.key.submit", id="login.submit"),
        # A priority binding, so that it acts in the order keys arrive: "login⏎password⏎"
        # typed or pasted in one burst (a browser, SSH) lands in the right fields.
        Binding("enter", "enter", "login.key.submit", id="login.enter", show=False,
                priority=True),
    ]

    def __init__(self, sign_in: SignIn, signed_in: SignedIn) -> None:
        super().__init__()
        self._sign_in = sign_in
        self._signed_in = signed_in

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(t("login.intro"), id="login-intro", markup=False)
            yield Label(t("login.login"), classes="login-label")
            yield Input(id="login-name", max_length=80, select_on_focus=False)
            yield Label(t("login.password"), classes="login-label")
            yield Input(id="login-password", password=True, max_length=1024,
                        select_on_focus=False)
            yield Button(t("login.submit"), id="login-submit", variant="primary")
            yield Static("", id="login-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#login-name", Input).focus()
        self.set_timer(self.DEADLINE_SECONDS, self._deadline)

    def _deadline(self) -> None:
        if self.is_current and not self._busy:
            self.app.exit()

    # --- submitting ---------------------------------------------------------------------
    def action_enter(self) -> None:
        """Enter: from the login to the password while it is empty, else submit.

        It runs when the key arrives, before the keys typed ahead of it have reached
        their field (each widget has its own queue): the focus moves at once (so the
        keys that follow go to the password), and the submit waits in the queue of the
        focused field, behind the keys typed into it."""
        focused = self.focused
        if focused is self.query_one("#login-name", Input) and not self._password.value:
            self.set_focus(self._password)
            return
        if isinstance(focused, Input):
            focused.call_later(self.action_submit)
        else:
            self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        login = self.query_one("#login-name", Input).value.strip()
        password = self._password.value
        if self._busy:
            return
        if not login or not password:
            self._show_error(t("login.required"))
            (self._password if login else self.query_one("#login-name", Input)).focus()
            return
        self._set_busy(True)
        self._error.update(t("login.checking"))
        self._error.remove_class("-error")
        self._check(login, password)

    @work(thread=True, exclusive=True, group="login")
    def _check(self, login: str, password: str) -> None:
        worker = get_current_worker()
        try:
            repo = self._sign_in(login, password)
            principal = repo.whoami()
        except CofaError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._refused, exc)
            return
        if worker.is_cancelled:  # the screen went away meanwhile: drop the session
            _close(repo)
            return
        self.app.call_from_thread(self._signed_in, repo, principal)

    def _refused(self, error: CofaError) -> None:
        self._set_busy(False)
        self._password.value = ""
        self._show_error(str(error))
        self.call_after_refresh(self._password.focus)  # once it is enabled again

    # --- state ------------------------------------------------------------------------
    @property
    def _password(self) -> Input:
        return self.query_one("#login-password", Input)

    @property
    def _error(self) -> Static:
        return self.query_one("#login-error", Static)

    @property
    def _busy(self) -> bool:
        return self.query_one("#login-submit", Button).disabled

    def _set_busy(self, busy: bool) -> None:
        for widget in self.query("#login-box Input, #login-box Button"):
            widget.disabled = busy

    def _show_error(self, text: str) -> None:
        self._error.update(text)
        self._error.add_class("-error")

    def error_text(self) -> str:
        """What the error line says now (tests read it)."""
        return str(self._error.content)


def _close(repo: Repository) -> None:
    close = getattr(repo, "close", None)
    if callable(close):
        close()


__all__ = ["LoginScreen", "SignIn", "SignedIn"]

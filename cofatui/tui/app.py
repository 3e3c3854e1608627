"""The Textual application: composition, global bindings and the shell's services.
Screens live in ``tui/features/<area>/`` (shared pieces in ``tui/kit/``); the app receives
the Repository and settings from the CLI.

What screens may rely on (``self.app`` cast to :class:`CofaApp`):

- ``repo``: the Repository (call it only from worker threads);
- ``clock``: the injected clock (countdowns, "today");
- ``settings`` and ``save_settings(new)`` (writes the TOML, then applies language,
  theme and keymap live);
- ``principal``: who is logged in (loaded once at start);
- ``current_contract_id`` (reactive) and the :class:`ContractChanged` message, posted
  to every screen of the stack when the user switches contract;
- :class:`LanguageChanged`, posted to every screen of the stack after the language
  changed: handle ``on_language_changed`` and re-render your texts (``recompose()`` is
  the simple way). Self-contained widgets may subscribe to ``app.language_signal``.
  Binding descriptions need nothing: the shell re-translates them (see bindings.py);
- ``switch_to(name)``: open a screen of :data:`navigation.SCREENS_BY_NAME` (``"home"``,
  ``"notifications"``, ``"settings"``, ``"help"``…);
- ``refresh_unread()``: reload the unread count of the header (a screen may also post
  a message named ``UnreadChanged``; it bubbles here);
- the ``/`` key focuses the widget with id ``filter`` of the current screen; the copy
  key copies ``selection_text()`` of the focused widget (or of its nearest ancestor
  that has one) to the clipboard over OSC 52;
- ``offline_since`` (reactive): set when a repository call raised ``Unavailable`` (the
  server or database unreachable; the header shows a badge), cleared when a call
  answers again. Meanwhile a health probe reads with a backoff (``DELAYS.probe_*``); on
  recovery the current screen's ``action_reload`` runs: define one to be reloaded.
  Nothing is retried: a failed write stays failed and its message says whether it may
  have been applied;
- a screen may define ``can_leave() -> bool`` to refuse Esc (e.g. unsaved changes);
- results handed over with ``call_from_thread`` to a screen that has been popped are
  dropped (``screen_gone``): a worker needs no check of its own;
- an unexpected exception ends the app with ``crash`` set (return code 1); the CLI
  writes its traceback to a log file and names it on stderr;
- ``data_ready``: False while the repository is being opened in a worker (the CLI
  hands an ``opening`` function: the first frame paints before the data layer is even
  imported). Meanwhile ``principal`` is no one, the app refuses every action but quit,
  and the base screen shown (home) loads nothing; a worker thread that calls ``repo``
  waits for it. When it is open the app posts :class:`DataReady` to every screen of
  the stack (a screen that waited loads then); when opening fails the app ends with
  ``open_error`` set;
- ``first_data_shown()``: a base screen whose class sets ``REPORTS_FIRST_DATA`` calls it
  once what the user opened the app for is on screen (home: the WAP). Until then the
  app holds back what nobody waits for (the unread count, the account's preferences,
  the Chorus Pro returns pop-up, the CLI's ``after_start``: the job worker): started
  at once, they took the two cores and the GIL from the WAP's query;
- ``signed_in``: False while a session started without a repository (``sign_in`` given:
  ``cofatui web``, ``--api`` without a token) shows the login screen. Until the login
  succeeds the app refuses every action but quit, holds a repository that refuses every
  call and a principal with no contract, and shows no other screen.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast
from weakref import WeakSet

from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.command import CommandPalette
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import WorkerFailed, get_current_worker

from cofatui import i18n
from cofatui.clock import Clock, SystemClock
from cofatui.config import Settings, SettingsError
from cofatui.config import save_settings as write_settings
from cofatui.enums import Role
from cofatui.errors import Unauthenticated, Unavailable
from cofatui.i18n import t
from cofatui.repository.sqlite_home import PlainPrincipal, PlainWap
from cofatui.tui import themes
from cofatui.tui.bindings import GLOBAL_BINDINGS, translate_tree
from cofatui.tui.commands import ScreenActionsProvider, ShellCommandsProvider
from cofatui.tui.kit.connection import ConnectionState, WatchedRepository, next_probe_delay
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.header import AppHeader, ContractPicker
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import BASE_DEPTH, open_if_registered, resolve_screen
from cofatui.tui.safe import clean
from cofatui.tui.screen_gone import DropWhenGone

if TYPE_CHECKING:
    # Names for mypy: the protocol's module imports every area's schemas (issue 21 item 1:
    # the first frame does not wait for them), and the first frame paints before pydantic
    # is imported (until the repository's ``whoami`` arrives, ``principal`` is a plain one).
    from cofatui.repository.base import Repository
    from cofatui.schemas import Principal
    from cofatui.tui.features.login.screen import SignIn

log = logging.getLogger(__name__)

class ContractChanged(Message):
    def __init__(self, contract_id: int) -> None:
        super().__init__()
        self.contract_id = contract_id


class LanguageChanged(Message):
    """The UI language changed: re-render the texts of the screen."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language


class DataReady(Message):
    """The repository is open and the principal known: screens shown while it was being
    opened load their data now."""


#: The app's actions allowed before the login (the login screen's own are its own).
SIGNED_OUT_ACTIONS = frozenset({"quit", "focus_next", "focus_previous"})


class _SignedOut:
    """The repository of a session that has not logged in: every call refuses."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy, pickle and friends probe these
            raise AttributeError(name)
        raise Unauthenticated("web.not_signed_in")


class FirstWap(Protocol):
    """A quick read of home's first data while the repository opens (the CLI's, for the
    embedded SQLite file: ``repository.sqlite_home``). Called from the opening worker;
    None from either says "not here": home waits for the repository as before."""

    def ready(self) -> bool:
        """Whether :meth:`principal` and :meth:`wap` answer at once (the read is over)."""
        ...

    def principal(self) -> PlainPrincipal | None: ...

    def wap(self, contract_id: int) -> tuple[PlainWap, str] | None: ...


class _Opening:
    """The repository while the app's worker opens it: a worker thread that calls it
    waits until it is open (or gets what opening raised). The app's own thread never
    waits: it is the one that paints meanwhile, so a call from it is a bug."""

    def __init__(self, app_thread: int) -> None:
        self._app_thread = app_thread
        self._done = threading.Event()
        self._repo: Repository | None = None
        self._error: BaseException | None = None

    def settle(self, repo: Repository | None, error: BaseException | None = None) -> None:
        self._repo, self._error = repo, error
        self._done.set()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy, pickle and friends probe these
            raise AttributeError(name)
        if threading.get_ident() == self._app_thread and not self._done.is_set():
            raise RuntimeError(f"repo.{name} read on the app's thread while it opens")
        self._done.wait()
        if self._repo is None:
            raise Unavailable("database.unreachable") from self._error
        return getattr(self._repo, name)


def _nobody(language: str) -> Principal:
    """The principal of a session that has not logged in: no one, no contract."""
    return _stand_in(PlainPrincipal(user_id=0, login="", display_name="",
                                    role=Role.POLICYHOLDER, language=language, contracts=[]))


def _stand_in(principal: PlainPrincipal) -> Principal:
    """A plain principal as the app's ``principal`` until the repository's arrives: the
    same fields, read by the header and home while actions are refused (``data_ready``
    False), without waiting for pydantic before the first frame (issue 21 item 1)."""
    return cast("Principal", principal)


class CofaApp(DropWhenGone, App[None]):
    TITLE = "cofatui"  # i18n: ok (the product's name, the terminal window's title)
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = GLOBAL_BINDINGS
    COMMANDS = {ScreenActionsProvider, ShellCommandsProvider}
    current_contract_id: reactive[int | None] = reactive(None)
    unread_count: reactive[int | None] = reactive(None)
    #: Since when the data does not answer (the last successful call); None: online.
    offline_since: reactive[datetime | None] = reactive(None)

    def __init__(self, repo: Repository | None, settings: Settings,
                 config_path: Path | None = None, principal: Principal | None = None,
                 clock: Clock | None = None, sign_in: SignIn | None = None,
                 opening: Callable[[], Repository] | None = None,
                 after_start: Callable[[], None] | None = None,
                 first_wap: FirstWap | None = None) -> None:
        """``repo`` acts for the user; or None with ``sign_in``: the session starts on
        the login screen and gets its repository from there; or None with ``opening``:
        a worker opens it while the first frame paints (``open_error`` is set, and the
        app ends, when it raises); ``first_wap`` then shows home's WAP before it is open.
        ``after_start`` runs in a worker thread once the base screen's first data is on
        screen (see :meth:`first_data_shown`)."""
        super().__init__()
        if repo is None and sign_in is None and opening is None:
            raise ValueError("a repository, an opening or a sign-in is needed")
        self.settings = settings
        self.config_path = config_path
        self.clock: Clock = clock or getattr(repo, "clock", None) or SystemClock()
        # Every area call goes through one watch: Unavailable anywhere → offline badge.
        self.connection = ConnectionState(SystemClock().now)
        self._sign_in = sign_in
        self._opening = opening
        self._after_start = after_start
        self._first_wap = first_wap
        #: Home's WAP and currency read before the repository opened, when that read
        #: was over by the first frame: home shows it in that frame (``show_early``).
        self.early_wap: tuple[PlainWap, str] | None = None
        #: The base screen is up but its first data not yet shown: the extras wait.
        self._extras_waiting = False
        self._clock_given = clock is not None
        self.signed_in = repo is not None or opening is not None
        self.data_ready = repo is not None
        #: What opening the repository raised (the app ended on it).
        self.open_error: BaseException | None = None
        self._waiting: _Opening | None = None
        if opening is not None:
            self._waiting = _Opening(threading.get_ident())
        stand_in: Any = self._waiting if opening is not None else _SignedOut()
        self.repo: Repository = WatchedRepository(
            repo if repo is not None else cast("Repository", stand_in),
            self._connection_report)
        self._probe_delay: float | None = None
        self.language_signal: Signal[str] = Signal(self, "language")
        i18n.set_language(settings.language)
        self.principal = principal or (repo.whoami() if repo is not None
                                       else _nobody(settings.language))
        self.current_contract_id = self._initial_contract()
        for theme in themes.shipped_themes():
            self.register_theme(theme)
        self._theme_missing = settings.theme not in self.available_themes
        self.theme = themes.DARK if self._theme_missing else settings.theme
        self.set_keymap(settings.keymap)
        self._watched_screens: WeakSet[Screen[Any]] = WeakSet()
        #: The unexpected exception that ended the app (None: it ended normally).
        self.crash: BaseException | None = None

    def _initial_contract(self, principal: Principal | None = None) -> int | None:
        return (principal or self.principal).initial_contract(
            self.settings.default_contract or "")

    # --- start ----------------------------------------------------------------------
    def on_mount(self) -> None:
        # The CLI turns the cyclic garbage collector off for the start (cli.main): on
        # again once the first frame is painted.
        self.call_after_refresh(gc.enable)
        self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)
        translate_tree(self)
        if self._theme_missing:
            self.notify(t("shell.theme_missing", name=clean(self.settings.theme)),
                        severity="warning", markup=False)
        if self._opening is not None:
            if self._first_wap is not None and self._first_wap.ready():
                # Read while Textual was imported: the first frame shows the user, the
                # contract and the WAP already; the worker goes straight to the imports.
                first, self._first_wap = self._first_wap, None
                self._take_first_wap(first)
            if self.settings.home_screen == "home":
                # The first frame: home's layout with its WAP placeholder, before the
                # data layer is imported. Another start screen waits for the data (it
                # may need the principal to be built).
                self._push_base("home")
            # After the first frame: the worker's imports hold the GIL for long
            # stretches, and would otherwise hold the first paint back with them.
            self.call_after_refresh(self._open_data)
            return
        if not self.signed_in:
            assert self._sign_in is not None
            # Imported here: only a session that starts signed out shows it (issue 21
            # item 1: the first frame imports what home needs, nothing more).
            from cofatui.tui.features.login.screen import LoginScreen

            self.push_screen(LoginScreen(self._sign_in, self._signed_in_as))
            return
        self._open_base_screen(push=True)

    @work(thread=True, exclusive=True, group="open")
    def _open_data(self) -> None:
        """Import the data layer, open the repository and read who the user is, off the
        thread that paints."""
        assert self._opening is not None
        if self._first_wap is not None:
            self._show_first_wap(self._first_wap)
        try:
            repo = self._opening()
            principal = repo.whoami()
        except Exception as exc:  # said by the CLI as any error of a command
            self.call_from_thread(self._open_failed, exc)
            return
        self.call_from_thread(self._data_opened, repo, principal)

    @staticmethod
    def _read_first_wap(first: FirstWap, wanted_policy: str) -> tuple[
            PlainPrincipal, tuple[PlainWap, str] | None] | None:
        """Who the user is and home's WAP, read the quick way; None when not here.
        Whatever goes wrong only means home waits for the repository, as it would
        without (the repository, opened next, says what is wrong)."""
        try:
            principal = first.principal()
            if principal is None:
                return None
            contract = principal.initial_contract(wanted_policy)
            return principal, first.wap(contract) if contract is not None else None
        except Exception:
            log.warning("home's WAP not read before the repository opened", exc_info=True)
            return None

    def _take_first_wap(self, first: FirstWap) -> None:
        """On the app's thread, before the first frame: the read is over (no wait)."""
        read = self._read_first_wap(first, self.settings.default_contract or "")
        if read is not None:
            self._early_principal(read[0])
            self.early_wap = read[1]

    def _early_principal(self, principal: PlainPrincipal) -> None:
        """The user and their contract from the quick read, for the header while the
        repository opens (the same as its ``whoami``: tests/contract/test_sqlite_home).
        Set without the watcher: the screens load on DataReady, not on this."""
        self.principal = _stand_in(principal)
        self.set_reactive(CofaApp.current_contract_id, self._initial_contract(self.principal))
        for header in self.screen.query(AppHeader):
            header.refresh_texts()

    def _show_first_wap(self, first: FirstWap) -> None:
        """In the opening worker, before the data layer is imported: read home's WAP
        the quick way and show it, then let that frame paint (the imports that follow
        hold the GIL for long stretches)."""
        read = self._read_first_wap(first, self.settings.default_contract or "")
        if read is None:
            return
        painted = threading.Event()
        self.call_from_thread(self._first_wap_read, *read, painted)
        painted.wait(1.0)

    def _first_wap_read(self, principal: PlainPrincipal, found: tuple[PlainWap, str] | None,
                        painted: threading.Event) -> None:
        if self.data_ready:
            painted.set()
            return
        self._early_principal(principal)
        base = self.screen_stack[BASE_DEPTH - 1] if len(self.screen_stack) >= BASE_DEPTH \
            else None
        show = getattr(base, "show_first_wap", None)
        if found is not None and show is not None:
            show(*found)
        self.call_after_refresh(painted.set)

    def _open_failed(self, error: Exception) -> None:
        self.open_error = error
        if self._waiting is not None:
            self._waiting.settle(None, error)
        self.exit(return_code=1)

    def _data_opened(self, repo: Repository, principal: Principal) -> None:
        if self._waiting is not None:
            self._waiting.settle(repo)
        self.repo = WatchedRepository(repo, self._connection_report)
        self.principal = principal
        if not self._clock_given:
            self.clock = getattr(repo, "clock", None) or self.clock
        self.data_ready = True
        contract = self._initial_contract()
        # The watcher tells the screens (ContractChanged); a screen shown meanwhile that
        # still waits hears DataReady below. The unread count waits for the WAP.
        self._extras_waiting = True
        self.current_contract_id = contract
        shown = self.screen_stack[BASE_DEPTH - 1] if len(self.screen_stack) >= BASE_DEPTH \
            else None
        base = self._base_name()
        factory = resolve_screen(base)
        if shown is not None and isinstance(factory, type) and isinstance(shown, factory):
            for screen in self.screen_stack:
                screen.post_message(DataReady())
            self.screen.refresh_bindings()
            self._after_base_screen()
        else:
            self._open_base_screen(push=shown is None)

    def _signed_in_as(self, repo: Repository, principal: Principal) -> None:
        """The login screen's success: the session now acts for ``principal``; the login
        screen is replaced by the base screen (nothing to go back to)."""
        self.repo = WatchedRepository(repo, self._connection_report)
        self.principal = principal
        self.signed_in = True
        self.data_ready = True
        self.current_contract_id = self._initial_contract()
        self._open_base_screen(push=False)

    def _base_name(self) -> str:
        base: str = self.settings.home_screen
        if base == "home" and not self.principal.contracts \
                and self.principal.role != Role.UNDERWRITER:
            base = "chorus"  # issue 18 item 3: no contract, Chorus Pro rights only
        return base

    def _push_base(self, base: str, *, push: bool = True) -> None:
        factory = resolve_screen(base)
        if factory is None:
            factory = resolve_screen("home")
            if base != "home":
                self.notify(t("shell.portfolio_fallback"), markup=False)
        if factory is not None:
            if push:
                self.push_screen(factory())
            else:
                self.switch_screen(factory())

    def _open_base_screen(self, *, push: bool) -> None:
        self._push_base(self._base_name(), push=push)
        self._after_base_screen()

    def _after_base_screen(self) -> None:
        """The base screen is up: the extras start now, or when it reports its first
        data (home: once the WAP shows; see :meth:`first_data_shown`)."""
        self._extras_waiting = True
        base = self.screen_stack[BASE_DEPTH - 1] if len(self.screen_stack) >= BASE_DEPTH \
            else self.screen
        if not getattr(base, "REPORTS_FIRST_DATA", False):
            self.first_data_shown()

    def first_data_shown(self) -> None:
        """What the base screen shows first is on screen: start what nobody waits for.
        Once per start (later calls do nothing)."""
        if not self._extras_waiting:
            return
        self._extras_waiting = False
        self.refresh_unread()
        self.sync_account()
        # Chorus Pro returns since last acknowledged (seed 004): a pop-up, if any.
        open_if_registered(self, "chorus_returns")
        # Decisions arrive from underwriters and rules while the user works (another
        # user, the server): the header's unread count follows without a key press.
        self.set_interval(DELAYS.unread_poll, self.refresh_unread)
        if self._after_start is not None:
            self._run_after_start()

    @work(thread=True, exclusive=True, group="after-start")
    def _run_after_start(self) -> None:
        # Off the app's thread: starting the CLI's job worker imports its handlers.
        assert self._after_start is not None
        self._after_start()

    def _screen_changed(self, screen: Screen[Any]) -> None:
        if screen not in self._watched_screens:
            self._watched_screens.add(screen)
            screen.bindings_updated_signal.subscribe(self, self._bindings_updated,
                                                     immediate=True)
        if translate_tree(screen):
            screen.refresh_bindings()

    def _bindings_updated(self, screen: Screen[Any]) -> None:
        # Widgets mounted since the last look (a list that arrived with its data)
        # get translated before the Footer recomposes (it waits for the next refresh).
        translate_tree(screen)

    # --- unexpected errors ------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        # Textual ends the app with return code 1 and prints a traceback with locals
        # to the terminal; keep the error instead, for the CLI to log and name.
        if self.crash is None:
            self.crash = error.error if isinstance(error, WorkerFailed) else error
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        if self.crash is None:
            super()._print_error_renderables()
        else:  # the CLI says it in one line and logs the traceback (cli.cmd_tui)
            self._exit_renderables.clear()

    # --- settings -------------------------------------------------------------------
    def save_settings(self, new: Settings) -> None:
        """Write the settings file, then apply language, theme and keymap live.
        Raises SettingsError (nothing applied) when the file cannot be written."""
        write_settings(new, self.config_path)
        old, self.settings = self.settings, new
        if new.theme != old.theme and new.theme in self.available_themes:
            self.theme = new.theme
        if new.keymap != old.keymap:
            self.set_keymap(new.keymap)
        if new.language != old.language:
            self.set_language(new.language)

    def _save_one(self, **changes: Any) -> bool:
        try:
            self.save_settings(self.settings.with_changes(**changes))
        except SettingsError as exc:
            self.notify(clean(exc), title=t("common.error"), severity="error", markup=False)
            return False
        return True

    def set_language(self, language: str) -> None:
        """Switch the UI language now (not saved: see :meth:`choose_language`)."""
        i18n.set_language(language)
        translate_tree(self)  # the app's bindings and every screen's
        for screen in self.screen_stack:
            screen.post_message(LanguageChanged(language))
        self.language_signal.publish(language)
        self.screen.refresh_bindings()

    def choose_language(self, language: str) -> None:
        """Switch language and remember the choice in the settings file."""
        if language != self.settings.language:
            self._save_one(language=language)

    def choose_theme(self, name: str) -> None:
        """Apply a theme and remember it in the settings file."""
        if name in self.available_themes and self._save_one(theme=name):
            self.theme = name

    # --- offline and back ---------------------------------------------------------
    def _connection_report(self, error: Unavailable | None) -> None:
        """From any thread: one repository call's outcome."""
        if not self.connection.record(error):
            return
        if threading.get_ident() == self._thread_id:
            self._connection_changed()
            return
        try:
            self.call_from_thread(self._connection_changed)
        except RuntimeError:  # the app is closing: nothing left to show it on
            log.debug("connection change after exit", exc_info=True)

    def _connection_changed(self) -> None:
        if self.connection.error is not None:
            self.offline_since = self.connection.last_success or SystemClock().now()
            self._probe_delay = None
            self._schedule_probe()
            return
        if self.offline_since is None:
            return
        self.offline_since = None
        self._probe_delay = None
        # Back: the current screen reloads by itself (the screens' own reload action);
        # writes are not replayed, only reads run again.
        screen = self.screen
        if hasattr(screen, "action_reload"):
            self.call_later(self.run_action, "reload", screen)
        self.refresh_unread()

    def _schedule_probe(self) -> None:
        self._probe_delay = next_probe_delay(self._probe_delay, DELAYS.probe_first,
                                             DELAYS.probe_max)
        self.set_timer(self._probe_delay, self._probe)

    @work(thread=True, exclusive=True, group="probe")
    def _probe(self) -> None:
        """A read that any user may make; its outcome reaches the watch."""
        try:
            self.repo.notifications.unread_count(self.current_contract_id)
        except Unavailable:
            self.call_from_thread(self._probe_again)
        except Exception:
            log.exception("health probe")

    def _probe_again(self) -> None:
        if self.offline_since is not None:
            self._schedule_probe()

    # --- contract and unread count --------------------------------------------------
    def watch_current_contract_id(self, contract_id: int | None) -> None:
        if contract_id is not None and self.is_running and self.screen_stack:
            for screen in self.screen_stack:
                screen.post_message(ContractChanged(contract_id))
            if not self._extras_waiting:  # else first_data_shown reads it
                self.refresh_unread()

    def switch_contract(self, contract_id: int) -> None:
        if contract_id in {c.contract_id for c in self.principal.contracts}:
            self.current_contract_id = contract_id

    def current_contract_label(self) -> str:
        for access in self.principal.contracts:
            if access.contract_id == self.current_contract_id:
                return clean(access.policy_number)
        return ""

    @work(thread=True, exclusive=True, group="account")
    def sync_account(self) -> None:
        """Load the preferences the account keeps (thresholds, CRS number, non-Latin
        names, claim-file notifications), importing the settings file's values the
        first time, so that the screens follow them from the start rather than from
        the first visit to Settings. Errors are shown, not raised."""
        from cofatui.tui.features.settings import account

        account.sync(self)

    @work(thread=True, exclusive=True, group="unread")
    def refresh_unread(self) -> None:
        """Reload the unread count of the current contract (header)."""
        worker = get_current_worker()
        contract_id = self.current_contract_id
        try:
            count: int | None = self.repo.notifications.unread_count(contract_id)
        except Exception:  # the header shows "?" rather than the app failing
            log.exception("unread count failed")
            count = None
        if not worker.is_cancelled:
            self.call_from_thread(setattr, self, "unread_count", count)

    def on_unread_changed(self, _event: Message) -> None:
        self.refresh_unread()

    # --- navigation -----------------------------------------------------------------
    def switch_to(self, name: str) -> None:
        """Show the screen registered as ``name``: back to it if one is already in the
        stack (the base screen included), otherwise push a new one."""
        factory = resolve_screen(name)
        if factory is None:
            self.notify(t("shell.screen_unavailable", name=name), severity="warning",
                        markup=False)
            return
        if isinstance(factory, type):
            for screen in self.screen_stack[BASE_DEPTH - 1:]:
                if isinstance(screen, factory):
                    while self.screen is not screen:
                        self.pop_screen()
                    return
        self.push_screen(factory())

    def action_go(self, name: str) -> None:
        self.switch_to(name)

    def action_help(self) -> None:
        self.switch_to("help")

    async def action_back(self) -> None:
        if len(self.screen_stack) <= BASE_DEPTH:
            return
        can_leave = getattr(self.screen, "can_leave", None)
        if callable(can_leave) and not can_leave():
            return
        self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.signed_in or not self.data_ready:
            # The login screen, or the data being opened: nothing of the app before.
            return action in SIGNED_OUT_ACTIONS
        # Back is hidden from the Footer (and does nothing) on the base screen.
        return not (action == "back" and len(self.screen_stack) <= BASE_DEPTH)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(CommandPalette(placeholder=t("shell.palette_placeholder"),
                                            id="--command-palette"))

    def action_focus_filter(self) -> None:
        """``/``: focus the widget with id ``filter`` of the current screen."""
        matches = self.screen.query("#filter")
        target = matches.first() if matches else None
        if target is None or not target.focusable:
            self.notify(t("shell.no_filter"), severity="warning", markup=False)
            return
        target.focus()

    def action_switch_contract(self) -> None:
        contracts = self.principal.contracts
        if len(contracts) < 2:
            self.notify(t("shell.single_contract") if contracts else t("shell.no_contract"),
                        markup=False)
            return
        def chosen(contract_id: int | None) -> None:
            if contract_id is not None:
                self.switch_contract(contract_id)

        self.push_screen(ContractPicker(contracts, self.current_contract_id), chosen)

    def action_copy(self) -> None:
        """Copy what the focused widget calls its selection (a cell, a row, marked rows)."""
        text = self._selection_text()
        if not text:
            self.notify(t("shell.nothing_to_copy"), severity="warning", markup=False)
            return
        self.copy_to_clipboard(text)
        lines = text.count("\n") + 1
        self.notify(plural("shell.copied", count=lines), markup=False)

    def _selection_text(self) -> str:
        node = self.screen.focused
        candidates = [*node.ancestors_with_self] if node is not None else [self.screen]
        for candidate in candidates:
            getter = getattr(candidate, "selection_text", None)
            if callable(getter):
                value = getter()
                if value:
                    # Data may hold control characters: never send them to the
                    # terminal that pastes. Tabs and newlines separate cells and rows.
                    return "\n".join("\t".join(clean(cell) for cell in line.split("\t"))
                                     for line in str(value).split("\n"))
                return ""
        return ""

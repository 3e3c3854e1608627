"""What both user screens do to a user (issue 16 item 4): block, suspend (until a date or
not) and reactivate after a confirmation, and mail a new activation code. Every call
runs in a worker with the version the screen read; a stale one gets the conflict
message."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from cofatui.enums import UserStatus
from cofatui.errors import CofaError, Conflict
from cofatui.i18n import format_date, t
from cofatui.schemas_users import UserDetail
from cofatui.tui.features.users.wording import display_name, status_text
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.products import app_clock
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date
from cofatui.tui.safe import clean

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp

#: The confirmation of each status change, and the key of its button.
QUESTIONS = {UserStatus.BLOCKED: ("users_ui.confirm_block", "users_ui.block"),
             UserStatus.ACTIVE: ("users_ui.confirm_reactivate", "users_ui.reactivate")}


def refusal_text(exc: CofaError) -> str:
    """A refusal as the user reads it: a stale version gets the screen's own advice."""
    return t("users_ui.changed") if isinstance(exc, Conflict) else clean(exc)


class UserActionsScreen(Screen[None]):
    """A screen that acts on users; :meth:`user_changed` receives the user as the
    repository answered (with its new version)."""

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def user_changed(self, detail: UserDetail) -> None:
        """The screen shows the change (overridden)."""

    def action_refused(self, text: str) -> None:
        """The screen shows a refusal (overridden: the detail screen has a line for it)."""
        self.notify(text, severity="error", markup=False, timeout=10)

    def _refused_from_thread(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.action_refused, refusal_text(exc))

    # --- status ------------------------------------------------------------------------
    def change_status(self, detail: UserDetail, status: UserStatus) -> None:
        """Confirm, then block, suspend or reactivate ``detail``'s user."""
        if detail.login == self.cofa.principal.login:
            self.action_refused(t("users_ui.own_status"))
            return
        if detail.status == status:
            self.action_refused(t("users_ui.already", login=clean(detail.login),
                                  status=status_text(status)))
            return
        if status == UserStatus.SUSPENDED:
            def until_chosen(chosen: tuple[bool, datetime | None] | None) -> None:
                if chosen is not None:
                    self._confirm(detail, status, chosen[1])

            self.app.push_screen(SuspendDialog(detail), until_chosen)
            return
        self._confirm(detail, status, None)

    def _confirm(self, detail: UserDetail, status: UserStatus, until: datetime | None) -> None:
        name, login = display_name(detail), clean(detail.login)
        if status == UserStatus.SUSPENDED:
            question = (t("users_ui.confirm_suspend_until", name=name, login=login,
                          date=format_date(until - timedelta(seconds=1)))
                        if until is not None
                        else t("users_ui.confirm_suspend", name=name, login=login))
            yes = t("users_ui.suspend")
        else:
            key, yes_key = QUESTIONS[status]
            question, yes = t(key, name=name, login=login), t(yes_key)

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.apply_status(detail, status, until)

        self.app.push_screen(ConfirmScreen(question, yes=yes,
                                           danger=status != UserStatus.ACTIVE), answered)

    @work(thread=True, exclusive=True, group="users-status")
    def apply_status(self, detail: UserDetail, status: UserStatus,
                     until: datetime | None) -> None:
        try:
            changed = self.cofa.repo.users.set_status(detail.login, status.value,
                                                      detail.version, until)
        except CofaError as exc:
            self._refused_from_thread(exc)
            return
        self.app.call_from_thread(self._status_changed, changed)

    def _status_changed(self, detail: UserDetail) -> None:
        self.notify(t("users_ui.status_done", login=clean(detail.login),
                      status=status_text(detail.status, until=detail.suspended_until)),
                    markup=False)
        self.user_changed(detail)

    # --- activation ----------------------------------------------------------------------
    def resend_code(self, detail: UserDetail) -> None:
        if not detail.awaiting_activation:
            self.action_refused(t("users_ui.not_awaiting", login=clean(detail.login)))
            return
        self._resend(detail)

    @work(thread=True, exclusive=True, group="users-status")
    def _resend(self, detail: UserDetail) -> None:
        try:
            changed = self.cofa.repo.users.resend_activation(detail.login, detail.version)
        except CofaError as exc:
            self._refused_from_thread(exc)
            return
        self.app.call_from_thread(self._resent, changed)

    def _resent(self, detail: UserDetail) -> None:
        self.notify(t("users_ui.resent", login=clean(detail.login), email=clean(detail.email)),
                    markup=False)
        self.user_changed(detail)


class SuspendDialog(Dialog[tuple[bool, datetime | None] | None]):
    """The end of a suspension: a date typed in the user's order, or nothing (until
    someone reactivates). Dismissed with ``(True, until)``; the confirmation follows."""

    CSS_PATH = DIALOGS_TCSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "users_ui.key.cancel", id="users.suspend.cancel"),
        Binding("ctrl+s", "submit", "users_ui.key.save", id="users.suspend.save"),
    ]

    def __init__(self, detail: UserDetail) -> None:
        super().__init__()
        self.detail = detail

    @property
    def order(self) -> str:
        return cast("CofaApp", self.app).settings.date_order

    def compose(self) -> ComposeResult:
        with Vertical(id="users-suspend", classes="dialog"):
            yield Label(t("users_ui.suspend_title", name=display_name(self.detail),
                          login=clean(self.detail.login)), classes="dialog-title",
                        markup=False)
            yield Static(t("users_ui.suspend_help"), markup=False)
            yield FormField(t("users_ui.until"), Input("", id="until",
                                                       placeholder=date_pattern(self.order)),
                            "until", hint=t("users_ui.until_hint",
                                            pattern=date_pattern(self.order)))
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("users_ui.continue"), variant="primary", id="confirm")
                yield Button(t("users_ui.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#until", Input).focus()

    def submit(self) -> None:
        text = self.query_one("#until", Input).value
        try:
            day = parse_date(text, self.order)
        except TypedInputError as exc:
            show_errors(self, {"until": str(exc)})
            return
        if day is None:
            self.dismiss((True, None))
            return
        now = app_clock(self.app).now().astimezone()
        if day < now.date():
            show_errors(self, {"until": t("users_ui.until_past")})
            return
        # Until the end of the day typed: the next midnight, in the user's time zone.
        local = datetime.combine(day + timedelta(days=1), time()).astimezone()
        self.dismiss((True, local.astimezone(UTC)))


__all__ = ["SuspendDialog", "UserActionsScreen", "refusal_text"]

"""One user, as their administrator sees them (seed "Modification d'un utilisateur";
issue 16 items 4 and 5), in four tabs:

- **Data**: civilité, names, phone, fax, e-mail (Ctrl+S confirms);
- **User**: the login, role, status and activation; block, suspend (until a date or
  not), reactivate, mail a new activation code (each after a confirmation);
- **Preferences**: default language and contract (Ctrl+S confirms);
- **Contracts**: the contracts the reader administers, attached or not, with the
  rights; Space ticks several, ``p`` or Enter opens Personnaliser for the ticked ones
  (attaching those not attached), ``d`` detaches them.

Every change is sent with the version read; a stale one gets the conflict message
(Ctrl+R reads the user again). Refusals of fields are shown at the fields."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Select, Static, TabbedContent, TabPane

from cofatui.enums import UserStatus
from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import format_datetime, t
from cofatui.schemas_users import UserAttachment, UserDetail, UserUpdate
from cofatui.tui.features.users.actions import UserActionsScreen, refusal_text
from cofatui.tui.features.users.forms import (
    DATA_FIELDS,
    PREFERENCE_FIELDS,
    contract_field,
    contract_options,
    data_field,
    language_field,
    read_fields,
)
from cofatui.tui.features.users.rights import RightsChoice, RightsDialog
from cofatui.tui.features.users.wording import (
    contract_columns,
    display_name,
    status_text,
)
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.form import show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.tabs import numbered_title
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean

TABS = ("data", "user", "preferences", "contracts")
#: The tabs where an action is offered (elsewhere it leaves the footer).
ACTION_TABS = {"save": ("data", "preferences"), "status": ("user",), "resend": ("user",),
               "rights": ("contracts",), "detach": ("contracts",)}
STATUS_BUTTONS = {"do-block": UserStatus.BLOCKED, "do-suspend": UserStatus.SUSPENDED,
                  "do-reactivate": UserStatus.ACTIVE}


def info_text(detail: UserDetail) -> Text:
    """The seed's "Utilisateur" part: what is not modifiable."""
    rows = [
        ("users_ui.info_login", clean(detail.login)),
        ("users_ui.info_role", t(f"users_ui.role.{detail.role.value}")),
        ("users_ui.info_status", status_text(detail.status, until=detail.suspended_until)),
        ("users_ui.info_activation", t("users_ui.info_activation_pending")
         if detail.awaiting_activation else t("users_ui.info_activation_done")),
        ("users_ui.info_created", format_datetime(detail.created_at)),
        ("users_ui.info_updated", format_datetime(detail.updated_at)),
        ("users_ui.info_contracts", ", ".join(
            clean(a.policy_number) for a in detail.contracts if a.attached) or "-"),
    ]
    labels = [t(key) for key, _ in rows]
    width = max(len(label) for label in labels) + 2
    text = Text()
    for label, (_, value) in zip(labels, rows, strict=True):
        text.append(f"{label:<{width}}", style="bold")
        text.append(value + "\n")
    return text


class UserDetailScreen(UserActionsScreen):
    CSS_PATH = "users.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "users_ui.key.save", id="user_detail.save"),
        Binding("b", "status('blocked')", "users_ui.key.block", id="user_detail.block"),
        Binding("u", "status('suspended')", "users_ui.key.suspend", id="user_detail.suspend"),
        Binding("a", "status('active')", "users_ui.key.reactivate",
                id="user_detail.reactivate"),
        Binding("m", "resend", "users_ui.key.resend", id="user_detail.resend"),
        Binding("p", "rights", "users_ui.key.rights", id="user_detail.rights"),
        Binding("d", "detach", "users_ui.key.detach", id="user_detail.detach"),
        Binding("ctrl+r", "reload", "users_ui.key.reload", id="user_detail.reload"),
        Binding("1", "tab('data')", "users_ui.key.tab_data", show=False,
                id="user_detail.tab_data"),
        Binding("2", "tab('user')", "users_ui.key.tab_user", show=False,
                id="user_detail.tab_user"),
        Binding("3", "tab('preferences')", "users_ui.key.tab_preferences", show=False,
                id="user_detail.tab_preferences"),
        Binding("4", "tab('contracts')", "users_ui.key.tab_contracts", show=False,
                id="user_detail.tab_contracts"),
    ]

    def __init__(self, login: str, tab: str = "data") -> None:
        super().__init__()
        self.login = login
        self.tab = tab if tab in TABS else "data"
        self.detail: UserDetail | None = None

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader()
        d = self.detail
        if d is None:
            yield Static(t("users_ui.loading"), id="user-heading", markup=False)
            yield Footer()
            return
        yield Static(self._heading(d), id="user-heading", markup=False)
        yield Static("", id="user-message", markup=False)
        with TabbedContent(initial=f"tab-{self.tab}", id="user-tabs"):
            with TabPane(numbered_title(1, t("users_ui.tab.data")), id="tab-data"), \
                    VerticalScroll(classes="users-form"):
                with Horizontal(classes="users-columns"):
                    with Vertical(classes="users-column"):
                        for name in DATA_FIELDS[:3]:
                            yield data_field(name, getattr(d, name))
                    with Vertical(classes="users-column"):
                        for name in DATA_FIELDS[3:]:
                            yield data_field(name, getattr(d, name))
                yield Static("", id="data-error", classes="form-error", markup=False)
                with Horizontal(classes="users-buttons"):
                    yield Button(t("users_ui.save"), variant="primary", id="save-data")
            with TabPane(numbered_title(2, t("users_ui.tab.user")), id="tab-user"), \
                    VerticalScroll(classes="users-form"):
                yield Static(info_text(d), id="user-info")
                yield Static("", id="user-why", classes="users-note", markup=False)
                with Horizontal(classes="users-buttons"):
                    yield Button(t("users_ui.block"), variant="error", id="do-block")
                    yield Button(t("users_ui.suspend"), variant="warning", id="do-suspend")
                    yield Button(t("users_ui.reactivate"), variant="success",
                                 id="do-reactivate")
                    yield Button(t("users_ui.resend"), id="do-resend")
            with TabPane(numbered_title(3, t("users_ui.tab.preferences")), id="tab-preferences"), \
                    VerticalScroll(classes="users-form"):
                with Horizontal(classes="users-columns"):
                    with Vertical(classes="users-column"):
                        yield language_field(d.language)
                    with Vertical(classes="users-column"):
                        yield contract_field(self._attached(d), d.default_contract_id)
                yield Static("", id="preferences-error", classes="form-error", markup=False)
                with Horizontal(classes="users-buttons"):
                    yield Button(t("users_ui.save"), variant="primary", id="save-preferences")
            with TabPane(numbered_title(4, t("users_ui.tab.contracts")), id="tab-contracts"):
                yield Static(t("users_ui.contracts_note"), classes="users-note", markup=False)
                yield VirtualList(contract_columns(), ListSource(d.contracts),
                                  row_key=lambda a: a.contract_id, id="contracts")
        yield Footer()

    @staticmethod
    def _attached(detail: UserDetail) -> list[tuple[int, str]]:
        return [(a.contract_id, a.policy_number) for a in detail.contracts if a.attached]

    @staticmethod
    def _heading(detail: UserDetail) -> str:
        return t("users_ui.heading", name=display_name(detail), login=clean(detail.login),
                 role=t(f"users_ui.role.{detail.role.value}"),
                 status=status_text(detail.status, detail.awaiting_activation,
                                    detail.suspended_until))

    def on_mount(self) -> None:
        self.title = "users_ui.title"
        if self.detail is None:
            self.load()
        else:
            self._show_parts()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self._show_parts()

    # --- reading ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="user-detail-load")
    def load(self) -> None:
        try:
            detail = self.cofa.repo.users.get(self.login)
        except CofaError as exc:
            self._refused_from_thread(exc)
            return
        self.app.call_from_thread(self._loaded, detail)  # type: ignore[arg-type]

    async def _loaded(self, detail: UserDetail) -> None:
        """The user read (at the start, or again with Ctrl+R): every tab shows them."""
        self.detail = detail
        await self.recompose()
        self._show_parts()
        self._focus_tab()

    def action_reload(self) -> None:
        self.load()

    def _show_parts(self) -> None:
        """What follows the user without touching what is being typed: the heading,
        the User tab (its buttons disabled when they cannot apply, and why), the
        Contracts tab."""
        d = self.detail
        if d is None or not self.is_mounted or not self.query("#user-tabs"):
            return
        self.query_one("#user-heading", Static).update(self._heading(d))
        self.query_one("#user-info", Static).update(info_text(d))
        own = d.login == self.cofa.principal.login
        self.query_one("#user-why", Static).update(t("users_ui.own_account") if own else "")
        self.query_one("#do-block", Button).disabled = own or d.status == UserStatus.BLOCKED
        self.query_one("#do-suspend", Button).disabled = own
        self.query_one("#do-reactivate", Button).disabled = own or d.status == UserStatus.ACTIVE
        self.query_one("#do-resend", Button).disabled = not d.awaiting_activation
        contracts = self.query_one("#contracts", VirtualList)
        contracts.set_source(ListSource(d.contracts))
        self.refresh_bindings()

    def _fill(self, names: tuple[str, ...]) -> None:
        """The fields ``names`` show the user as stored (after their save)."""
        d = self.detail
        if d is None:
            return
        for name in names:
            widget = self.query_one(f"#{name}")
            value = getattr(d, name)
            if isinstance(widget, Input):
                widget.value = value or ""
            elif isinstance(widget, Select) and value is not None:
                widget.value = value

    # --- tabs -----------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        if tab in TABS and self.query("#user-tabs"):
            self.query_one("#user-tabs", TabbedContent).active = f"tab-{tab}"

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.tab = (event.pane.id or "tab-data").removeprefix("tab-")
        self.refresh_bindings()
        self._focus_tab()

    def _focus_tab(self) -> None:
        if self.tab == "contracts" and self.query("#contracts"):
            self.query_one("#contracts", VirtualList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tabs = ACTION_TABS.get(action)
        if tabs is None:
            return True
        if self.tab not in tabs:
            return False
        d = self.detail
        if d is None:
            return None
        if action == "status" and d.login == self.cofa.principal.login:
            return None  # the User tab says why
        if action == "resend" and not d.awaiting_activation:
            return None
        return True

    # --- refusals and changes -------------------------------------------------------------
    def action_refused(self, text: str) -> None:
        if self.query("#user-message"):
            self.query_one("#user-message", Static).update(Text("⚠ " + text))
        super().action_refused(text)

    def user_changed(self, detail: UserDetail) -> None:
        self.detail = detail
        if self.query("#user-message"):
            self.query_one("#user-message", Static).update("")
        self._show_parts()

    # --- Data and Preferences ---------------------------------------------------------------
    @on(Button.Pressed, "#save-data, #save-preferences")
    def _save_pressed(self, event: Button.Pressed) -> None:
        self.tab = (event.button.id or "").removeprefix("save-")
        self.action_save()

    def action_save(self) -> None:
        d = self.detail
        if d is None or self.tab not in ("data", "preferences"):
            return
        names = DATA_FIELDS if self.tab == "data" else PREFERENCE_FIELDS
        changes = {name: value for name, value in read_fields(self, names).items()
                   if value != getattr(d, name)}
        if not changes:
            self.notify(t("users_ui.nothing_changed"), markup=False)
            return
        self.save(self.tab, names, changes, d.version)

    @work(thread=True, exclusive=True, group="user-detail-save")
    def save(self, tab: str, names: tuple[str, ...], changes: dict[str, str | int | None],
             version: int) -> None:
        try:
            data = UserUpdate.model_validate({**changes, "version": version})
            saved = self.cofa.repo.users.modify(self.login, data)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._save_refused, tab, exc.by_field())
            return
        except CofaError as exc:
            self.app.call_from_thread(self._save_refused, tab, {"": refusal_text(exc)})
            return
        except ValueError as exc:
            self.app.call_from_thread(self._save_refused, tab, {"": clean(exc)})
            return
        self.app.call_from_thread(self._saved, saved, names)

    def _save_refused(self, tab: str, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one(f"#{tab}-error", Static))

    def _saved(self, detail: UserDetail, names: tuple[str, ...]) -> None:
        show_errors(self, {}, self.query_one(f"#{self.tab}-error", Static))
        self.user_changed(detail)
        self._fill(names)
        self.notify(t("users_ui.saved", login=clean(detail.login)), markup=False)

    # --- User ---------------------------------------------------------------------------------
    @on(Button.Pressed, "#do-block, #do-suspend, #do-reactivate")
    def _status_pressed(self, event: Button.Pressed) -> None:
        self.action_status(STATUS_BUTTONS[event.button.id or ""].value)

    @on(Button.Pressed, "#do-resend")
    def _resend_pressed(self) -> None:
        self.action_resend()

    def action_status(self, status: str) -> None:
        if self.detail is not None:
            self.change_status(self.detail, UserStatus(status))

    def action_resend(self) -> None:
        if self.detail is not None:
            self.resend_code(self.detail)

    # --- Contracts ------------------------------------------------------------------------------
    def _ticked(self) -> list[UserAttachment]:
        """The contracts ticked, else the one under the cursor."""
        d = self.detail
        if d is None:
            return []
        lst = self.query_one("#contracts", VirtualList)
        marked = set(lst.marked_keys())
        if marked:
            return [a for a in d.contracts if a.contract_id in marked]
        row = lst.cursor_row
        return [row] if isinstance(row, UserAttachment) else []

    @on(VirtualList.RowActivated, "#contracts")
    def _contract_activated(self) -> None:
        self.action_rights()

    def action_rights(self) -> None:
        d, rows = self.detail, self._ticked()
        if d is None or not rows:
            return
        first = next((a for a in rows if a.attached), rows[0])

        def chosen(choice: RightsChoice | None) -> None:
            if choice is not None:
                self.set_rights([a.contract_id for a in rows], *choice)

        self.app.push_screen(RightsDialog(display_name(d), [a.policy_number for a in rows],
                                          first.rights if first.attached else None,
                                          first.sections), chosen)

    @work(thread=True, exclusive=True, group="user-detail-contracts")
    def set_rights(self, contract_ids: list[int], rights: str,
                   sections: dict[str, str]) -> None:
        assert self.detail is not None
        done = self.detail
        for contract_id in contract_ids:
            try:
                done = self.cofa.repo.users.set_rights(
                    self.login, contract_id, rights, sections or None, version=done.version)
            except CofaError as exc:
                self.app.call_from_thread(self._contracts_changed, done, 0, "")
                self._refused_from_thread(exc)
                return
        self.app.call_from_thread(self._contracts_changed, done, len(contract_ids),
                                  "users_ui.rights_set")

    def action_detach(self) -> None:
        d = self.detail
        rows = [a for a in self._ticked() if a.attached]
        if d is None:
            return
        if not rows:
            self.action_refused(t("users_ui.not_attached_to", login=clean(d.login)))
            return
        question = plural("users_ui.confirm_detach", count=len(rows), name=display_name(d),
                          login=clean(d.login),
                          policies=", ".join(clean(a.policy_number) for a in rows))

        def answered(yes: bool | None) -> None:
            if yes:
                self.detach([a.contract_id for a in rows])

        self.app.push_screen(ConfirmScreen(question, yes=t("users_ui.key.detach"),
                                           danger=True), answered)

    @work(thread=True, exclusive=True, group="user-detail-contracts")
    def detach(self, contract_ids: list[int]) -> None:
        assert self.detail is not None
        done = self.detail
        for contract_id in contract_ids:
            try:
                done = self.cofa.repo.users.detach(self.login, contract_id, done.version)
            except CofaError as exc:
                self.app.call_from_thread(self._contracts_changed, done, 0, "")
                self._refused_from_thread(exc)
                return
        self.app.call_from_thread(self._contracts_changed, done, len(contract_ids),
                                  "users_ui.detached")

    def _contracts_changed(self, detail: UserDetail, count: int, key: str) -> None:
        if detail is not self.detail:
            self.user_changed(detail)
            # The default contract is one of those attached (a detach may have moved it).
            select = self.query_one("#default_contract_id", Select)
            select.set_options(contract_options(self._attached(detail),
                                                detail.default_contract_id))
            if detail.default_contract_id is not None:
                select.value = detail.default_contract_id
        if count:
            self.query_one("#contracts", VirtualList).clear_marks()
            self.notify(plural(key, count=count, login=clean(detail.login)), markup=False)


__all__ = ["UserDetailScreen", "info_text"]

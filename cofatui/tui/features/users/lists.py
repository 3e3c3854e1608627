"""Tools › User management (issue 16 items 2 and 7; seed "Listes des utilisateurs"): the
users attached to the current contract, then the members of its organisation who are
not. Both lists are virtual (pages read as they scroll), sorted by a column (``s`` the
next one, ``o`` reverses, or a click on a column's title) and filtered as you type.

Enter opens a user (tabs Data, User, Preferences, Contracts); ``n`` creates a user,
``i`` imports a file of users (results listed errors first); ``b``, ``u``, ``a`` block,
suspend and reactivate the user under the cursor after a confirmation, ``m`` mails a new
activation code. Who may not manage the contract's users sees why, and these keys are
disabled."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, Static

from cofatui.enums import UserStatus
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.rules.users import SORTS
from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import ImportResultPublic
from cofatui.schemas_users import UserDetail, UserRow
from cofatui.tui.features.users.actions import UserActionsScreen, refusal_text
from cofatui.tui.features.users.detail import UserDetailScreen
from cofatui.tui.features.users.forms import CreateUserDialog
from cofatui.tui.features.users.wording import manage_refusal, user_columns
from cofatui.tui.kit.debounce import Debounce
from cofatui.tui.kit.file_picker import FilePicker, read_picked
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.sortable_list import SortableList
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

#: A users file is at most 500 lines (the repository refuses more): a few hundred kB.
IMPORT_MAX_BYTES = 5_000_000
#: The actions refused, with the reason shown, to who may not manage the users.
MANAGING = frozenset({"create", "import", "status", "resend"})
ARROWS = {False: " ▲", True: " ▼"}


class UsersScreen(UserActionsScreen):
    CSS_PATH = "users.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", "users_ui.key.create", id="users.create"),
        Binding("i", "import", "users_ui.key.import", id="users.import"),
        Binding("b", "status('blocked')", "users_ui.key.block", id="users.block"),
        Binding("u", "status('suspended')", "users_ui.key.suspend", id="users.suspend"),
        Binding("a", "status('active')", "users_ui.key.reactivate", id="users.reactivate"),
        Binding("m", "resend", "users_ui.key.resend", id="users.resend"),
        Binding("s", "next_sort", "users_ui.key.sort", id="users.sort"),
        Binding("o", "reverse", "users_ui.key.order", id="users.order"),
        Binding("r", "reload", "users_ui.key.reload", id="users.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "last_name"
        self.descending = False
        self.query_text = ""
        self.totals: dict[str, int | None] = {"attached": None, "not-attached": None}
        self._filter = Debounce(self, self._load)

    # --- who, where ---------------------------------------------------------------------
    @property
    def contract_id(self) -> int | None:
        return self.cofa.current_contract_id

    @property
    def policy(self) -> str:
        return self.cofa.current_contract_label() or "-"

    @property
    def refusal(self) -> str | None:
        """Why the principal may not manage this contract's users (None: they may)."""
        return manage_refusal(self.cofa.principal, self.contract_id, self.policy)

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(self.refusal or "", id="users-refusal", markup=False,
                     classes="" if self.refusal else "-hidden")
        yield Input(self.query_text, id="filter", placeholder=t("users_ui.filter_placeholder"))
        yield Static(self._sort_text(), id="users-sort", classes="users-note", markup=False)
        yield Static("", id="attached-title", classes="users-title", markup=False)
        yield SortableList(self._columns(True), row_key=lambda r: hash(r.login),
                           sorts=SORTS, id="attached")
        yield Static("", id="not-attached-title", classes="users-title", markup=False)
        yield SortableList(self._columns(False), row_key=lambda r: hash(r.login),
                           sorts=SORTS, id="not-attached")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "users_ui.title"
        self._load()
        self.query_one("#attached", VirtualList).focus()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.on_mount()

    def on_contract_changed(self, _event: object) -> None:
        self._refresh_refusal()
        self._load()

    def _refresh_refusal(self) -> None:
        line = self.query_one("#users-refusal", Static)
        line.update(self.refusal or "")
        line.set_class(self.refusal is None, "-hidden")
        self.refresh_bindings()

    def _columns(self, attached: bool) -> list[Column]:
        columns = user_columns(attached)
        return [Column(c.key, c.label + ARROWS[self.descending], c.width, c.align, c.render,
                       c.min_list_width) if c.key == self.sort else c for c in columns]

    def _sort_text(self) -> str:
        label = next((c.label for c in user_columns(True) if c.key == self.sort), self.sort)
        return t("users_ui.sorted_by", column=label,
                 order=t("users_ui.descending" if self.descending else "users_ui.ascending"))

    def _titles(self) -> None:
        for name, key in (("attached", "users_ui.attached"),
                          ("not-attached", "users_ui.not_attached")):
            total = self.totals[name]
            self.query_one(f"#{name}-title", Static).update(
                plural(key, count="…" if total is None else total, policy=self.policy))

    # --- the lists ----------------------------------------------------------------------
    def _load(self) -> None:
        """Both lists read again from the top, with the sort and filter in force."""
        contract_id = self.contract_id
        self.totals = {"attached": None, "not-attached": None}
        for name, attached in (("attached", True), ("not-attached", False)):
            lst = self.query_one(f"#{name}", SortableList)
            lst.columns = self._columns(attached)
            if contract_id is None or self.refusal is not None:
                lst.set_source(ListSource([]))
                continue
            lst.set_source(self._source(contract_id, attached))
            lst.refresh()
        self.query_one("#users-sort", Static).update(self._sort_text())
        self._titles()

    def _source(self, contract_id: int, attached: bool) -> PagedSource[UserRow]:
        """The list's pages by offset, and by key (issue 21), in the sort and filter in
        force."""
        repo, sort, descending, query = (self.cofa.repo, self.sort, self.descending,
                                         self.query_text)

        def pages(offset: int, limit: int, seek: Seek | None) -> Page[UserRow]:
            return repo.users.contract_users(
                contract_id, attached=attached, offset=offset, limit=limit, sort=sort,
                descending=descending, query=query, seek=seek)

        return PagedSource(lambda offset, limit: pages(offset, limit, None), self._error,
                           fetch_seek=lambda seek, limit: pages(0, limit, seek))

    def _error(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)

    @on(VirtualList.CountChanged)
    def _counted(self, event: VirtualList.CountChanged) -> None:
        name = event.virtual_list.id or ""
        if name in self.totals:
            self.totals[name] = event.total
            self._titles()

    def action_reload(self) -> None:
        """Both lists read again, keeping their place (the app calls it after an
        outage too)."""
        for lst in self.query(SortableList):
            lst.refresh_data()

    # --- sorting and filtering ------------------------------------------------------------
    def action_next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._load()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self._load()

    @on(SortableList.SortClicked)
    def _sort_clicked(self, event: SortableList.SortClicked) -> None:
        if event.key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = event.key, False
        self._load()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self._filter.typed()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one("#attached", VirtualList).focus()

    # --- the user under the cursor ----------------------------------------------------------
    def _current(self) -> UserRow | None:
        focused = self.focused
        lists = [focused] if isinstance(focused, SortableList) else []
        lists += [self.query_one("#attached", SortableList)]
        for lst in lists:
            row = lst.cursor_row
            if isinstance(row, UserRow):
                return row
        return None

    @on(VirtualList.RowActivated)
    def _open(self, event: VirtualList.RowActivated) -> None:
        if isinstance(event.row, UserRow):
            self.open_user(event.row.login)

    def open_user(self, login: str, tab: str = "data") -> None:
        self.app.push_screen(UserDetailScreen(login, tab), self._back)

    def _back(self, _result: object) -> None:
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MANAGING and self.is_mounted and self.refusal is not None:
            return None  # shown disabled; the line above the filter says why
        return True

    def action_status(self, status: str) -> None:
        row = self._current()
        if row is None:
            self.notify(t("users_ui.no_user"), markup=False)
            return
        self._read_then(row.login, status)

    def action_resend(self) -> None:
        row = self._current()
        if row is None:
            self.notify(t("users_ui.no_user"), markup=False)
            return
        self._read_then(row.login, "resend")

    @work(thread=True, exclusive=True, group="users-read")
    def _read_then(self, login: str, then: str) -> None:
        """The user as they are now (their version), then the action on them."""
        try:
            detail = self.cofa.repo.users.get(login)
        except CofaError as exc:
            self._refused_from_thread(exc)
            return
        if then == "resend":
            self.app.call_from_thread(self.resend_code, detail)
        else:
            self.app.call_from_thread(self.change_status, detail, UserStatus(then))

    def user_changed(self, detail: UserDetail) -> None:
        self.action_reload()

    # --- create and import ----------------------------------------------------------------
    def action_create(self) -> None:
        contract_id = self.contract_id
        if contract_id is None or self.refusal is not None:
            return
        contracts = [(a.contract_id, a.policy_number) for a in self.cofa.principal.contracts
                     if manage_refusal(self.cofa.principal, a.contract_id) is None]

        def created(detail: UserDetail | None) -> None:
            if detail is not None:
                self.notify(t("users_ui.created", login=clean(detail.login),
                              email=clean(detail.email)), markup=False, timeout=15)
                self._load()
                self.open_user(detail.login, "user")

        self.app.push_screen(CreateUserDialog(contract_id, self.policy, contracts,
                                              self.cofa.settings.language), created)

    def action_import(self) -> None:
        contract_id = self.contract_id
        if contract_id is None or self.refusal is not None:
            return

        def picked(path: Path | None) -> None:
            if path is not None:
                if str(path.parent) != self.cofa.settings.last_folder:
                    self.cofa._save_one(last_folder=str(path.parent))
                self.import_file(contract_id, path)

        self.app.push_screen(FilePicker(t("users_ui.pick"), self.cofa.settings.last_folder),
                             picked)

    @work(thread=True, exclusive=True, group="users-import")
    def import_file(self, contract_id: int, path: Path) -> None:
        try:
            content = read_picked(path, IMPORT_MAX_BYTES)
            result = self.cofa.repo.users.import_users(contract_id, path.name, content)
        except CofaError as exc:
            self.app.call_from_thread(self.action_refused, refusal_text(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self.action_refused, clean(exc))
            return
        self.app.call_from_thread(self._imported, result)

    def _imported(self, result: ImportResultPublic) -> None:
        file = clean(result.file_name)
        if result.refusal:
            self.notify(t("users_ui.import_refused", file=file, reason=clean(result.refusal)),
                        severity="error", markup=False, timeout=15)
        elif result.error_lines:
            self.notify(plural("users_ui.import_failed", count=result.error_lines, file=file),
                        severity="error", markup=False, timeout=15)
        else:
            self.notify(plural("users_ui.import_done", count=result.total_lines, file=file,
                               ok=result.ok_lines), markup=False, timeout=10)
        self._load()
        open_screen(self.app, "import_lines", result)  # errors first


__all__ = ["SortableList", "UsersScreen"]

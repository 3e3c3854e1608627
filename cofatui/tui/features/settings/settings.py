"""Settings / profile (SPEC §3 item 8): every setting, checked as it is typed, saved to
the TOML file with Ctrl+S and applied live (language, theme, keymap).

The form keeps a *draft*: one value per setting, updated by each widget. Every change
re-checks the draft the way the file would be checked (``Settings.with_changes``, plus
what only the UI knows: the country table, text that is not a number) and shows the
message next to the field at once. Saving is refused while a field is wrong.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from cofatui import reference
from cofatui.config import (
    DATE_ORDERS,
    HOME_SCREENS,
    IMMINENT_END_DAYS_RANGE,
    LANGUAGES,
    Settings,
    SettingsError,
)
from cofatui.errors import CofaError
from cofatui.i18n import get_language, t
from cofatui.schemas import PortfolioCriteria, PortfolioRow
from cofatui.schemas_jobs import MailSubscriptionPublic
from cofatui.schemas_preferences import Preferences
from cofatui.tui import navigation
from cofatui.tui.bindings import is_valid_key_list, normalize_keys, translate
from cofatui.tui.features.settings.account_form import AccountPreferences
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.typed_input import parse_whole_number
from cofatui.tui.safe import clean, plain
from cofatui.tui.themes import theme_label

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp, LanguageChanged



class KeymapEntry:
    """One remappable binding: its id, where it is declared and its default keys."""

    def __init__(self, binding_id: str, default: str, description: str, owner: str) -> None:
        self.binding_id = binding_id
        self.default = default
        self.description = description
        self.owner = owner


def keymap_entries(app: CofaApp) -> list[KeymapEntry]:
    """Every binding with an id the app can reach: the global ones, those of the
    registered screens, of the classes their modules use (followed through imports),
    and of whatever is on the screen stack now. Deterministic: it does not depend on
    what else happens to have been imported."""
    def ours(name: str) -> bool:
        return name.startswith("cofatui.tui")

    classes: list[type] = [type(app)]
    pending: list[ModuleType] = [sys.modules[type(app).__module__]]
    for name in navigation.SCREENS_BY_NAME:
        factory = navigation.resolve_screen(name)
        module = sys.modules.get(getattr(factory, "__module__", "") or "")
        if module is not None:
            pending.append(module)
    for module_name in navigation.registered_modules():
        with contextlib.suppress(ImportError):
            pending.append(importlib.import_module(module_name))
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        if module.__name__ in seen or not ours(module.__name__):
            continue
        seen.add(module.__name__)
        for value in vars(module).values():
            if isinstance(value, ModuleType):
                pending.append(value)
            elif isinstance(value, type) and issubclass(value, DOMNode) \
                    and ours(value.__module__):
                classes.append(value)
                pending.append(sys.modules[value.__module__])
    for screen in app.screen_stack:
        classes.extend(type(node) for node in screen.walk_children(with_self=True)
                       if ours(type(node).__module__))
    entries: dict[str, KeymapEntry] = {}
    for cls in classes:
        for base in cls.__mro__:
            for binding in base.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id and not binding.system \
                        and binding.id not in entries:
                    entries[binding.id] = KeymapEntry(binding.id, binding.key,
                                                      binding.description, cls.__name__)
    return sorted(entries.values(), key=lambda e: e.binding_id)


class YesNo(Checkbox):
    """A yes/no field that reads without colour: ``▐X▌ Yes`` / ``▐ ▌ No``."""

    def __init__(self, value: bool, *, id: str) -> None:
        super().__init__(self._text(value), value, id=id, compact=True)
        self.BUTTON_INNER = "X" if value else " "

    @staticmethod
    def _text(value: bool) -> str:
        return t("common.yes") if value else t("common.no")

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        self.label = self._text(self.value)
        super().watch_value()


class FieldRow(Horizontal):
    """A label, the control and, under it, the field's message (hidden when none)."""

    def __init__(self, name: str, *controls: Widget, hint: str | None = None,
                 label: str | None = None) -> None:
        super().__init__(classes="field-row", id=f"row-{name}")
        self.field_name = name
        self.label_key = label or f"settings.field.{name}"
        self.controls = controls
        self.hint = hint

    def compose(self) -> ComposeResult:
        yield Label(t(self.label_key), classes="field-label",
                    markup=False)
        with Vertical(classes="field-control"):
            yield from self.controls
            if self.hint is not None:
                hint = Static(self.hint, classes="field-hint", markup=False)
                hint.display = bool(self.hint)
                yield hint
            yield Static("", id=f"error-{self.field_name}", classes="field-error",
                         markup=False)


class SettingsScreen(AccountPreferences):
    TITLE = "settings.title"
    CSS_PATH = "settings.tcss"
    AUTO_FOCUS = "#field-home_screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "settings.key.save", id="settings.save"),
        Binding("ctrl+r", "revert", "settings.key.revert", id="settings.revert"),
        Binding("delete", "remove_favourite", "settings.key.remove_favourite",
                id="settings.remove_favourite"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.draft: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        self._editing_key: str | None = None
        self._leave_warned = False
        self._entries: list[KeymapEntry] = []
        self._favourite_rows: list[PortfolioRow] | None = None
        #: Why the favourites could not be read (shown in place of "Loading…").
        self._favourites_error: str | None = None
        self._shown_errors: dict[str, str] = {}
        self._account_digest: bool | None = None  # the account's, once loaded
        self._digest_email: str | None = None
        self.currencies = {}

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    # --- composition ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        s = self.cofa.settings
        self.draft = {
            "home_screen": s.home_screen, "default_contract": s.default_contract,
            "language": s.language, "default_country": s.default_country,
            "date_order": s.date_order, "theme": s.theme,
            "show_non_latin_names": s.show_non_latin_names,
            "show_crs_number": s.show_crs_number, "imminent_end_days": s.imminent_end_days,
            "email_digest": s.email_digest,
            "notification_thresholds": dict(s.notification_thresholds),
            "favourites": tuple(s.favourites), "keymap": dict(s.keymap),
        }
        self._shown_errors = {}
        yield AppHeader()
        with VerticalScroll(id="settings-form"):
            yield from self._general(s)
            yield from self._display(s)
            yield from self._notifications(s)
            yield from self._favourites()
            yield from self._keys()
            with Horizontal(id="settings-actions"):
                yield Button(t("settings.save"), id="save", variant="primary", compact=True)
                yield Button(t("settings.revert"), id="revert", compact=True)
        yield Footer()

    def _section(self, key: str) -> Static:
        return Static(Text(t(key), style="bold"), classes="section")

    def _general(self, s: Settings) -> ComposeResult:
        yield self._section("settings.section.general")
        yield FieldRow("home_screen", Select(
            [(t(f"settings.home.{name}"), name) for name in HOME_SCREENS],
            value=s.home_screen, allow_blank=False, compact=True, id="field-home_screen"))
        contracts = [(plain(c.policy_number), c.policy_number)
                     for c in self.cofa.principal.contracts]
        known = {value for _label, value in contracts}
        current = s.default_contract if s.default_contract in known else Select.NULL
        if s.default_contract and s.default_contract not in known:
            contracts.append((plain(s.default_contract), s.default_contract))
            current = s.default_contract
        yield FieldRow("default_contract", Select(
            contracts, value=current, prompt=t("settings.no_default_contract"),
            compact=True, id="field-default_contract"))
        yield FieldRow("language", Select(
            [(t(f"shell.language.{code}"), code) for code in LANGUAGES],
            value=s.language, allow_blank=False, compact=True, id="field-language"))
        yield FieldRow("default_country", Input(
            s.default_country, max_length=3, compact=True, id="field-default_country"),
            hint=self._country_hint(s.default_country))
        yield FieldRow("date_order", Select(
            [(t(f"settings.date_order.{code}"), code) for code in DATE_ORDERS],
            value=s.date_order, allow_blank=False, compact=True, id="field-date_order"))

    def _display(self, s: Settings) -> ComposeResult:
        yield self._section("settings.section.display")
        names = sorted(self.app.available_themes,
                       key=lambda n: (0 if n.startswith("cofatui-") else 1, n))
        if s.theme not in names:
            names.append(s.theme)
        yield FieldRow("theme", Select([(theme_label(n), n) for n in names], value=s.theme,
                                       allow_blank=False, compact=True, id="field-theme"))
        yield FieldRow("show_non_latin_names",
                       YesNo(s.show_non_latin_names, id="field-show_non_latin_names"))
        yield FieldRow("show_crs_number",
                       YesNo(s.show_crs_number, id="field-show_crs_number"))

    def _notifications(self, s: Settings) -> ComposeResult:
        yield self._section("settings.section.notifications")
        low, high = IMMINENT_END_DAYS_RANGE
        yield FieldRow("imminent_end_days", Input(
            str(s.imminent_end_days), compact=True, max_length=3,
            id="field-imminent_end_days"), hint=t("settings.hint.days", low=low, high=high))
        # The account's choice (the server sends the digest), loaded on mount.
        yield FieldRow("email_digest", YesNo(s.email_digest, id="field-email_digest"),
                       hint=self._digest_hint())
        claims = self.account.claim_notifications if self.account else True
        yield FieldRow("claim_notifications", YesNo(claims, id="field-claim_notifications"),
                       label="preferences_ui.claim_notifications")
        yield Static(t("settings.field.notification_thresholds"), classes="field-label wide",
                     markup=False)
        yield from self.account_fields()
        yield Static("", id="error-notification_thresholds", classes="field-error",
                     markup=False)

    def _favourites(self) -> ComposeResult:
        yield self._section("settings.section.favourites")
        yield OptionList(*self._favourite_options(), id="field-favourites", compact=True)
        yield Static(self._favourites_hint(), id="favourites-hint", classes="field-hint",
                     markup=False)

    def _favourite_options(self) -> list[Option]:
        """The user's favourite companies (kept by the repository), then any listed in
        the settings file."""
        options = []
        for row in self._favourite_rows or []:
            text = plain(row.company_name, style="bold")
            text.truncate(44, overflow="ellipsis", pad=True)
            text.append_text(plain(f"  {row.easy_number:<19}  {row.country}  {row.city}"))
            options.append(Option(text, id=f"db-{row.company_id}"))
        for index, value in enumerate(self.draft["favourites"]):
            text = plain(value)
            text.append(" " + t("settings.favourites.from_file"))
            options.append(Option(text, id=f"file-{index}"))
        return options

    def _favourites_hint(self) -> str:
        if self._favourites_error is not None:
            return "⚠ " + self._favourites_error
        if self._favourite_rows is None:
            return t("common.loading")
        if not self._favourite_rows and not self.draft["favourites"]:
            return t("settings.favourites.empty")
        return t("settings.favourites.hint")

    def _refresh_favourites(self) -> None:
        if not self.is_mounted or not self.query("#field-favourites"):
            return
        options = self.query_one("#field-favourites", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._favourite_options())
        if highlighted is not None and options.option_count:
            options.highlighted = min(highlighted, options.option_count - 1)
        self.query_one("#favourites-hint", Static).update(self._favourites_hint())

    @work(thread=True, exclusive=True, group="settings-favourites")
    def load_favourites(self) -> None:
        app = self.cofa
        rows: dict[int, PortfolioRow] = {}
        try:
            for access in app.principal.contracts:
                page = app.repo.portfolio.rows(access.contract_id,
                                          PortfolioCriteria(favourites_only=True), 0, 100)
                for row in page.items:
                    rows.setdefault(row.company_id, row)
        except CofaError as exc:
            # Not "no favourites": the reason, until a reload answers.
            app.call_from_thread(self._favourites_failed, clean(exc))
            return
        found = sorted(rows.values(), key=lambda r: r.company_name.casefold())
        app.call_from_thread(self._favourites_loaded, found)

    def _favourites_loaded(self, rows: list[PortfolioRow]) -> None:
        self._favourite_rows = rows
        self._favourites_error = None
        self._refresh_favourites()

    def _favourites_failed(self, message: str) -> None:
        self._favourites_error = message
        self._refresh_favourites()
        self.notify(message, severity="error", markup=False)

    def action_reload(self) -> None:
        """What the account keeps, read again (the server back after an outage); the
        fields being edited are the user's and stay as typed."""
        self.load_favourites()
        if self._account_digest is None:  # never read: the field shows the file's copy
            self._load_digest()

    @work(thread=True, group="settings-favourites-remove")
    def _unfavourite(self, row: PortfolioRow) -> None:
        app = self.cofa
        try:
            app.repo.portfolio.set_favourite(row.company_id, False)
        except CofaError as exc:
            app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        app.call_from_thread(self.notify, t("settings.favourites.removed_now",
                                            name=clean(row.company_name)), markup=False)
        app.call_from_thread(self.load_favourites)

    def _keys(self) -> ComposeResult:
        yield self._section("settings.section.keys")
        yield OptionList(*self._keymap_options(), id="field-keymap", compact=True)
        with Horizontal(id="keymap-editor"):
            yield Label(t("settings.keymap.choose"), id="keymap-editing", markup=False)
            yield Input(compact=True, id="keymap-key", disabled=True,
                        placeholder=t("settings.keymap.placeholder"))
        yield Static(t("settings.keymap.hint"), classes="field-hint", markup=False)
        yield Static("", id="error-keymap", classes="field-error", markup=False)

    def _keymap_options(self) -> list[Option]:
        keymap = self.draft["keymap"]
        options = []
        for entry in self._entries:
            keys = keymap.get(entry.binding_id, entry.default)
            changed = entry.binding_id in keymap
            row = Text()
            row.append_text(plain(f"{entry.binding_id:<30.30}"))
            row.append(" ")
            row.append_text(plain(f"{self._key_display(keys):<14.14}",
                                  style="bold" if changed else ""))
            row.append(" ")
            row.append_text(plain(("* " if changed else "  ") + translate(entry.description)))
            options.append(Option(row, id=f"key-{entry.binding_id}"))
        return options

    def _key_display(self, keys: str) -> str:
        return ", ".join(self.app.get_key_display(Binding(key, "noop"))
                         for key in normalize_keys(keys).split(",") if key)

    def _country_hint(self, code: str) -> str:
        country = reference.country(code.strip().upper())
        return country.display_name(get_language()) if country else ""

    def on_mount(self) -> None:
        self.load_favourites()
        self._load_digest()
        self.load_account()
        # Finding every binding imports every registered screen: after the first paint.
        self.call_after_refresh(self._load_keymap)

    def _load_keymap(self) -> None:
        if not self._entries:
            self._entries = keymap_entries(self.cofa)
        self._refresh_keymap()

    def _refresh_keymap(self) -> None:
        options = self.query_one("#field-keymap", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._keymap_options())
        if highlighted is not None and options.option_count:
            options.highlighted = min(highlighted, options.option_count - 1)

    # --- reading the widgets ----------------------------------------------------------
    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("field-")
        if name in self.draft:
            value = event.value
            self.draft[name] = None if value is Select.NULL else value
            self.validate()

    @on(Checkbox.Changed)
    def _yes_no_changed(self, event: Checkbox.Changed) -> None:
        name = (event.checkbox.id or "").removeprefix("field-")
        if name == "claim_notifications":
            self.claim_notifications = event.value
        elif name in self.draft:
            self.draft[name] = event.value
            self.validate()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        ident = event.input.id or ""
        if ident == "field-default_country":
            self.draft["default_country"] = event.value.strip().upper()
            hint = self.query_one("#row-default_country .field-hint", Static)
            name = self._country_hint(event.value)
            hint.update(name)
            hint.display = bool(name)
        elif ident == "field-imminent_end_days":
            self.draft["imminent_end_days"] = event.value.strip()
        elif ident.startswith("threshold-") or ident == "keymap-key":
            pass  # thresholds are read whole in validate(); keys on Enter
        else:
            return
        self.validate()

    # --- checking -------------------------------------------------------------------
    def validate(self) -> Settings | None:
        """Check the draft, show every message next to its field; the new settings if
        they are all valid."""
        errors: dict[str, str] = {}
        changes = dict(self.draft)
        country = str(changes["default_country"])
        if reference.country(country) is None:
            errors["default_country"] = t("settings.error.country")
        days = changes["imminent_end_days"]
        low, high = IMMINENT_END_DAYS_RANGE
        if isinstance(days, str):
            try:
                number = parse_whole_number(days)
            except ValueError:
                number = None
            if number is None:
                errors["imminent_end_days"] = t("settings.error.days", low=low, high=high)
            else:
                changes["imminent_end_days"] = number
        if self.is_mounted:
            _, message = self.account_thresholds()
            if message:
                errors["notification_thresholds"] = message
        valid = {k: v for k, v in changes.items() if k not in errors}
        new: Settings | None = None
        try:
            new = self.cofa.settings.with_changes(**valid)
        except SettingsError as exc:
            for problem in exc.errors:
                name = problem.field.split(".", 1)[0]
                errors.setdefault(name, self._message(name, problem.field))
        self.errors = errors
        self._show_errors()
        return None if errors else new

    def _message(self, name: str, key: str) -> str:
        low, high = IMMINENT_END_DAYS_RANGE
        if name == "notification_thresholds":
            code = key.split(".")[1] if key.count(".") >= 1 else ""
            return t("settings.error.threshold", product=code)
        return t(f"settings.error.{name}", low=low, high=high)

    def _show_errors(self) -> None:
        """Update only the messages that changed (every keystroke comes here)."""
        if not self.is_mounted:
            return
        names = set(self.errors) | set(self._shown_errors)
        for name in names:
            message = self.errors.get(name, "")
            if self._shown_errors.get(name, "") == message:
                continue
            found = self.query(f"#error-{name}")
            if found:
                label = cast(Static, found.first())
                label.update(plain(f"✗ {message}" if message else ""))
                label.set_class(bool(message), "-shown")
            row = self.query(f"#row-{name}")
            if row:
                row.first().set_class(bool(message), "-invalid")
        self._shown_errors = dict(self.errors)

    def is_dirty(self) -> bool:
        new = self.validate()
        return new is None or new != self.cofa.settings \
            or self.account_update(new) is not None

    # --- favourites -----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_favourite":
            focused = self.focused
            return focused is not None and focused.id == "field-favourites"
        return True

    def action_remove_favourite(self) -> None:
        options = self.query_one("#field-favourites", OptionList)
        index = options.highlighted
        if index is None:
            return
        ident = options.get_option_at_index(index).id or ""
        kind, _, value = ident.partition("-")
        if kind == "db":
            row = next((r for r in self._favourite_rows or [] if r.company_id == int(value)),
                       None)
            if row is not None:
                self._unfavourite(row)
        elif kind == "file":
            favourites = list(self.draft["favourites"])
            removed = favourites.pop(int(value))
            self.draft["favourites"] = tuple(favourites)
            self._refresh_favourites()
            self.notify(t("settings.favourites.removed", value=clean(removed)), markup=False)
            self.validate()

    # --- keymap ---------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#field-keymap")
    def _edit_key(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        binding_id = (event.option.id or "").removeprefix("key-")
        entry = next((e for e in self._entries if e.binding_id == binding_id), None)
        if entry is None:
            return
        self._editing_key = binding_id
        self.query_one("#keymap-editing", Label).update(
            plain(t("settings.keymap.editing", id=binding_id)))
        field = self.query_one("#keymap-key", Input)
        field.disabled = False
        field.value = self.draft["keymap"].get(binding_id, entry.default)
        field.focus()

    @on(Input.Submitted, "#keymap-key")
    def _key_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        binding_id = self._editing_key
        if binding_id is None:
            return
        entry = next(e for e in self._entries if e.binding_id == binding_id)
        keys = event.value.strip()
        message = self._check_keys(entry, keys)
        error = self.query_one("#error-keymap", Static)
        error.update(plain(f"✗ {message}" if message else ""))
        error.set_class(bool(message), "-shown")
        if message:
            return
        keymap = dict(self.draft["keymap"])
        if not keys or normalize_keys(keys) == normalize_keys(entry.default):
            keymap.pop(binding_id, None)
        else:
            keymap[binding_id] = keys
        self.draft["keymap"] = keymap
        self._refresh_keymap()
        options = self.query_one("#field-keymap", OptionList)
        event.input.disabled = True
        self._editing_key = None
        self.query_one("#keymap-editing", Label).update(plain(t("settings.keymap.choose")))
        options.focus()
        self.validate()

    def _check_keys(self, entry: KeymapEntry, keys: str) -> str:
        if not keys:
            return ""  # back to the default
        if not is_valid_key_list(keys):
            return t("settings.error.key_name")
        wanted = set(normalize_keys(keys).split(","))
        keymap = self.draft["keymap"]
        for other in self._entries:
            if other.binding_id == entry.binding_id:
                continue
            same_scope = other.owner == entry.owner or other.binding_id.startswith("app.")
            used = set(normalize_keys(keymap.get(other.binding_id, other.default)).split(","))
            if same_scope and wanted & used:
                return t("settings.error.key_clash", id=other.binding_id)
        return ""

    # --- actions --------------------------------------------------------------------
    def action_save(self) -> None:
        new = self.validate()
        if new is None:
            self.notify(t("settings.fix_errors"), severity="error", markup=False)
            first = next(iter(self.errors), None)
            target = self.query(f"#field-{first}") if first else None
            if target:
                target.first().focus()
            return
        account = self._account_digest
        digest_changed = new.email_digest != (
            self.cofa.settings.email_digest if account is None else account)
        update = self.account_update(new)  # against the file's values before this save
        try:
            self.cofa.save_settings(new)
        except SettingsError as exc:
            self.notify(clean(exc), title=t("common.error"), severity="error", markup=False)
            return
        if digest_changed:
            self._sync_digest(new.email_digest)
        if update is not None:
            self.save_account(update)
        self._leave_warned = False
        self.notify(t("settings.saved"), markup=False)

    @work(thread=True, group="settings-digest")
    def _load_digest(self) -> None:
        """The digest is the account's (the server sends it): shown as the account has it."""
        try:
            sub = self.cofa.repo.mail.subscription()
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), title=t("common.error"),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_digest, sub)

    def account_loaded(self, prefs: Preferences) -> None:
        for name in ("show_crs_number", "show_non_latin_names", "claim_notifications"):
            self.query_one(f"#field-{name}", YesNo).value = getattr(prefs, name)
        for name in ("show_crs_number", "show_non_latin_names"):
            self.draft[name] = getattr(prefs, name)

    def _digest_hint(self) -> str:
        if self._digest_email is None:
            return ""  # not loaded yet
        return (t("settings.hint.digest_to", email=self._digest_email)
                if "@" in self._digest_email else t("settings.hint.digest_no_email"))

    def _show_digest(self, sub: MailSubscriptionPublic) -> None:
        self._account_digest, self._digest_email = sub.daily_digest, sub.email
        if self.cofa.settings.email_digest != sub.daily_digest:
            self.cofa._save_one(email_digest=sub.daily_digest)  # the local copy follows
        if not self.is_attached:
            return
        self.query_one("#field-email_digest", YesNo).value = sub.daily_digest
        hint = self.query_one("#row-email_digest .field-hint", Static)
        hint.update(plain(self._digest_hint()))
        hint.display = True

    @work(thread=True, group="settings-digest")
    def _sync_digest(self, enabled: bool) -> None:
        """The digest is sent by the server: the choice is kept with the account."""
        try:
            sub = self.cofa.repo.mail.set_daily_digest(enabled)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), title=t("common.error"),
                                      severity="error", markup=False)
            kept = self._account_digest if self._account_digest is not None else not enabled
            self.app.call_from_thread(self._digest_refused, kept)
            return
        self.app.call_from_thread(self._show_digest, sub)

    def _digest_refused(self, enabled: bool) -> None:
        """The account kept its choice: so do the field and the local copy."""
        self._account_digest = enabled
        self.cofa._save_one(email_digest=enabled)
        if self.is_attached:
            self.query_one("#field-email_digest", YesNo).value = enabled

    async def action_revert(self) -> None:
        self._leave_warned = False
        await self.recompose()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#revert")
    async def _revert_pressed(self) -> None:
        await self.action_revert()

    def can_leave(self) -> bool:
        """Esc with unsaved changes warns once; a second Esc leaves without saving."""
        if self._leave_warned or not self.is_dirty():
            return True
        self._leave_warned = True
        self.notify(t("settings.unsaved"), severity="warning", markup=False)
        return False

    async def on_language_changed(self, _event: LanguageChanged) -> None:
        focused = self.focused.id if self.focused else None
        await self.recompose()
        if focused:
            found = self.query(f"#{focused}")
            if found:
                found.first().focus()

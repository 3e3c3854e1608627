"""The settings screen's part kept by the account (issue 16 item 9): loading it (the
settings file imported once), the claim-file notifications field, the thresholds table,
and saving it with the version read (a stale one: the screen says so and reloads)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from cofatui.config import Settings
from cofatui.errors import CofaError, Conflict
from cofatui.i18n import t
from cofatui.schemas_preferences import Preferences, PreferencesUpdate, ThresholdPublic
from cofatui.tui.features.settings import account
from cofatui.tui.features.settings.thresholds import ThresholdTable
from cofatui.tui.safe import clean

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp


class AccountPreferences(Screen[None]):
    """Mixed into the settings screen (a Screen): ``self.account`` is what the account
    holds (None until loaded); ``claim_notifications`` the field's value."""

    account: Preferences | None = None
    claim_notifications: bool = True
    currencies: dict[int, str]

    @property
    def _cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def account_fields(self) -> ComposeResult:
        """The thresholds' place: a "Loading…" line until the account answers."""
        with Vertical(id="thresholds-slot"):
            if self.account is None:
                yield Static(t("preferences_ui.loading"), id="thresholds-loading",
                             markup=False)
            else:
                yield self._table()

    def _table(self) -> ThresholdTable:
        assert self.account is not None
        return ThresholdTable(list(self._cofa.principal.contracts), self.currencies,
                              self.account.thresholds, self._cofa.current_contract_id)

    @work(thread=True, group="settings-account")
    def load_account(self) -> None:
        prefs = account.sync(self._cofa)
        try:
            currencies = {c.id: c.currency for c in self._cofa.repo.contracts()}
        except CofaError:
            currencies = {}
        if prefs is not None:
            self.app.call_from_thread(self._show_account, prefs,  # type: ignore[arg-type]
                                      currencies)

    async def _show_account(self, prefs: Preferences, currencies: dict[int, str]) -> None:
        self.account, self.currencies = prefs, currencies
        self.claim_notifications = prefs.claim_notifications
        if not self.is_attached:
            return
        self.account_loaded(prefs)
        slot = self.query_one("#thresholds-slot", Vertical)
        await slot.remove_children()
        await slot.mount(self._table())

    def account_loaded(self, prefs: Preferences) -> None:
        """The screen shows the account's values in its fields (overridden)."""

    def account_thresholds(self) -> tuple[list[ThresholdPublic] | None, str | None]:
        """The thresholds typed (None: not loaded yet) or the message of the first
        refused one."""
        found = self.query(ThresholdTable)
        if not found:
            return None, None
        return found.first().collect()

    def account_update(self, new: Settings) -> PreferencesUpdate | None:
        """What to send to the account (None: not loaded, or nothing changed)."""
        thresholds, message = self.account_thresholds()
        if self.account is None or thresholds is None or message:
            return None
        update = PreferencesUpdate(
            version=self.account.version,
            # A language chosen here becomes the account's too (its e-mails and files);
            # only when changed here: the file may hold another one than the account.
            language=new.language if new.language != self._cofa.settings.language else None,
            show_crs_number=new.show_crs_number,
            show_non_latin_names=new.show_non_latin_names,
            claim_notifications=self.claim_notifications, thresholds=thresholds)
        held = PreferencesUpdate(**{**self.account.model_dump(), "thresholds": [
            th.model_dump() for th in self.account.thresholds]})
        return None if _same(update, held) else update

    @work(thread=True, group="settings-account")
    def save_account(self, update: PreferencesUpdate) -> None:
        try:
            prefs = self._cofa.repo.notifications.save_preferences(update)
        except Conflict as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="warning",
                                      markup=False)
            self.load_account()
            return
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), title=t("common.error"),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self._account_saved, prefs)

    def _account_saved(self, prefs: Preferences) -> None:
        self.account = prefs
        self.claim_notifications = prefs.claim_notifications


def _same(a: PreferencesUpdate, b: PreferencesUpdate) -> bool:
    """Whether update ``a`` changes nothing the account ``b`` holds (a language of None
    in ``a``: left as it is)."""
    def key(p: PreferencesUpdate) -> Any:
        return (p.language if a.language is not None else None,
                p.show_crs_number, p.show_non_latin_names, p.claim_notifications,
                sorted((th.contract_id, th.product_code, th.direction, th.amount)
                       for th in p.thresholds))
    return bool(key(a) == key(b))


__all__ = ["AccountPreferences"]

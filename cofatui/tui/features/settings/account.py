"""The preferences the account holds (issue 16 item 9): CRS number, non-Latin names,
claim-file notifications and the notification thresholds, behind
``repo.notifications.preferences``. The settings file's values are imported once, the
first time the account has none; from then on the account decides and the file's copy
of the display choices follows it (screens read ``app.settings``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cofatui.config import Settings
from cofatui.errors import CofaError
from cofatui.rules import thresholds as rules
from cofatui.schemas import Principal
from cofatui.schemas_preferences import Preferences, PreferencesUpdate, ThresholdPublic

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp

#: The display choices the settings file keeps a copy of.
LOCAL = ("show_crs_number", "show_non_latin_names")


def imported_from_file(settings: Settings, principal: Principal) -> PreferencesUpdate:
    """The first preferences of an account, from the settings file: its thresholds (one
    per product type there) apply to each contract of the user."""
    thresholds = [
        ThresholdPublic(contract_id=access.contract_id, product_code=code,
                        direction=direction, amount=amount)
        for access in principal.contracts
        for code, threshold in sorted(settings.notification_thresholds.items())
        if code in rules.CODES
        for direction in rules.DIRECTIONS
        if (amount := getattr(threshold, direction)) is not None
        and not rules.threshold_errors("", code, direction, amount)]
    return PreferencesUpdate(version=0, show_crs_number=settings.show_crs_number,
                             show_non_latin_names=settings.show_non_latin_names,
                             thresholds=thresholds)


def load(repo: Any, settings: Settings, principal: Principal) -> Preferences:
    """The account's preferences, the settings file's imported first if it has none.
    Raises CofaError (the repository's)."""
    prefs: Preferences = repo.notifications.preferences()
    if prefs.version == 0:
        # The file holds no claim-file choice: the account's own (an opt-out the
        # operator or the API set) is kept, not reset to the default.
        first = imported_from_file(settings, principal).model_copy(
            update={"claim_notifications": prefs.claim_notifications})
        try:
            prefs = repo.notifications.save_preferences(first)
        except CofaError:
            prefs = repo.notifications.preferences()  # another machine imported first
    return prefs


def local_changes(settings: Settings, prefs: Preferences) -> dict[str, object]:
    """What the settings file's copy must change to follow the account."""
    changes: dict[str, object] = {name: getattr(prefs, name) for name in LOCAL
                                  if getattr(settings, name) != getattr(prefs, name)}
    if settings.notification_thresholds:
        changes["notification_thresholds"] = {}  # imported: the account holds them
    return changes


def sync(app: CofaApp) -> Preferences | None:
    """From a worker thread: load (importing once) and make the file's copy follow.
    Errors are shown, not raised (None)."""
    from cofatui.tui.safe import clean

    try:
        prefs = load(app.repo, app.settings, app.principal)
    except CofaError as exc:
        app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
        return None
    changes = local_changes(app.settings, prefs)
    if changes:
        app.call_from_thread(app._save_one, **changes)
    return prefs


__all__ = ["LOCAL", "imported_from_file", "load", "local_changes", "sync"]

"""How products, families and statuses read on screen: names from the reference data,
a family marker that reads without colour (a shape and a letter) and with it (a hue),
translated statuses, and countdowns to an expected decision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text

from cofatui import reference
from cofatui.clock import Clock, SystemClock
from cofatui.i18n import catalog, get_language, t

if TYPE_CHECKING:
    from textual.app import App

    from cofatui.tui.app import CofaApp

__all__ = [
    "FAMILIES", "app_clock", "cofa", "countdown_text", "family_of", "family_tag",
    "product_marker", "product_name", "product_tags", "reason_text", "status_label",
]

# Shapes differ per family so the portfolio reads on a monochrome terminal; the hues
# are mid-tones that stay legible on dark and light themes.
FAMILIES: dict[str, tuple[str, str]] = {
    "insurance": ("◆", "bold #2a9d4b"),
    "information": ("●", "bold dodger_blue2"),
    "unpaid_services": ("▲", "bold dark_orange"),
}


def cofa(app: App[Any]) -> CofaApp:
    return cast("CofaApp", app)


def app_clock(app: App[Any]) -> Clock:
    """The app's clock when it has one (tests and demos fix it), else the wall clock."""
    clock = getattr(app, "clock", None)
    return cast(Clock, clock) if clock is not None else SystemClock()


def family_of(code: str) -> str:
    found = reference.product(code)
    return found.family if found else "information"


def product_name(code: str) -> str:
    found = reference.product(code)
    return found.display_name(get_language()) if found else code


def family_tag(family: str) -> Text:
    """``◆ Insurance`` in the family colour (the legend of the marker)."""
    shape, style = FAMILIES.get(family, ("·", ""))
    return Text.assemble((shape, style), " ", t(f"products.family.{family}"))


def product_marker(code: str) -> Text:
    """``◆CRL``: family shape then the code, in the family colour."""
    shape, style = FAMILIES.get(family_of(code), ("·", ""))
    return Text(f"{shape}{code}", style=style, no_wrap=True)


_FAMILY_ORDER = {family: n for n, family in enumerate(FAMILIES)}


def product_tags(codes: list[str]) -> Text:
    """The codes, insurance first (the cover is what the row is mostly about)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    ordered = sorted(codes, key=lambda c: (_FAMILY_ORDER.get(family_of(c), 9), c))
    for i, code in enumerate(ordered):
        if i:
            out.append(" ")
        out.append_text(product_marker(code))
    return out


def status_label(status: object) -> str:
    if status is None or status == "":
        return ""
    value = getattr(status, "value", status)
    return t(f"products.status.{value}")


def reason_text(reason_code: str, reason: str) -> str:
    """Why a product is disabled: the catalog's text, or the rule's English message
    (which carries dates) when the user reads English or the code is unknown."""
    key = f"products.reason.{reason_code}"
    if get_language() == "en" and reason:
        return reason
    return t(key) if key in catalog(get_language()) or key in catalog("en") else reason


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def seconds_left(deadline: datetime | None, now: datetime) -> int | None:
    if deadline is None:
        return None
    return int((_aware(deadline) - _aware(now)).total_seconds())


def countdown_text(deadline: datetime | None, now: datetime) -> str:
    """``1 d 23:59:59`` until the deadline, then the "done" text."""
    left = seconds_left(deadline, now)
    if left is None:
        return ""
    if left <= 0:
        return t("products.countdown_done")
    days, rest = divmod(left, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return t("products.countdown_days", days=days, time=clock) if days else clock


def age_text(since: datetime | None, now: datetime) -> str:
    """How long a request has waited: ``3 d 04 h`` or ``04 h 12 min``."""
    if since is None:
        return ""
    seconds = max(0, int((_aware(now) - _aware(since)).total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    if days:
        return t("queue.age_days", days=days, hours=f"{hours:02d}")
    return t("queue.age_hours", hours=f"{hours:02d}", minutes=f"{rest // 60:02d}")

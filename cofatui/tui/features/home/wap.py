"""The WAP on the home screen: the figure, its trend over time, and the exposure per DRA
band. Everything reads without colour: the band and the trend are words, the history
is a sparkline with its range written out, each bar carries its percentage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import ClassVar, Protocol

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from cofatui.i18n import format_amount, format_date, format_number, t
from cofatui.rules.wap import DRA_BANDS, DRA_MAX, dra_band

__all__ = ["WapDistribution", "WapFigures", "WapIndicator", "WapPointLike", "sparkline"]

SPARKS = "▁▂▃▄▅▆▇█"
BAND_CLASSES = {key: f"wap--band-{i}" for i, key in enumerate(DRA_BANDS)}
TREND_ARROWS = {"up": "▲", "down": "▼", "flat": "▶"}


class WapPointLike(Protocol):
    @property
    def day(self) -> date: ...
    @property
    def wap(self) -> float | None: ...


class WapFigures(Protocol):
    """What the indicator shows: ``schemas.WapSummary``, or the plain one of the start's
    quick read (``repository.sqlite_home.PlainWap``), shown before pydantic is imported
    (issue 21 item 1)."""

    @property
    def wap(self) -> Decimal | None: ...
    @property
    def trend(self) -> str: ...
    @property
    def distribution(self) -> Mapping[str, Decimal]: ...
    @property
    def history(self) -> Sequence[WapPointLike]: ...
    @property
    def companies(self) -> int: ...


def sparkline(points: Sequence[WapPointLike], width: int) -> str:
    """One character per point (the latest ``width`` points), scaled between the lowest
    and highest value shown; a gap is a space."""
    values = [p.wap for p in points][-max(0, width):]
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(SPARKS[len(SPARKS) // 2])
        else:
            out.append(SPARKS[round((v - low) / span * (len(SPARKS) - 1))])
    return "".join(out)


def band_label(key: str) -> str:
    return t(f"home.band.{key.replace('-', '_')}")


class WapIndicator(Widget):
    """The WAP figure, its band in words, its trend and a sparkline of its history."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"wap--value", "wap--spark", *BAND_CLASSES.values()}
    DEFAULT_CSS = """
    WapIndicator { height: auto; min-height: 4; }
    WapIndicator > .wap--value { text-style: bold; }
    WapIndicator > .wap--spark { color: $primary; }
    WapIndicator > .wap--band-0 { color: $error; }
    WapIndicator > .wap--band-1 { color: $error; }
    WapIndicator > .wap--band-2 { color: $warning; }
    WapIndicator > .wap--band-3 { color: $success; }
    WapIndicator > .wap--band-4 { color: $success; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.summary: WapFigures | None = None
        #: Why the WAP could not be read (shown in place of "Loading…").
        self.error: str | None = None

    def show(self, summary: WapFigures | None, error: str | None = None) -> None:
        self.summary = summary
        self.error = error
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        summary = self.summary
        if summary is None:
            return Text("⚠ " + self.error if self.error else t("common.loading"))
        width = max(10, self.size.width)
        lines: list[Text] = []
        value = Text()
        value.append(t("home.wap_label") + "  ")
        if summary.wap is None:
            value.append(t("home.wap_none"), self.get_component_rich_style("wap--value"))
            lines.append(value)
        else:
            band = dra_band(summary.wap)
            value.append(format_number(summary.wap, 1),
                         self.get_component_rich_style("wap--value")
                         + self.get_component_rich_style(BAND_CLASSES[band]))
            value.append(t("home.wap_scale", max=DRA_MAX) + "  ")
            value.append(f"{TREND_ARROWS.get(summary.trend, '')} "
                         f"{t('home.trend.' + summary.trend)}")
            lines.append(value)
            lines.append(Text(band_label(band)))
        lines.append(Text(t("home.wap_companies", count=format_number(summary.companies))))
        history = [p for p in summary.history if p.wap is not None]
        if history:
            values = [Decimal(str(p.wap)) for p in history]
            span = Text(t("home.wap_range", low=format_number(min(values), 1),
                          high=format_number(max(values), 1)))
            spark_width = max(4, min(len(summary.history), width - span.cell_len - 3))
            spark = Text(sparkline(summary.history, spark_width),
                         self.get_component_rich_style("wap--spark"))
            spark.append("  ")
            spark.append_text(span)
            lines.append(spark)
            lines.append(Text(t("home.wap_period", start=format_date(history[0].day),
                                end=format_date(history[-1].day))))
        else:
            lines.append(Text(t("home.wap_no_history")))
        for line in lines:
            line.no_wrap = True
            line.overflow = "ellipsis"
        return Group(*lines)


class WapDistribution(Widget):
    """Exposure per DRA band, worst first: label, bar, percentage and amount."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(BAND_CLASSES.values())
    DEFAULT_CSS = """
    WapDistribution { height: auto; min-height: 5; }
    WapDistribution > .wap--band-0 { color: $error; }
    WapDistribution > .wap--band-1 { color: $error; }
    WapDistribution > .wap--band-2 { color: $warning; }
    WapDistribution > .wap--band-3 { color: $success; }
    WapDistribution > .wap--band-4 { color: $success; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.distribution: Mapping[str, Decimal] = {}
        self.currency = ""
        self.error: str | None = None

    def show(self, distribution: Mapping[str, Decimal], currency: str = "",
             error: str | None = None) -> None:
        self.distribution = dict(distribution)
        self.currency = currency
        self.error = error
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        if not self.distribution:
            return Text("⚠ " + self.error if self.error else t("common.loading"))
        total = sum(self.distribution.values(), Decimal(0))
        labels = {key: f"{key:>4} {band_label(key)}" for key in DRA_BANDS}
        label_width = max(len(v) for v in labels.values())
        amounts = {key: format_amount(self.distribution.get(key, Decimal(0)), self.currency)
                   if self.currency else format_number(self.distribution.get(key, Decimal(0)))
                   for key in DRA_BANDS}
        amount_width = max(len(v) for v in amounts.values())
        width = self.size.width
        # Percentages always; amounts only when the bars keep a useful length.
        show_amounts = width - label_width - amount_width - 8 >= 8
        bar_width = max(4, width - label_width - 7 - ((amount_width + 1) if show_amounts else 0))
        lines = []
        for key in DRA_BANDS:
            amount = self.distribution.get(key, Decimal(0))
            share = float(amount / total) if total else 0.0
            filled = round(share * bar_width)
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(labels[key].ljust(label_width) + " ")
            line.append("█" * filled, self.get_component_rich_style(BAND_CLASSES[key]))
            line.append("·" * (bar_width - filled) + " ")
            line.append(f"{round(share * 100):>3} %")
            if show_amounts:
                line.append(" " + amounts[key].rjust(amount_width))
            lines.append(line)
        return Group(*lines)

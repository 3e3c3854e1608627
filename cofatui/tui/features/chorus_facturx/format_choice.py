"""The export's format, one choice per ``FacturxFormat`` (Factur-X first, chosen), as
the one-invoice and the list exports both ask it."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.widgets import RadioSet

from cofatui.enums import FacturxFormat
from cofatui.i18n import t
from cofatui.tui.kit.choices import Choice


def format_choices() -> RadioSet:
    return RadioSet(*[Choice(t(f"chorus_facturx_ui.format.{fmt.value}"),
                             value=fmt is FacturxFormat.FACTURX, id=f"fmt-{fmt.value}")
                      for fmt in FacturxFormat], id="export-format")


def chosen_format(root: DOMNode) -> FacturxFormat:
    for fmt in FacturxFormat:
        if root.query_one(f"#fmt-{fmt.value}", Choice).value:
            return fmt
    return FacturxFormat.FACTURX


__all__ = ["chosen_format", "format_choices"]

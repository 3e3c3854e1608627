"""The invoice detail's "Chorus Pro" panel and its two keys (issue 19 item 6): where the
invoice stands with the real Chorus Pro (deposit state, flux number, Chorus Pro id, last
status, Chorus Pro's refusal), "Send to Chorus Pro" and "Refresh now". The recipient is
outside cofatui then: the panel says their answers are read on the portal.

Here, in the ``chorus`` feature, because the detail uses it (features never import each
other); its texts are in the ``chorus_facturx_ui`` catalog with the rest of issue 19."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import App

from cofatui.enums import ChorusProDeposit
from cofatui.errors import CofaError
from cofatui.i18n import format_datetime, t
from cofatui.schemas_chorus import ChorusInvoiceDetail, ChorusProLink
from cofatui.tui.kit.products import cofa
from cofatui.tui.safe import clean, plain


def deposit_label(deposit: ChorusProDeposit) -> str:
    return t(f"chorus_facturx_ui.deposit.{deposit.value}") if deposit.value else ""


def chorus_pro_text(link: ChorusProLink | None) -> Text:
    """The panel's lines, label dimmed, values literal; empty without the connector."""
    if link is None:
        return Text()
    out = Text(t("chorus_facturx_ui.panel.title") + "\n", style="bold")
    rows = [("deposit", deposit_label(link.deposit)), ("flux", link.flux_number),
            ("cpp_id", link.invoice_id), ("status", link.status),
            ("error", link.error), ("synced", format_datetime(link.synced_at)
                                    if link.synced_at else "")]
    for key, value in rows:
        if value:
            out.append(t("common.label.colon", label=t(f"chorus_facturx_ui.panel.{key}")),
                       style="dim")
            out.append_text(plain(value, style="bold" if key == "error" else ""))
            out.append("\n")
    out.append(t("chorus_facturx_ui.panel.portal"), style="dim italic")
    return out


def send_or_refresh(app: App[Any], detail: ChorusInvoiceDetail, what: str,
                    done: Callable[[ChorusInvoiceDetail], Any]) -> None:
    """``what`` is "send" or "refresh": queued in a worker; ``done`` gets the invoice as
    it now is; a refusal is told in a notification, in the UI's language."""
    area = cofa(app).repo.chorus_connector

    def run() -> None:
        try:
            made = area.send(detail.id, detail.version) if what == "send" \
                else area.refresh(detail.id)
        except CofaError as exc:
            app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
            return
        key = "sent" if what == "send" else "refreshing"
        app.call_from_thread(app.notify, t(f"chorus_facturx_ui.deposit.{key}"))
        app.call_from_thread(done, made)

    app.run_worker(run, thread=True, group=f"chorus-pro-{what}", exclusive=True,
                   exit_on_error=False)


__all__ = ["chorus_pro_text", "deposit_label", "send_or_refresh"]

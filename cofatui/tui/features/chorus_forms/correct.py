"""Correction of a non-compliant or to-recycle invoice (seed 003 §VIII, §XII, §XVI;
issue 18 item 8): only what the table allows. Non-compliant: its reasons shown, every
field but the number (kept), and the lines. To recycle: the recipient SIRET, the service
code, the engagement and the market number; the rest is shown, disabled. "Correct and
send" deposits it again: the checks run again, and a correction still refused shows
its new reasons here."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from cofatui.enums import ChorusState
from cofatui.i18n import t
from cofatui.schemas_chorus import COMMENT_MAX, ChorusCorrection, ChorusInvoiceDetail
from cofatui.tui.features.chorus_forms.fields import FIELDS
from cofatui.tui.features.chorus_forms.form_base import InvoiceForm
from cofatui.tui.features.chorus_forms.wording import reasons_text, state_text
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import cofa
from cofatui.tui.safe import clean

#: What a correction of an invoice to recycle may change (seed 003 §XII, §XVI).
RECYCLE_FIELDS = frozenset({"recipient_siret", "service_code", "engagement",
                            "market_number"})
CORRECTABLE = frozenset({ChorusState.NON_COMPLIANT, ChorusState.TO_RECYCLE})


class InvoiceCorrectionScreen(InvoiceForm):
    TITLE_KEY = "chorus_forms_ui.correct.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "correct", "chorus_forms_ui.button.correct",
                id="chorus.correct.send"),
    ]

    def __init__(self, invoice_id: int) -> None:
        super().__init__()
        self.the_invoice_id = invoice_id

    def invoice_id(self) -> int | None:
        return self.the_invoice_id

    @property
    def recycling(self) -> bool:
        return self.detail is not None and self.detail.state is ChorusState.TO_RECYCLE

    def buttons(self) -> ComposeResult:
        yield Button(t("chorus_forms_ui.button.correct"), variant="primary", id="correct")
        yield Button(t("chorus_forms_ui.button.close"), id="close")

    def editable_fields(self) -> frozenset[str] | None:
        if self.detail is None or self.detail.state not in CORRECTABLE:
            return frozenset()
        return RECYCLE_FIELDS if self.recycling else frozenset(FIELDS) - {"number"}

    def lines_editable(self) -> bool:
        return self.detail is not None and self.detail.state is ChorusState.NON_COMPLIANT

    def above(self) -> list[Widget]:
        d = self.detail
        assert d is not None
        said = Text(t("chorus_forms_ui.correct.state", number=clean(d.number),
                      state=state_text(d.state)) + "\n")
        if d.state is ChorusState.NON_COMPLIANT and d.reasons:
            said.append_text(reasons_text(d.reasons))
        elif d.state is ChorusState.TO_RECYCLE:
            said.append(t("chorus_forms_ui.correct.recycle_help"))
            comment = next((e.comment for e in reversed(d.history) if e.comment), "")
            if comment:
                said.append("\n" + t("chorus_forms_ui.correct.comment_was",
                                     comment=clean(comment)))
        elif d.state not in CORRECTABLE:
            said.append(t("chorus_forms_ui.correct.not_correctable"))
        return [Static(said, id="correct-state", classes="form-notice")]

    def below(self) -> list[Widget]:
        return [FormField(t("chorus_forms_ui.correct.comment"),
                          Input(id="comment", max_length=COMMENT_MAX, compact=True),
                          "comment", echo=True)]

    def ready(self) -> None:
        self._count()
        if self.detail is not None and self.detail.state not in CORRECTABLE:
            self.query_one("#correct", Button).disabled = True
            return
        self.query_one("#recipient_siret", Input).focus()

    @on(Input.Changed, "#comment")
    def _count(self) -> None:
        if self.query("#comment-field"):
            used = len(self.query_one("#comment", Input).value)
            self.query_one("#comment-field", FormField).set_echo(
                t("chorus_forms_ui.counter", n=used, max=COMMENT_MAX))

    def action_correct(self) -> None:
        d = self.detail
        if d is None or d.state not in CORRECTABLE:
            return
        invoice = self.read_invoice()
        if invoice is None:
            return
        comment = self.query_one("#comment", Input).value.strip()
        if self.recycling:
            data = ChorusCorrection(version=d.version, recipient_siret=invoice.recipient_siret,
                                    service_code=invoice.service_code,
                                    engagement=invoice.engagement,
                                    market_number=invoice.market_number, comment=comment)
        else:
            data = ChorusCorrection(version=d.version, invoice=invoice, comment=comment)
        repo = cofa(self.app).repo.chorus_invoices
        self.send(lambda: repo.correct(d.id, data), self._corrected)

    def _corrected(self, detail: ChorusInvoiceDetail) -> None:
        """Still non-compliant: the new reasons, here; else told and closed."""
        self.busy = False
        if detail.state is ChorusState.NON_COMPLIANT:
            self.app.notify(t("chorus_forms_ui.done.non_compliant", number=clean(detail.number)),
                            severity="warning", markup=False)
            self.call_later(self._loaded, self.mine, detail)
            return
        self.deposited(detail)


__all__ = ["CORRECTABLE", "RECYCLE_FIELDS", "InvoiceCorrectionScreen"]

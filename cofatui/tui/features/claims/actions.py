r"""The claims handler's actions on a registered claim (SPEC §6): **line validation**,
**status** (with its comment) and **indemnity** (each change notifies the contract's users
who did not opt out); and the lines of a claim as the detail and the validation list show
them. The policyholder's additional declaration is in ``additional``, attachments in
``attachments``; all of them are :class:`ClaimDialog` subclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import (
    Input,
    Label,
    RadioSet,
    Select,
    Static,
)

from cofatui.enums import ClaimStatus, Collector
from cofatui.i18n import format_amount, format_number, t
from cofatui.schemas import (
    ClaimDetail,
    ClaimStatusChange,
    IndemnityUpdate,
    LineValidation,
)
from cofatui.tui.features.claims.claim_dialog import ClaimDialog
from cofatui.tui.features.claims.currency_totals import waiting_text
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.lines import (
    Choice,
    format_user_date,
    parse_user_date,
)
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.typed_input import parse_rounded_amount
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import plain

HANDLER_STATUSES = (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED, ClaimStatus.CLOSED,
                    ClaimStatus.CANCELLED, ClaimStatus.PENDING)


# --- claims handler ---------------------------------------------------------------------------


class ValidateLinesDialog(ClaimDialog):
    """The lines not validated yet; Space marks, Ctrl+A marks all, Ctrl+S validates."""

    def compose(self) -> ComposeResult:
        rows = [r for r in line_rows(self.detail) if not r.validated]
        with Vertical(classes="dialog", id="validate-dialog"):
            yield Label(self.title_text("claims.validate.title"), classes="dialog-title")
            intro = plural("claims.validate.intro", count=len(rows))
            yield Static(Text(intro), classes="form-info")
            yield VirtualList(line_columns(cofa(self.app).settings.date_order),
                              ListSource(rows), row_key=lambda r: r.key, id="validate-list")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield self.buttons(t("claims.validate.submit"))

    def on_mount(self) -> None:
        self.query_one("#validate-list", VirtualList).focus()

    def submit(self) -> None:
        keys = self.query_one("#validate-list", VirtualList).marked_keys()
        if not keys:
            self.refused({"": t("claims.validate.none_marked")})
            return
        lines = LineValidation(invoice_ids=[k // 2 for k in keys if k % 2 == 0],
                               payment_ids=[k // 2 for k in keys if k % 2 == 1])
        claim_id, version = self.claim.id, self.claim.version
        self.run_command(lambda repo: repo.claims.validate_lines(claim_id, lines, version))


class StatusDialog(ClaimDialog):
    """Accepted, rejected (say why), closed, cancelled, or back to pending."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="status-dialog"):
            yield Label(self.title_text("claims.status_dialog.title"), classes="dialog-title")
            yield Static(Text(t("claims.status_dialog.current",
                                status=t(f"claims.status.{self.claim.status.value}"))),
                         classes="form-info")
            yield FormField(t("claims.status_dialog.status"), RadioSet(
                *[Choice(t(f"claims.status.{s.value}"), value=s == self.claim.status,
                              id=f"status-{s.value}") for s in HANDLER_STATUSES], id="status"),
                "status")
            yield FormField(t("claims.status_dialog.comment"), Input(id="comment"), "comment",
                            hint=t("claims.status_dialog.comment_hint"))
            yield Static(Text(t("claims.status_dialog.notifies")), classes="form-info")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield self.buttons(t("claims.status_dialog.submit"))

    def on_mount(self) -> None:
        self.query_one("#status", RadioSet).focus()

    def submit(self) -> None:
        pressed = self.query_one("#status", RadioSet).pressed_button
        status = (pressed.id or "").removeprefix("status-") if pressed else ""
        comment = self.query_one("#comment", Input).value.strip()
        if not status:
            self.refused({"status": t("claims.status_dialog.choose")})
            return
        if status == ClaimStatus.REJECTED.value and not comment:
            self.refused({"comment": t("claims.status_dialog.why_rejected")})
            return
        change = ClaimStatusChange(status=ClaimStatus(status), comment=comment)
        claim_id, version = self.claim.id, self.claim.version
        self.run_command(lambda repo: repo.claims.set_status(claim_id, change, version))


class IndemnityDialog(ClaimDialog):
    """Covered amount and calculated indemnity (blank: computed from the contract's
    insured percentage within the credit limit), indemnity date, who collects."""

    def compose(self) -> ComposeResult:
        currency = self.claim.currency
        order = cofa(self.app).settings.date_order
        with Vertical(classes="dialog", id="indemnity-dialog"):
            yield Label(self.title_text("claims.indemnity.title"), classes="dialog-title")
            # The claim amount in the contract's currency at the declaration date's
            # rates; with lines waiting for a rate, nothing can be computed yet.
            assessed = self.detail.assessment
            yield Static(Text(t("claims.indemnity.intro",
                                amount=format_amount(assessed.claim_amount, currency) or "—",
                                pct=format_number(self.detail.insured_percentage),
                                limit=format_amount(self.detail.credit_limit, currency)
                                if self.detail.credit_limit is not None
                                else t("claims.no_limit"))), classes="form-info")
            if assessed.waiting:
                yield Static(Text("⚠ " + t("claim_money.indemnity.waiting",
                                            waiting=waiting_text(assessed.waiting))),
                             classes="form-error")
            yield FormField(t("claims.indemnity.covered", currency=currency),
                            Input(id="covered_amount"), "covered_amount",
                            hint=t("claims.indemnity.blank_computed"))
            yield FormField(t("claims.indemnity.indemnity", currency=currency),
                            Input(id="calculated_indemnity"), "calculated_indemnity",
                            hint=t("claims.indemnity.blank_computed"))
            yield FormField(t("claims.indemnity.date"), Input(
                id="indemnity_date", placeholder=t(f"claim_wizard.pattern.{order}")),
                "indemnity_date", hint=t("claims.indemnity.blank_today"))
            yield FormField(t("claims.indemnity.collector"), Select(
                [(t(f"claims.collector.{c.value}"), c.value) for c in Collector],
                value=self.detail.collector if self.detail.collector in
                {c.value for c in Collector} else Collector.NONE.value,
                allow_blank=False, id="collector"), "collector")
            yield Static(Text(t("claims.status_dialog.notifies")), classes="form-info")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield self.buttons(t("claims.indemnity.submit"))

    def on_mount(self) -> None:
        self.query_one("#covered_amount", Input).focus()

    def submit(self) -> None:
        errors: dict[str, str] = {}
        currency = self.claim.currency
        values: dict[str, Any] = {}
        for name in ("covered_amount", "calculated_indemnity"):
            try:
                typed = self.query_one(f"#{name}", Input).value
                values[name] = parse_rounded_amount(typed, currency)
            except ValueError as exc:
                errors[name] = str(exc)
        try:
            values["indemnity_date"] = parse_user_date(
                self.query_one("#indemnity_date", Input).value,
                cofa(self.app).settings.date_order)
        except ValueError as exc:
            errors["indemnity_date"] = str(exc)
        collector = self.query_one("#collector", Select).value
        if errors:
            self.refused(errors)
            return
        update = IndemnityUpdate(collector=str(collector), **values)
        claim_id, version = self.claim.id, self.claim.version
        self.run_command(lambda repo: repo.claims.set_indemnity(claim_id, update, version))


# --- lines of a claim, as the detail and the validation list show them ------------------------


@dataclass(frozen=True)
class LineRow:
    """An invoice or a payment of a claim, in one list. ``key`` is unique across both."""

    key: int
    kind: str
    type: str
    number: str
    when: date
    due: date | None
    currency: str
    amount: Decimal
    tax: Decimal | None
    validated: bool
    declaration: str


def line_rows(detail: ClaimDetail) -> list[LineRow]:
    names = {}
    additional = 0
    for d in detail.declarations:
        if d.kind == "initial":
            names[d.id] = t("claims.declaration.initial")
        else:
            additional += 1
            names[d.id] = t("claims.declaration.additional", n=additional)
    rows = [LineRow(key=i.id * 2, kind="invoice", type=i.type, number=i.number,
                    when=i.invoice_date, due=i.due_date, currency=i.currency,
                    amount=i.amount_excl_tax + i.tax, tax=i.tax, validated=i.validated,
                    declaration=names.get(i.declaration_id, "")) for i in detail.invoices]
    rows += [LineRow(key=p.id * 2 + 1, kind="payment", type=p.type,
                     number=p.invoice_references.replace(",", ", "), when=p.payment_date,
                     due=None, currency=p.currency, amount=p.amount, tax=None,
                     validated=p.validated, declaration=names.get(p.declaration_id, ""))
             for p in detail.payments]
    return rows


def line_columns(order: str) -> list[Column]:
    return [
        Column("validated", "✓", 1, render=lambda r: "✓" if r.validated else "·"),
        Column("kind", t("claims.col.kind"), 12, render=lambda r: t(f"claims.kind.{r.kind}")),
        Column("type", t("claim_wizard.col.type"), 4),
        Column("number", t("claims.col.number"), 0, render=lambda r: plain(r.number)),
        Column("date", t("claims.col.date"), 11, render=lambda r: format_user_date(r.when, order)),
        Column("due", t("claim_wizard.col.due_date"), 11,
               render=lambda r: format_user_date(r.due, order)),
        Column("amount", t("claims.col.amount_incl_tax"), 14, align="right",
               render=lambda r: format_amount(r.amount, r.currency)),
        Column("declaration", t("claims.col.declaration"), 14,
               render=lambda r: plain(r.declaration)),
    ]


__all__ = ["HANDLER_STATUSES", "IndemnityDialog", "LineRow", "StatusDialog",
           "ValidateLinesDialog", "line_columns", "line_rows"]

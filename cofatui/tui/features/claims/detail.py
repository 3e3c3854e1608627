"""The detail of a claim (SPEC §3 item 7, §6; seed 000 "Portefeuille des créances"): three
tabs — Indemnification (claim amount, covered amount, calculated indemnity, its date and
the contract conditions used), Claim account (the validated invoices and payments) and
Declaration (what was declared, read-only, initial and additional) — then the history
of every claim on the debtor and the attachments, newest first.

The policyholder adds an additional declaration (D) or an attachment (A), and records
the claim's accounting facts (B: indemnity received, VAT recoverable, irrecoverable); a claims
handler (underwriter role) validates lines (V), sets the status (S) and the indemnity
(I). Enter on a past claim opens it; Enter on an attachment shows its metadata.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static, TabbedContent, TabPane

from cofatui.enums import FINAL_CLAIM_STATUSES, ClaimStatus, Role
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_date, format_datetime, format_number, t
from cofatui.schemas import ClaimDetail, ClaimPublic, DocumentPublic, ExchangeRatePublic
from cofatui.schemas_accounting import ClaimAccountingPublic
from cofatui.tui.features.claims.accounting import ClaimAccountingDialog
from cofatui.tui.features.claims.actions import (
    IndemnityDialog,
    StatusDialog,
    ValidateLinesDialog,
    line_columns,
    line_rows,
)
from cofatui.tui.features.claims.additional import AdditionalDeclarationScreen
from cofatui.tui.features.claims.attachments import AttachmentDialog, DocumentInfoDialog, size_text
from cofatui.tui.features.claims.claims_portfolio import status_text
from cofatui.tui.features.claims.currency_totals import (
    amounts_text,
    per_currency,
    rate_text,
    waiting_text,
)
from cofatui.tui.features.claims.rates import ExchangeRateDialog
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.lines import CSS
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.tabs import numbered_title
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain

POLICYHOLDER_ACTIONS = frozenset({"declare", "attach", "accounting"})
HANDLER_ACTIONS = frozenset({"validate", "status", "indemnity", "rate"})
TABS = ("tab-indemnification", "tab-account", "tab-declaration")
#: The labels of the indemnification tab, one column for all: as wide as the longest in
#: the UI language and a space, so a long French label ("Délai maximum de déclaration")
#: never runs into its value.
INDEMNITY_LABELS = (
    *(f"claim_money.assessment.{k}" for k in ("claim_amount", "covered", "indemnity")),
    *(f"claims.ind.{k}" for k in ("claim_amount", "covered", "indemnity", "date", "collector",
                                  "policy", "percentage", "credit_limit", "max_days")))
LABEL_MIN_WIDTH = 28


def indemnity_label_width() -> int:
    return max(LABEL_MIN_WIDTH, *(len(t(key)) + 1 for key in INDEMNITY_LABELS))


def history_columns() -> list[Column]:
    return [
        Column("reference", t("claims.col.reference"), 0,
               render=lambda c: plain(c.reference or c.own_reference or f"#{c.id}")),
        Column("status", t("claims.col.status"), 10, render=lambda c: status_text(c.status)),
        Column("submitted", t("claims.col.date"), 11, render=lambda c: format_date(c.submitted_at)),
        # Per currency; the half-width list cuts a claim in several with "…" (the
        # claim's own header shows them whole).
        Column("amount", t("claims.col.claim_amount"), 13, align="right",
               render=lambda c: amounts_text(c.balances)),
    ]


def document_columns() -> list[Column]:
    return [
        Column("created", t("claims.col.date"), 11, render=lambda d: format_date(d.created_at)),
        Column("name", t("claims.doc.filename"), 0, render=lambda d: plain(d.filename)),
        Column("category", t("claims.doc.category"), 11,
               render=lambda d: t(f"claims.category_short.{d.category}")),
        Column("size", t("claims.doc.size"), 8, align="right", render=lambda d: size_text(d.size)),
    ]


class ClaimDetailScreen(Screen[None]):
    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "claims.key.back", id="claim_detail.back"),
        Binding("d", "declare", "claims.key.declare", id="claim_detail.declare",
                tooltip="claims.key.declare_tip"),
        Binding("a", "attach", "claims.key.attach", id="claim_detail.attach",
                tooltip="claims.key.attach_tip"),
        Binding("b", "accounting", "claim_accounting_ui.key.accounting",
                id="claim_detail.accounting", tooltip="claim_accounting_ui.key.accounting_tip"),
        Binding("v", "validate", "claims.key.validate", id="claim_detail.validate"),
        Binding("s", "status", "claims.key.status", id="claim_detail.status"),
        Binding("i", "indemnity", "claims.key.indemnity", id="claim_detail.indemnity"),
        Binding("x", "rate", "claim_money.key.rate", id="claim_detail.rate",
                tooltip="claim_money.key.rate_tip"),
        Binding("1", "tab(0)", "claims.key.tab_indemnification", id="claim_detail.tab1",
                show=False),
        Binding("2", "tab(1)", "claims.key.tab_account", id="claim_detail.tab2", show=False),
        Binding("3", "tab(2)", "claims.key.tab_declaration", id="claim_detail.tab3",
                show=False),
        Binding("ctrl+r", "reload", "claims.key.reload", id="claim_detail.reload"),
    ]

    def __init__(self, claim_id: int) -> None:
        super().__init__()
        self.claim_id = claim_id
        self.detail: ClaimDetail | None = None

    def compose(self) -> ComposeResult:
        order = cofa(self.app).settings.date_order
        yield AppHeader()
        yield Static(Text(t("common.loading")), id="cd-header", markup=False)
        with TabbedContent(id="cd-tabs"):
            with TabPane(numbered_title(1, t("claims.tab.indemnification")), id=TABS[0]):
                yield VerticalScroll(Static("", id="cd-indemnity", markup=False))
            with TabPane(numbered_title(2, t("claims.tab.account")), id=TABS[1]):
                yield Static("", id="cd-account-summary", markup=False)
                yield VirtualList(line_columns(order), row_key=lambda r: r.key, id="cd-account")
            with TabPane(numbered_title(3, t("claims.tab.declaration")), id=TABS[2]):
                yield VerticalScroll(Static("", id="cd-declaration", markup=False),
                                     id="cd-declaration-scroll")
                yield VirtualList(line_columns(order), row_key=lambda r: r.key,
                                  id="cd-declared")
        with Horizontal(id="cd-bottom"):
            with Vertical():
                yield Label(Text(t("claims.history_title")), classes="section-title")
                yield VirtualList(history_columns(), id="cd-history")
            with Vertical():
                yield Label(Text(t("claims.documents_title")), classes="section-title")
                yield VirtualList(document_columns(), id="cd-documents")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "claims.detail_title"
        self.load()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()
        if self.detail is not None:
            self.show(self.detail)

    @property
    def is_handler(self) -> bool:
        return cofa(self.app).principal.role == Role.UNDERWRITER

    # --- loading ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="claim-detail")
    def load(self) -> None:
        try:
            detail = cofa(self.app).repo.claims.detail(self.claim_id)
        except CofaError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self.show, detail)

    def _failed(self, message: str) -> None:
        self.query_one("#cd-header", Static).update(Text("⚠ " + clean(message)))
        self.notify(clean(message), severity="error", markup=False)

    def show(self, detail: ClaimDetail) -> None:
        self.detail = detail
        rows = line_rows(detail)
        self.query_one("#cd-header", Static).update(self._header(detail))
        self.query_one("#cd-indemnity", Static).update(self._indemnity(detail))
        validated = [r for r in rows if r.validated]
        self.query_one("#cd-account-summary", Static).update(self._account(detail, validated))
        self.query_one("#cd-account", VirtualList).set_source(ListSource(validated))
        self.query_one("#cd-declaration", Static).update(self._declaration(detail))
        self.query_one("#cd-declared", VirtualList).set_source(ListSource(rows))
        self.query_one("#cd-history", VirtualList).set_source(ListSource(detail.debtor_history))
        self.query_one("#cd-documents", VirtualList).set_source(ListSource(detail.documents))
        self.refresh_bindings()

    def _header(self, d: ClaimDetail) -> Text:
        c = d.claim
        out = Text()
        out.append("▲ ", style="bold dark_orange")
        out.append_text(plain(c.reference or f"#{c.id}", style="bold"))
        out.append("  ")
        out.append_text(plain(c.company_name, style="bold"))
        out.append(f"  · {status_text(c.status)}")
        out.append(f"  · {t('claims.insured') if c.insured else t('claims.uninsured')}")
        if c.intervention_requested:
            out.append(f"  · ⚑ {t('claims.intervention')}")
        out.append("\n")
        out.append(plural("claims.header_amounts", amount=self._amounts(d),
                          count=c.invoice_count, date=format_date(c.submitted_at),
                          policy=clean(d.contract_policy_number)))
        if c.own_reference:
            out.append(f"  · {t('claims.own_reference')} ")
            out.append_text(plain(c.own_reference))
        return out

    @staticmethod
    def _amounts(d: ClaimDetail) -> str:
        """Per currency; with lines in another currency than the contract's, and a rate
        for each, what they come to in the contract's currency."""
        text = amounts_text(d.claim.balances)
        a = d.assessment
        if any(b.currency != a.currency for b in d.claim.balances) \
                and a.claim_amount is not None:
            text += f" = {format_amount(a.claim_amount, a.currency)}"
        return text

    def _assessment(self, d: ClaimDetail, out: Text) -> None:
        """Totals per currency, then the claim in the contract's currency at the rates of
        the declaration date, or the lines that wait for a rate."""
        a = d.assessment
        width = indemnity_label_width()
        out.append(t("claim_money.assessment.totals_title") + "\n", style="bold underline")
        for total in a.totals:
            out.append(t("claim_money.assessment.totals_row", currency=total.currency,
                         invoiced=format_amount(total.invoiced, total.currency),
                         paid=format_amount(total.paid, total.currency),
                         balance=format_amount(total.balance, total.currency)) + "\n")
        out.append("\n")
        out.append(t("claim_money.assessment.title", currency=a.currency,
                     date=format_date(a.rate_date)) + "\n", style="bold underline")
        if a.waiting:
            out.append("⚠ " + waiting_text(a.waiting) + "\n", style="bold")
            out.append(t("claim_money.waiting.handler_hint" if self.is_handler
                         else "claim_money.waiting.policyholder_hint") + "\n", style="italic")
        else:
            for key, value in (("claim_amount", a.claim_amount), ("covered", a.covered_amount),
                               ("indemnity", a.calculated_indemnity)):
                out.append(t(f"claim_money.assessment.{key}").ljust(width), style="bold")
                out.append(format_amount(value, a.currency) + "\n")
        if a.rates_used:
            out.append(t("claim_money.assessment.rates_title") + ": ", style="bold")
            out.append_text(plain("; ".join(t(
                "claim_money.assessment.rate", base=r.base, quote=r.quote,
                rate=rate_text(r.rate),
                date=format_date(r.rate_date), source=r.source) for r in a.rates_used)))
            out.append("\n")
        out.append("\n")

    def _indemnity(self, d: ClaimDetail) -> Text:
        c = d.claim
        out = Text()
        width = indemnity_label_width()

        def row(label: str, value: str, style: str = "") -> None:
            out.append(label.ljust(width), style="bold")
            out.append_text(plain(value or "—", style=style))
            out.append("\n")

        self._assessment(d, out)
        out.append(t("claim_money.assessment.stored_title") + "\n", style="bold underline")
        row(t("claims.ind.claim_amount"), format_amount(c.claim_amount, c.currency))
        row(t("claims.ind.covered"), format_amount(c.covered_amount, c.currency))
        row(t("claims.ind.indemnity"), format_amount(c.calculated_indemnity, c.currency), "bold")
        row(t("claims.ind.date"), format_date(c.indemnity_date))
        row(t("claims.ind.collector"), t(f"claims.collector.{d.collector}"))
        out.append("\n")
        out.append(t("claims.ind.conditions_title") + "\n", style="bold underline")
        row(t("claims.ind.policy"), d.contract_policy_number)
        row(t("claims.ind.percentage"), f"{format_number(d.insured_percentage)} %")
        row(t("claims.ind.credit_limit"), format_amount(d.credit_limit, c.currency)
            if d.credit_limit is not None else t("claims.no_limit"))
        row(t("claims.ind.max_days"), t("claims.days", n=d.max_declaration_days))
        out.append("\n")
        if d.conditions_used:
            out.append_text(Text(clean(d.conditions_used)))
        else:
            out.append(t("claims.ind.not_assessed"), style="italic")
        return out

    def _account(self, d: ClaimDetail, validated: list[Any]) -> Text:
        """The validated lines' totals, currency by currency (never one mixed sum)."""
        if not validated:
            return Text(t("claims.account.none"), style="italic")
        invoices = per_currency((r.currency, r.amount) for r in validated if r.kind == "invoice")
        payments = per_currency((r.currency, r.amount) for r in validated if r.kind == "payment")
        balance = per_currency([*((r.currency, r.amount) for r in validated
                                  if r.kind == "invoice"),
                                *((r.currency, -r.amount) for r in validated
                                  if r.kind == "payment")])
        return Text(plural("claims.account.summary", count=len(validated),
                           invoices=amounts_text(invoices), payments=amounts_text(payments),
                           balance=amounts_text(balance)))

    def _declaration(self, d: ClaimDetail) -> Text:
        c = d.claim
        out = Text()

        def row(label: str, value: str) -> None:
            out.append(f"{label}: ", style="bold")
            out.append_text(plain(value or "—"))
            out.append("\n")

        row(t("claim_wizard.review.reason"), t(f"claim_wizard.reason.{c.reason}"))
        row(t("claim_wizard.review.billing"), ", ".join(
            p for p in (d.billing_address, d.billing_postal_code, d.billing_city,
                        d.billing_country) if p) or t("claim_wizard.address.same"))
        row(t("claim_wizard.review.partner"), d.invoicing_partner or t("claim_wizard.partner.self"))
        additional = 0
        for decl in d.declarations:
            out.append("\n")
            if decl.kind == "initial":
                name = t("claims.declaration.initial")
            else:
                additional += 1
                name = t("claims.declaration.additional", n=additional)
            out.append(f"{name} — {format_datetime(decl.submitted_at)} ", style="bold underline")
            out.append_text(plain(decl.submitted_by))
            out.append("\n")
            contact = " · ".join(p for p in (decl.contact_name, decl.contact_email,
                                             decl.contact_phone) if p)
            if contact:
                row(t("claim_wizard.review.contact"), contact)
            alt = " · ".join(p for p in (decl.alt_contact_name, decl.alt_contact_email,
                                         decl.alt_contact_phone) if p)
            if alt:
                row(t("claims.alt_contact"), alt)
            if decl.intervention_requested:
                row(t("claim_wizard.review.intervention"), t("claim_wizard.intervention.yes"))
            if decl.comments:
                out.append(f"{t('claim_wizard.review.comments')}:\n", style="bold")
                out.append_text(Text("\n".join(clean(line) for line in decl.comments.split("\n"))))
                out.append("\n")
        return out

    # --- actions ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in POLICYHOLDER_ACTIONS:
            if self.is_handler:
                return False
            if self.detail is None:
                return None
            if action == "declare" and self.detail.claim.status in (
                    *FINAL_CLAIM_STATUSES, ClaimStatus.DRAFT):
                return None
            return True
        if action in HANDLER_ACTIONS:
            if not self.is_handler:
                return False
            if self.detail is None:
                return None
            if action == "rate":  # only a claim with lines in another currency needs one
                contract = self.detail.assessment.currency
                return True if any(b.currency != contract for b in self.detail.claim.balances) \
                    else None
            return True
        return True

    def _open(self, dialog: Screen[Any]) -> None:
        def done(result: Any) -> None:
            if result is None:
                return
            if isinstance(result, ExchangeRatePublic):
                self.notify(t("claim_money.rate.done", base=result.base, quote=result.quote,
                              rate=rate_text(result.rate)),
                            markup=False)
            elif isinstance(result, ClaimPublic):
                self.notify(t("claims.updated", reference=result.reference or ""),
                            markup=False)
            elif isinstance(result, ClaimAccountingPublic):
                self.notify(t("claim_accounting_ui.done"), markup=False)
            elif isinstance(result, DocumentPublic):
                self.notify(t("claims.attach.done", name=clean(result.filename)), markup=False)
            self.load()

        self.app.push_screen(dialog, done)

    def action_declare(self) -> None:
        if self.detail is not None:
            self._open(AdditionalDeclarationScreen(self.detail))

    def action_attach(self) -> None:
        if self.detail is not None:
            self._open(AttachmentDialog(self.detail))

    def action_accounting(self) -> None:
        if self.detail is not None:
            claim = self.detail.claim
            self._open(ClaimAccountingDialog(claim.id, claim.reference or f"#{claim.id}"))

    def action_validate(self) -> None:
        if self.detail is not None:
            self._open(ValidateLinesDialog(self.detail))

    def action_status(self) -> None:
        if self.detail is not None:
            self._open(StatusDialog(self.detail))

    def action_indemnity(self) -> None:
        if self.detail is not None:
            self._open(IndemnityDialog(self.detail))

    def action_rate(self) -> None:
        if self.detail is not None:
            self._open(ExchangeRateDialog(self.detail))

    def action_tab(self, index: int) -> None:
        self.query_one("#cd-tabs", TabbedContent).active = TABS[index]

    def action_reload(self) -> None:
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        source = self.focused
        if source is None:
            return
        if source.id == "cd-history":
            claim = cast(ClaimPublic, event.row)
            if claim.id != self.claim_id:
                self.app.push_screen(ClaimDetailScreen(claim.id))
        elif source.id == "cd-documents":
            self.app.push_screen(DocumentInfoDialog(cast(DocumentPublic, event.row)))


__all__ = ["ClaimDetailScreen"]

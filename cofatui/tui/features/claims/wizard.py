"""The claim declaration wizard (SPEC §6; seed 000 "Nouvelle déclaration", seed 001
"Transmettre une déclaration de sinistre"): one step at a time, back and forth without
losing anything, the declaration deadline always in view, a draft saved as the user types
(``repo.drafts.save("claim", "<contract>:<company>", …)``, debounced, in a worker) and
restored when the wizard is opened again on the same debtor, deleted once the claim is
registered. The steps themselves are in :mod:`claim_wizard_steps`.

Keys: F8 or Ctrl+N next step, F7 previous step, Ctrl+S submit (review and confirmation
steps), Esc leave (asks first: keep the draft, discard it, or stay).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    RadioSet,
    Static,
    TextArea,
)

from cofatui.enums import ClaimStatus
from cofatui.errors import CofaError, NotFound, Unavailable, ValidationFailed
from cofatui.i18n import t
from cofatui.rules.claims import payment_key
from cofatui.schemas import (
    ClaimCreate,
    ClaimPublic,
    CompanyPublic,
    ContractPublic,
    InvoiceLine,
    PaymentLine,
)
from cofatui.tui.features.claims.line_dialogs import (
    InvoiceLineDialog,
    PaymentLineDialog,
    invoice_columns,
    payment_columns,
)
from cofatui.tui.features.claims.wizard_steps import (
    CHOICES,
    StepErrors,
    WizardContext,
    WizardState,
    active_steps,
    build_claim,
    build_steps,
    check_step,
    comments_counter,
    consequence,
    deadline_text,
    due_date_shifts,
    invoices_summary,
    payment_inputs,
    payments_summary,
    review_text,
    split_errors,
)
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.drafts import LeaveDialog
from cofatui.tui.kit.form import show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.line_import import save_template, start_import
from cofatui.tui.kit.lines import CSS, RowsPanel
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

DRAFT_KIND = "claim"
FOCUSABLE = "Input, RadioSet, TextArea, Checkbox, VirtualList"


def draft_key(contract_id: int, company_id: int) -> str:
    return f"{contract_id}:{company_id}"


class ClaimWizardScreen(Screen[ClaimPublic | None]):
    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "claim_wizard.key.leave", id="claim_wizard.leave"),
        Binding("f7", "previous", "claim_wizard.key.previous", id="claim_wizard.previous"),
        Binding("f8,ctrl+n", "next", "claim_wizard.key.next", id="claim_wizard.next",
                tooltip="claim_wizard.key.next_tip"),
        Binding("ctrl+s", "submit", "claim_wizard.key.submit", id="claim_wizard.submit",
                tooltip="claim_wizard.key.submit_tip"),
    ]

    def __init__(self, contract_id: int, company_id: int) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.company_id = company_id
        self.draft_key = draft_key(contract_id, company_id)
        self.state: WizardState | None = None
        self.ctx: WizardContext | None = None
        self.submitted: ClaimPublic | None = None
        self.sending = False
        self._draft_timer: Timer | None = None
        self._draft_seq = 0
        self._draft_lock = threading.Lock()
        self._draft_closed = False
        #: The last draft write failed (the server away): written again on reload.
        self._draft_unsaved = False
        #: A submission was sent and its answer lost: it may have been registered, so
        #: the next submission looks for the claim before sending anything.
        self.maybe_registered = False
        self.restored = False

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(t("common.loading")), id="wizard-steps", markup=False)
        yield Label("", id="wizard-title")
        yield Vertical(id="wizard-body")
        yield Static("", id="wizard-error", classes="form-error", markup=False)
        yield Static("", id="wizard-deadline", markup=False)
        with Horizontal(id="wizard-buttons"):
            yield Static("", id="wizard-draft", markup=False)
            yield Button(t("claim_wizard.button.previous"), id="previous")
            yield Button(t("claim_wizard.button.next"), variant="primary", id="next")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "claim_wizard.title"
        for button in self.query(Button):
            button.disabled = True
        self.load()

    # --- loading ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="claim-wizard-load")
    def load(self) -> None:
        repo = cofa(self.app).repo
        try:
            contract = next((c for c in repo.contracts() if c.id == self.contract_id), None)
            if contract is None:
                raise NotFound(t("claim_wizard.error.no_contract"))
            company = repo.companies.get(self.company_id)
            # An active extension of due date moves the declaration deadline.
            shifts = due_date_shifts(repo.extensions.rows(self.contract_id, self.company_id))
            draft = repo.drafts.load(DRAFT_KIND, self.draft_key)
        except CofaError as exc:
            self.app.call_from_thread(self._load_failed, str(exc))
            return
        # _loaded is a coroutine (it awaits the mount): call_from_thread awaits it.
        self.app.call_from_thread(cast(Any, self._loaded), contract, company, draft, shifts)

    def _load_failed(self, message: str) -> None:
        self.query_one("#wizard-steps", Static).update(Text("⚠ " + clean(message)))
        self.notify(clean(message), severity="error", markup=False)

    async def _loaded(self, contract: ContractPublic, company: CompanyPublic,
                      draft: dict[str, Any] | None, shifts: dict[str, int]) -> None:
        app = cofa(self.app)
        self.ctx = WizardContext(contract, company, app_clock(app).today(),
                                 app.settings.date_order, shifts)
        if draft:
            self.state = WizardState.from_payload(draft)
            self.restored = True
        else:
            self.state = WizardState(contact_name=app.principal.display_name)
        await self._build()
        for button in self.query(Button):
            button.disabled = False
        if self.restored:
            self.query_one("#wizard-draft", Static).update(Text(t("claim_wizard.draft.restored")))
            self.notify(t("claim_wizard.draft.restored_note"), markup=False)
        self.goto(self.state.step if self.state.step in active_steps(self.state)
                  else "reference")

    async def _build(self) -> None:
        """The steps' widgets from what the state holds (first load, language change)."""
        assert self.ctx is not None and self.state is not None
        panels: dict[str, Widget] = {
            "invoices": RowsPanel(invoice_columns(self.ctx.date_order), self.state.invoices,
                                  self._invoice_editor, importer=self._import_invoices,
                                  template=lambda: save_template(self.app, "invoice"),
                                  summary=invoices_summary, id="invoices"),
            "payments": RowsPanel(payment_columns(self.ctx.date_order), self.state.payments,
                                  self._payment_editor, importer=self._import_payments,
                                  template=lambda: save_template(self.app, "payment"),
                                  summary=self._payments_summary, id="payments"),
        }
        done = Vertical(Static("", id="done-text", markup=False), id="step-done",
                        classes="wizard-step")
        switcher = ContentSwitcher(*build_steps(self.state, self.ctx, panels), done,
                                   id="wizard-switcher")
        body = self.query_one("#wizard-body", Vertical)
        await body.remove_children()
        await body.mount(switcher)

    async def on_language_changed(self, _message: object) -> None:
        """Everything typed is in the state: rebuild the texts in the new language."""
        if self.state is None or self.ctx is None:
            return
        for button_id, key in (("previous", "claim_wizard.button.previous"),
                               ("next", "claim_wizard.button.next")):
            self.query_one(f"#{button_id}", Button).label = t(key)
        await self._build()
        if self.submitted is not None:
            claim, self.submitted = self.submitted, None
            self._submitted(claim)
        else:
            self.goto(self.state.step)

    def _payments_summary(self, lines: list[PaymentLine]) -> Text:
        assert self.ctx is not None and self.state is not None
        # The panel asks before the state has the new lines: count those it shows.
        return payments_summary(replace(self.state, payments=list(lines)),
                                self.ctx.contract.currency)

    # --- line panels --------------------------------------------------------------------------
    def _invoice_editor(self, line: InvoiceLine | None, index: int | None) -> Screen[Any]:
        assert self.ctx is not None and self.state is not None
        taken = {(i.type, i.number) for n, i in enumerate(self.state.invoices) if n != index}
        return InvoiceLineDialog(self.ctx.lines(self.state.invoices), line, taken)

    def _payment_editor(self, line: PaymentLine | None, index: int | None) -> Screen[Any]:
        assert self.ctx is not None and self.state is not None
        taken = {payment_key(p) for n, p in enumerate(payment_inputs(self.state.payments))
                 if n != index}
        return PaymentLineDialog(self.ctx.lines(self.state.invoices), line, taken)

    def _import_invoices(self, done: Any) -> None:
        assert self.ctx is not None and self.state is not None
        start_import(self.app, "invoice", self.ctx.lines(self.state.invoices), done,
                     existing=[(i.type, i.number) for i in self.state.invoices])

    def _import_payments(self, done: Any) -> None:
        assert self.ctx is not None and self.state is not None
        start_import(self.app, "payment", self.ctx.lines(self.state.invoices), done,
                     existing={payment_key(p) for p in payment_inputs(self.state.payments)},
                     known_invoices=[i.number for i in self.state.invoices])

    # --- steps --------------------------------------------------------------------------------
    @property
    def step(self) -> str:
        return self.state.step if self.state is not None else ""

    def goto(self, name: str) -> None:
        state = self.state
        if state is None or self.ctx is None:
            return
        moved = state.step != name
        state.step = name
        self.query_one("#wizard-switcher", ContentSwitcher).current = f"step-{name}"
        self.query_one("#wizard-error", Static).update("")
        if name == "review":
            self.query_one("#review-text", Static).update(review_text(state, self.ctx))
        elif name == "confirm":
            text = Text(t("claim_wizard.confirm.text"))
            text.append_text(plain(self.ctx.company.name, style="bold"))
            text.append("\n\n")
            text.append_text(consequence(state))
            self.query_one("#confirm-text", Static).update(text)
        elif name == "intervention":
            self._show_consequence()
        self._show_progress()
        self._focus_step(name)
        self.refresh_bindings()
        if moved:
            self._changed(immediate=True)

    def _focus_step(self, name: str) -> None:
        step = self.query_one(f"#step-{name}")
        if name in ("invoices", "payments"):
            self.query_one(f"#{name}", RowsPanel).focus_list()
            return
        target = next((w for w in step.query(FOCUSABLE) if w.display and w.parent
                       and w.parent.display), None)
        if target is not None:
            target.focus()
        else:
            self.query_one("#next", Button).focus()

    def _show_progress(self) -> None:
        state, ctx = self.state, self.ctx
        assert state is not None and ctx is not None
        steps = active_steps(state)
        line = Text()
        if self.submitted is not None:
            line.append(t("claim_wizard.progress_done"), style="bold")
        else:
            index = steps.index(state.step)
            line.append(t("claim_wizard.progress", n=index + 1, total=len(steps)), style="bold")
            line.append("  ")
            for n, name in enumerate(steps):
                mark = "✓" if n < index else "●" if n == index else "○"
                line.append(f"{mark}{t(f'claim_wizard.short.{name}')} ",
                            style="bold reverse" if n == index else "dim" if n > index else "")
        self.query_one("#wizard-steps", Static).update(line)
        title = Text(t(f"claim_wizard.step.{state.step}") if self.submitted is None
                     else t("claim_wizard.step.done"))
        title.append(" — ")
        title.append_text(plain(ctx.company.name))
        self.query_one("#wizard-title", Label).update(title)
        self.query_one("#wizard-deadline", Static).update(
            deadline_text(state, ctx) if self.submitted is None else "")
        previous = self.query_one("#previous", Button)
        following = self.query_one("#next", Button)
        previous.display = self.submitted is None
        previous.disabled = state.step == steps[0]
        if self.submitted is not None:
            following.label = t("claim_wizard.button.open_claim")
        elif state.step == steps[-1]:
            following.label = t("claim_wizard.button.submit")
        else:
            following.label = t("claim_wizard.button.next")

    def _show_consequence(self) -> None:
        if self.state is None:
            return
        self.query_one("#intervention-consequence", Static).update(consequence(self.state))

    def show_errors(self, name: str, errors: StepErrors) -> None:
        step = self.query_one(f"#step-{name}")
        general = self.query_one("#wizard-error", Static)
        fields = {k: v for k, v in errors.fields.items() if k != "general"}
        show_errors(step, fields, general)
        if "general" in errors.fields:
            general.update(Text("⚠ " + clean(errors.fields["general"])))
        for panel_id in ("invoices", "payments"):
            if name == panel_id:
                self.query_one(f"#{panel_id}", RowsPanel).set_errors(
                    errors.lines.get(panel_id, {}))
        if errors.lines.get(name):
            general.update(Text("⚠ " + plural("claim_wizard.error.lines",
                                              count=len(errors.lines[name]))))

    def action_next(self) -> None:
        state, ctx = self.state, self.ctx
        if state is None or ctx is None or self.sending:
            return
        if self.submitted is not None:
            self.action_open_claim()
            return
        steps = active_steps(state)
        if state.step == steps[-1]:
            self.action_submit()
            return
        errors = check_step(state.step, state, ctx)
        self.show_errors(state.step, errors)
        if errors:
            self._focus_invalid(state.step)
            return
        self.goto(steps[steps.index(state.step) + 1])

    def _focus_invalid(self, name: str) -> None:
        step = self.query_one(f"#step-{name}")
        bad = next((f for f in step.query(".-invalid")), None)
        if bad is not None:
            focusable = next(iter(bad.query(FOCUSABLE)), None)
            if focusable is not None:
                focusable.focus()

    def action_previous(self) -> None:
        state = self.state
        if state is None or self.submitted is not None or self.sending:
            return
        steps = active_steps(state)
        index = steps.index(state.step)
        if index > 0:
            self.goto(steps[index - 1])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.state is None:
            return action == "leave"
        if action == "submit":
            last = active_steps(self.state)[-1]
            return self.submitted is None and self.state.step in ("review", last)
        if action == "previous":
            return self.submitted is None and self.state.step != active_steps(self.state)[0]
        if action == "next":
            return self.submitted is None
        return True

    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#previous")
    def _previous_pressed(self) -> None:
        self.action_previous()

    # --- what the user types ------------------------------------------------------------------
    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        name = event.input.id or ""
        state = self.state
        if state is None or name not in WizardState.__dataclass_fields__:
            return
        if getattr(state, name) == event.value:
            return
        setattr(state, name, event.value)
        self._changed()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        if self.state is None or (event.input.id or "") not in WizardState.__dataclass_fields__:
            return
        step = self.query_one(f"#step-{self.state.step}")
        inputs = [i for i in step.query(Input) if i.display and i.parent and i.parent.display]
        if inputs and event.input is inputs[-1]:
            self.action_next()
        else:
            self.focus_next()

    @on(RadioSet.Changed)
    def _chosen(self, event: RadioSet.Changed) -> None:
        state = self.state
        set_id = event.radio_set.id or ""
        if state is None or set_id not in CHOICES:
            return
        value = (event.pressed.id or "").removeprefix(f"{set_id}-")
        setattr(state, CHOICES[set_id], value)
        if set_id == "billing":
            self.query_one("#billing-fields").display = value == "different"
        elif set_id == "partner":
            self.query_one("#invoicing_partner-field").display = value == "partner"
        elif set_id == "intervention":
            self.query_one("#alt-contact").display = value == "yes"
            self._show_consequence()
            self._show_progress()
        elif set_id == "reason":
            self._show_consequence()
        self._changed()

    @on(TextArea.Changed, "#comments")
    def _commented(self, event: TextArea.Changed) -> None:
        state = self.state
        if state is None or state.comments == event.text_area.text:
            return
        state.comments = event.text_area.text
        self.query_one("#comments-counter", Static).update(comments_counter(state))
        self._changed()

    @on(Checkbox.Changed, "#confirmed")
    def _confirmed(self, event: Checkbox.Changed) -> None:
        if self.state is not None:
            self.state.confirmed = event.value
            self._changed()

    @on(RowsPanel.Changed)
    def _lines_changed(self, event: RowsPanel.Changed) -> None:
        state = self.state
        if state is None or self.ctx is None:
            return
        if event.panel.id == "invoices":
            state.invoices = list(event.panel.lines)
            self.query_one("#wizard-deadline", Static).update(deadline_text(state, self.ctx))
            self.query_one("#payments", RowsPanel).set_lines(state.payments, changed=False)
        elif event.panel.id == "payments":
            state.payments = list(event.panel.lines)
        self.query_one("#wizard-error", Static).update("")
        self._changed()

    # --- the draft ----------------------------------------------------------------------------
    def _changed(self, immediate: bool = False) -> None:
        """Something changed: write the draft once the typing pauses."""
        if self._draft_closed or self.state is None or self.submitted is not None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(0.01 if immediate else DELAYS.draft, self._flush)

    def _flush(self) -> None:
        self._draft_timer = None
        if self._draft_closed or self.state is None:
            return
        self._draft_seq += 1
        self._save_draft(self.state.to_payload(), self._draft_seq)

    @work(thread=True, exclusive=True, group="claim-draft")
    def _save_draft(self, payload: dict[str, Any], seq: int) -> None:
        with self._draft_lock:
            if seq != self._draft_seq or self._draft_closed:
                return
            try:
                cofa(self.app).repo.drafts.save(DRAFT_KIND, self.draft_key, payload)
            except CofaError as exc:
                self._draft_unsaved = True
                self.app.call_from_thread(self._draft_note, "⚠ " + t(
                    "claim_wizard.draft.failed", reason=str(exc)))
                return
            self._draft_unsaved = False
        self.app.call_from_thread(self._draft_note, "✓ " + t("claim_wizard.draft.saved"))

    @work(thread=True, exclusive=True, group="claim-draft")
    def _delete_draft(self, then_close: bool) -> None:
        with self._draft_lock:
            self._draft_closed = True
            self._draft_seq += 1
            try:
                cofa(self.app).repo.drafts.delete(DRAFT_KIND, self.draft_key)
            except CofaError as exc:
                self.app.call_from_thread(self.notify, clean(exc), severity="error",
                                          markup=False)
        if then_close:
            self.app.call_from_thread(self._close)

    def _final_save(self) -> None:
        """Write what was typed since the last save, in an app worker (this screen is
        closing: its own workers go with it)."""
        if self._draft_timer is None or self.state is None:
            return
        self._draft_timer.stop()
        self._draft_timer = None
        self._draft_seq += 1
        payload, key, repo, lock = (self.state.to_payload(), self.draft_key,
                                    cofa(self.app).repo, self._draft_lock)

        def save() -> None:
            # The previous save stands if this one fails; a closed screen shows nothing.
            with lock, contextlib.suppress(CofaError):
                repo.drafts.save(DRAFT_KIND, key, payload)

        self.app.run_worker(save, thread=True, group="claim-draft-final")

    def _draft_note(self, text: str) -> None:
        if self.is_mounted and self.submitted is None:
            self.query_one("#wizard-draft", Static).update(Text(clean(text)))

    # --- submitting ---------------------------------------------------------------------------
    def action_submit(self) -> None:
        state, ctx = self.state, self.ctx
        if state is None or ctx is None or self.sending or self.submitted is not None:
            return
        for name in active_steps(state):
            errors = check_step(name, state, ctx)
            if errors:
                self.goto(name)
                self.show_errors(name, errors)
                self._focus_invalid(name)
                return
        self.sending = True
        self.query_one("#wizard-error", Static).update(Text(t("claim_wizard.sending")))
        for button in self.query("#wizard-buttons Button"):
            button.disabled = True
        self._send(build_claim(state, ctx))

    @work(thread=True, exclusive=True, group="claim-submit")
    def _send(self, claim: ClaimCreate) -> None:
        repo = cofa(self.app).repo
        try:
            # A claim sent before whose answer was lost is not sent twice.
            found = self._registered(claim) if self.maybe_registered else None
            result = found or repo.claims.submit(claim)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except CofaError as exc:
            if isinstance(exc, Unavailable) and exc.code != "api.client.write_not_sent":
                self.maybe_registered = True
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.maybe_registered = False
        self._registered_draft_gone()
        self.app.call_from_thread(self._submitted, result)

    def _registered_draft_gone(self) -> None:
        """The claim is registered (from a worker): a draft left behind would only be
        offered again, and nothing typed from now on is written."""
        with self._draft_lock:
            self._draft_closed = True
            self._draft_seq += 1
            with contextlib.suppress(CofaError):
                cofa(self.app).repo.drafts.delete(DRAFT_KIND, self.draft_key)

    def _registered(self, claim: ClaimCreate) -> ClaimPublic | None:
        """The claim this wizard sent, if the server registered it (from a worker): the
        debtor's pending claim with this reference and these invoices (one open claim
        per debtor: rules.claims)."""
        page = cofa(self.app).repo.claims.rows(self.contract_id, 0, 100)
        return next((c for c in page.items
                     if c.company_id == self.company_id and c.status == ClaimStatus.PENDING
                     and c.own_reference == claim.own_reference
                     and c.invoice_count == len(claim.invoices)), None)

    def action_reload(self) -> None:
        """The server (or database) answers again after an outage. Nothing typed is
        lost and nothing is sent: a wizard that could not open loads again, a draft that
        could not be written is written now, a claim that may have been registered is
        looked for (and shown registered if it was)."""
        if self.submitted is not None or self.sending:
            return
        if self.state is None:
            self.load()
            return
        if self.maybe_registered:
            self._look_for_claim()
        elif self._draft_unsaved:
            self._changed(immediate=True)

    @work(thread=True, exclusive=True, group="claim-submit")
    def _look_for_claim(self) -> None:
        state, ctx = self.state, self.ctx
        if state is None or ctx is None:
            return
        try:
            found = self._registered(build_claim(state, ctx))
        except CofaError:
            return  # still away: the next reload or submission looks again
        if found is None:  # not registered: sending it again is safe
            self.maybe_registered = False
            if self._draft_unsaved:
                self.app.call_from_thread(self._changed, True)
            return
        self.maybe_registered = False
        self._registered_draft_gone()
        self.app.call_from_thread(self._submitted, found)

    def _unlock(self) -> None:
        self.sending = False
        for button in self.query("#wizard-buttons Button"):
            button.disabled = False
        self._show_progress()

    def _refused(self, exc: ValidationFailed) -> None:
        self._unlock()
        per_step = split_errors(exc.errors)
        steps = active_steps(self.state) if self.state else []
        first = next((s for s in steps if s in per_step), None)
        if first is None:
            self._failed(str(exc))
            return
        self.goto(first)
        self.show_errors(first, per_step[first])
        self.notify(t("claim_wizard.refused"), severity="error", markup=False)

    def _failed(self, message: str) -> None:
        self._unlock()
        self.query_one("#wizard-error", Static).update(Text("⚠ " + clean(message)))
        self.notify(clean(message), severity="error", markup=False)

    def _submitted(self, claim: ClaimPublic) -> None:
        self.sending = False
        self.submitted = claim
        if self._draft_timer is not None:
            self._draft_timer.stop()
        text = Text(t("claim_wizard.done.registered") + "\n\n")
        text.append_text(plain(claim.reference or f"#{claim.id}", style="bold reverse"))
        text.append("\n\n")
        text.append(t("claim_wizard.done.keep"))
        text.append("\n\n")
        text.append(t("claim_wizard.done.next"))
        self.query_one("#done-text", Static).update(text)
        self.query_one("#wizard-switcher", ContentSwitcher).current = "step-done"
        for button in self.query("#wizard-buttons Button"):
            button.disabled = False
        self.query_one("#wizard-draft", Static).update("")
        self.query_one("#wizard-error", Static).update("")
        self._show_progress()
        self.query_one("#next", Button).focus()
        self.refresh_bindings()
        self.notify(t("claim_wizard.done.toast", reference=claim.reference or ""), markup=False)

    def action_open_claim(self) -> None:
        if self.submitted is None:
            return
        # by name: the claim's detail (through its actions) uses this module's drafts
        open_screen(self.app, "claim_detail", self.submitted.id)

    # --- leaving ------------------------------------------------------------------------------
    def can_leave(self) -> bool:
        if self.submitted is not None or self.state is None:
            return True
        self.action_leave()
        return False

    def action_leave(self) -> None:
        if self.submitted is not None or self.state is None:
            self._close()
            return

        def chosen(choice: str | None) -> None:
            if choice == "keep":
                self._final_save()
                self._close()
            elif choice == "discard":
                self._delete_draft(then_close=True)

        self.app.push_screen(LeaveDialog(), chosen)

    def _close(self) -> None:
        self._draft_closed = self._draft_closed or self.submitted is not None
        self.dismiss(self.submitted)


__all__ = ["ClaimWizardScreen", "draft_key"]

"""Premium notices (issue 20 item 2): the notices of the contracts I may read, filtered
by contract, status, kind and text (the filters combine), due date first. Enter shows a
notice and its lines; Space marks notices, P pays the marked ones (or the one under the
cursor) — whole notices of one currency, the EUR the bank debited asked when it is not
EUR; insurer staff issue notices (N); a policyholder types in one received on paper (T).

Opened by name: ``premium_notices`` (Tools), or with ``payment_id`` from the journal: the
notices that payment settled."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from cofatui.enums import NoticeKind, NoticeStatus, Role, Section
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.repository.every_row import every_row
from cofatui.schemas_accounting import NoticeFilter, NoticePublic, PaymentPublic
from cofatui.tui.features.premiums.detail import NoticeDetailDialog
from cofatui.tui.features.premiums.issue import IssueDialog
from cofatui.tui.features.premiums.pay import PayDialog
from cofatui.tui.features.premiums.typed import TypedNoticeDialog
from cofatui.tui.features.premiums.wording import notice_columns
from cofatui.tui.kit.debounce import Debounce
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.rights import write_refused
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.safe import clean


class NoticesScreen(Screen[None]):
    CSS_PATH = "premiums.tcss"
    TITLE = "premiums_ui.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "premiums_ui.key.back", id="premiums.back"),
        Binding("p", "pay", "premiums_ui.key.pay", id="premiums.pay",
                tooltip="premiums_ui.key.pay_tip"),
        Binding("n", "issue", "premiums_ui.key.issue", id="premiums.issue",
                tooltip="premiums_ui.key.issue_tip"),
        Binding("t", "typed", "premiums_ui.key.typed", id="premiums.typed",
                tooltip="premiums_ui.key.typed_tip"),
        Binding("ctrl+r", "reload", "premiums_ui.key.reload", id="premiums.reload"),
    ]

    def __init__(self, payment_id: int | None = None) -> None:
        super().__init__()
        self.payment_id = payment_id
        # The text filter applies as one types (as the journal's), once typing pauses.
        self._debounce = Debounce(self, self._filtered)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        contracts = cofa(self.app).principal.contracts
        with Horizontal(id="notice-filters"):
            yield Select([(t("premiums_ui.filter.any_contract"), 0),
                          *[(c.policy_number, c.contract_id) for c in contracts]],
                         allow_blank=False, value=0, id="filter-contract", compact=True)
            yield Select([(t("premiums_ui.filter.any_status"), ""),
                          *[(t(f"premiums_ui.status.{s.value}"), s.value) for s in NoticeStatus]],
                         allow_blank=False, value="", id="filter-status", compact=True)
            yield Select([(t("premiums_ui.filter.any_kind"), ""),
                          *[(t(f"premiums_ui.kind.{k.value}"), k.value) for k in NoticeKind]],
                         allow_blank=False, value="", id="filter-kind", compact=True)
            yield Input(placeholder=t("premiums_ui.filter.text"), id="filter-text",
                        compact=True)
        yield Static(Text(t("premiums_ui.payment_title", id=self.payment_id))
                     if self.payment_id else "", id="notice-payment", markup=False)
        yield Static("", id="notice-count", markup=False)
        yield VirtualList(notice_columns(), id="notices")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.reload()

    # --- who may do what (the repository decides; this only hides what cannot work) ---
    def _staff(self) -> bool:
        return bool(cofa(self.app).principal.role == Role.UNDERWRITER)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "issue":
            return self._staff()
        if action in ("typed", "pay"):
            if self._staff():
                return False
            # Shown, greyed, when the rights forbid it (read-only: reads and exports).
            principal = cofa(self.app).principal
            return None if write_refused(principal, self._contract(), Section.ACCOUNTING) \
                else True
        return True

    # --- loading ------------------------------------------------------------------------
    def filters(self) -> NoticeFilter:
        contract = self.query_one("#filter-contract", Select).value
        status = self.query_one("#filter-status", Select).value
        kind = self.query_one("#filter-kind", Select).value
        return NoticeFilter(
            contract_id=contract if isinstance(contract, int) and contract else None,
            status=NoticeStatus(status) if isinstance(status, str) and status else None,
            kind=NoticeKind(kind) if isinstance(kind, str) and kind else None,
            text=self.query_one("#filter-text", Input).value.strip()[:100])

    def reload(self) -> None:
        self.query_one("#notice-count", Static).update("")
        lst = self.query_one(VirtualList)
        if self.payment_id is not None:
            self._payment_notices(self.payment_id)
            return
        flt, repo = self.filters(), cofa(self.app).repo
        lst.set_source(PagedSource(
            lambda offset, limit: repo.premiums.notices(flt, offset, limit), self._failed,
            fetch_seek=lambda seek, limit: repo.premiums.notices(flt, 0, limit, seek)))

    @work(thread=True, exclusive=True, group="payment-notices")
    def _payment_notices(self, payment_id: int) -> None:
        """A payment settles at most a few hundred notices: read the paid ones and keep
        its own (the filter has no payment; the list is small)."""
        repo, flt = cofa(self.app).repo, NoticeFilter(status=NoticeStatus.PAID)
        try:
            found = [n for n in every_row(
                lambda seek, limit: repo.premiums.notices(flt, 0, limit, seek))
                if n.payment_id == payment_id]
        except CofaError as exc:
            self._failed(exc)
            return
        self.app.call_from_thread(self.query_one(VirtualList).set_source, ListSource(found))

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._failed_now, str(exc))

    def _failed_now(self, message: str) -> None:
        self.query_one("#notice-count", Static).update(Text("⚠ " + clean(message)))

    @on(VirtualList.CountChanged, "#notices")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#notice-count", Static)
        if str(count.render()).startswith("⚠"):
            return
        total = event.total or 0
        count.update(Text(t("premiums_ui.count", count=total) if total
                          else t("premiums_ui.none")))

    @on(Input.Changed, "#filter-text")
    def _typed(self) -> None:
        self._debounce.typed()

    @on(Select.Changed)
    @on(Input.Submitted, "#filter-text")
    def _filtered(self) -> None:
        if self.is_mounted and self.payment_id is None:
            self.reload()

    # --- actions ------------------------------------------------------------------------
    def _chosen(self) -> list[NoticePublic]:
        """The marked notices, else the one under the cursor."""
        lst = self.query_one(VirtualList)
        marked = set(lst.marked_keys())
        if marked:
            rows = [lst.row_at(i) for i in range(lst.row_count)]
            return [cast(NoticePublic, r) for r in rows if r is not None and r.id in marked]
        row = lst.cursor_row
        return [cast(NoticePublic, row)] if row is not None else []

    def _after(self, result: Any) -> None:
        if result is None:
            return
        if isinstance(result, PaymentPublic):
            self.notify(t("premiums_ui.done.paid", count=len(result.notice_numbers)))
        else:
            issued = result if isinstance(result, list) else [result]
            self.notify(t("premiums_ui.done.issued", count=len(issued)))
        self.query_one(VirtualList).clear_marks()
        self.reload()

    @on(VirtualList.RowActivated, "#notices")
    def _open(self, event: VirtualList.RowActivated) -> None:
        self.app.push_screen(NoticeDetailDialog(cast(NoticePublic, event.row)))

    def action_pay(self) -> None:
        chosen = self._chosen()
        if chosen:
            self.app.push_screen(PayDialog(chosen), self._after)

    def action_issue(self) -> None:
        if self._staff():
            self.app.push_screen(IssueDialog(self._contract()), self._after)

    def action_typed(self) -> None:
        if not self._staff():
            self.app.push_screen(TypedNoticeDialog(self._contract()), self._after)

    def _contract(self) -> int | None:
        chosen = self.filters().contract_id
        return chosen if chosen is not None else cofa(self.app).current_contract_id

    def action_reload(self) -> None:
        self.reload()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:  # opened from another screen: back to it
            self.app.pop_screen()


__all__ = ["NoticesScreen"]

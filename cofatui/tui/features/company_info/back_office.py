"""The back office's "Company information" tab (issue 17 item 4): the submissions of
every policyholder, oldest first, filtered by contract, country, form, type and DRA
review (in progress unless another outcome is chosen). Enter opens one (its documents
can be saved through the file picker; decide from there), ``d`` decides the one under
the cursor, ``r`` changes its company's DRA (the existing DRA change)."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Select, Static

from cofatui.enums import CompanyInfoForm, CompanyInfoStatus, CompanyInfoType
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_company_info import CompanyInfoFilter, CompanyInfoPublic
from cofatui.tui.features.company_info.decide import DecideDialog
from cofatui.tui.features.company_info.detail import SubmissionDetailScreen
from cofatui.tui.features.company_info.wording import submission_columns, type_options
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.reference_options import country_options
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

#: The filters, by the id of their Select.
#: How many submissions are read to offer their contracts in the filter.
CONTRACTS_READ = 500
FILTERS = ("ci-contract", "ci-country", "ci-form", "ci-type", "ci-dra", "ci-status")


class CompanyInfoPane(Vertical):
    DEFAULT_CSS = """
    CompanyInfoPane { height: 1fr; }
    CompanyInfoPane #ci-bar { height: auto; }
    CompanyInfoPane #ci-bar { margin: 1 1 0 1; }
    CompanyInfoPane #ci-bar Select { width: 1fr; margin: 0 1 0 0; }
    CompanyInfoPane #ci-count { height: 1; margin: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "decide", "company_info_ui.key.decide", id="company_info.queue.decide"),
        Binding("r", "dra", "company_info_ui.key.dra", id="company_info.queue.dra",
                tooltip="company_info_ui.key.dra_tip"),
        Binding("ctrl+r", "reload", "company_info_ui.key.reload",
                id="company_info.queue.reload"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="ci-bar"):
            yield Select([], prompt=t("company_info_ui.any_contract"), id="ci-contract",
                         type_to_search=True, compact=True)
            yield Select(country_options(), prompt=t("company_info_ui.any_country"),
                         id="ci-country", type_to_search=True, compact=True)
            yield Select([(t(f"company_info_ui.form.{f}"), f.value) for f in CompanyInfoForm],
                         prompt=t("company_info_ui.any_form"), id="ci-form", compact=True)
            yield Select(type_options(), prompt=t("company_info_ui.any_type"), id="ci-type",
                         compact=True)
            yield Select([(t("company_info_ui.dra_asked"), "yes"),
                          (t("company_info_ui.dra_not_asked"), "no")],
                         prompt=t("company_info_ui.any_dra"), id="ci-dra", compact=True)
            yield Select([(t(f"company_info_ui.status.{s}"), s.value) for s in CompanyInfoStatus],
                         value=CompanyInfoStatus.IN_PROGRESS.value, allow_blank=False,
                         id="ci-status", compact=True)
        yield Static("", id="ci-count", markup=False)
        yield VirtualList(submission_columns(back_office=True), row_key=lambda s: s.id,
                          id="ci-queue")

    def on_mount(self) -> None:
        self.reload()
        self.load_contracts()

    @work(thread=True, exclusive=True, group="company-info-contracts")
    def load_contracts(self) -> None:
        """The contracts to filter by: those with submissions (an underwriter holds no
        contract of their own to list), read from the queue's first rows."""
        try:
            page = cofa(self.app).repo.company_info.queue(
                CompanyInfoFilter(status=CompanyInfoStatus.IN_PROGRESS), 0, CONTRACTS_READ)
        except CofaError:
            return  # the list says why
        contracts = sorted({(s.policy_number, s.contract_id) for s in page.items})
        self.app.call_from_thread(self.query_one("#ci-contract", Select).set_options,
                                  contracts)

    def focus_content(self) -> None:
        self.query_one("#ci-queue", VirtualList).focus()

    def current_filter(self) -> CompanyInfoFilter:
        def value(name: str) -> Any:
            chosen = self.query_one(f"#{name}", Select).value
            return None if chosen is Select.NULL else chosen

        dra = value("ci-dra")
        info_type = value("ci-type")
        form = value("ci-form")
        return CompanyInfoFilter(
            contract_id=value("ci-contract"), country=value("ci-country"),
            form=CompanyInfoForm(form) if form else None,
            info_type=CompanyInfoType(info_type) if info_type else None,
            dra_review=None if dra is None else dra == "yes",
            status=CompanyInfoStatus(value("ci-status") or CompanyInfoStatus.IN_PROGRESS))

    def reload(self, keep_position: bool = False) -> None:
        lst = self.query_one("#ci-queue", VirtualList)
        cursor = lst.cursor
        repo, flt = cofa(self.app).repo, self.current_filter()
        self.query_one("#ci-count", Static).update("")
        lst.set_source(PagedSource(
            lambda offset, limit: repo.company_info.queue(flt, offset, limit), self._failed,
            fetch_seek=lambda seek, limit: repo.company_info.queue(flt, 0, limit, seek)))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.query_one("#ci-count", Static).update,
                                  Text("⚠ " + clean(exc)))

    @on(VirtualList.CountChanged, "#ci-queue")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#ci-count", Static)
        if not str(count.render()).startswith("⚠"):
            count.update(Text(plural("company_info_ui.count", count=event.total or 0)))

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        if event.select.id in FILTERS:
            self.reload()

    def _current(self) -> CompanyInfoPublic | None:
        return cast(CompanyInfoPublic | None, self.query_one("#ci-queue", VirtualList).cursor_row)

    @on(VirtualList.RowActivated, "#ci-queue")
    def _open(self, event: VirtualList.RowActivated) -> None:
        self.app.push_screen(SubmissionDetailScreen(cast(CompanyInfoPublic, event.row),
                                                    on_change=self._back))

    def _back(self, _result: Any = None) -> None:
        self.reload(keep_position=True)

    def action_decide(self) -> None:
        sub = self._current()
        if sub is None:
            return
        if sub.status != CompanyInfoStatus.IN_PROGRESS:
            self.notify(t("company_info_ui.already_decided"), markup=False)
            return
        self.app.push_screen(DecideDialog(sub), self._back)

    def action_dra(self) -> None:
        sub = self._current()
        if sub is not None:
            open_screen(self.app, "underwriter_dra", sub.company_id, callback=self._back)

    def action_reload(self) -> None:
        self.reload(keep_position=True)


__all__ = ["CompanyInfoPane"]

"""A submission read-only (the opener ``company_information``, used by notifications and
the documents sent): what was sent, its documents (a copy of each can be saved), and its
outcome. An underwriter also decides from here (while it is in progress) and can change
the company's DRA (the back office's existing DRA change)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from cofatui.enums import CompanyInfoStatus, Role
from cofatui.errors import CofaError
from cofatui.i18n import format_datetime, t
from cofatui.rules.attachments import DOCUMENTS_ALLOWED
from cofatui.schemas_company_info import CompanyInfoDocument, CompanyInfoPublic
from cofatui.tui.features.company_info.decide import DecideDialog
from cofatui.tui.features.company_info.wording import facts
from cofatui.tui.kit.file_size import size_text
from cofatui.tui.kit.footer import KeysFooter
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain


def open_company_information(app: App[Any], submission_id: int,
                             callback: Callable[[Any], Any] | None = None) -> None:
    """The opener ``company_information``: read the submission in a worker, then push
    its detail (or say why it cannot be read)."""
    repo = cofa(app).repo

    def load() -> None:
        try:
            sub = repo.company_info.get(submission_id)
        except CofaError as exc:
            app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
            return
        app.call_from_thread(app.push_screen, SubmissionDetailScreen(sub), callback)

    app.run_worker(load, thread=True, group="open-company-information", exclusive=True,
                   exit_on_error=False)


#: What a stored file is, by its media type ("PDF", "XLSX"…), as the check named it.
KINDS = {kind.media_type: kind.label for kind in DOCUMENTS_ALLOWED}


def document_columns() -> list[Column]:
    return [
        Column("filename", t("company_info_ui.doc.file"), 0, render=lambda d: plain(d.filename)),
        Column("content_type", t("company_info_ui.doc.type"), 6,
               render=lambda d: KINDS.get(d.content_type, plain(d.content_type))),
        Column("size", t("company_info_ui.doc.size"), 9, align="right",
               render=lambda d: size_text(d.size)),
        Column("created_at", t("company_info_ui.doc.date"), 17,
               render=lambda d: format_datetime(d.created_at)),
    ]


class SubmissionDetailScreen(Screen[None]):
    """``on_change``: called when an underwriter decided from here (the list under it
    reads itself again at once, before the user goes back)."""

    CSS_PATH = [DIALOGS_TCSS, "company_info.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save_copy", "company_info_ui.key.save_copy", id="company_info.save_copy",
                tooltip="company_info_ui.key.save_copy_tip"),
        Binding("d", "decide", "company_info_ui.key.decide", id="company_info.decide"),
        Binding("r", "dra", "company_info_ui.key.dra", id="company_info.dra",
                tooltip="company_info_ui.key.dra_tip"),
        Binding("ctrl+r", "reload", "company_info_ui.key.reload", id="company_info.reload"),
    ]

    def __init__(self, submission: CompanyInfoPublic,
                 on_change: Callable[[], Any] | None = None) -> None:
        super().__init__()
        self.submission = submission
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="ci-facts"):
            yield Static(facts(self.submission), id="ci-facts-text")
        yield Label(Text(t("company_info_ui.documents")), classes="section-title",
                    id="ci-documents-title")
        yield VirtualList(document_columns(), ListSource(self.submission.documents),
                          id="ci-documents")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "company_info_ui.detail_title"
        self.query_one("#ci-documents", VirtualList).focus()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()

    @property
    def underwriter(self) -> bool:
        return bool(cofa(self.app).principal.role == Role.UNDERWRITER)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dra":
            return self.underwriter
        if action == "decide":  # shown to underwriters, disabled once decided
            if not self.underwriter:
                return False
            return True if self.submission.status == CompanyInfoStatus.IN_PROGRESS else None
        return True

    def show(self, sub: CompanyInfoPublic) -> None:
        self.submission = sub
        self.query_one("#ci-facts-text", Static).update(facts(sub))
        self.query_one("#ci-documents", VirtualList).set_source(ListSource(sub.documents))
        self.refresh_bindings()

    # --- actions ------------------------------------------------------------------------
    def action_save_copy(self) -> None:
        doc = cast(CompanyInfoDocument | None,
                   self.query_one("#ci-documents", VirtualList).cursor_row)
        if doc is None:
            self.notify(t("company_info_ui.no_document"), markup=False)
            return
        open_screen(self.app, "document_save_copy", doc.id, doc.filename)

    def on_virtual_list_row_activated(self, _event: VirtualList.RowActivated) -> None:
        self.action_save_copy()

    def action_decide(self) -> None:
        def decided(sub: CompanyInfoPublic | None) -> None:
            if sub is not None:
                # The decision's answer may leave the files out: the ones shown stay.
                self.show(sub if sub.documents else sub.model_copy(
                    update={"documents": self.submission.documents}))
                if self.on_change is not None:
                    self.on_change()

        self.app.push_screen(DecideDialog(self.submission), decided)

    def action_dra(self) -> None:
        open_screen(self.app, "underwriter_dra", self.submission.company_id)

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="company-information-detail")
    def load(self) -> None:
        try:
            sub = cofa(self.app).repo.company_info.get(self.submission.id)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.show, sub)


__all__ = ["SubmissionDetailScreen", "open_company_information"]

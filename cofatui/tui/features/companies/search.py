"""Company search (SPEC §3 item 3; seed 001 "La recherche d'entreprise"), reachable from
anywhere (registered as ``company_search``).

Country (default from the settings, mandatory) + the start of the name, with optional
address, postal code, region and city; or one identifier: EasyNumber, Coface reference
or a legal identifier of the chosen country's types. "Head office only" is on by
default; branches are listed under their head office. Enter opens the company (or, in
picking mode, returns it: the guarantor field of an Agrément uses that).

Under the results, "Extend search" runs the same search again over the partners'
databases too (seed 001 "Étendre votre recherche"); their companies are marked ◇ in the
Source column. Ordering a product on one brings it into the insurer's database. "Create
company" stays offered for a company found nowhere.
"""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Select, Static

from cofatui import reference
from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import format_number, t
from cofatui.rules.identifiers import normalize_coface_reference, normalize_easy_number
from cofatui.schemas import CompanyPublic, CompanySearch
from cofatui.tui.features.companies.create import CompanyCreateScreen
from cofatui.tui.features.companies.detail import CompanyDetailScreen, open_company_detail
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.reference_options import country_options
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain

EASY, CRS = "@easy", "@crs"  # identifier kinds that are not legal-identifier types


def identifier_options(country_code: str | None) -> list[tuple[str, str]]:
    options = [(t("search.kind.easy_number"), EASY), (t("search.kind.coface_reference"), CRS)]
    found = reference.country(country_code) if country_code else None
    if found is not None:
        options += [(f"{it.code} — {it.label}", it.code) for it in found.identifier_types]
    return options


def _name(company: CompanyPublic) -> Text:
    if company.establishment == "branch":
        return Text.assemble(("  ↳ ", "dim"), plain(company.name))
    return plain(company.name)


def _registration(company: CompanyPublic) -> Text:
    if not company.identifiers:
        return Text("")
    first = company.identifiers[0]
    return plain(f"{first.type_code} {first.value}")


def source_text(company: CompanyPublic) -> Text:
    """Where the company comes from, in words (◇ for a partner's: no colour needed)."""
    source = company.source if company.source in ("insurer", "partner", "user") else "insurer"
    return Text(t(f"search.source.{source}"), style="italic" if source == "partner" else "")


def result_columns(extended: bool = False) -> list[Column]:
    """The result columns; an extended search adds where each company comes from."""
    columns = [
        Column("name", t("search.col.name"), 0, render=_name),
        Column("address", t("search.col.address"), 22,
               render=lambda c: plain(f"{c.address}, {c.postal_code} {c.city}")),
        Column("country", t("search.col.country"), 3),
        Column("establishment", t("search.col.establishment"), 12,
               render=lambda c: t(f"search.establishment.{c.establishment}")),
        Column("registration", t("search.col.registration"), 18, render=_registration),
        Column("easy_number", t("search.col.easy_number"), 19),
    ]
    if extended:
        columns.append(Column("source", t("search.col.source"), 12, render=source_text))
    return columns


class CompanySearchScreen(Screen[CompanyPublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "company.tcss"]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "search", "search.key.search", id="search.run",
                tooltip="search.key.search_tip"),
        Binding("ctrl+n", "create", "search.key.create", id="search.create",
                tooltip="search.key.create_tip"),
        Binding("ctrl+l", "clear", "search.key.clear", id="search.clear",
                tooltip="search.key.clear_tip"),
        # Not ctrl+e: the text fields use it to go to the end of the line.
        Binding("ctrl+t", "extend", "search.key.extend", id="search.extend",
                tooltip="search.key.extend_tip"),
    ]

    def __init__(self, pick: bool = False, country: str | None = None,
                 pick_title: str = "search.pick_title") -> None:
        """``pick_title``: the catalog key of the title in picking mode (what the
        company is being found for)."""
        super().__init__()
        self.pick = pick
        self.pick_title = pick_title
        self.initial_country = country
        #: the search shown (None before the first); ``extended`` once widened
        self.last_search: CompanySearch | None = None

    def compose(self) -> ComposeResult:
        settings = cofa(self.app).settings
        country = self.initial_country or getattr(settings, "default_country", "FRA")
        yield AppHeader()
        with Grid(id="search-form"):
            yield FormField(t("search.field.country"), Select(
                country_options(), value=country, id="country", allow_blank=False,
                type_to_search=True), "country")
            yield FormField(t("search.field.name"), Input(id="name"), "name")
            yield FormField(t("search.field.address"), Input(id="address"), "address")
            yield FormField(t("search.field.postal_code"), Input(id="postal_code"),
                            "postal_code")
            yield FormField(t("search.field.region"), Input(id="region"), "region")
            yield FormField(t("search.field.city"), Input(id="city"), "city")
            yield FormField(t("search.field.identifier_type"), Select(
                identifier_options(country), id="identifier_type",
                prompt=t("search.no_identifier")), "identifier_type")
            yield FormField(t("search.field.identifier_value"), Input(id="identifier_value"),
                            "identifier_value")
        with Horizontal(id="search-buttons"):
            yield Checkbox(t("search.field.head_office_only"), True, id="head_office_only")
            yield Button(t("search.button.search"), variant="primary", id="search")
            yield Button(t("search.button.create"), id="create")
        yield Static("", id="search-status", classes="form-info", markup=False)
        yield VirtualList(result_columns(), id="results")
        with Horizontal(id="search-more"):
            yield Static(Text(t("search.extend_hint")), id="search-more-hint", markup=False)
            yield Button(t("search.button.extend"), id="extend")
        yield Footer()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()

    def on_mount(self) -> None:
        self.title = self.pick_title if self.pick else "search.title"
        self.query_one("#name", Input).focus()

    @on(Select.Changed, "#country")
    def _country_changed(self, event: Select.Changed) -> None:
        code = event.value if isinstance(event.value, str) else None
        kind = self.query_one("#identifier_type", Select)
        current = kind.value
        options = identifier_options(code)
        kind.set_options(options)
        if current in (EASY, CRS):
            kind.value = current

    def build_search(self) -> tuple[CompanySearch | None, dict[str, str]]:
        """The search the form asks for, or the messages to show at the fields."""
        def text(widget_id: str) -> str | None:
            return self.query_one(f"#{widget_id}", Input).value.strip() or None

        country_value = self.query_one("#country", Select).value
        country = country_value if isinstance(country_value, str) else None
        kind_value = self.query_one("#identifier_type", Select).value
        kind = kind_value if isinstance(kind_value, str) else None
        value = text("identifier_value")
        head_only = self.query_one("#head_office_only", Checkbox).value
        errors: dict[str, str] = {}
        if value or kind:
            if not kind:
                return None, {"identifier_type": t("search.error.choose_type")}
            if not value:
                return None, {"identifier_value": t("search.error.type_value")}
            try:
                if kind == EASY:
                    return CompanySearch(easy_number=normalize_easy_number(value),
                                         head_office_only=False), {}
                if kind == CRS:
                    return CompanySearch(coface_reference=normalize_coface_reference(value),
                                         head_office_only=False), {}
            except ValidationFailed as exc:
                return None, {"identifier_value": "; ".join(e.message for e in exc.errors)}
            return CompanySearch(country=country, legal_identifier_type=kind,
                                 legal_identifier_value=value, head_office_only=False), {}
        if not country:
            errors["country"] = t("search.error.country")
        if not text("name"):
            errors["name"] = t("search.error.name")
        if errors:
            return None, errors
        return CompanySearch(country=country, name=text("name"), address=text("address"),
                             postal_code=text("postal_code"), region=text("region"),
                             city=text("city"), head_office_only=head_only), {}

    def action_search(self) -> None:
        search, errors = self.build_search()
        status = self.query_one("#search-status", Static)
        show_errors(self, errors, status)
        if search is None:
            return
        status.update(Text(t("search.searching")))
        self.run_search(search)

    def action_extend(self) -> None:
        """The last search again, over the partners' databases too."""
        if self.last_search is None:
            self.action_search()  # nothing shown yet: the criteria as typed
            if self.last_search is None:
                return
        if self.last_search.extended:
            return
        self.query_one("#search-status", Static).update(Text(t("search.searching")))
        self.run_search(self.last_search.model_copy(update={"extended": True}))

    def run_search(self, search: CompanySearch) -> None:
        self.last_search = search
        repo = cofa(self.app).repo
        lst = self.query_one("#results", VirtualList)
        lst.columns = result_columns(search.extended)
        lst.set_source(PagedSource(
            lambda offset, limit: repo.companies.search(search, offset, limit),
            self._search_failed,
            fetch_seek=lambda seek, limit: repo.companies.search(search, 0, limit, seek)))
        self._show_more(search)

    def _show_more(self, search: CompanySearch) -> None:
        """Under the results: extend the search, or say it is extended."""
        self.query_one("#search-more").display = True
        hint = self.query_one("#search-more-hint", Static)
        button = self.query_one("#extend", Button)
        hint.update(Text(t("search.extended_hint" if search.extended else "search.extend_hint")))
        button.disabled = search.extended
        button.label = t("search.button.extended" if search.extended else "search.button.extend")

    def _search_failed(self, exc: CofaError) -> None:
        def show() -> None:
            if isinstance(exc, ValidationFailed):
                show_errors(self, exc.by_field(), self.query_one("#search-status", Static))
            else:
                self.query_one("#search-status", Static).update(Text("⚠ " + clean(exc)))
        self.app.call_from_thread(show)

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        total = event.total or 0
        status = self.query_one("#search-status", Static)
        if str(status.render()).startswith("⚠"):
            return
        extended = self.last_search is not None and self.last_search.extended
        if total:
            key = "search.found_extended" if extended else "search.found"
            message = t(key + "_one") if total == 1 else t(key, n=format_number(total))
        else:
            message = t("search.none_found_extended" if extended else "search.none_found")
        status.update(Text(message))
        if total:
            self.query_one("#results", VirtualList).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_search()

    @on(Button.Pressed, "#search")
    def _search_pressed(self) -> None:
        self.action_search()

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#extend")
    def _extend_pressed(self) -> None:
        self.action_extend()

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        company = cast(CompanyPublic, event.row)
        if self.pick:
            self.dismiss(company)
            return
        open_company_detail(self.app, company.id)

    def action_create(self) -> None:
        country = self.query_one("#country", Select).value
        name = self.query_one("#name", Input).value

        def created(company: CompanyPublic | None) -> None:
            if company is None:
                return
            if self.pick:
                self.dismiss(company)
                return
            self.app.push_screen(CompanyDetailScreen(company.id))

        self.app.push_screen(CompanyCreateScreen(
            country=country if isinstance(country, str) else None, name=name), created)

    def action_clear(self) -> None:
        for widget in self.query(Input):
            widget.value = ""
        self.query_one("#identifier_type", Select).clear()
        show_errors(self, {}, self.query_one("#search-status", Static))
        self.query_one("#name", Input).focus()

    def action_back(self) -> None:
        if self.pick:
            self.dismiss(None)
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

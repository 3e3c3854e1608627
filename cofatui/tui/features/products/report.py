"""A delivered report (instant, full or credit report), built from what the database
holds about the company: identity, address, identifiers, DRA and the products of this
contract on it. Nothing is invented: a value the database does not have is left out.

The report reads in the language it was ordered in (``ProductPublic.language``: English,
French, German or Spanish), whatever the UI language: its headings, labels, fixed values,
product and status names, dates and amounts. A report ordered without a language (older
data) reads in the UI language. The title, part of the app rather than of the report,
stays in the UI language and names the report's language."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from cofatui import reference
from cofatui.enums import Establishment, ProductStatus
from cofatui.i18n import LANGUAGES, format_amount, format_date, get_language, t, t_in
from cofatui.rules.products import REPORT_LANGUAGES
from cofatui.schemas import CompanyDetail, ProductPublic
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.products import cofa, product_name
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import plain

Section = tuple[str, list[tuple[str, str]]]

#: The report's own texts, looked up in the report's language.
_FIXED_KEYS = (
    "report.identity", "report.address", "report.identifiers", "report.risk",
    "report.products", "report.no_products", "report.name", "report.local_name",
    "report.establishment", "report.head_office", "report.dra", "report.dra_value",
    "report.not_rated", "company.field.address", "company.field.postal_code",
    "company.field.city", "company.field.region", "company.field.country",
    "company.field.phone", "company.easy_number", "company.coface_reference",
)


def report_keys(language: str) -> frozenset[str]:
    """Every key the report may look up in ``language``. The report-only catalogs
    (German, Spanish) hold exactly these; in English and French, product names come
    from the reference data instead of ``report.product.*``."""
    keys = {*_FIXED_KEYS, *(f"search.establishment.{e.value}" for e in Establishment),
            *(f"products.status.{s.value}" for s in ProductStatus)}
    if language not in LANGUAGES:
        keys |= {f"report.product.{p.code}" for p in reference.products()}
    return frozenset(keys)


def report_language(product: ProductPublic) -> str:
    """The language the report was ordered in; the UI's for older data without one."""
    language = product.language
    return language if language in REPORT_LANGUAGES else get_language()


def _product_name(code: str, language: str) -> str:
    if language in LANGUAGES or reference.product(code) is None:
        found = reference.product(code)
        return found.display_name(language) if found else code
    return t_in(language, f"report.product.{code}")


def _status(status: object, language: str) -> str:
    value = getattr(status, "value", status)
    return t_in(language, f"products.status.{value}") if value else ""


def report_sections(detail: CompanyDetail, product: ProductPublic,
                    language: str | None = None, *, show_crs: bool = True) -> list[Section]:
    """The sections of the report, in ``language`` (default: the report's own); the
    Coface reference only with ``show_crs`` (the account's CRS preference, issue 16
    item 9)."""
    lang = language or report_language(product)

    def tr(key: str, **params: object) -> str:
        return t_in(lang, key, **params)

    c = detail.company
    country = reference.country(c.country)
    identity = [
        (tr("report.name"), c.name),
        (tr("report.local_name"), c.name_local or ""),
        (tr("report.establishment"), tr(f"search.establishment.{c.establishment}")),
        (tr("report.head_office"), detail.head_office_name or ""),
    ]
    address = [
        (tr("company.field.address"), c.address),
        (tr("company.field.postal_code"), c.postal_code),
        (tr("company.field.city"), c.city),
        (tr("company.field.region"), c.region),
        # Countries are named in English or French only: English for the others.
        (tr("company.field.country"), f"{country.display_name(lang)} ({c.country})"
         if country else c.country),
        (tr("company.field.phone"), c.phone),
    ]
    identifiers = [(tr("company.easy_number"), c.easy_number)]
    if show_crs:
        identifiers.append((tr("company.coface_reference"), c.coface_reference or ""))
    identifiers += [(i.type_code, i.value) for i in c.identifiers]
    risk = [(tr("report.dra"), tr("report.not_rated") if c.dra is None
             else tr("report.dra_value", dra=c.dra))]
    products = [(_product_name(p.code, lang), f"{_status(p.status, lang)} "
                 f"{format_amount(p.decided_amount, p.currency, lang)}".strip())
                for p in detail.products if p.id != product.id]
    return [(tr("report.identity"), identity), (tr("report.address"), address),
            (tr("report.identifiers"), identifiers), (tr("report.risk"), risk),
            (tr("report.products"), products or [("", tr("report.no_products"))])]


def report_title(product: ProductPublic) -> str:
    """In the UI language: the product, the report's language, the delivery date.
    (A full report delivered at once would show the date of its last update, but the
    product does not carry it: the delivery date is what is known.)"""
    date = format_date(product.decided_at)
    if product.language in REPORT_LANGUAGES:
        return t("report.title_in", product=product_name(product.code),
                 language=t(f"report.in_language.{product.language}"), date=date)
    return t("report.title", product=product_name(product.code), date=date)


class ReportScreen(Dialog[None]):
    CSS_PATH = [DIALOGS_TCSS, "products.tcss"]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "products.key.close", id="report.close"),
    ]

    def __init__(self, detail: CompanyDetail, product: ProductPublic) -> None:
        super().__init__()
        self.detail = detail
        self.product = product

    def compose(self) -> ComposeResult:
        p = self.product
        with Vertical(id="report-dialog", classes="dialog"):
            yield Label(Text(report_title(p)), classes="dialog-title")
            with VerticalScroll(id="report-body"):
                yield Static(self._body(), markup=False)

    def _body(self) -> Text:
        out = Text()
        show_crs = cofa(self.app).settings.show_crs_number
        for title, lines in report_sections(self.detail, self.product, show_crs=show_crs):
            out.append(title + "\n", style="bold underline")
            for label, value in lines:
                if not value:
                    continue
                if label:
                    out.append(f"  {label}: ", style="dim")
                else:
                    out.append("  ")
                out.append_text(plain(value))
                out.append("\n")
            out.append("\n")
        return out

    def on_mount(self) -> None:
        self.query_one("#report-body").focus()


"""A delivered report (instant, full or credit report), built from what the database
holds about the company: identity, address, identifiers, DRA and the products of this
contract on it. Nothing is invented: a value the database does not have is left out."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from cofatui import reference
from cofatui.i18n import format_amount, format_date, get_language, t
from cofatui.schemas import CompanyDetail, ProductPublic
from cofatui.tui.safe import plain
from cofatui.tui.widgets.products import product_name, status_label

Section = tuple[str, list[tuple[str, str]]]


def report_sections(detail: CompanyDetail, product: ProductPublic) -> list[Section]:
    c = detail.company
    country = reference.country(c.country)
    identity = [
        (t("report.name"), c.name),
        (t("report.local_name"), c.name_local or ""),
        (t("report.establishment"), t(f"search.establishment.{c.establishment}")),
        (t("report.head_office"), detail.head_office_name or ""),
    ]
    address = [
        (t("company.field.address"), c.address),
        (t("company.field.postal_code"), c.postal_code),
        (t("company.field.city"), c.city),
        (t("company.field.region"), c.region),
        (t("company.field.country"), f"{country.display_name(get_language())} ({c.country})"
         if country else c.country),
        (t("company.field.phone"), c.phone),
    ]
    identifiers = [(t("company.easy_number"), c.easy_number),
                   (t("company.coface_reference"), c.coface_reference or "")]
    identifiers += [(i.type_code, i.value) for i in c.identifiers]
    risk = [(t("report.dra"), t("report.not_rated") if c.dra is None
             else t("report.dra_value", dra=c.dra))]
    products = [(product_name(p.code), f"{status_label(p.status)} "
                 f"{format_amount(p.decided_amount, p.currency)}".strip())
                for p in detail.products if p.id != product.id]
    return [(t("report.identity"), identity), (t("report.address"), address),
            (t("report.identifiers"), identifiers), (t("report.risk"), risk),
            (t("report.products"), products or [("", t("report.no_products"))])]


class ReportScreen(ModalScreen[None]):
    CSS_PATH = ["dialogs.tcss", "products.tcss"]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "products.key.close", id="report.close"),
    ]

    def __init__(self, detail: CompanyDetail, product: ProductPublic) -> None:
        super().__init__()
        self.detail = detail
        self.product = product

    def compose(self) -> ComposeResult:
        p = self.product
        with Vertical(id="report-dialog", classes="dialog"):
            yield Label(Text(t("report.title", product=product_name(p.code),
                               date=format_date(p.decided_at))), classes="dialog-title")
            with VerticalScroll(id="report-body"):
                yield Static(self._body(), markup=False)

    def _body(self) -> Text:
        out = Text()
        for title, lines in report_sections(self.detail, self.product):
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

    def action_close(self) -> None:
        self.dismiss(None)

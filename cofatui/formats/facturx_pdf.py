"""The human-readable invoice of a Factur-X, as a PDF/A-3B (issue 19 item 2).

fpdf2 with ``enforce_compliance="PDF/A-3B"`` writes the PDF/A base — PDF 1.7, the sRGB
output intent, the XMP — and refuses fonts that are not embedded; DejaVu Sans (shipped
in ``formats/fonts/``) is embedded and covers €, accents and most non-Latin scripts.
``formats/facturx.py`` then embeds ``factur-x.xml``: factur-x only adds metadata, so
the PDF/A part must be right here.

The words are those of the reader's language (``i18n/<lang>/facturx_pdf.toml``), the
amounts, numbers and dates formatted by Babel for it. Text from data is printed as it
is: fpdf2 interprets no markup unless asked (``markdown`` stays off), and C0 control
characters are dropped, since the font has no glyph for them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import TTFFont

from cofatui import i18n
from cofatui.enums import ChorusInvoiceType, ChorusVatRate
from cofatui.formats.facturx_pdf_fonts import FAMILY, font_files
from cofatui.formats.facturx_pdf_table import LINE_H, Columns, TableWriter
from cofatui.rules.facturx_model import FacturxInvoice, FacturxLine, FacturxParty

__all__ = ["printable", "render_pdf"]

# Every C0 control but tab and line feed, and DEL: no glyph, and some break lines.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# The total page count is filled in at output wherever this alias stands. Made of a
# control character, it can never come from data (``printable`` drops those).
_PAGES_ALIAS = "\x1dnb\x1d"
_UNIT_ONE = "C62"  # UN/ECE rec. 20 "one": no unit worth printing

_MARGIN = 15.0  # mm; 180 mm between the margins of an A4 page
_SMALL = 8
_BODY = 9
_TITLE = 16
_PARTIES = Columns((90, 90), ("L", "L"))
# Description, quantity, unit, unit price, VAT, total.
_LINES = Columns((70, 18, 14, 28, 16, 34), ("L", "R", "C", "R", "R", "R"))
_VAT = Columns((30, 40, 40), ("R", "R", "R"))
_VAT_EXEMPT = Columns((30, 40, 40, 70), ("R", "R", "R", "L"))
_TOTALS = Columns((50, 40), ("L", "R"))

# fpdf2 warns of each character the font has no glyph for (a Chinese name: DejaVu has
# none, the page shows a box); in the TUI that warning, with the characters, would land
# on the screen. Its errors still go through.
logging.getLogger("fpdf.output").setLevel(logging.ERROR)


def render_pdf(invoice: FacturxInvoice, language: str) -> bytes:
    """The invoice as a PDF/A-3B in ``language`` (``fr`` or ``en``)."""
    pdf = _InvoicePdf(invoice, language, font_files(reduced=True))
    content = pdf.render()
    if any(isinstance(font, TTFFont) and font.missing_glyphs for font in pdf.fonts.values()):
        # A character outside the reduced fonts (Hebrew, Armenian…): the whole fonts.
        content = _InvoicePdf(invoice, language, font_files(reduced=False)).render()
    return bytes(content)


@cache
def _currency_format(language: str) -> tuple[Any, Any]:
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(i18n.locale_name(language))
    return locale, parse_pattern(locale.currency_formats["standard"])


def _amount(value: Decimal, currency: str, language: str) -> str:
    """What ``i18n.format_amount`` writes, Babel's pattern parsed once per language
    rather than for each of a long invoice's amounts."""
    locale, pattern = _currency_format(language)
    try:
        return str(pattern.apply(value, locale, currency=currency, currency_digits=True))
    except Exception:  # an unknown currency: as i18n.format_amount words it
        return i18n.format_amount(value, currency, language)


def printable(value: str, *, multiline: bool = False) -> str:
    """``value`` as printed: control characters dropped; tabs as spaces; line feeds kept
    only where the block may hold several lines."""
    text = _CONTROLS.sub("", value).replace("\t", " ")
    return text if multiline else " ".join(text.splitlines())


class _InvoicePdf(FPDF):
    def __init__(self, invoice: FacturxInvoice, language: str,
                 fonts: dict[str, Path]) -> None:
        super().__init__(format="A4", enforce_compliance="PDF/A-3B")
        self.invoice = invoice
        self.language = language
        for style, path in fonts.items():
            self.add_font(FAMILY, style, path)
        self.alias_nb_pages(_PAGES_ALIAS)
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=_MARGIN + 5)
        self.set_lang(i18n.locale_name(language).replace("_", "-"))
        self.set_title(printable(self._title()))
        self.set_author(printable(invoice.seller.name))
        self.set_creator("cofatui")

    # --- words and formats of the reader's language ------------------------------------
    def _t(self, key: str, **params: object) -> str:
        return i18n.t_in(self.language, f"facturx_pdf.{key}", **params)

    def _amount(self, value: Decimal) -> str:
        return _amount(value, self.invoice.currency, self.language)

    def _date(self, value: date | None) -> str:
        return i18n.format_date(value, self.language)

    def _rate(self, rate: ChorusVatRate) -> str:
        if rate is ChorusVatRate.EXEMPT:
            return self._t("exempt")
        return self._t("rate", rate=i18n.format_number_in(Decimal(rate.value), self.language))

    def _title(self) -> str:
        key = "credit_note" if self.invoice.type is ChorusInvoiceType.CREDIT_NOTE else "invoice"
        return self._t(key, number=self.invoice.number)

    # --- the document -------------------------------------------------------------------
    def render(self) -> bytearray:
        self.add_page()
        self._heading()
        self._parties()
        self._references()
        self._lines()
        self._vat_breakdown()
        self._totals()
        self._payment()
        return self.output()

    def footer(self) -> None:
        self.set_y(-_MARGIN)
        self.set_font(FAMILY, size=_SMALL)
        self.cell(0, LINE_H, self._t("page", page=self.page_no(), pages=_PAGES_ALIAS),
                  align="C")

    def _heading(self) -> None:
        inv = self.invoice
        self.set_font(FAMILY, "B", _TITLE)
        self.multi_cell(0, 8, printable(self._title()), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, size=_BODY)
        self._field("invoice_date", self._date(inv.invoice_date))
        self._field("delivery_date", self._date(inv.delivery_date or inv.invoice_date))
        if inv.due_date is not None:
            self._field("due_date", self._date(inv.due_date))
        if inv.type is ChorusInvoiceType.CREDIT_NOTE and inv.origin_number:
            origin = printable(inv.origin_number)
            line = (self._t("origin", number=origin, date=self._date(inv.origin_date))
                    if inv.origin_date else self._t("origin_undated", number=origin))
            self.set_font(FAMILY, "B", _BODY)
            self.multi_cell(0, LINE_H, line, new_x="LMARGIN", new_y="NEXT")
            self.set_font(FAMILY, size=_BODY)
        self.ln(3)

    def _field(self, key: str, value: str) -> None:
        """One ``label: value`` line, the value printed literally."""
        line = self._t("field", label=self._t(key), value=value)
        self.multi_cell(0, LINE_H, line, new_x="LMARGIN", new_y="NEXT")

    def _parties(self) -> None:
        inv = self.invoice
        table = self._table(_PARTIES)
        table.heading([self._t("supplier"), self._t("recipient")])
        table.row([self._party(inv.seller), self._party(inv.buyer)])
        self.ln(3)

    def _party(self, party: FacturxParty) -> str:
        city = " ".join(p for p in (printable(party.postal_code), printable(party.city)) if p)
        lines = [printable(party.name), printable(party.address, multiline=True), city,
                 printable(party.country),
                 f"{self._t('siret')} {printable(party.siret)}"]
        if party.vat_number:
            lines.append(f"{self._t('vat_number')} {printable(party.vat_number)}")
        return "\n".join(line for line in lines if line.strip())

    def _references(self) -> None:
        inv = self.invoice
        shown = [(key, value) for key, value in (
            ("service_code", inv.service_code), ("engagement", inv.engagement),
            ("market_number", inv.market_number), ("frame", inv.frame)) if value]
        if not shown:
            return
        self._section("references")
        for key, value in shown:
            self._field(key, printable(value))
        self.ln(3)

    def _section(self, key: str) -> None:
        self._keep_together(4 * LINE_H)  # a title, never alone at the foot of a page
        self.set_font(FAMILY, "B", _BODY + 1)
        self.cell(0, LINE_H + 1, self._t(key), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, size=_BODY)

    def _keep_together(self, height: float) -> None:
        """A new page now unless ``height`` mm still fit on this one."""
        if self.will_page_break(height):
            self.add_page()

    def _table(self, columns: Columns, x: float | None = None) -> TableWriter:
        return TableWriter(self, columns, family=FAMILY, size=_BODY, x=x)

    def _lines(self) -> None:
        self._section("lines.title")
        table = self._table(_LINES)
        table.heading([self._t(f"lines.{key}") for key in (
            "label", "quantity", "unit", "unit_price", "vat_rate", "total")])
        for line in self.invoice.lines:
            table.row(self._line_cells(line))
        self.ln(3)

    def _line_cells(self, line: FacturxLine) -> list[str]:
        unit = "" if line.unit in ("", _UNIT_ONE) else printable(line.unit)
        return [printable(line.label, multiline=True),
                i18n.format_number_in(line.quantity, self.language), unit,
                self._amount(line.unit_price), self._rate(line.vat_rate),
                self._amount(line.amount_excl_tax)]

    def _vat_breakdown(self) -> None:
        self._section("vat.title")
        # The exemption reasons' column only when a rate is exempt.
        exempt = any(vat.exemption_reason for vat in self.invoice.vat)
        table = self._table(_VAT_EXEMPT if exempt else _VAT)
        heading = [self._t("vat.rate"), self._t("vat.base"), self._t("vat.amount")]
        table.heading([*heading, self._t("vat.reason")] if exempt else heading)
        for vat in self.invoice.vat:
            cells = [self._rate(vat.vat_rate), self._amount(vat.base),
                     self._amount(vat.amount)]
            table.row([*cells, printable(vat.exemption_reason)] if exempt else cells)
        self.ln(3)

    def _totals(self) -> None:
        inv = self.invoice
        rows: list[tuple[str, Decimal]] = [
            ("totals.excl_tax", inv.total_excl_tax), ("totals.vat", inv.total_vat),
            ("totals.incl_tax", inv.total_incl_tax)]
        if inv.prepaid:
            rows.append(("totals.prepaid", inv.prepaid))
        rows.append(("totals.due", inv.amount_due))
        self._keep_together(len(rows) * (LINE_H + 1))
        # On the right, under the amounts' columns.
        table = self._table(_TOTALS, x=self.w - self.r_margin - _TOTALS.width)
        for index, (key, value) in enumerate(rows):
            table.row([self._t(key), self._amount(value)], emphasis=index == len(rows) - 1)
        self.ln(3)

    def _payment(self) -> None:
        inv = self.invoice
        details = list(self._payment_fields())
        if not details and not inv.payment_terms:
            return
        self._section("payment.title")
        for key, value in details:
            self._field(key, value)
        if inv.payment_terms:
            self.ln(1)
            self.set_font(FAMILY, "B", _BODY)
            self.cell(0, LINE_H, self._t("payment.terms"), new_x="LMARGIN", new_y="NEXT")
            self.set_font(FAMILY, size=_SMALL)
            self.multi_cell(0, LINE_H - 1, printable(inv.payment_terms, multiline=True),
                            new_x="LMARGIN", new_y="NEXT")

    def _payment_fields(self) -> Iterable[tuple[str, str]]:
        inv = self.invoice
        if inv.payment_mode is not None:
            yield "payment.means", self._t(f"payment_mode.{inv.payment_mode.value}")
        if inv.iban:
            yield "payment.iban", printable(inv.iban)
        if inv.due_date is not None:
            yield "due_date", self._date(inv.due_date)

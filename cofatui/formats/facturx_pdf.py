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

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from cofatui import i18n
from cofatui.enums import ChorusInvoiceType, ChorusVatRate
from cofatui.formats.facturx_model import FacturxInvoice, FacturxLine, FacturxParty, FacturxVat

__all__ = ["FONT_DIR", "render_pdf"]

FONT_DIR = Path(__file__).parent / "fonts"
_FAMILY = "DejaVu"
# Every C0 control but tab and line feed, and DEL: no glyph, and some break lines.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# The total page count is filled in at output wherever this alias stands. Made of a
# control character, it can never come from data (``_text`` drops those).
_PAGES_ALIAS = "\x1dnb\x1d"
_UNIT_ONE = "C62"  # UN/ECE rec. 20 "one": no unit worth printing

_MARGIN = 15.0
_LINE_H = 5.0
_SMALL = 8
_BODY = 9
_TITLE = 16
# Description, quantity, unit, unit price, VAT, total: 180 mm between the margins.
_LINE_WIDTHS = (70, 18, 14, 28, 16, 34)
_LINE_ALIGN = ("L", "R", "C", "R", "R", "R")
_PAD = 0.5  # above and below a row's text
# A row never runs past a page: what the body of a page holds, less the heading row.
_MAX_ROW_LINES = 40
_HEADING_FILL = (230, 230, 230)
_HEADINGS = FontFace(emphasis="BOLD", fill_color=_HEADING_FILL)


def _row_height(wrapped: list[list[str]]) -> float:
    return max(len(lines) for lines in wrapped) * _LINE_H + 2 * _PAD


def render_pdf(invoice: FacturxInvoice, language: str) -> bytes:
    """The invoice as a PDF/A-3B in ``language`` (``fr`` or ``en``)."""
    return bytes(_InvoicePdf(invoice, language).render())


def _text(value: str, *, multiline: bool = False) -> str:
    """``value`` as printed: control characters dropped; tabs as spaces; line feeds kept
    only where the block may hold several lines."""
    text = _CONTROLS.sub("", value).replace("\t", " ")
    return text if multiline else " ".join(text.splitlines())


class _InvoicePdf(FPDF):
    def __init__(self, invoice: FacturxInvoice, language: str) -> None:
        super().__init__(format="A4", enforce_compliance="PDF/A-3B")
        self.invoice = invoice
        self.language = language
        self.add_font(_FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(_FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.alias_nb_pages(_PAGES_ALIAS)
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=_MARGIN + 5)
        self.set_lang(i18n.locale_name(language).replace("_", "-"))
        self.set_title(_text(self._title()))
        self.set_author(_text(invoice.seller.name))
        self.set_creator("cofatui")

    # --- words and formats of the reader's language ------------------------------------
    def _t(self, key: str, **params: object) -> str:
        return i18n.t_in(self.language, f"facturx_pdf.{key}", **params)

    def _amount(self, value: Decimal) -> str:
        return i18n.format_amount(value, self.invoice.currency, self.language)

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
        self.set_font(_FAMILY, size=_SMALL)
        self.cell(0, _LINE_H, self._t("page", page=self.page_no(), pages=_PAGES_ALIAS),
                  align="C")

    def _heading(self) -> None:
        inv = self.invoice
        self.set_font(_FAMILY, "B", _TITLE)
        self.multi_cell(0, 8, _text(self._title()), new_x="LMARGIN", new_y="NEXT")
        self.set_font(_FAMILY, size=_BODY)
        self._field("invoice_date", self._date(inv.invoice_date))
        self._field("delivery_date", self._date(inv.delivery_date or inv.invoice_date))
        if inv.due_date is not None:
            self._field("due_date", self._date(inv.due_date))
        if inv.type is ChorusInvoiceType.CREDIT_NOTE and inv.origin_number:
            origin = _text(inv.origin_number)
            line = (self._t("origin", number=origin, date=self._date(inv.origin_date))
                    if inv.origin_date else self._t("origin_undated", number=origin))
            self.set_font(_FAMILY, "B", _BODY)
            self.multi_cell(0, _LINE_H, line, new_x="LMARGIN", new_y="NEXT")
            self.set_font(_FAMILY, size=_BODY)
        self.ln(3)

    def _field(self, key: str, value: str) -> None:
        """One ``label: value`` line, the value printed literally."""
        line = self._t("field", label=self._t(key), value=value)
        self.multi_cell(0, _LINE_H, line, new_x="LMARGIN", new_y="NEXT")

    def _parties(self) -> None:
        inv = self.invoice
        with self.table(col_widths=(90, 90), headings_style=_HEADINGS, markdown=False,
                        line_height=_LINE_H, borders_layout="HORIZONTAL_LINES") as table:
            table.row([self._t("supplier"), self._t("recipient")])
            table.row([self._party(inv.seller), self._party(inv.buyer)])
        self.ln(3)

    def _party(self, party: FacturxParty) -> str:
        city = " ".join(p for p in (_text(party.postal_code), _text(party.city)) if p)
        lines = [_text(party.name), _text(party.address, multiline=True), city,
                 _text(party.country),
                 f"{self._t('siret')} {_text(party.siret)}"]
        if party.vat_number:
            lines.append(f"{self._t('vat_number')} {_text(party.vat_number)}")
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
            self._field(key, _text(value))
        self.ln(3)

    def _section(self, key: str) -> None:
        self.set_font(_FAMILY, "B", _BODY + 1)
        self.cell(0, _LINE_H + 1, self._t(key), new_x="LMARGIN", new_y="NEXT")
        self.set_font(_FAMILY, size=_BODY)

    def _lines(self) -> None:
        """The lines table, drawn row by row: fpdf2's ``table()`` lays every cell out
        twice and made a 200-line invoice take a second."""
        self._section("lines.title")
        self._row(self._line_headings(), heading=True)
        for line in self.invoice.lines:
            cells = self._line_cells(line)
            wrapped = self._wrapped(cells)
            if self.will_page_break(_row_height(wrapped)):
                # The heading row is repeated at the top of each page the table runs onto.
                self.add_page()
                self._row(self._line_headings(), heading=True)
            self._draw_row(wrapped)
        self.ln(3)

    def _line_headings(self) -> list[str]:
        return [self._t(f"lines.{key}") for key in (
            "label", "quantity", "unit", "unit_price", "vat_rate", "total")]

    def _row(self, cells: list[str], *, heading: bool = False) -> None:
        if heading:
            self.set_font(_FAMILY, "B", _BODY)
        self._draw_row(self._wrapped(cells), heading=heading)
        self.set_font(_FAMILY, size=_BODY)

    def _wrapped(self, cells: list[str]) -> list[list[str]]:
        """Each cell's text as the lines it takes in its column, at most a page's worth
        (a label longer than a page is cut, its last line ending with "…")."""
        out = []
        for text, width in zip(cells, _LINE_WIDTHS, strict=True):
            if "\n" not in text and self.get_string_width(text) <= width - 2 * self.c_margin:
                out.append([text])
                continue
            split = self.multi_cell(width, _LINE_H, text, dry_run=True, output="LINES")
            lines = [str(line) for line in split] if isinstance(split, list) else []
            lines = lines or [""]
            if len(lines) > _MAX_ROW_LINES:
                lines = [*lines[:_MAX_ROW_LINES - 1], lines[_MAX_ROW_LINES - 1] + "…"]
            out.append(lines)
        return out

    def _draw_row(self, wrapped: list[list[str]], *, heading: bool = False) -> None:
        height = _row_height(wrapped)
        x, y = self.l_margin, self.get_y()
        if heading:
            self.set_fill_color(*_HEADING_FILL)
        for lines, width, align in zip(wrapped, _LINE_WIDTHS, _LINE_ALIGN, strict=True):
            self.rect(x, y, width, height, style="DF" if heading else "D")
            for index, text in enumerate(lines):
                self.set_xy(x, y + _PAD + index * _LINE_H)
                self.cell(width, _LINE_H, text, align=align)
            x += width
        self.set_xy(self.l_margin, y + height)

    def _line_cells(self, line: FacturxLine) -> list[str]:
        unit = "" if line.unit in ("", _UNIT_ONE) else _text(line.unit)
        return [_text(line.label, multiline=True),
                i18n.format_number_in(line.quantity, self.language), unit,
                self._amount(line.unit_price), self._rate(line.vat_rate),
                self._amount(line.amount_excl_tax)]

    def _vat_breakdown(self) -> None:
        self._section("vat.title")
        with self.table(col_widths=(30, 40, 40, 70), text_align=("RIGHT", "RIGHT", "RIGHT",
                                                                 "LEFT"),
                        headings_style=_HEADINGS, markdown=False, line_height=_LINE_H,
                        repeat_headings=1) as table:
            table.row([self._t("vat.rate"), self._t("vat.base"), self._t("vat.amount"), ""])
            for vat in self.invoice.vat:
                table.row(self._vat_cells(vat))
        self.ln(3)

    def _vat_cells(self, vat: FacturxVat) -> list[str]:
        reason = (self._t("exemption", reason=_text(vat.exemption_reason))
                  if vat.exemption_reason else "")
        return [self._rate(vat.vat_rate), self._amount(vat.base), self._amount(vat.amount),
                reason]

    def _totals(self) -> None:
        inv = self.invoice
        rows: list[tuple[str, Decimal]] = [
            ("totals.excl_tax", inv.total_excl_tax), ("totals.vat", inv.total_vat),
            ("totals.incl_tax", inv.total_incl_tax)]
        if inv.prepaid:
            rows.append(("totals.prepaid", inv.prepaid))
        rows.append(("totals.due", inv.amount_due))
        with self.table(width=90, align="RIGHT", col_widths=(50, 40),
                        text_align=("LEFT", "RIGHT"), first_row_as_headings=False,
                        markdown=False, line_height=_LINE_H) as table:
            for index, (key, value) in enumerate(rows):
                style = _HEADINGS if index == len(rows) - 1 else None
                table.row([self._t(key), self._amount(value)], style=style)
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
            self.set_font(_FAMILY, "B", _BODY)
            self.cell(0, _LINE_H, self._t("payment.terms"), new_x="LMARGIN", new_y="NEXT")
            self.set_font(_FAMILY, size=_SMALL)
            self.multi_cell(0, _LINE_H - 1, _text(inv.payment_terms, multiline=True),
                            new_x="LMARGIN", new_y="NEXT")

    def _payment_fields(self) -> Iterable[tuple[str, str]]:
        inv = self.invoice
        if inv.payment_mode is not None:
            yield "payment.means", self._t(f"payment_mode.{inv.payment_mode.value}")
        if inv.iban:
            yield "payment.iban", _text(inv.iban)
        if inv.due_date is not None:
            yield "due_date", self._date(inv.due_date)

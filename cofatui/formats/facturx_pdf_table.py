"""A plain table for the invoice PDF (``formats/facturx_pdf.py``): boxed cells whose
text wraps inside its column, a heading row repeated at the top of each page the table
runs onto, rows never split across pages.

fpdf2 has ``FPDF.table()``, but it lays every cell out twice through ``multi_cell``:
a 200-line invoice took about a second. Here a cell that fits on one line is measured
once and written with one ``cell()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

__all__ = ["Columns", "TableWriter"]

LINE_H = 5.0  # one line of text, in mm
_PAD = 0.5  # above and below a row's text
# A row never runs past a page: what the body of an A4 page holds, less the heading.
MAX_ROW_LINES = 40
_HEADING_FILL = (230, 230, 230)


@dataclass(frozen=True)
class Columns:
    widths: tuple[float, ...]  # mm
    aligns: tuple[str, ...]  # fpdf2's "L", "C", "R"

    @property
    def width(self) -> float:
        return sum(self.widths)


class TableWriter:
    """Rows of ``columns`` written on ``pdf`` from ``x`` (default: the left margin), in
    ``family`` at ``size`` points, bold for the heading and emphasised rows."""

    def __init__(self, pdf: FPDF, columns: Columns, *, family: str, size: float,
                 x: float | None = None) -> None:
        self.pdf = pdf
        self.columns = columns
        self.family = family
        self.size = size
        self.x = pdf.l_margin if x is None else x
        self._heading: list[str] | None = None

    def heading(self, cells: Sequence[str]) -> None:
        """Write the heading row now and again at the top of each new page."""
        self._heading = list(cells)
        self._write(self._heading, bold=True)

    def row(self, cells: Sequence[str], *, emphasis: bool = False) -> None:
        self._write(list(cells), bold=emphasis)

    def _write(self, cells: list[str], *, bold: bool) -> None:
        pdf = self.pdf
        pdf.set_font(self.family, "B" if bold else "", self.size)
        wrapped = self._wrapped(cells)
        height = max(len(lines) for lines in wrapped) * LINE_H + 2 * _PAD
        if pdf.will_page_break(height):
            pdf.add_page()
            if self._heading is not None and cells is not self._heading:
                self._write(self._heading, bold=True)
                pdf.set_font(self.family, "B" if bold else "", self.size)
        x, y = self.x, pdf.get_y()
        if bold:
            pdf.set_fill_color(*_HEADING_FILL)
        for lines, width, align in zip(wrapped, self.columns.widths, self.columns.aligns,
                                       strict=True):
            pdf.rect(x, y, width, height, style="DF" if bold else "D")
            for index, text in enumerate(lines):
                pdf.set_xy(x, y + _PAD + index * LINE_H)
                pdf.cell(width, LINE_H, text, align=align)
            x += width
        pdf.set_font(self.family, "", self.size)
        pdf.set_xy(pdf.l_margin, y + height)

    def _wrapped(self, cells: list[str]) -> list[list[str]]:
        """Each cell's text as the lines it takes in its column, at most
        ``MAX_ROW_LINES`` (a longer text is cut, its last line ending with "…")."""
        pdf = self.pdf
        out = []
        for text, width in zip(cells, self.columns.widths, strict=True):
            if "\n" not in text and pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
                out.append([text])
                continue
            split = pdf.multi_cell(width, LINE_H, text, dry_run=True, output="LINES")
            lines = [str(line) for line in split] if isinstance(split, list) else []
            lines = lines or [""]
            if len(lines) > MAX_ROW_LINES:
                lines = [*lines[:MAX_ROW_LINES - 1], lines[MAX_ROW_LINES - 1] + "…"]
            out.append(lines)
        return out

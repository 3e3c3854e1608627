"""The company page as the user's preferences want it (issue 16 item 9): the Coface
reference (CRS) only when "Show Coface reference" is on; with "Show non-Latin names" on,
the name and address in the company's own script beside the Latin ones. Columns are
padded by terminal cells (``rich.cells.cell_len``), so Chinese (two cells a character)
and Greek stay aligned with Latin text."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from cofatui.i18n import t
from cofatui.schemas import CompanyPublic
from cofatui.tui.safe import clean, plain

#: (label, value in Latin script, value in the local script or "")
Line = tuple[str, str, str]


def pad(text: str, cells: int) -> str:
    """``text`` followed by spaces up to ``cells`` terminal cells."""
    return text + " " * max(0, cells - cell_len(text))


def info_lines(c: CompanyPublic, *, show_crs: bool, show_local: bool) -> list[Line]:
    """The identity block's lines; empty values left out."""
    local = show_local
    lines: list[Line] = [
        (t("company.field.address"), c.address, (c.address_local or "") if local else ""),
        (t("company.field.postal_code"), c.postal_code, ""),
        (t("company.field.city"), c.city, (c.city_local or "") if local else ""),
        (t("company.field.region"), c.region, ""),
        (t("company.field.country"), c.country, ""),
        (t("company.field.phone"), c.phone, ""),
        (t("company.easy_number"), c.easy_number, ""),
    ]
    if show_crs:
        lines.append((t("company.coface_reference"), c.coface_reference or "", ""))
    if local and c.name_local:
        lines.insert(0, (t("preferences_ui.local_name"), c.name, c.name_local))
    lines += [(i.type_code, i.value, "") for i in c.identifiers]
    return [line for line in lines if line[1] or line[2]]


def aligned(lines: list[Line]) -> Text:
    """Label, Latin value and local value in columns aligned by cell width."""
    labels = [clean(label) for label, _, _ in lines]
    values = [clean(value) for _, value, _ in lines]
    beside = any(local for _, _, local in lines)
    width = max((cell_len(label) for label in labels), default=0) + 2 if beside else 0
    latin = max((cell_len(v) for v, (_, _, loc) in zip(values, lines, strict=True) if loc),
                default=0)
    out = Text()
    for label, value, (_, _, local) in zip(labels, values, lines, strict=True):
        out.append(pad(f"{label}:", width) if beside else f"{label}: ", style="dim")
        if local:
            out.append_text(plain(pad(value, latin)))
            out.append("  │ ", style="dim")
            out.append_text(plain(local))
        else:
            out.append_text(plain(value))
        out.append("\n")
    return out


def name_beside(c: CompanyPublic, *, show_local: bool) -> Text:
    """The company's name, and its local-script name beside it when asked."""
    out = plain(c.name, style="bold")
    if show_local and c.name_local:
        out.append("  ")
        out.append_text(plain(c.name_local, style="bold"))
    return out


__all__ = ["aligned", "info_lines", "name_beside", "pad"]

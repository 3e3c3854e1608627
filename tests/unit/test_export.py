"""CSV and XLSX exports: read back what was written, stream, never leave half files."""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cofatui.enums import Importance
from cofatui.formats.export import (
    ExportCancelled,
    ExportColumn,
    csv_text,
    export_file,
    timestamped_name,
    write_csv,
    write_xlsx,
)


@dataclass
class Row:
    id: int
    name: str
    amount: Decimal | None
    day: date
    at: datetime
    importance: Importance
    read: bool


COLUMNS = [
    ExportColumn("Id", lambda r: r.id),
    ExportColumn("Name", lambda r: r.name, width=30),
    ExportColumn("Amount", lambda r: r.amount),
    ExportColumn("Day", lambda r: r.day),
    ExportColumn("At", lambda r: r.at.replace(tzinfo=None)),
    ExportColumn("Importance", lambda r: r.importance),
    ExportColumn("Read", lambda r: r.read),
]

NASTY = ["Foo [UK] Ltd", "[/] x", "[@click=app.quit]x[/]", "$accent", "Société Générale; \"Ltd\"",
         "line\nbreak", "=HYPERLINK(\"http://x\")", "Zürich 東京"]


def rows(n: int) -> Iterator[Row]:
    for i in range(n):
        yield Row(id=i + 1, name=NASTY[i % len(NASTY)], amount=Decimal("1234.50") if i % 3
                  else None, day=date(2026, 1, 1 + i % 28),
                  at=datetime(2026, 11, 22, 12, i % 60, tzinfo=UTC),
                  importance=Importance.HIGH, read=bool(i % 2))


def test_csv_has_bom_semicolons_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert write_csv(path, COLUMNS, rows(20)) == 20
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\r\n")[0] == b"\xef\xbb\xbfId;Name;Amount;Day;At;Importance;Read"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh, delimiter=";"))
    assert got[0] == [c.label for c in COLUMNS]
    assert len(got) == 21
    for line, row in zip(got[1:], rows(20), strict=True):
        assert line[0] == str(row.id)
        expected = "'" + row.name if row.name.startswith("=") else row.name
        assert line[1] == expected
        assert line[2] == ("" if row.amount is None else "1234.50")
        assert line[3] == row.day.isoformat()
        assert line[4] == row.at.strftime("%Y-%m-%d %H:%M")
        assert line[5] == "high"
        assert line[6] == ("1" if row.read else "0")


def test_csv_neutralises_formulas_only_in_text() -> None:
    assert csv_text("=1+1") == "'=1+1"
    assert csv_text("@SUM(A1)") == "'@SUM(A1)"
    assert csv_text(-5) == "-5"
    assert csv_text(Decimal("-1.5")) == "-1.5"
    assert csv_text(None) == ""


def test_xlsx_reads_back_with_types(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    assert write_xlsx(path, COLUMNS, rows(20)) == 20
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.active
    assert sheet is not None
    got = list(sheet.iter_rows(values_only=True))
    assert got[0] == tuple(c.label for c in COLUMNS)
    assert len(got) == 21
    for line, row in zip(got[1:], rows(20), strict=True):
        assert line[0] == row.id
        assert line[1] == row.name  # never a formula, never reinterpreted
        assert line[2] == (None if row.amount is None else 1234.5)
        assert line[3] == datetime(row.day.year, row.day.month, row.day.day)
        assert line[4] == row.at.replace(tzinfo=None)
        assert line[5] == "high"
        assert line[6] is row.read
    book.close()


def test_xlsx_drops_control_characters_xml_cannot_hold(tmp_path: Path) -> None:
    path = tmp_path / "ctrl.xlsx"
    col = [ExportColumn("Name", lambda r: r)]
    write_xlsx(path, col, ["a\x1b[2Jb", "c\x07d", "tab\there"])
    book = openpyxl.load_workbook(path, read_only=True)
    values = [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert values == ["a[2Jb", "cd", "tab\there"]
    book.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_progress_and_cancel_leave_no_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"big{suffix}"
    seen: list[int] = []
    export_file(path, COLUMNS, rows(1200), progress=seen.append)
    assert seen == [500, 1000, 1200]

    path.unlink()
    with pytest.raises(ExportCancelled):
        export_file(path, COLUMNS, rows(1200), progress=lambda n: n < 1000)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_failure_keeps_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "keep.csv"
    path.write_text("previous", encoding="utf-8")

    def broken() -> Iterator[Row]:
        yield from rows(3)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_csv(path, COLUMNS, broken())
    assert path.read_text(encoding="utf-8") == "previous"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_streaming_memory_stays_flat(tmp_path: Path, suffix: str) -> None:
    """20 000 generated rows: peak Python memory stays far below what holding them takes."""
    tracemalloc.start()
    try:
        export_file(tmp_path / f"stream{suffix}", COLUMNS, rows(20_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak


def test_timestamped_name_is_safe() -> None:
    when = datetime(2026, 11, 22, 9, 5, 3)
    assert timestamped_name("notifications", when, "xlsx") == \
        "notifications-20261122-090503.xlsx"
    assert timestamped_name("a/b: c", when, ".csv") == "a-b--c-20261122-090503.csv"


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        export_file(tmp_path / "x.txt", COLUMNS, rows(1))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_files_get_the_usual_permissions(tmp_path: Path, suffix: str) -> None:
    import os

    old = os.umask(0o022)
    try:
        path = tmp_path / f"perm{suffix}"
        export_file(path, COLUMNS, rows(3))
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644

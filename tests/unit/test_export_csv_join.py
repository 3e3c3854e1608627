"""CSV lines joined without the csv module (issue 15 speed) are the bytes the csv
module writes: any cells (delimiters, quotes, line breaks, empty cells, values that
are not texts), in any order, batched or not."""

from __future__ import annotations

import csv
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from cofatui.formats.export import write_csv_cells

cells: st.SearchStrategy[object] = st.one_of(
    st.text(), st.sampled_from(["", ";", '"', "a;b", 'say "hi"', "\r\n", "\n", "\r", "x\x00y",
                               " ", "\t"]),
    st.integers(), st.none(), st.floats(allow_nan=False))


def _csv_module(path: Path, labels: list[str], lines: list[list[object]]) -> bytes:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(labels)
        writer.writerows(lines)
    return path.read_bytes()


@settings(max_examples=300, deadline=None)
@given(width=st.integers(1, 4), data=st.data())
def test_joined_lines_are_the_csv_modules_bytes(tmp_path_factory: pytest.TempPathFactory,
                                                width: int, data: st.DataObject) -> None:
    line = st.lists(cells, min_size=width, max_size=width)
    lines: list[list[object]] = data.draw(st.lists(line, max_size=40))
    folder = tmp_path_factory.mktemp("join")
    labels = [f"c{i}" for i in range(width)]
    count = write_csv_cells(folder / "fast.csv", labels, lines)  # type: ignore[arg-type]
    assert count == len(lines)
    assert (folder / "fast.csv").read_bytes() == _csv_module(folder / "slow.csv", labels, lines)


def test_a_long_file_keeps_its_lines_in_order_around_quoted_ones(tmp_path: Path) -> None:
    lines: list[list[object]] = [[str(n), "plain" if n % 97 else 'needs "quotes"', ""]
                                 for n in range(2_000)]
    lines[1234] = ["", "", ""]
    lines[1500] = ["x", None, 3]
    write_csv_cells(tmp_path / "fast.csv", ["a", "b", "c"], lines)  # type: ignore[arg-type]
    assert (tmp_path / "fast.csv").read_bytes() == _csv_module(
        tmp_path / "slow.csv", ["a", "b", "c"], lines)

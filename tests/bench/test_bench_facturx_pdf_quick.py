"""Keeps the Factur-X PDF benchmark working: its quick mode runs with the tests (timings
are reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_facturx_pdf, harness


def test_facturx_pdf_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_facturx_pdf.main(["--quick"])
    payload = json.loads((tmp_path / "facturx_pdf.json").read_text())
    steps = {row["step"] for row in payload["rows"]}
    assert {"Factur-X, 20 lines", "Factur-X, 200 lines", "PDF alone, 20 lines",
            "PDF alone, 200 lines"} <= steps
    assert payload["runs"] == 3

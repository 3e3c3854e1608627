"""Keeps the Chorus Pro benchmark working: its quick mode runs with the tests (timings
are reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_chorus, harness


def test_chorus_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_chorus.main(["--quick"])
    payload = json.loads((tmp_path / "chorus.json").read_text())
    assert payload["invoices"] == 2000
    steps = {row["step"] for row in payload["rows"]}
    assert {"submit with checks", "one move (service done)", "dashboard issued",
            "search page (100 rows)"} <= steps

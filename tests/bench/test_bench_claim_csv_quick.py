"""Keeps the claim CSV benchmark working: its quick mode runs with the tests (timings
are reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_claim_csv, harness


def test_claim_csv_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_claim_csv.main(["--quick"])
    payload = json.loads((tmp_path / "claim_csv.json").read_text())
    assert payload["quick"] and len(payload["results"]) == 5
    assert "parse + validate" in capsys.readouterr().out

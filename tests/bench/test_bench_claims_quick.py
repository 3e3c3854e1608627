"""Keeps the claims benchmark working: its quick mode runs with the tests (timings are
reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_claims, harness


def test_claims_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_claims.main(["--quick"])
    payload = json.loads((tmp_path / "claims.json").read_text())
    cases = {row["case"] for row in payload["results"]}
    assert payload["quick"] and payload["sizes"]["sqlite"]["claims"] == 2400
    assert "claims portfolio first page (100 + total)" in cases
    assert "submit 100 invoices over HTTP (cofatui serve)" in cases
    assert "claims portfolio first page" in capsys.readouterr().out

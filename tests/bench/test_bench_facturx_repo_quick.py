"""Keeps the Factur-X repository benchmark working: its quick mode runs with the tests
(timings are reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_facturx_repo, harness


def test_facturx_repo_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_facturx_repo.main(["--quick"])
    payload = json.loads((tmp_path / "facturx_repo.json").read_text())
    assert payload["invoices"] == 30
    steps = {row["step"] for row in payload["rows"]}
    assert {"import one Factur-X (2 lines)", "export one invoice (Factur-X)",
            "export job, 30 invoices (XML)", "export job, 30 invoices (Factur-X)"} <= steps

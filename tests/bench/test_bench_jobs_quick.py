"""Keeps the jobs benchmark working: its quick mode runs with the tests (timings are
reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_jobs, harness


def test_jobs_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_jobs.main(["--quick"])
    payload = json.loads((tmp_path / "jobs.json").read_text())
    assert payload["drain"]["jobs"] == 20
    assert payload["outbox"]["sent"] == payload["outbox"]["received"] == 100

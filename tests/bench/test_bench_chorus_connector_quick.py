"""Keeps the connector benchmark working: its quick mode runs with the tests (timings
are reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_chorus_connector, harness
from tests.doubles.piste import PASSWORD_ENV, SECRET_ENV


def test_connector_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    # The benchmark sets the double's secrets in the environment: undone after.
    monkeypatch.setenv(SECRET_ENV, "")
    monkeypatch.setenv(PASSWORD_ENV, "")
    bench_chorus_connector.main(["--quick"])
    payload = json.loads((tmp_path / "chorus_connector.json").read_text())
    steps = {row["step"] for row in payload["rows"]}
    assert "round trip (deposit, report, identifier, history)" in steps
    # One deposit per invoice, never two: warm-ups and runs of two deposit steps.
    assert payload["double"]["deposits"] == 2 * (payload["runs"] + 2)

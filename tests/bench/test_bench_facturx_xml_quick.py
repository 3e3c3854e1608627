"""Keeps the Factur-X XML benchmark working: its quick mode runs with the tests
(timings are reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_facturx_xml, harness


def test_facturx_xml_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_facturx_xml.main(["--quick"])
    payload = json.loads((tmp_path / "facturx_xml.json").read_text())
    assert payload["quick"] and payload["runs"] == 3
    built = [row for row in payload["rows"] if row["step"].startswith("build_xml")]
    assert [(row["lines"], row["goal_ms"]) for row in built] == [(20, 10.0), (200, 30.0)]
    assert "Factur-X XML" in capsys.readouterr().out

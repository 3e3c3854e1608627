"""Keeps the login flood benchmark working: its quick mode runs with the tests (timings
are reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_login_flood, harness


def test_login_flood_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_login_flood.main(["--quick"])
    payload = json.loads((tmp_path / "login_flood.json").read_text())
    assert [row["what"].split(" (")[0].split(",")[0] for row in payload["reads"]] == [
        "GET /me", "notification list"]
    assert payload["logins"]["answers"] > 0
    assert set(payload["logins"]["statuses"]) <= {"401", "429"}
    assert payload["rss_mib"]["peak"] >= payload["rss_mib"]["before"] > 0

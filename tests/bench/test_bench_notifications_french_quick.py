"""Keeps the French notification-list benchmark working: its quick mode runs with the
tests (timings are reported by the script, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_notifications_french, harness


def test_french_notifications_benchmark_quick_mode_runs_and_writes_its_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    bench_notifications_french.main(["--quick", "--cache", str(tmp_path / "cache")])
    payload = json.loads((tmp_path / "notifications_french.json").read_text())
    assert payload["notifications"] > 1000
    # Every demo notification is a kind rendered per language, none a stored sentence.
    assert payload["rendered_from_a_kind"] == payload["notifications"]
    assert {row["measure"] for row in payload["results"]} == {
        "windows (fetch + draw)", "cells only", "every title, first read",
        "text filter, first window"}
    assert all(row["fr/en"] is not None for row in payload["results"])

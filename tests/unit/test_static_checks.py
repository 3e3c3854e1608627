"""The code stays ruff- and mypy-clean (strict, cofatui and tests, as pyproject says):
checked by the suite itself, so a commit that breaks typing does not land."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True,
                          text=True, timeout=900, check=False)


def mypy_cache_args() -> list[str]:
    """mypy's incremental cache beside the bytecode (``sys.pycache_prefix``, which the CI
    run and ``tests/conftest.py`` set), one folder per checkout: a clean clone has no
    ``.mypy_cache`` of its own, so every CI run checked the ~1 100 modules from nothing
    (about 50 s of CPU), where a warm cache rechecks only what changed and what depends
    on it. mypy decides freshness from each file's content hash, its options, its own
    version and the installed packages, and reports again the errors it kept for a
    module it does not recheck, so a cold or stale cache finds what a fresh run does (a
    cold one checks everything). Without a prefix mypy keeps its default
    ``.mypy_cache`` in the checkout."""
    if not sys.pycache_prefix:
        return []
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:16]
    return ["--cache-dir", str(Path(sys.pycache_prefix) / "mypy" / checkout)]


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing() -> None:
    result = _run("mypy", *mypy_cache_args())
    assert result.returncode == 0, result.stdout + result.stderr

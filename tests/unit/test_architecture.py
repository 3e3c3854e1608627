"""The layer rules of DESIGN.md hold, no module of ours imports itself through others,
and the migrations match the models."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest
from alembic.script import ScriptDirectory

from cofatui import migrations
from cofatui.migrations.compared import schema_differences
from cofatui.repository.sql import make_engine

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_are_kept() -> None:
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is not installed: install the [dev] extra")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "broken" not in result.stdout.split("Contracts:")[-1].replace("0 broken", "")


def test_contracts_include_feature_independence_and_layers_without_escape() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    kinds = {contract["type"] for contract in contracts}
    assert {"independence", "layers", "forbidden"} <= kinds
    assert [c["name"] for c in contracts if "allow_indirect_imports" in c] == []


def import_cycles(package: str) -> list[list[str]]:
    """The strongly connected groups of modules (Tarjan) of ``package``'s import graph,
    imports inside functions included. Imports under ``if TYPE_CHECKING:`` are left out:
    they name types for mypy and never run (import-linter leaves them out likewise)."""
    graph = grimp.build_graph(package, cache_dir=None, exclude_type_checking_imports=True)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph.find_modules_directly_imported_by(module):
                cycles.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph.modules)))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return cycles


def test_no_import_cycle_in_cofatui() -> None:
    assert import_cycles("cofatui") == []


def test_head_constant_matches_the_migration_scripts() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert script.get_current_head() == migrations.HEAD


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "schema.sqlite"))
    migrations.upgrade(engine)
    with engine.connect() as conn:
        # FTS5 shadow tables are ours, created by the migrations, not the models.
        assert schema_differences(conn) == []

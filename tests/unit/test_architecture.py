"""The layer rules of DESIGN.md hold, and the migrations match the models."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from cofatui import migrations
from cofatui.repository.sql import make_engine

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_are_kept() -> None:
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is not installed: install the [dev] extra")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "broken" not in result.stdout.split("Contracts:")[-1].replace("0 broken", "")


def test_head_constant_matches_the_migration_scripts() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert script.get_current_head() == migrations.HEAD


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "schema.sqlite"))
    migrations.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [d for d in compare_metadata(context, SQLModel.metadata)
                # FTS5 shadow tables are ours, created by the migrations, not the models.
                if not (d[0] == "remove_table"
                        and d[1].name.startswith(("portfolio_search", "claim_debtor_search")))]
    assert diff == []

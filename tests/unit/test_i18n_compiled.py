"""The catalogues are kept compiled beside the bytecode (issue 21 item 1: a start no
longer parses ~130 TOML files a language), and a changed file is always read again."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cofatui import i18n


def test_the_compiled_catalogue_is_the_parsed_one(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = {language: i18n.load_catalog(i18n.HERE / language, None)
              for language in i18n.LANGUAGES}
    for language in i18n.LANGUAGES:
        assert i18n.load_catalog(i18n.HERE / language, tmp_path) == parsed[language]

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("parsed again although nothing changed")

    monkeypatch.setattr(tomllib, "load", refuse)
    for language in i18n.LANGUAGES:
        assert i18n.load_catalog(i18n.HERE / language, tmp_path) == parsed[language]


def _tree(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "en"
    (root / "errors").mkdir(parents=True, exist_ok=True)
    (root / "home.toml").write_text(text, encoding="utf-8")
    (root / "errors" / "claims.toml").write_text('late = "Too late"\n', encoding="utf-8")
    return root


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    root = _tree(tmp_path, 'title = "Home"\n')
    kept = tmp_path / "compiled"
    assert i18n.load_catalog(root, kept) == {"home.title": "Home",
                                              "errors.claims.late": "Too late"}
    _tree(tmp_path, 'title = "Welcome home"\n[band]\nlow = "Low"\n')
    assert i18n.load_catalog(root, kept) == {"home.title": "Welcome home",
                                              "home.band.low": "Low",
                                              "errors.claims.late": "Too late"}
    (root / "errors" / "claims.toml").unlink()
    assert i18n.load_catalog(root, kept) == {"home.title": "Welcome home",
                                              "home.band.low": "Low"}


def test_a_damaged_or_unwritable_compiled_file_only_costs_a_parse(tmp_path: Path) -> None:
    root = _tree(tmp_path, 'title = "Home"\n')
    kept = tmp_path / "compiled"
    i18n.load_catalog(root, kept)
    (kept / "i18n-en.marshal").write_bytes(b"\x00not marshal")
    assert i18n.load_catalog(root, kept)["home.title"] == "Home"
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert i18n.load_catalog(root, blocked)["home.title"] == "Home"  # cannot mkdir there


def test_the_catalogue_copy_in_a_fresh_tree_is_complete(tmp_path: Path) -> None:
    copy = tmp_path / "fr"
    shutil.copytree(i18n.HERE / "fr", copy)
    assert i18n.load_catalog(copy, tmp_path / "c") == i18n.load_catalog(i18n.HERE / "fr", None)

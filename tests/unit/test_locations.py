"""Where cofatui keeps its files, and the environment overrides tests and CI rely on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from cofatui import locations
from cofatui.errors import CofaError


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    config, data = tmp_path / "conf", tmp_path / "data"
    monkeypatch.setenv("COFATUI_CONFIG_DIR", str(config))
    monkeypatch.setenv("COFATUI_DATA_DIR", str(data))
    return config, data


def test_environment_overrides_every_path(dirs: tuple[Path, Path]) -> None:
    config, data = dirs
    assert locations.config_dir() == config
    assert locations.data_dir() == data
    assert locations.default_config_file() == config / "config.toml"
    assert locations.default_sqlite_path() == data / "cofatui.sqlite"
    assert locations.attachments_dir() == data / "attachments"
    assert locations.exports_dir() == data / "exports"


def test_sqlite_url_is_an_absolute_sqlalchemy_url(dirs: tuple[Path, Path]) -> None:
    _, data = dirs
    url = locations.default_sqlite_url()
    assert url == "sqlite:///" + (data / "cofatui.sqlite").as_posix()
    if os.name == "posix":
        assert url.startswith("sqlite:////")  # four slashes: an absolute path


def test_asking_for_paths_creates_nothing(dirs: tuple[Path, Path]) -> None:
    config, data = dirs
    for function in (locations.config_dir, locations.data_dir, locations.default_config_file,
                     locations.default_sqlite_path, locations.default_sqlite_url,
                     locations.attachments_dir, locations.exports_dir):
        function()
    assert not config.exists()
    assert not data.exists()


def test_relative_override_is_made_absolute(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COFATUI_CONFIG_DIR", "rel/conf")
    monkeypatch.setenv("COFATUI_DATA_DIR", "~/cofa-data")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert locations.config_dir() == tmp_path / "rel" / "conf"
    assert locations.data_dir() == tmp_path / "home" / "cofa-data"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_without_override_platformdirs_decides(value: str | None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COFATUI_CONFIG_DIR", "COFATUI_DATA_DIR"):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert locations.config_dir() == platformdirs.user_config_path("cofatui", appauthor=False)
    assert locations.data_dir() == platformdirs.user_data_path("cofatui", appauthor=False)
    assert locations.config_dir().name == "cofatui"


def test_ensure_dir_creates_parents_and_is_idempotent(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c"
    assert locations.ensure_dir(target) == target
    assert target.is_dir()
    assert locations.ensure_dir(target) == target


def test_ensure_dir_reports_a_file_in_the_way(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a directory")
    with pytest.raises(CofaError, match=r"Cannot create directory .*data"):
        locations.ensure_dir(blocker)
    with pytest.raises(CofaError, match="Cannot create directory"):
        locations.ensure_dir(blocker / "sub")
    assert blocker.read_text() == "not a directory"


def test_importing_touches_no_disk_and_loads_no_platformdirs(tmp_path: Path) -> None:
    env = dict(os.environ,
               COFATUI_CONFIG_DIR=str(tmp_path / "conf"),
               COFATUI_DATA_DIR=str(tmp_path / "data"))
    code = ("import sys, cofatui.locations, cofatui.config\n"
            "print('platformdirs' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "False"
    assert list(tmp_path.iterdir()) == []

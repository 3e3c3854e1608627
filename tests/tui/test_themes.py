"""Themes: shipped as package data, loaded as Textual themes, chosen and saved, and
NO_COLOR honoured."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from textual.filter import Monochrome, NoColor

from cofatui import locations
from cofatui.config import load_settings
from cofatui.tui import themes
from cofatui.tui.app import CofaApp
from tests.tui.pilot import settle

SIZE = (120, 40)
AppFactory = Callable[..., CofaApp]
ROOT = Path(__file__).resolve().parents[2]


def test_dark_light_and_high_contrast_are_shipped() -> None:
    by_name = {theme.name: theme for theme in themes.shipped_themes()}
    assert {themes.DARK, themes.LIGHT, themes.HIGH_CONTRAST} <= set(by_name)
    assert by_name[themes.DARK].dark and by_name[themes.HIGH_CONTRAST].dark
    assert not by_name[themes.LIGHT].dark
    for theme in by_name.values():
        theme.to_color_system().generate()  # every colour is usable


def test_theme_files_are_package_data_of_cofatui_themes() -> None:
    shipped = {p.name for p in resources.files("cofatui.themes").iterdir()}
    in_repo = {p.name for p in (ROOT / "themes").glob("*.toml")}
    assert in_repo and in_repo <= shipped
    assert {p.name for p in themes.theme_files()} == in_repo


def test_packaging_maps_the_themes_folder() -> None:
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert '"cofatui.themes": "themes"' in setup
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"cofatui.themes" = ["*.toml"]' in pyproject


@pytest.mark.parametrize(("data", "message"), [
    ({"primary": "#000000"}, "'name'"),
    ({"name": "x"}, "'primary'"),
    ({"name": "x", "primary": "not-a-colour"}, "not a colour"),
    ({"name": "x", "primary": "#000", "dark": "yes"}, "'dark'"),
    ({"name": "x", "primary": "#000", "shiny": True}, "unknown key"),
    ({"name": "x", "primary": "#000", "text_alpha": 3}, "'text_alpha'"),
    ({"name": "x", "primary": "#000", "variables": {"a": 1}}, "[variables]"),
])
def test_bad_theme_files_are_refused_with_a_reason(data: dict[str, Any], message: str) -> None:
    with pytest.raises(themes.ThemeFileError, match=message.replace("[", r"\[")):
        themes.parse_theme(data, "t.toml")


def test_a_broken_file_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "bad.toml").write_text("name = [", encoding="utf-8")
    (tmp_path / "good.toml").write_text('name = "g"\nprimary = "#123456"\n', encoding="utf-8")
    loaded = list(themes._load_all(sorted(tmp_path.glob("*.toml"))))
    assert [t.name for t in loaded] == ["g"]
    assert "bad.toml" in caplog.text


async def test_the_saved_theme_is_applied_at_start(make_app: AppFactory) -> None:
    app = make_app(theme=themes.LIGHT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == themes.LIGHT
        assert not app.current_theme.dark


async def test_changing_theme_applies_and_saves(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == themes.DARK
        app.choose_theme(themes.HIGH_CONTRAST)
        await pilot.pause()
        assert app.theme == themes.HIGH_CONTRAST
        assert load_settings().theme == themes.HIGH_CONTRAST
        assert 'theme = "cofatui-high-contrast"' in \
            locations.default_config_file().read_text(encoding="utf-8")


async def test_theme_from_the_palette(probe_app: AppFactory) -> None:
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"theme: light")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == themes.LIGHT
        assert load_settings().theme == themes.LIGHT


async def test_an_unknown_theme_falls_back_to_dark_with_a_warning(
        probe_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = probe_app(theme="no-such-theme")
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_kw: said.append(message))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == themes.DARK
        assert said == ["Theme “no-such-theme” is unknown: the dark theme is used instead."]


async def test_no_color_is_honoured(probe_app: AppFactory,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = probe_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.no_color
        assert any(isinstance(f, Monochrome | NoColor) for f in app.get_line_filters())


def test_our_styles_use_theme_variables_only() -> None:
    """No hard-coded colour in our .tcss: under NO_COLOR and in every theme, colours
    come from the theme (Textual's filter then removes them)."""
    import re

    # A hex colour, not an id selector that happens to start with hex letters (#acc-intro).
    colour = re.compile(r"#[0-9a-fA-F]{3,8}\b(?![-\w])|\brgb\(|"
                        r"\b(?:red|green|blue|yellow|white|black)\b")
    sheets = sorted((ROOT / "cofatui" / "tui").rglob("*.tcss"))
    assert len(sheets) > 10  # app.tcss, kit/ and every feature's
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8")
        assert not colour.search(text), sheet.relative_to(ROOT)

"""The themes shipped in the top-level ``themes/`` folder, loaded as Textual themes.

A theme file is TOML: ``name``, ``dark`` and the base colours of
:class:`textual.theme.Theme` (primary, secondary, accent, foreground, background,
surface, panel, success, warning, error, boost), optional ``luminosity_spread`` and
``text_alpha``, and a ``[variables]`` table overriding derived design variables.

The folder is installed as the package ``cofatui.themes``; in a source checkout whose
editable install predates that mapping, the folder beside the package is read instead.
A broken file is skipped (and logged): a bad theme must never stop the app.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from cofatui.i18n import t

log = logging.getLogger(__name__)

DARK = "cofatui-dark"
LIGHT = "cofatui-light"
HIGH_CONTRAST = "cofatui-high-contrast"

_COLOURS = ("primary", "secondary", "warning", "error", "success", "accent", "foreground",
            "background", "surface", "panel", "boost")
_NUMBERS = ("luminosity_spread", "text_alpha")


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and the key."""


def theme_files() -> list[Path]:
    """Every ``*.toml`` of the shipped themes folder, sorted by name."""
    return sorted(p for p in _themes_dir().glob("*.toml") if p.is_file())


def _themes_dir() -> Path:
    try:
        from importlib.resources import files

        return Path(str(files("cofatui.themes")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "themes"


def parse_theme(data: dict[str, Any], source: str = "<theme>") -> Theme:
    """A Textual Theme from the table of a theme file; ThemeFileError if it is wrong."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"{source}: 'name' must be a non-empty string")
    if "primary" not in data:
        raise ThemeFileError(f"{source}: 'primary' colour is required")
    known = {"name", "dark", "variables", *_COLOURS, *_NUMBERS}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ThemeFileError(f"{source}: unknown key(s) {', '.join(unknown)}")
    kwargs: dict[str, Any] = {"name": name.strip()}
    for key in _COLOURS:
        if key in data:
            kwargs[key] = _colour(data[key], f"{source}: {key}")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError(f"{source}: 'dark' must be true or false")
    kwargs["dark"] = dark
    for key in _NUMBERS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0 <= value <= 1:
                raise ThemeFileError(f"{source}: '{key}' must be a number from 0 to 1")
            kwargs[key] = float(value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in variables.items()):
        raise ThemeFileError(f"{source}: [variables] must map names to strings")
    kwargs["variables"] = dict(variables)
    return Theme(**kwargs)


def _colour(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{where} must be a colour string such as '#1E90FF'")
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ThemeFileError(f"{where}: not a colour: {value!r}") from exc
    return value


def load_theme_file(path: Path) -> Theme:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThemeFileError(f"{path}: {exc}") from exc
    return parse_theme(data, str(path))


def _load_all(paths: Iterable[Path]) -> Iterator[Theme]:
    for path in paths:
        try:
            yield load_theme_file(path)
        except ThemeFileError as exc:
            log.warning("theme skipped: %s", exc)


@cache
def shipped_themes() -> tuple[Theme, ...]:
    """The shipped themes, read once."""
    return tuple(_load_all(theme_files()))


def theme_names() -> list[str]:
    return [theme.name for theme in shipped_themes()]


def theme_label(name: str) -> str:
    """Our themes by their translated name, Textual's by their own."""
    key = f"shell.theme.{name}"
    text = t(key)
    return name if text == key else text

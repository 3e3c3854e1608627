"""Theme files shipped with cofatui.

This directory is installed as the package ``cofatui.themes`` (see ``setup.py``), so
``importlib.resources.files("cofatui.themes")`` finds the ``*.toml`` files both in a
wheel and in an editable install. ``cofatui.tui.themes`` loads them.
"""

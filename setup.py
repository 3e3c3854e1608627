"""Only what pyproject.toml cannot say: the top-level ``themes/`` folder is installed as
the package ``cofatui.themes`` (``packages.find`` only discovers folders under
``cofatui/``, and ``packages`` cannot be both found and listed in pyproject.toml).
Everything else about the build lives in pyproject.toml."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["cofatui", "cofatui.*"]), "cofatui.themes"],
    package_dir={"cofatui.themes": "themes"},
)

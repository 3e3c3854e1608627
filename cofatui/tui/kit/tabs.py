"""Tabs a digit key opens: the digit is written in the tab's title ("1 Data"), where
the eye looks for it, instead of four more keys in the footer."""

from __future__ import annotations


def numbered_title(number: int, title: str) -> str:
    """The title of the tab that key ``number`` opens."""
    return f"{number} {title}"


__all__ = ["numbered_title"]

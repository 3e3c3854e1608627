"""A cell with one style over its whole text (an unread notification's bold cells) is
laid out by the virtual list without rich's Text machinery: the same segments, byte
for byte and style for style, as rich renders (hypothesis over texts and widths)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from cofatui.tui.kit.virtual_list import Column, VirtualList

CONSOLE = Console()
STYLES = st.sampled_from(["bold", "italic red", "bold underline", Style(bold=True),
                          Style(color="green", italic=True)])
TEXTS = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40) | \
    st.sampled_from(["Müller GmbH", "日本語の会社名", "x" * 50, "", "é" * 3])


def rich_segments(cell: Text, width: int) -> list[Segment]:
    """What the list's general path (and the code before the shortcut) renders."""
    text = cell.copy()
    text.truncate(width, overflow="ellipsis", pad=True)
    styled = Text()
    styled.append_text(text)
    return list(styled.render(CONSOLE))


class _Offline(VirtualList):
    """The list's layout of cells, without an app (its console is rich's)."""

    @property
    def app(self) -> object:  # type: ignore[override]
        return _App()


class _App:
    console = CONSOLE


@settings(max_examples=300, deadline=None)
@given(value=TEXTS, style=STYLES, width=st.integers(min_value=1, max_value=30))
def test_one_styled_cell_renders_as_rich_does(value: str, style: str | Style,
                                              width: int) -> None:
    lst = _Offline([Column("a", "A", width)])
    cell = Text(value, style=style)
    segments = lst._segments([cell], [width], width + 1)
    assert segments[-1] == Segment(" ")  # the gap after the cell; the line is full
    want = [seg for seg in rich_segments(cell, width) if seg.text]
    assert [(s.text, s.style) for s in segments[:-1]] == [(s.text, s.style) for s in want]

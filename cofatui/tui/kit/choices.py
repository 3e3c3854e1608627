"""Choices that read without colour: Textual's radio buttons, check boxes and selection
lists show their state by colour only, which a monochrome terminal, NO_COLOR or a
colour-blind user cannot see. These show it in the glyph's shape."""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist


class Choice(RadioButton):
    """A radio button whose state shows in its shape: ● chosen, ○ not (Textual's own
    differ by colour only)."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button


class Tick(Checkbox):
    """A check box that shows ✓ when ticked and nothing when not."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "✓" if self.value else " "
        return super()._button


class TickList(SelectionList[str]):
    """A selection list whose ticks show in their shape (✓), not by colour only."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            option = self.get_option_at_index(round(self.scroll_offset.y) + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) > 1 and segments[1].text == ToggleButton.BUTTON_INNER:
            mark = "✓" if option.value in self.selected else " "
            segments[1] = Segment(mark, segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip

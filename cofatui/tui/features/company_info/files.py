"""The documents of a submission as the form holds them: added one by one through the
file picker, each checked where the TUI runs as soon as it is picked (its kind by
content, 10 MB, 50 MB in all, 10 files), so a bad file is refused at once at the
documents field with the same coded message the server would give; the server checks
every file again whatever the client did."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cofatui.errors import ValidationFailed
from cofatui.i18n import t
from cofatui.rules.attachments import MAX_ATTACHMENT_BYTES, check_document
from cofatui.schemas_company_info import MAX_FILES, MAX_TOTAL_BYTES, UploadedFile
from cofatui.tui.kit.file_picker import read_picked
from cofatui.tui.kit.file_size import size_text
from cofatui.tui.kit.form import FormField
from cofatui.tui.safe import clean

FIELD = "files"


@dataclass(frozen=True)
class PickedFile:
    name: str
    content: bytes
    #: What the content is ("PDF", "XLSX"…), as the check recognised it.
    label: str


def read_document(path: Path, already: list[PickedFile]) -> PickedFile:
    """Read and check one picked file against those already added (worker thread).

    Raises: ValidationFailed at ``files`` (the coded refusal of the file itself, the
    11th file, or the 50 MB in all); OSError when it cannot be read."""
    if len(already) >= MAX_FILES:
        raise ValidationFailed.at(FIELD, "attachments.too_many_documents", count=MAX_FILES)
    try:
        content = read_picked(path, MAX_ATTACHMENT_BYTES)
    except ValidationFailed:  # the picker's own message is not coded: say it as the server
        raise ValidationFailed.at(FIELD, "attachments.too_large",
                                  megabytes=MAX_ATTACHMENT_BYTES // (1024 * 1024)) from None
    accepted = check_document(path.name, content, field=FIELD)
    if sum(len(f.content) for f in already) + len(content) > MAX_TOTAL_BYTES:
        raise ValidationFailed.at(FIELD, "attachments.documents_too_large",
                                  megabytes=MAX_TOTAL_BYTES // (1024 * 1024))
    return PickedFile(path.name, content, accepted.label)


class FilesField(FormField):
    """The files added so far (Delete removes the one highlighted); the error line says
    why the last pick, or the server, refused a file."""

    def __init__(self, label: str, hint: str) -> None:
        self.files: list[PickedFile] = []
        super().__init__(label, OptionList(id="files-list", compact=True), FIELD, hint=hint)

    @property
    def options(self) -> OptionList:
        return self.query_one("#files-list", OptionList)

    def _show(self) -> None:
        options = self.options
        options.clear_options()
        if not self.files:
            options.add_option(Option(Text(t("company_info_ui.files.none"), style="dim"),
                                      disabled=True))
        for n, f in enumerate(self.files, 1):
            options.add_option(Option(Text(f"{n}. {clean(f.name)}  ({f.label}, "
                                           f"{size_text(len(f.content))})")))

    def on_mount(self) -> None:
        self._show()

    def add(self, picked: PickedFile) -> None:
        self.files.append(picked)
        self.set_error(None)
        self._show()
        self.options.highlighted = len(self.files) - 1

    def remove_highlighted(self) -> bool:
        index = self.options.highlighted
        if not self.files or index is None or index >= len(self.files):
            return False
        del self.files[index]
        self._show()
        return True

    def uploads(self) -> list[UploadedFile]:
        return [UploadedFile(name=f.name, content=f.content) for f in self.files]

    def refusals(self, errors: dict[str, str]) -> dict[str, str]:
        """The server's errors with ``files.N`` turned into this field's, each naming
        the file it concerns."""
        out: dict[str, str] = {}
        mine: list[str] = []
        for key, message in errors.items():
            index = key.removeprefix(f"{FIELD}.")
            if key == FIELD:
                mine.append(message)
            elif index != key and index.isdigit() and int(index) < len(self.files):
                mine.append(f"{self.files[int(index)].name}: {message}")
            else:
                out[key] = message
        if mine:
            out[FIELD] = "; ".join(mine)
        return out

"""A file's size as people read it (bytes, kB, MB in the UI language), for the lists of
documents sent and of a submission's files."""

from __future__ import annotations

from cofatui.i18n import format_number, t


def size_text(size: int) -> str:
    if size < 1024:
        return t("file_size.bytes", n=size)
    if size < 1024 * 1024:
        return t("file_size.kb", n=format_number(round(size / 1024, 1)))
    return t("file_size.mb", n=format_number(round(size / (1024 * 1024), 1)))


__all__ = ["size_text"]

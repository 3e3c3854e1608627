"""Unpacking an export job's ZIP (one file per invoice) into the folder the user chose:
names kept to their last part (a ZIP entry never writes outside the folder), a file
already there never replaced (``-2``, ``-3``… as the exports folder does)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath


def free_path(folder: Path, name: str) -> Path:
    path, n = folder / name, 1
    while path.exists():
        n += 1
        path = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
    return path


def unpack(content: bytes, folder: Path) -> list[Path]:
    """Write every file of the ZIP ``content`` into ``folder``; the paths written.
    Raises zipfile.BadZipFile, OSError."""
    written: list[Path] = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            if info.is_dir() or not name or name.startswith("."):
                continue
            path = free_path(folder, name)
            path.write_bytes(archive.read(info))
            written.append(path)
    return written


__all__ = ["free_path", "unpack"]

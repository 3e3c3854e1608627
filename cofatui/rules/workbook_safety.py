"""Whether an XLSX sent with company information (issue 17 item 4) is safe to keep and
to open: its archive is judged from the zip directory before anything is inflated, then
openpyxl opens it read-only (its XML parsed by defusedxml, which refuses entity
expansion: a "billion laughs" part fails instead of filling memory).

- **Zip bomb**: the sizes the directory declares must add up to at most
  :data:`MAX_INFLATED_BYTES`. Python's zipfile never inflates a member past its
  declared size (a lying directory makes the read fail its CRC check instead), so that
  sum bounds what reading the workbook can take.
- **Macros**: a VBA project (``vbaProject.bin``), Excel 4 macro sheets or a
  macro-enabled content type (an ``.xlsm``, ``.xltm`` or ``.xlam`` whatever its name)
  refuse the file: the insurer's staff must be able to open what was sent.

Pure: returns the refusal's code and parameters, or None; the caller places it.
"""

from __future__ import annotations

import io
import warnings
import zipfile

#: What an accepted workbook's parts may hold once inflated. A balance of 10 MB
#: compresses about tenfold; a sheet beyond this is not an aged balance but a bomb.
MAX_INFLATED_BYTES = 100 * 1024 * 1024
#: Members named so hold macros (lower case; ``xl/vbaProject.bin`` in practice).
_MACRO_PARTS = ("vbaproject.bin", "xl/macrosheets/", "xl/dialogsheets/")
_MACRO_CONTENT_TYPE = b"macroenabled"
#: [Content_Types].xml is a few KiB; more is not read (nor inflated).
_TYPES_READ = 256 * 1024

Refusal = tuple[str, dict[str, object]]


def archive_refusal(content: bytes) -> Refusal | None:
    """Why the archive is refused from its directory alone (a zip bomb, macros, not a
    zip), without inflating anything but [Content_Types].xml; None if it may be opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            inflated = sum(info.file_size for info in infos)
            if inflated > MAX_INFLATED_BYTES:
                return ("attachments.workbook_too_large",
                        {"megabytes": MAX_INFLATED_BYTES // (1024 * 1024)})
            names = [info.filename.lower() for info in infos]
            if any(part in name for name in names for part in _MACRO_PARTS):
                return "attachments.macro_workbook", {}
            types = b""
            if "[Content_Types].xml" in archive.namelist():
                with archive.open("[Content_Types].xml") as member:
                    types = member.read(_TYPES_READ)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError):
        return "attachments.workbook_unreadable", {}
    if _MACRO_CONTENT_TYPE in types.lower():
        return "attachments.macro_workbook", {}
    return None


def _opens(content: bytes) -> bool:
    import openpyxl  # only for workbooks (a slow import)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unknown extension", data validation…
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True,
                                          data_only=True, keep_links=False)
            try:
                # Every sheet is read through, so a part that is not XML, or one that
                # defusedxml refuses, is found now rather than by whoever opens it.
                for sheet in book.worksheets:
                    for _row in sheet.iter_rows(values_only=True):
                        pass
            finally:
                book.close()
    except Exception:  # a hostile archive may break the reader anywhere
        return False
    return True


def workbook_refusal(content: bytes) -> Refusal | None:
    """Why the XLSX ``content`` is refused (code, parameters), or None if it is a
    workbook without macros that opens within the inflated-size limit."""
    refusal = archive_refusal(content)
    if refusal is not None:
        return refusal
    if not _opens(content):
        return "attachments.workbook_unreadable", {}
    return None

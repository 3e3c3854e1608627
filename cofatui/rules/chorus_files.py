"""Chorus Pro's limits on an invoice's attachments (issue 18 item 4): a name of at
most 50 characters with its extension, an extension of the portal's list, content that
matches the extension wherever the content can be recognised, not empty, at most
10 MB each and 120 MB for one invoice.

Unlike claims (``rules/attachments.check_attachment``) the file keeps the name it was
given: Chorus Pro lists it under that name, and the extension is checked against the
content both ways — a PDF named ``.png`` is refused, and so is a text named ``.pdf``.
Formats the content cannot tell apart (P7S, FAX, XLC, XLM) are taken on their name
unless the content is recognisably something else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from cofatui.errors import FieldError, ValidationFailed
from cofatui.rules import attachments as files
from cofatui.rules.attachments import MAX_ATTACHMENT_BYTES, Attachment, FileType

__all__ = ["EXTENSIONS", "MAX_FILE_BYTES", "MAX_INVOICE_FILES_BYTES", "MAX_NAME_CHARS",
           "check_chorus_file", "check_chorus_files", "chorus_file_type"]

MAX_NAME_CHARS = 50
MAX_FILE_BYTES = MAX_ATTACHMENT_BYTES
MAX_INVOICE_FILES_BYTES = 120 * 1024 * 1024

BMP = FileType("BMP", "image/bmp", (".bmp",))
GZIP = FileType("GZIP", "application/gzip", (".gz", ".gzip", ".tgz"))
BZIP2 = FileType("BZ2", "application/x-bzip2", (".bz2",))
#: Signatures Chorus Pro's list needs beyond ``attachments.detect_type``'s.
_EXTRA_SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"\x1f\x8b", GZIP), (b"BZh", BZIP2))
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_TEXTS = frozenset({files.TEXT, files.CSV})
_ZIPS = frozenset({files.ZIP, files.DOCX, files.XLSX, files.PPTX, files.ODF})
_OLES = frozenset({files.OLE, files.DOC, files.XLS, files.PPT})

#: The portal's extensions (issue 18 item 4) → the contents they may hold (None: any
#: content not recognisably another format) and the media type to store.
EXTENSIONS: dict[str, tuple[frozenset[FileType] | None, str]] = {
    "bmp": (frozenset({BMP}), BMP.media_type),
    "gif": (frozenset({files.GIF}), files.GIF.media_type),
    "jpeg": (frozenset({files.JPEG}), files.JPEG.media_type),
    "jpg": (frozenset({files.JPEG}), files.JPEG.media_type),
    "png": (frozenset({files.PNG}), files.PNG.media_type),
    "svg": (_TEXTS, "image/svg+xml"),
    "tif": (frozenset({files.TIFF}), files.TIFF.media_type),
    "tiff": (frozenset({files.TIFF}), files.TIFF.media_type),
    "fax": (None, "image/g3fax"),
    "pdf": (frozenset({files.PDF}), files.PDF.media_type),
    "p7s": (None, "application/pkcs7-signature"),
    "txt": (_TEXTS, "text/plain"),
    "csv": (_TEXTS, "text/csv"),
    "xml": (_TEXTS, "application/xml"),
    "htm": (_TEXTS, "text/html"),
    "html": (_TEXTS, "text/html"),
    "xhtml": (_TEXTS, "application/xhtml+xml"),
    "rtf": (_TEXTS, "application/rtf"),
    "doc": (_OLES, files.DOC.media_type),
    "xls": (_OLES, files.XLS.media_type),
    "ppt": (_OLES, files.PPT.media_type),
    "pps": (_OLES, files.PPT.media_type),
    "xlc": (None, "application/vnd.ms-excel"),
    "xlm": (None, "application/vnd.ms-excel"),
    "docx": (frozenset({files.DOCX, files.ZIP}), files.DOCX.media_type),
    "xlsx": (frozenset({files.XLSX, files.ZIP}), files.XLSX.media_type),
    "pptx": (frozenset({files.PPTX, files.ZIP}), files.PPTX.media_type),
    "odt": (frozenset({files.ODF}), "application/vnd.oasis.opendocument.text"),
    "ods": (frozenset({files.ODF}), "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": (frozenset({files.ODF}), "application/vnd.oasis.opendocument.presentation"),
    "zip": (_ZIPS, files.ZIP.media_type),
    "gz": (frozenset({GZIP}), GZIP.media_type),
    "gzip": (frozenset({GZIP}), GZIP.media_type),
    "tgz": (frozenset({GZIP}), GZIP.media_type),
    "bz2": (frozenset({BZIP2}), BZIP2.media_type),
}


def chorus_file_type(content: bytes) -> FileType | None:
    """What ``content`` is, with the signatures of the portal's list added; None for
    a binary file not recognised."""
    if content.startswith(b"BM") and len(content) >= 14 \
            and int.from_bytes(content[2:6], "little") == len(content):
        return BMP  # "BM" alone starts too many texts: the header's size must match
    for signature, file_type in _EXTRA_SIGNATURES:
        if content.startswith(signature):
            return file_type
    utf16 = _UTF16_BOMS.get(content[:2])
    if utf16 is not None:
        # Excel's "Unicode text" and many exports: NUL bytes everywhere, yet a text.
        try:
            content[2:].decode(utf16)
        except UnicodeDecodeError:
            return None
        return files.TEXT
    return files.detect_type(content)


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name.strip(".") else ""


def _refusal(name: str, content: bytes, field: str) -> FieldError | None:
    refused_name = files.name_refusal(name)
    if refused_name is not None:
        return FieldError(field, refused_name)
    if len(name) > MAX_NAME_CHARS:
        return FieldError(field, "chorus.file_name_too_long",
                          {"max": MAX_NAME_CHARS, "count": len(name)})
    extension = _extension(name)
    if extension not in EXTENSIONS:
        return FieldError(field, "chorus.file_extension", {"extension": extension.upper()})
    if not content:
        return FieldError(field, "chorus.file_empty")
    if len(content) > MAX_FILE_BYTES:
        return FieldError(field, "chorus.file_too_large",
                          {"megabytes": MAX_FILE_BYTES // (1024 * 1024)})
    expected, _media = EXTENSIONS[extension]
    found = chorus_file_type(content)
    strong = found is not None and found not in _TEXTS
    if (expected is None and strong) or (expected is not None and found not in expected):
        return FieldError(field, "chorus.file_content_mismatch",
                          {"extension": extension.upper(),
                           "type": found.label if strong and found else "?"})
    return None


def check_chorus_file(name: str, content: bytes, *, field: str = "file") -> Attachment:
    """One attachment within Chorus Pro's limits: its name (stripped), media type,
    size and SHA-256. Raises ValidationFailed at ``field``: the name's refusals
    (``attachments.name_missing``, ``attachments.name_forbidden_characters``),
    ``chorus.file_name_too_long``, ``chorus.file_extension`` (not in the list),
    ``chorus.file_empty``, ``chorus.file_too_large``, ``chorus.file_content_mismatch``
    (params ``extension``, ``type``: what the content is, ``?`` when not known)."""
    stripped = name.strip()
    refusal = _refusal(stripped, content, field)
    if refusal is not None:
        raise ValidationFailed([refusal])
    return Attachment(stripped, EXTENSIONS[_extension(stripped)][1], size=len(content),
                      sha256=hashlib.sha256(content).hexdigest(),
                      label=_extension(stripped).upper())


def check_chorus_files(new: Sequence[tuple[str, bytes]], *, stored_bytes: int = 0,
                       first_index: int = 0) -> list[Attachment]:
    """The files added to one invoice (``(name, content)`` each), every refusal at
    once: each at ``files.N`` (N from ``first_index``) as :func:`check_chorus_file`,
    and ``files`` (``chorus.files_too_large``) when they and the ``stored_bytes`` the
    invoice already holds pass 120 MB."""
    errors: list[FieldError] = []
    accepted: list[Attachment] = []
    for index, (name, content) in enumerate(new, start=first_index):
        try:
            accepted.append(check_chorus_file(name, content, field=f"files.{index}"))
        except ValidationFailed as refused:
            errors.extend(refused.errors)
    if stored_bytes + sum(len(content) for _name, content in new) > MAX_INVOICE_FILES_BYTES:
        errors.append(FieldError("files", "chorus.files_too_large",
                                 {"megabytes": MAX_INVOICE_FILES_BYTES // (1024 * 1024)}))
    if errors:
        raise ValidationFailed(errors)
    return accepted

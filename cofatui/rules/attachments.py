"""Files a policyholder sends. Claim attachments are PDF or images (JPG, PNG, GIF:
SPEC §6, and the claims guide: "seuls les documents au format PDF ou images (i.e. JPG,
GIF) sont acceptés"), at most 10 MB, recognised by their content — never by the file
name, which a user can change at will.

The content's type is detected from its first bytes (and, for a ZIP, from the names
inside it), so a refusal can say what the file is ("a DOCX is not accepted") and an
accepted file is stored under a name with the extension of what it holds: ``x.exe``
holding a PDF becomes ``x.pdf``, so whoever downloads it opens it with a PDF reader.

Company information (issue 17 item 4) and the turnover declaration's supporting files
accept more: XLSX and CSV too, for balances (:func:`check_documents`, one to ten files,
50 MB in all). A workbook is checked for zip bombs and macros before it is accepted
(:mod:`cofatui.rules.workbook_safety`); a program is named as such in its refusal.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from cofatui.errors import FieldError, ValidationFailed
from cofatui.rules.workbook_safety import workbook_refusal

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 255
#: How much of a file is looked at to call it text.
_TEXT_SAMPLE = 64 * 1024
#: Bytes that never occur in a text file (tab, line feed, form feed and carriage
#: return do; so do 0x80–0x9f, letters in Windows-1252).
_BINARY_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F}
#: What a file name's last suffix must look like to be taken for an extension.
_EXTENSION = re.compile(r"\.(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,5}")


@dataclass(frozen=True)
class FileType:
    """A recognised kind of file: its name for people (``label``, the same in every
    language), its media type and its extensions (the first is the one given)."""

    label: str
    media_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
JPEG = FileType("JPG", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif"))
PNG = FileType("PNG", "image/png", (".png",))
GIF = FileType("GIF", "image/gif", (".gif",))
TIFF = FileType("TIFF", "image/tiff", (".tif", ".tiff"))
WEBP = FileType("WEBP", "image/webp", (".webp",))
DOCX = FileType("DOCX", "application/vnd.openxmlformats-officedocument."
                        "wordprocessingml.document", (".docx", ".docm"))
XLSX = FileType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                (".xlsx", ".xlsm"))
PPTX = FileType("PPTX", "application/vnd.openxmlformats-officedocument."
                        "presentationml.presentation", (".pptx", ".pptm"))
ODF = FileType("ODF", "application/vnd.oasis.opendocument", (".odt", ".ods", ".odp"))
ZIP = FileType("ZIP", "application/zip", (".zip",))
DOC = FileType("DOC", "application/msword", (".doc",))
XLS = FileType("XLS", "application/vnd.ms-excel", (".xls",))
PPT = FileType("PPT", "application/vnd.ms-powerpoint", (".ppt",))
OLE = FileType("DOC/XLS", "application/x-ole-storage", (".doc", ".xls"))
CSV = FileType("CSV", "text/csv", (".csv",))
TEXT = FileType("TXT", "text/plain", (".txt",))

#: What may be attached (SPEC §6).
ALLOWED: frozenset[FileType] = frozenset({PDF, JPEG, PNG, GIF})
#: What company information (and a turnover declaration) may carry: the same, and
#: workbooks or CSV for balances (issue 17 item 4, our choice).
DOCUMENTS_ALLOWED: frozenset[FileType] = ALLOWED | {XLSX, CSV}
#: At most this many files in one sending, and this much in all.
MAX_DOCUMENTS = 10
MAX_DOCUMENTS_BYTES = 50 * 1024 * 1024

# Programs, named in a refusal of documents ("this file is a Windows program"). The
# claims' check keeps calling them unrecognised (its refusal predates this).
EXE = FileType("EXE", "application/vnd.microsoft.portable-executable", (".exe", ".dll"))
ELF = FileType("ELF", "application/x-executable", (".elf",))
MACHO = FileType("Mach-O", "application/x-mach-binary", (".macho",))
_PROGRAM_SIGNATURES = ((b"MZ", EXE), (b"\x7fELF", ELF), (b"\xfe\xed\xfa\xce", MACHO),
                       (b"\xfe\xed\xfa\xcf", MACHO), (b"\xce\xfa\xed\xfe", MACHO),
                       (b"\xcf\xfa\xed\xfe", MACHO))

_SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The main part of an Office Open XML file, as [Content_Types].xml names it, and the
# folder that holds it when that file cannot be read.
_OOXML = ((b"wordprocessingml", "word/", DOCX), (b"spreadsheetml", "xl/", XLSX),
          (b"presentationml", "ppt/", PPTX))
# The stream an OLE compound file (Office 97–2003) holds its document in; the names are
# UTF-16 in the file's directory.
_OLE_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS),
                ("PowerPoint Document", PPT))


def _zip_type(content: bytes) -> FileType:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(100).startswith(b"application/vnd.oasis.opendocument"):
                        return ODF
            types = b""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    types = member.read(256 * 1024)  # a few KiB in practice; never a bomb
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError):
        return ZIP
    for marker, folder, file_type in _OOXML:
        if marker + b"." in types or (not types and any(n.startswith(folder) for n in names)):
            return file_type
    return ZIP


def _ole_type(content: bytes) -> FileType:
    for stream, file_type in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in content:
            return file_type
    return OLE


def _text_type(content: bytes) -> FileType | None:
    sample = content[:_TEXT_SAMPLE]
    if any(byte in _BINARY_BYTES for byte in sample):
        return None
    lines = [line for line in sample.decode("utf-8", "replace").splitlines()[:20]
             if line.strip()]
    if len(lines) >= 2:
        for delimiter in (";", ",", "\t", "|"):
            counts = {line.count(delimiter) for line in lines[:-1]}  # the last may be cut
            if len(counts) == 1 and counts != {0}:
                return CSV
    return TEXT


def detect_type(content: bytes) -> FileType | None:
    """What ``content`` is, from its bytes; None for a binary file not recognised."""
    for signature, file_type in _SIGNATURES:
        if content.startswith(signature):
            return file_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(_ZIP_SIGNATURES):
        return _zip_type(content)
    if content.startswith(_OLE_SIGNATURE):
        return _ole_type(content)
    return _text_type(content) if content else None


def sniff_content_type(content: bytes) -> str | None:
    """The media type of ``content`` if it may be attached, else None."""
    file_type = detect_type(content)
    return file_type.media_type if file_type in ALLOWED else None


def attachment_name(filename: str, file_type: FileType) -> str:
    """``filename`` with the extension of ``file_type``: kept when it already is one of
    the type's (``scan.JPEG`` stays), replaced when it is another one (``x.exe`` →
    ``x.pdf``), added when there is none (``scan`` → ``scan.pdf``; ``bilan 2024.03`` →
    ``bilan 2024.03.pdf``: ``.03`` is no extension); the stem is shortened so that the
    name fits in 255 characters."""
    name = filename.strip()
    suffix = name[name.rfind("."):] if "." in name else ""
    if suffix.lower() in file_type.extensions:
        extension = suffix
    else:
        extension = file_type.extensions[0]
        if not _EXTENSION.fullmatch(suffix):
            suffix = ""
    stem = (name[:-len(suffix)] if suffix else name).rstrip(". ") or "document"
    return stem[:MAX_NAME_CHARS - len(extension)].rstrip() + extension


@dataclass(frozen=True)
class Attachment:
    """An accepted attachment: the name to store it under and its media type (and, from
    :func:`check_document`, its size, SHA-256 and the type's label)."""

    name: str
    media_type: str
    size: int = 0
    sha256: str = ""
    label: str = ""


def too_large() -> ValidationFailed:
    """The refusal of a file over MAX_ATTACHMENT_BYTES (the API raises it as soon as
    an upload passes the size, before reading it into memory)."""
    return ValidationFailed.at("file", "attachments.too_large",
                               megabytes=MAX_ATTACHMENT_BYTES // (1024 * 1024))


def check_attachment(filename: str, content: bytes) -> Attachment:
    """The name and media type of an acceptable attachment, or ValidationFailed saying
    why not (a type detected but not allowed is named in the refusal)."""
    name = filename.strip()
    refused_name = name_refusal(name)
    if refused_name is not None:
        raise ValidationFailed.at("filename", refused_name)
    if not content:
        raise ValidationFailed({"file": "attachments.empty"})
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise too_large()
    file_type = detect_type(content)
    if file_type is None:
        raise ValidationFailed({"file": "attachments.wrong_type"})
    if file_type not in ALLOWED:
        raise ValidationFailed.at("file", "attachments.type_not_allowed", type=file_type.label)
    return Attachment(attachment_name(name, file_type), file_type.media_type)


def name_refusal(filename: str) -> str | None:
    """Why a file name is refused (blank, control characters, a path), or None."""
    name = filename.strip()
    if not name:
        return "attachments.name_missing"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name) or "/" in name or "\\" in name:
        return "attachments.name_forbidden_characters"
    return None


def _document_refusal(content: bytes) -> tuple[FileType | None, FieldError | None]:
    """The document's type, or the refusal (its field left blank for the caller)."""
    if not content:
        return None, FieldError("", "attachments.empty")
    if len(content) > MAX_ATTACHMENT_BYTES:
        return None, FieldError("", "attachments.too_large",
                                {"megabytes": MAX_ATTACHMENT_BYTES // (1024 * 1024)})
    file_type = detect_type(content) or next(
        (t for signature, t in _PROGRAM_SIGNATURES if content.startswith(signature)), None)
    if file_type is None:
        return None, FieldError("", "attachments.documents_wrong_type")
    if file_type not in DOCUMENTS_ALLOWED:
        return None, FieldError("", "attachments.documents_type_not_allowed",
                                {"type": file_type.label})
    if file_type is XLSX:
        refusal = workbook_refusal(content)
        if refusal is not None:
            return None, FieldError("", refusal[0], refusal[1])
    return file_type, None


def check_document(filename: str, content: bytes, *, field: str = "file") -> Attachment:
    """One file sent as company information (or as a turnover declaration's supporting
    document): PDF, JPG, PNG, GIF, XLSX or CSV by its content, at most 10 MB, a workbook
    without macros and not a zip bomb. Returns the name to store it under (with the
    extension of what it is), its media type, size and SHA-256; else ValidationFailed
    at ``field`` (the name's refusals at ``field`` too: one file, one place)."""
    refused_name = name_refusal(filename)
    if refused_name is not None:
        raise ValidationFailed.at(field, refused_name)
    file_type, refusal = _document_refusal(content)
    if refusal is not None or file_type is None:
        assert refusal is not None
        raise ValidationFailed([FieldError(field, refusal.code, refusal.params)])
    return Attachment(attachment_name(filename, file_type), file_type.media_type,
                      size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                      label=file_type.label)


def check_documents(files: Sequence[tuple[str, bytes]], *, min_files: int = 0,
                    max_files: int = MAX_DOCUMENTS) -> list[Attachment]:
    """The files of one sending (``(name, content)`` each), checked together: each as
    :func:`check_document` (refusals at ``files.N``, N from 0), between ``min_files``
    and ``max_files`` of them, at most 50 MB in all (refusals at ``files``). Every
    refusal is reported, not only the first."""
    errors: list[FieldError] = []
    if len(files) < min_files:
        errors.append(FieldError("files", "attachments.documents_missing", {"count": min_files}))
    if len(files) > max_files:
        errors.append(FieldError("files", "attachments.too_many_documents", {"count": max_files}))
    total = sum(len(content) for _name, content in files)
    if total > MAX_DOCUMENTS_BYTES:
        errors.append(FieldError("files", "attachments.documents_too_large",
                                 {"megabytes": MAX_DOCUMENTS_BYTES // (1024 * 1024)}))
    if errors:  # refused whole: no need to open each file
        raise ValidationFailed(errors)
    accepted: list[Attachment] = []
    for index, (filename, content) in enumerate(files):
        try:
            accepted.append(check_document(filename, content, field=f"files.{index}"))
        except ValidationFailed as refused:
            errors.extend(refused.errors)
    if errors:
        raise ValidationFailed(errors)
    return accepted

"""rules.attachments: the type of a file from its content, the name it is stored under,
and the refusals (issue 13: ``x.exe`` holding a PDF is stored as ``x.pdf``)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from cofatui.errors import ValidationFailed
from cofatui.rules import attachments as rule
from cofatui.rules.attachments import (
    MAX_ATTACHMENT_BYTES,
    attachment_name,
    check_attachment,
    detect_type,
    sniff_content_type,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(10)
TIFF = b"II*\x00\x08\x00\x00\x00" + bytes(20)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(20)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _content_types(main: str) -> bytes:
    return (b'<?xml version="1.0"?><Types><Override PartName="/main.xml" ContentType="'
            b"application/vnd.openxmlformats-officedocument." + main.encode()
            + b'+xml"/></Types>')


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["invoice", 12.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ole(stream: str) -> bytes:
    # The OLE header, then a directory entry naming the document's stream in UTF-16.
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
            + "Root Entry".encode("utf-16-le") + bytes(54)
            + stream.encode("utf-16-le") + b"\x00\x00" + bytes(100))


DOCX = _zip({"[Content_Types].xml": _content_types("wordprocessingml.document.main"),
             "word/document.xml": b"<w:document/>"})
PPTX = _zip({"[Content_Types].xml": _content_types("presentationml.presentation.main"),
             "ppt/presentation.xml": b"<p/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(("content", "label"), [
    (PDF, "PDF"), (PNG, "PNG"), (JPEG, "JPG"), (GIF, "GIF"), (b"GIF87a" + bytes(8), "GIF"),
    (TIFF, "TIFF"), (b"MM\x00*" + bytes(8), "TIFF"), (WEBP, "WEBP"),
    (DOCX, "DOCX"), (_xlsx(), "XLSX"), (PPTX, "PPTX"), (ODT, "ODF"),
    (_zip({"notes/readme.txt": b"hello"}), "ZIP"),
    # the OOXML folders alone say what it is when [Content_Types].xml is missing
    (_zip({"word/document.xml": b"<w/>"}), "DOCX"),
    (b"PK\x03\x04 truncated archive", "ZIP"),
    (_ole("WordDocument"), "DOC"), (_ole("Workbook"), "XLS"), (_ole("Book"), "XLS"),
    (_ole("PowerPoint Document"), "PPT"), (_ole("Something"), "DOC/XLS"),
    (b"reference;amount\nF-1;12,50\nF-2;3,00\n", "CSV"),
    (b"a,b,c\r\n1,2,3\r\n", "CSV"),
    ("Caf\u00e9 cr\u00e8me\nfacture pay\u00e9e\n".encode("cp1252"), "TXT"),
    (b"one line of text", "TXT"),
], ids=lambda value: value if isinstance(value, str) else "bytes")  # stable across workers
def test_the_type_comes_from_the_content(content: bytes, label: str) -> None:
    detected = detect_type(content)
    assert detected is not None and detected.label == label


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows program
    b"\x7fELF\x02\x01\x01" + bytes(9),
    bytes(range(256)),
    b"",
])
def test_an_unknown_binary_has_no_type(content: bytes) -> None:
    assert detect_type(content) is None


def test_only_pdf_and_images_may_be_attached() -> None:
    assert {t.label for t in rule.ALLOWED} == {"PDF", "JPG", "PNG", "GIF"}
    assert sniff_content_type(PDF) == "application/pdf"
    assert sniff_content_type(GIF) == "image/gif"
    assert sniff_content_type(DOCX) is None  # the TUI refuses it before sending


@pytest.mark.parametrize(("filename", "content", "stored"), [
    ("x.exe", PDF, "x.pdf"),
    ("photo.pdf", PNG, "photo.png"),
    ("scan.JPEG", JPEG, "scan.JPEG"),  # already one of the type's extensions
    ("scan.jpg", JPEG, "scan.jpg"),
    ("scan", JPEG, "scan.jpg"),
    ("bilan 2024.03", PDF, "bilan 2024.03.pdf"),  # ".03" is not an extension
    ("  contrat.doc  ", PDF, "contrat.pdf"),
    ("x.", GIF, "x.gif"),
    (".pdf", PDF, "document.pdf"),
    ("a" * 255 + ".exe", PDF, "a" * 251 + ".pdf"),
], ids=lambda value: value[:20] if isinstance(value, str) else None)
def test_an_accepted_file_is_named_after_its_type(filename: str, content: bytes,
                                                   stored: str) -> None:
    attachment = check_attachment(filename, content)
    assert attachment.name == stored
    assert len(attachment.name) <= rule.MAX_NAME_CHARS
    assert attachment.media_type == detect_type(content).media_type  # type: ignore[union-attr]


def test_attachment_name_keeps_any_extension_of_the_type() -> None:
    assert attachment_name("photo.jfif", rule.JPEG) == "photo.jfif"
    assert attachment_name("photo.tar.gz", rule.PNG) == "photo.tar.png"


def _codes(error: ValidationFailed) -> list[tuple[str, str, dict[str, object]]]:
    return [(f.field, f.code, dict(f.params)) for f in error.errors]


@pytest.mark.parametrize(("content", "label"), [
    (DOCX, "DOCX"), (_xlsx(), "XLSX"), (TIFF, "TIFF"), (_ole("WordDocument"), "DOC"),
    (b"reference;amount\nF-1;12\n", "CSV"), (b"hello", "TXT"),
], ids=lambda value: value if isinstance(value, str) else "bytes")  # stable across workers
def test_a_type_not_allowed_is_named_in_the_refusal(content: bytes, label: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_attachment("invoice.pdf", content)
    assert _codes(refused.value) == [("file", "attachments.type_not_allowed", {"type": label})]


@pytest.mark.parametrize(("filename", "content", "field", "code"), [
    ("x.pdf", b"MZ\x90\x00 not a pdf", "file", "attachments.wrong_type"),
    ("x.pdf", b"", "file", "attachments.empty"),
    ("x.pdf", PDF + bytes(MAX_ATTACHMENT_BYTES), "file", "attachments.too_large"),
    ("   ", PDF, "filename", "attachments.name_missing"),
    ("a/b.pdf", PDF, "filename", "attachments.name_forbidden_characters"),
    ("a\\b.pdf", PDF, "filename", "attachments.name_forbidden_characters"),
    ("a\x7fb.pdf", PDF, "filename", "attachments.name_forbidden_characters"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None)
def test_refusals(filename: str, content: bytes, field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_attachment(filename, content)
    assert [(f.field, f.code) for f in refused.value.errors] == [(field, code)]

"""rules.chorus_files (issue 18 item 4): Chorus Pro's limits on an invoice's
attachments — the 50-character name, the extension list, content matching the
extension, 10 MB each and 120 MB per invoice — and the deposited PDF
(formats.chorus_pdf, item 5): a PDF by content that opens and is not encrypted."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import zipfile

import pytest
from pypdf import PdfWriter

from cofatui.errors import ValidationFailed
from cofatui.formats.chorus_pdf import check_invoice_pdf
from cofatui.rules.chorus_files import (
    EXTENSIONS,
    MAX_FILE_BYTES,
    MAX_INVOICE_FILES_BYTES,
    check_chorus_file,
    check_chorus_files,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
TEXT = "Relevé d'identité bancaire\nIBAN FR76 3000 6000 0112 3456 7890 189\n".encode()


def _bmp() -> bytes:
    body = bytes(40)
    size = 14 + len(body)
    return b"BM" + size.to_bytes(4, "little") + bytes(8) + body


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pieces/bon.txt", "bon de commande 778")
    return buffer.getvalue()


def _refusal(name: str, content: bytes) -> tuple[str, str, dict[str, object]]:
    with pytest.raises(ValidationFailed) as refused:
        check_chorus_file(name, content, field="files.0")
    (error,) = refused.value.errors
    return error.field, error.code, dict(error.params)


def _pdf(*, encrypt: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if encrypt:
        writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_name_of_50_characters_with_its_extension_passes_51_does_not() -> None:
    fifty = "R" * 46 + ".pdf"
    assert len(fifty) == 50
    assert check_chorus_file(fifty, PDF).name == fifty
    assert _refusal("R" + fifty, PDF) == (
        "files.0", "chorus.file_name_too_long", {"max": 50, "count": 51})


def test_ten_megabytes_pass_one_byte_more_does_not() -> None:
    exact = PDF + bytes(MAX_FILE_BYTES - len(PDF))
    assert check_chorus_file("gros.pdf", exact).size == MAX_FILE_BYTES
    assert _refusal("gros.pdf", exact + b"\0")[1] == "chorus.file_too_large"
    assert _refusal("gros.pdf", exact + b"\0")[2] == {"megabytes": 10}


@pytest.mark.parametrize("name", ["setup.exe", "photo.webp", "notes.md", "archive.7z",
                                  "sans_extension", "facture.pdf.", ".pdf"])
def test_an_extension_off_the_portals_list_is_refused(name: str) -> None:
    assert _refusal(name, TEXT)[1] == "chorus.file_extension"


def test_a_pdf_named_png_is_refused_and_so_is_a_text_named_pdf() -> None:
    assert _refusal("scan.png", PDF) == (
        "files.0", "chorus.file_content_mismatch", {"extension": "PNG", "type": "PDF"})
    assert _refusal("facture.pdf", TEXT) == (
        "files.0", "chorus.file_content_mismatch", {"extension": "PDF", "type": "?"})
    # Odd-length UTF-16 is no text: a binary the extension cannot vouch for.
    assert _refusal("rib.txt", b"\xff\xfeA\x00B")[1] == "chorus.file_content_mismatch"


def test_a_format_the_content_cannot_tell_is_taken_on_its_name_unless_it_is_another() -> None:
    signature = bytes([0x30, 0x82, 0x05, 0x1a, 0x06, 0x09]) + bytes(range(200))
    assert check_chorus_file("facture.p7s", signature).media_type == \
        "application/pkcs7-signature"
    assert _refusal("facture.p7s", PDF)[1:] == (
        "chorus.file_content_mismatch", {"extension": "P7S", "type": "PDF"})


ACCEPTED: list[tuple[str, bytes, str]] = [
    ("Facture.PDF", PDF, "application/pdf"),
    ("rib.jpeg", JPEG, "image/jpeg"),
    ("rib.JPG", JPEG, "image/jpeg"),
    ("plan.png", PNG, "image/png"),
    ("plan.bmp", _bmp(), "image/bmp"),
    ("rib.txt", TEXT, "text/plain"),
    ("export.csv", b"a;b\n1;2\n3;4\n", "text/csv"),
    ("export unicode.txt", "Libellé\tMontant\n".encode("utf-16"), "text/plain"),
    ("flux.xml", b"<?xml version='1.0'?><Invoice/>", "application/xml"),
    ("pieces.zip", _zip(), "application/zip"),
    ("pieces.gz", gzip.compress(b"x" * 100, mtime=0), "application/gzip"),
    ("pieces.tgz", gzip.compress(b"x" * 100, mtime=0), "application/gzip"),
    ("pieces.bz2", bz2.compress(b"x" * 100), "application/x-bzip2"),
]


@pytest.mark.parametrize(("name", "content", "media_type"), ACCEPTED,
                         ids=[name for name, _content, _type in ACCEPTED])
def test_files_of_the_list_whose_content_matches_are_accepted(name: str, content: bytes,
                                                              media_type: str) -> None:
    accepted = check_chorus_file(f"  {name} ", content)
    assert accepted.name == name  # kept as given: the portal lists it so
    assert accepted.media_type == media_type
    assert (accepted.size, accepted.sha256) == (len(content),
                                                 hashlib.sha256(content).hexdigest())


def test_the_portals_list_is_exactly_the_issues() -> None:
    listed = ("BMP GIF FAX ODT PPT TIFF XLS BZ2 GZ JPEG P7S RTF TXT XML CSV GZIP JPG PDF SVG "
              "XHTML XLSX DOC HTM ODP PNG TGZ XLC ZIP DOCX HTML ODS PPS TIF XLM PPTX")
    assert set(EXTENSIONS) == {e.lower() for e in listed.split()}


def test_an_empty_file_and_a_bad_name_are_refused() -> None:
    assert _refusal("vide.pdf", b"")[1] == "chorus.file_empty"
    assert _refusal("../etc/passwd.txt", TEXT)[1] == "attachments.name_forbidden_characters"
    assert _refusal("   ", TEXT)[1] == "attachments.name_missing"


def test_every_file_refused_at_its_index_at_once_and_the_invoice_total() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_chorus_files([("ok.pdf", PDF), ("x.exe", PDF), ("scan.png", PDF)],
                           stored_bytes=MAX_INVOICE_FILES_BYTES - len(PDF) * 2,
                           first_index=2)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("files.3", "chorus.file_extension"),
        ("files.4", "chorus.file_content_mismatch"),
        ("files", "chorus.files_too_large")]


def test_120_megabytes_per_invoice_counting_what_it_already_holds() -> None:
    files = [("a.pdf", PDF), ("b.pdf", PDF)]
    room = MAX_INVOICE_FILES_BYTES - 2 * len(PDF)
    assert [f.name for f in check_chorus_files(files, stored_bytes=room)] == ["a.pdf", "b.pdf"]
    with pytest.raises(ValidationFailed) as refused:
        check_chorus_files(files, stored_bytes=room + 1)
    assert [(e.field, e.code, dict(e.params)) for e in refused.value.errors] == [
        ("files", "chorus.files_too_large", {"megabytes": 120})]


# --- the deposited PDF (formats/chorus_pdf.py) -----------------------------------------


def _pdf_refusal(content: bytes) -> str:
    with pytest.raises(ValidationFailed) as refused:
        check_invoice_pdf("facture.pdf", content)
    (error,) = refused.value.errors
    assert error.field == "pdf"
    return error.code


def test_a_pdf_that_opens_is_the_main_document_under_a_pdf_name() -> None:
    content = _pdf()
    accepted = check_invoice_pdf("Facture P17F0QU", content)
    assert (accepted.name, accepted.media_type) == ("Facture P17F0QU.pdf", "application/pdf")
    assert accepted.sha256 == hashlib.sha256(content).hexdigest()
    long = check_invoice_pdf("F" * 80 + ".pdf", content).name
    assert len(long) == 50 and long.endswith(".pdf")


def test_a_pdf_is_recognised_by_content_encrypted_or_broken_is_refused() -> None:
    assert _pdf_refusal(PNG) == "chorus.pdf_not_pdf"
    assert _pdf_refusal(_pdf(encrypt=True)) == "chorus.pdf_encrypted"
    assert _pdf_refusal(b"%PDF-1.7\nnot really a pdf\n") == "chorus.pdf_unreadable"
    assert _pdf_refusal(b"") == "chorus.file_empty"
    assert _pdf_refusal(_pdf() + bytes(MAX_FILE_BYTES)) == "chorus.file_too_large"

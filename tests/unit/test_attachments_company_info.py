"""The files sent with company information (issue 17 item 4): PDF, JPG, PNG, GIF, XLSX
or CSV, recognised by their content, never their name; a program is named in its
refusal; a workbook with macros, a damaged one, an XML bomb and a zip bomb are refused —
the zip bomb from its directory, without inflating it (memory measured)."""

from __future__ import annotations

import contextlib
import io
import tracemalloc
import zipfile
from collections.abc import Callable

import openpyxl
import pytest

from cofatui.errors import ValidationFailed
from cofatui.rules import attachments as rule
from cofatui.rules.attachments import check_document, check_documents
from cofatui.rules.workbook_safety import MAX_INFLATED_BYTES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIB = 1024 * 1024


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Client", "Non échu", "0-30 j", "31-60 j"])
    sheet.append(["Beta Maschinenbau", 1200, 300, 0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezipped(content: bytes, change: Callable[[str, bytes], bytes],
             extra: dict[str, bytes] | None = None) -> bytes:
    """``content``'s archive with each member passed through ``change`` and ``extra``
    members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def codes(error: ValidationFailed) -> list[tuple[str, str, dict[str, object]]]:
    return [(e.field, e.code, dict(e.params)) for e in error.errors]


def refusal(filename: str, content: bytes) -> list[tuple[str, str, dict[str, object]]]:
    with pytest.raises(ValidationFailed) as refused:
        check_document(filename, content)
    return codes(refused.value)


# --- by content, never by name ------------------------------------------------------------


def test_a_pdf_named_xlsx_is_stored_as_a_pdf() -> None:
    stored = check_document("balance âgée.xlsx", PDF)
    assert (stored.name, stored.media_type, stored.label) == (
        "balance âgée.pdf", "application/pdf", "PDF")
    assert stored.size == len(PDF) and len(stored.sha256) == 64


def test_a_workbook_named_pdf_is_stored_as_a_workbook() -> None:
    stored = check_document("bilan.pdf", workbook())
    assert (stored.name, stored.media_type) == ("bilan.xlsx", XLSX_TYPE)


@pytest.mark.parametrize(("content", "label"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(100), "EXE"),
    (b"\x7fELF\x02\x01\x01" + bytes(100), "ELF"),
    (b"\xcf\xfa\xed\xfe" + bytes(100), "Mach-O"),
], ids=["windows", "linux", "macos"])
def test_a_program_named_pdf_is_refused_as_what_it_is(content: bytes, label: str) -> None:
    assert refusal("facture.pdf", content) == [
        ("file", "attachments.documents_type_not_allowed", {"type": label})]


def test_the_claims_check_keeps_its_own_words_for_a_program() -> None:
    with pytest.raises(ValidationFailed) as refused:
        rule.check_attachment("facture.pdf", b"MZ\x90\x00" + bytes(100))
    assert [e.code for e in refused.value.errors] == ["attachments.wrong_type"]


@pytest.mark.parametrize(("filename", "content", "stored", "media_type"), [
    ("balance.txt", b"Client;Montant;Devise\nBeta;1200,50;EUR\nGamma;300;EUR\n",
     "balance.csv", "text/csv"),
    ("balance.csv", b"Client,Amount\r\nBeta,1200.50\r\n", "balance.csv", "text/csv"),
    ("scan", PNG, "scan.png", "image/png"),
], ids=["csv-named-txt", "csv", "png"])
def test_accepted_kinds(filename: str, content: bytes, stored: str, media_type: str) -> None:
    accepted = check_document(filename, content)
    assert (accepted.name, accepted.media_type) == (stored, media_type)


@pytest.mark.parametrize(("content", "label"), [
    (b"Just one line of text", "TXT"),
    (b"II*\x00" + bytes(16), "TIFF"),
], ids=["text", "tiff"])
def test_other_kinds_are_named_in_the_refusal(content: bytes, label: str) -> None:
    assert refusal("x.csv", content) == [
        ("file", "attachments.documents_type_not_allowed", {"type": label})]


# --- workbooks ------------------------------------------------------------------------


def test_a_plain_workbook_is_accepted() -> None:
    assert check_document("balance.xlsx", workbook()).media_type == XLSX_TYPE


def test_a_workbook_with_a_vba_project_is_refused() -> None:
    macro = rezipped(workbook(), lambda _name, data: data,
                     {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)})
    assert refusal("balance.xlsx", macro) == [("file", "attachments.macro_workbook", {})]


def test_a_macro_enabled_workbook_is_refused_whatever_its_name() -> None:
    def as_xlsm(name: str, data: bytes) -> bytes:
        if name != "[Content_Types].xml":
            return data
        return data.replace(b"application/vnd.openxmlformats-officedocument."
                            b"spreadsheetml.sheet.main+xml",
                            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")

    xlsm = rezipped(workbook(), as_xlsm)
    assert refusal("balance.xlsx", xlsm) == [("file", "attachments.macro_workbook", {})]


def test_a_damaged_workbook_is_refused() -> None:
    damaged = rezipped(workbook(), lambda name, data: b"<not xml" if name.startswith(
        "xl/worksheets/") else data)
    assert refusal("balance.xlsx", damaged) == [("file", "attachments.workbook_unreadable", {})]


def test_an_xml_entity_bomb_is_refused_by_defusedxml() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c>'
              b'</row></sheetData></worksheet>')
    bomb = rezipped(workbook(), lambda name, data: laughs if name.startswith(
        "xl/worksheets/") else data)
    assert refusal("balance.xlsx", bomb) == [("file", "attachments.workbook_unreadable", {})]


def _bomb(inflated: int) -> bytes:
    """A workbook whose one sheet inflates to ``inflated`` bytes, its directory telling
    the truth: one cell holding that much text (a thousand to one compressed), which a
    reader holds whole once inflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                target.writestr(info.filename, source.read(info))
        with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml'
                        b'/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
            chunk = b"A" * MIB
            for _ in range(inflated // MIB):
                sheet.write(chunk)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


def _lying(content: bytes, member: str, declared: int) -> bytes:
    """``content`` whose directory (and local header) say ``member`` inflates to
    ``declared`` bytes only."""
    data = bytearray(content)
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = int.from_bytes(data[central + 28:central + 30], "little")
        if data[central + 46:central + 46 + length] == name:
            data[central + 24:central + 28] = declared.to_bytes(4, "little")
            local = int.from_bytes(data[central + 42:central + 46], "little")
            data[local + 22:local + 26] = declared.to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _peak_while(call: Callable[[], object]) -> int:
    tracemalloc.start()
    with contextlib.suppress(ValidationFailed):  # the refusal is asserted elsewhere
        call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_a_zip_bomb_is_refused_from_its_directory_within_the_memory_limit() -> None:
    bomb = _bomb(MAX_INFLATED_BYTES + 64 * MIB)
    assert len(bomb) < 2 * MIB  # it passes the 10 MB limit: only inflating would show it
    assert refusal("balance.xlsx", bomb) == [
        ("file", "attachments.workbook_too_large",
         {"megabytes": MAX_INFLATED_BYTES // MIB})]
    # Nothing near the inflated size was ever held: a few times the file at most.
    assert _peak_while(lambda: check_document("balance.xlsx", bomb)) < 16 * MIB


def test_a_zip_bomb_whose_directory_lies_is_refused_within_the_memory_limit() -> None:
    bomb = _lying(_bomb(MAX_INFLATED_BYTES + 64 * MIB), "xl/worksheets/sheet1.xml", 4096)
    assert refusal("balance.xlsx", bomb) == [("file", "attachments.workbook_unreadable", {})]
    # zipfile never inflates a member past its declared size: the read stops there.
    assert _peak_while(lambda: check_document("balance.xlsx", bomb)) < 16 * MIB


# --- a sending ------------------------------------------------------------------------------


def test_every_file_of_a_sending_is_checked_and_placed() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_documents([("a.pdf", PDF), ("setup.pdf", b"MZ" + bytes(64)), ("b.pdf", b""),
                         ("c\x00.pdf", PDF)])
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("files.1", "attachments.documents_type_not_allowed"),
        ("files.2", "attachments.empty"),
        ("files.3", "attachments.name_forbidden_characters")]


def test_a_sending_has_one_to_ten_files_of_50_mb_in_all() -> None:
    assert [a.name for a in check_documents([("a.pdf", PDF)] * 10, min_files=1)] == \
        ["a.pdf"] * 10
    cases = {
        "none": ([], "attachments.documents_missing", {"count": 1}),
        "eleven": ([("a.pdf", PDF)] * 11, "attachments.too_many_documents", {"count": 10}),
        "too-large-in-all": ([("a.pdf", PDF + bytes(9 * MIB))] * 6,
                             "attachments.documents_too_large", {"megabytes": 50}),
    }
    for files, code, params in cases.values():
        with pytest.raises(ValidationFailed) as refused:
            check_documents(files, min_files=1)
        assert codes(refused.value) == [("files", code, params)]


def test_one_file_over_10_mb_is_refused_at_its_place() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_documents([("a.pdf", PDF), ("big.pdf", PDF + bytes(10 * MIB))])
    assert codes(refused.value) == [("files.1", "attachments.too_large", {"megabytes": 10})]

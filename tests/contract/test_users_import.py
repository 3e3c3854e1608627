"""The user import (issue 16 item 6) on every backend: ``repo.users.import_users`` as the
dataset's contract administrator ``admin`` (full rights on P-A, organisation "Holder A"),
its result and lines read through ``repo.imports``.

All-or-nothing: a faulty line leaves no user, no attachment and no mail; a member of
the organisation with the line's e-mail address is attached (or left unchanged when
attached already) rather than created; at most 500 lines."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
import xlsxwriter
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import Forbidden, NotFound
from cofatui.models import AuditEntry, OutboxMessage, User, UserContract
from cofatui.repository.base import Repository
from cofatui.repository.sql.upsert import table_of
from cofatui.schemas_jobs import ImportLinePublic, ImportStatus, LineStatus
from tests.contract.conftest import Backend

HEADER = "title;last_name;first_name;phone;fax;email;language;default_contract;rights\n"
PHONE, FAX = "01 23 45 67 89", "01 23 45 67 80"


def row(last: str, email: str, *, title: str = "mr", first: str = "Jean",
        phone: str = PHONE, fax: str = FAX, language: str = "", contract: str = "",
        rights: str = "") -> str:
    return ";".join((title, last, first, phone, fax, email, language, contract, rights)) + "\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def counts(backend: Backend) -> tuple[int, int, int]:
    """Users, attachments and queued mails: what an import may add."""
    with Session(backend.engine) as s:
        return tuple(int(s.execute(select(func.count()).select_from(table)).scalar_one())
                     for table in (User, UserContract, OutboxMessage))  # type: ignore[return-value]


def lines_of(repo: Repository, import_id: int) -> list[ImportLinePublic]:
    return repo.imports.lines(import_id, errors_first=False, limit=500).items


def rights_on(backend: Backend, login: str, contract_id: int) -> str | None:
    with Session(backend.engine) as s:
        return s.execute(select(col(UserContract.rights)).join(
            User, col(User.id) == col(UserContract.user_id)).where(
            col(User.login) == login, col(UserContract.contract_id) == contract_id)
        ).scalar()


def add_members(backend: Backend, emails: Sequence[str]) -> None:
    """Members of Holder A attached to no contract (the not-attached list), inserted
    at once."""
    with Session(backend.engine) as s:
        organisation = s.execute(select(col(User.organisation_id)).where(
            col(User.login) == "admin")).scalar_one()
        s.execute(insert(table_of(User)), [
            {"login": f"m{i}", "first_name": "M", "last_name": f"Member {i}", "email": email,
             "role": "policyholder", "status": "active", "organisation_id": organisation,
             "language": "fr", "created_at": backend.clock.now(), "version": 1}
            for i, email in enumerate(emails)])
        s.commit()


# --- created ------------------------------------------------------------------------------


def test_import_creates_each_user_with_their_rights_and_mail(backend: Backend) -> None:
    admin = backend.open("admin")
    before = counts(backend)
    result = admin.users.import_users(backend.ids["A"], "users.csv", csv(
        row("Dupont", "jean.dupont@example.com"),
        row("Martin", "zoe.martin@example.com", title="ms", first="Zoé", language="en",
            contract="P-A", rights="read_only")))
    assert (result.kind, result.status, result.total_lines, result.ok_lines) == \
        ("users", ImportStatus.SUCCEEDED, 2, 2)
    lines = lines_of(admin, result.id)
    assert [(x.line_no, x.status, x.code, x.params) for x in lines] == [
        (2, LineStatus.OK, "user_import.created", {"login": "j.dupont"}),
        (3, LineStatus.OK, "user_import.created", {"login": "z.martin"})]
    assert lines[0].message == "Created: j.dupont."
    assert counts(backend) == (before[0] + 2, before[1] + 2, before[2] + 2)
    assert rights_on(backend, "j.dupont", backend.ids["A"]) == "full"
    assert rights_on(backend, "z.martin", backend.ids["A"]) == "read_only"
    zoe = admin.users.get("z.martin")
    assert (zoe.title, zoe.first_name, zoe.phone, zoe.language, zoe.awaiting_activation,
            zoe.default_contract_id) == ("ms", "Zoé", "+33123456789", "en", True,
                                         backend.ids["A"])
    # the new users are members of the contract's organisation, listed as attached
    listed = admin.users.contract_users(backend.ids["A"], query="martin").items
    assert [(r.login, r.rights) for r in listed] == [("z.martin", "read_only")]


def test_empty_language_is_the_importers_and_logins_stay_unique(backend: Backend) -> None:
    admin = backend.open("admin")
    result = admin.users.import_users(backend.ids["A"], "users.csv", csv(
        row("Dupont", "a@example.com"), row("Dupont", "b@example.com")))
    assert result.status == ImportStatus.SUCCEEDED
    logins = [x.params["login"] for x in lines_of(admin, result.id)]
    assert logins == ["j.dupont", "j.dupont2"]
    assert admin.users.get("j.dupont2").language == admin.whoami().language


# --- all or nothing -------------------------------------------------------------------------


def test_a_faulty_line_creates_no_user_and_sends_no_mail(backend: Backend) -> None:
    admin = backend.open("admin")
    add_members(backend, ["member@example.com"])
    before = counts(backend)
    result = admin.users.import_users(backend.ids["A"], "users.csv", csv(
        row("Dupont", "jean.dupont@example.com"),                  # 2: would be created
        row("Member", "MEMBER@example.com"),                       # 3: would be attached
        row("Bad", "bad@example.com", title="dr", phone="nope"),   # 4: two faults
        row("Other", "other@example.com", rights="admin")))        # 5: wrong rights
    assert (result.status, result.ok_lines, result.error_lines) == (ImportStatus.FAILED, 0, 2)
    assert counts(backend) == before
    lines = admin.imports.lines(result.id).items  # errors first
    assert [(x.line_no, x.status) for x in lines] == [
        (4, LineStatus.ERROR), (5, LineStatus.ERROR),
        (2, LineStatus.NOT_APPLIED), (3, LineStatus.NOT_APPLIED)]
    assert lines[0].code == "user_import.invalid_fields"
    assert lines[0].params["columns"] == ["title", "phone"]
    assert "[phone]" in lines[0].message and "[title]" in lines[0].message
    assert lines[1].params["columns"] == ["rights"]
    assert rights_on(backend, "m0", backend.ids["A"]) is None
    with Session(backend.engine) as s:
        assert not s.execute(select(AuditEntry).where(
            col(AuditEntry.operation).in_(["create_user", "attach_user"]))).first()


def test_a_line_the_database_refuses_rolls_back_the_others(backend: Backend) -> None:
    admin = backend.open("admin")
    before = counts(backend)
    result = admin.users.import_users(backend.ids["A"], "users.csv", csv(
        row("Dupont", "jean.dupont@example.com"),
        row("Durand", "marie@example.com", contract="P-B")))
    assert result.status == ImportStatus.FAILED
    lines = admin.imports.lines(result.id).items
    assert (lines[0].line_no, lines[0].code, lines[0].params) == (
        3, "user_import.default_contract_other", {"policy": "P-B", "contract": "P-A"})
    assert lines[1].status == LineStatus.NOT_APPLIED
    assert counts(backend) == before


def test_the_same_e_mail_twice_is_an_error_of_the_later_line(backend: Backend) -> None:
    admin = backend.open("admin")
    before = counts(backend)
    result = admin.users.import_users(backend.ids["A"], "users.csv", csv(
        row("Dupont", "jean@example.com"), row("Dupond", "JEAN@example.com")))
    assert result.status == ImportStatus.FAILED
    line = admin.imports.lines(result.id).items[0]
    assert (line.line_no, line.code, line.params["line"]) == \
        (3, "user_import.duplicate_email", 2)
    assert counts(backend) == before


def test_two_members_with_the_line_s_e_mail_are_an_error(backend: Backend) -> None:
    admin = backend.open("admin")
    add_members(backend, ["twin@example.com", "Twin@Example.com"])
    result = admin.users.import_users(backend.ids["A"], "users.csv",
                                      csv(row("Twin", "twin@example.com")))
    line = admin.imports.lines(result.id).items[0]
    assert (result.status, line.code, line.params) == \
        (ImportStatus.FAILED, "user_import.email_ambiguous", {"count": 2})


# --- attached / unchanged ---------------------------------------------------------------------


def test_a_member_with_the_e_mail_is_attached_or_left_unchanged(backend: Backend) -> None:
    admin = backend.open("admin")
    reader = admin.users.get("reader")
    admin.users.detach("reader", backend.ids["A"], reader.version)
    before = counts(backend)
    result = admin.users.import_users(backend.ids["A"], "users.csv", csv(
        row("Whatever", "Reader@Example.test", rights="read_only"),  # detached member
        row("Test", "alice@example.test", rights="read_only"),       # attached, full
        row("Outsider", "bob@example.test")))                        # Holder B's: a new user
    assert result.status == ImportStatus.SUCCEEDED
    assert [(x.code, x.params) for x in lines_of(admin, result.id)] == [
        ("user_import.attached", {"login": "reader", "rights": "read_only"}),
        ("user_import.unchanged", {"login": "alice", "rights": "full"}),
        ("user_import.created", {"login": "j.outsider"})]
    # one user created (with its mail), one attachment more for reader
    assert counts(backend) == (before[0] + 1, before[1] + 2, before[2] + 1)
    assert rights_on(backend, "reader", backend.ids["A"]) == "read_only"
    assert rights_on(backend, "alice", backend.ids["A"]) == "full"
    assert admin.users.get("reader").last_name == "Test"  # their data stay theirs
    entries = [e for e in _audit(backend, "attach_user") if e.contract_id == backend.ids["A"]]
    assert len(entries) == 1 and entries[0].login == "admin"
    again = admin.users.import_users(backend.ids["A"], "users.csv", csv(
        row("Whatever", "reader@example.test")))
    assert lines_of(admin, again.id)[0].code == "user_import.unchanged"


def _audit(backend: Backend, operation: str) -> list[AuditEntry]:
    with Session(backend.engine) as s:
        return list(s.execute(select(AuditEntry).where(
            col(AuditEntry.operation) == operation)).scalars())


# --- limits and files --------------------------------------------------------------------------


def test_500_lines_are_imported_and_501_refused_whole(backend: Backend) -> None:
    emails = [f"member{i}@example.com" for i in range(501)]
    add_members(backend, emails)
    admin = backend.open("admin")
    rows = [row(f"Member {i}", email) for i, email in enumerate(emails)]
    before = counts(backend)
    refused = admin.users.import_users(backend.ids["A"], "501.csv", csv(*rows))
    assert (refused.status, refused.refusal_code, refused.total_lines) == \
        (ImportStatus.FAILED, "too_many_lines", 0)
    assert "501" in refused.refusal
    assert counts(backend) == before
    done = admin.users.import_users(backend.ids["A"], "500.csv", csv(*rows[:500]))
    assert (done.status, done.total_lines, done.ok_lines) == (ImportStatus.SUCCEEDED, 500, 500)
    assert {x.code for x in admin.imports.lines(done.id, limit=500).items} == \
        {"user_import.attached"}
    assert counts(backend) == (before[0], before[1] + 500, before[2])


def test_a_sheet_is_read_like_its_csv(backend: Backend) -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER.strip().split(";"))
    sheet.write_row(2, 0, ["MRS", "Durand", "Marie", 33123456789, "+33 1 23 45 67 80",
                           "marie@example.com", "fr", "P-A", "read_only"])
    book.close()
    admin = backend.open("admin")
    result = admin.users.import_users(backend.ids["A"], "users.xlsx", out.getvalue())
    assert result.status == ImportStatus.SUCCEEDED, admin.imports.lines(result.id).items
    assert [(x.line_no, x.code) for x in lines_of(admin, result.id)] == \
        [(3, "user_import.created")]
    marie = admin.users.get("m.durand")
    assert (marie.title, marie.phone) == ("mrs", "+33123456789")


def test_windows_1252_and_a_byte_order_mark_are_read(backend: Backend) -> None:
    admin = backend.open("admin")
    text = HEADER.replace("\n", "\r\n") + row("Lefèvre", "zoe@example.com", first="Zoé")
    result = admin.users.import_users(backend.ids["A"], "cp1252.csv", text.encode("cp1252"))
    assert result.status == ImportStatus.SUCCEEDED
    assert admin.users.get("z.lefevre").last_name == "Lefèvre"
    bom = "\ufeff" + HEADER + row("Noël", "noel@example.com", first="Ève")
    result = admin.users.import_users(backend.ids["A"], "bom.csv", bom.encode("utf-8"))
    assert result.status == ImportStatus.SUCCEEDED
    assert admin.users.get("e.noel").first_name == "Ève"


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (HEADER.encode(), "empty"),
    (b"name;email\nx;y\n", "unknown_column"),
    (b"PK\x03\x04 not a workbook", "sheet_unreadable"),
    (b"x" * (2 * 1024 * 1024 + 1), "too_large"),
])
def test_a_file_refused_whole_says_why_and_changes_nothing(
        backend: Backend, content: bytes, reason: str) -> None:
    admin = backend.open("admin")
    before = counts(backend)
    result = admin.users.import_users(backend.ids["A"], "f.csv", content)
    assert (result.status, result.refusal_code) == (ImportStatus.FAILED, reason)
    assert result.refusal and counts(backend) == before
    assert admin.imports.result(result.id) == result


# --- who may import -------------------------------------------------------------------------


def test_only_an_administrator_of_the_contract_imports(backend: Backend) -> None:
    content = csv(row("Dupont", "jean@example.com"))
    before = counts(backend)
    with pytest.raises(Forbidden):
        backend.open("alice").users.import_users(backend.ids["A"], "u.csv", content)
    with pytest.raises(NotFound):  # another organisation's contract
        backend.open("admin").users.import_users(backend.ids["B"], "u.csv", content)
    assert counts(backend) == before
    uw = backend.open("uw")
    result = uw.users.import_users(backend.ids["B"], "u.csv", content)
    assert result.status == ImportStatus.SUCCEEDED
    # the result is the importer's own
    with pytest.raises(NotFound):
        backend.open("admin").imports.result(result.id)

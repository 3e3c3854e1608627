"""Documents sent (issue 17 item 5, seed "Documents téléchargés") through the screens:
a tab only for the kinds the contract has documents of; the company page's shortcut
filtered to that company; the list filtered and sorted; Enter opens the submission the
file belongs to; a copy saved through the file picker holds the same bytes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Tabs

from cofatui.schemas_documents import DocumentRow
from cofatui.tui.features.claims.detail import ClaimDetailScreen
from cofatui.tui.features.company_info.detail import SubmissionDetailScreen
from cofatui.tui.features.documents.screen import DocumentsSentScreen
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.virtual_list import VirtualList
from tests.tui.claims_env import submit_claim
from tests.tui.company_info_env import PDF, open_company, open_documents, send_annual_report
from tests.tui.pilot import settle, toasts, type_into, wait_until
from tests.tui.products_env import SIZE, make_env, screen_text


def shown(screen: DocumentsSentScreen) -> list[DocumentRow]:
    lst = screen.query_one("#documents", VirtualList)
    rows = [lst.row_at(i) for i in range(lst.row_count)]
    return [row for row in rows if isinstance(row, DocumentRow)]


def tab_ids(screen: DocumentsSentScreen) -> list[str]:
    return [tab.id or "" for tab in screen.query_one(Tabs).query("Tab")]


async def test_only_the_kinds_sent_have_a_tab(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        assert tab_ids(screen) == []
        assert "No document sent under this contract yet" in screen_text(app)

    send_annual_report(env, "gamma", (("report.pdf", PDF),))
    send_annual_report(env, "alpha", (("alpha accounts.pdf", PDF), ("alpha notes.pdf", PDF)))
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        assert tab_ids(screen) == ["tab-company_information"]
        text = screen_text(app)
        assert "3 documents" in text and "Annual report" in text and "In progress" in text
        await type_into(pilot, "#filter", "notes")
        await wait_until(pilot, lambda: "1 document" in screen_text(app), what="the filter")
        assert [row.filename for row in shown(screen)] == ["alpha notes.pdf"]
        # Sorted by file name (s), then the other way round (o).
        await type_into(pilot, "#filter", "")
        screen.query_one("#documents", VirtualList).focus()
        await pilot.press("s")
        await wait_until(pilot, lambda: len(shown(screen)) == 3, what="the whole list")
        names = ["alpha accounts.pdf", "alpha notes.pdf", "report.pdf"]
        assert [row.filename for row in shown(screen)] == names
        await pilot.press("o")
        await settle(pilot)
        await wait_until(pilot, lambda: [r.filename for r in shown(screen)] == names[::-1],
                         what="the reversed order")
        # A click on a column's title sorts by it; a second click reverses.
        await pilot.click("#documents", offset=(2, 0))  # the Date title
        await wait_until(pilot, lambda: screen.sort == "created_at" and screen.descending,
                         what="sorted by date")
        await pilot.click("#documents", offset=(2, 0))
        await wait_until(pilot, lambda: not screen.descending, what="the date reversed")


async def test_from_the_company_page_open_the_owner_and_save_a_copy(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    send_annual_report(env, "alpha", (("alpha accounts.pdf", PDF),))
    sent = send_annual_report(env, "gamma", (("report.pdf", PDF),))
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_company(pilot, env.ids["gamma"])
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, DocumentsSentScreen),
                         what="the documents sent")
        await settle(pilot)
        text = screen_text(app)
        assert "1 document" in text and "report.pdf" in text and "alpha" not in text

        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), what="the picker")
        target = tmp_path / "copy.pdf"
        app.screen.query_one("#picker-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: target.exists(), what="the copy written")
        await settle(pilot)
        assert target.read_bytes() == PDF
        # The toast follows the picker's result, a turn or two after the file is written.
        await wait_until(pilot, lambda: f"Copy saved: {target}" in toasts(app),
                         what="its toast")

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SubmissionDetailScreen),
                         what="the submission the file belongs to")
        assert app.screen.submission.id == sent.id  # type: ignore[attr-defined]


async def test_a_claim_attachment_gets_its_tab_and_opens_its_claim(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    send_annual_report(env, "gamma", (("report.pdf", PDF),))
    writer = env.app("alice")
    claim = submit_claim(env, writer)
    writer.repo.claims.add_document(claim.id, "invoice 501.pdf", PDF, "contractual")
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        assert tab_ids(screen) == ["tab-claims", "tab-company_information"]  # the seed's order
        await wait_until(pilot, lambda: [r.filename for r in shown(screen)] == ["invoice 501.pdf"],
                         what="the claims tab")
        assert "Contractual" in screen_text(app)
        screen.query_one(Tabs).active = "tab-company_information"
        await wait_until(pilot, lambda: [r.filename for r in shown(screen)] == ["report.pdf"],
                         what="the company information tab")
        screen.query_one(Tabs).active = "tab-claims"
        await wait_until(pilot, lambda: [r.filename for r in shown(screen)] == ["invoice 501.pdf"],
                         what="back on the claims tab")
        screen.query_one("#documents", VirtualList).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ClaimDetailScreen),
                         what="the claim")

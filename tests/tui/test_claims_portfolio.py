"""The claims portfolio and the claim detail: one row per debtor with its filter, the three
tabs, an additional declaration, attachments refused for their content or accepted and
listed newest first, the claims handler's line validation, status and indemnity reaching
the policyholder as a notification; snapshots of the three tabs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent, TextArea

from cofatui.enums import ClaimStatus
from cofatui.i18n import format_amount
from cofatui.schemas import NotificationFilter
from cofatui.tui.features.claims.actions import (
    IndemnityDialog,
    StatusDialog,
    ValidateLinesDialog,
)
from cofatui.tui.features.claims.additional import AdditionalDeclarationScreen
from cofatui.tui.features.claims.attachments import AttachmentDialog, DocumentInfoDialog
from cofatui.tui.features.claims.claims_portfolio import ClaimsPortfolioScreen
from cofatui.tui.features.claims.detail import ClaimDetailScreen
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.products.new_action import NewActionScreen
from cofatui.tui.kit.drafts import LeaveDialog
from cofatui.tui.kit.virtual_list import VirtualList
from tests.tui.claims_env import add_invoice, choose, day, submit_claim, toasts, type_in
from tests.tui.pilot import drafts_written
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, settle, themed

__all__ = ["pin_utc"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


async def open_detail(pilot: Pilot[Any], claim_id: int) -> ClaimDetailScreen:
    screen = ClaimDetailScreen(claim_id)
    pilot.app.push_screen(screen)
    await settle(pilot)
    assert screen.detail is not None
    return screen


async def test_one_row_per_debtor_filter_and_open(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        beta = submit_claim(env, app, "beta")
        submit_claim(env, app, "gamma")
        app.switch_to("claims_portfolio")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClaimsPortfolioScreen)
        text = screen_text(app)
        assert "2 debtors with claims" in text
        # At 120 columns the per-currency claim amounts leave the name 17 characters.
        assert "Beta Maschinenba…" in text and "Gamma Tessile SpA" in text
        assert beta.reference is not None and beta.reference in text
        await pilot.press("slash")
        await pilot.press(*"maschinen")
        await settle(pilot)
        assert "1 debtor with claims" in screen_text(app)
        await pilot.press("enter")  # back to the list
        await pilot.press("enter")  # open the claim
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ClaimDetailScreen) and detail.claim_id == beta.id


async def test_three_tabs_history_and_claim_file_from_the_company(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, app, "beta")
        app.push_screen(CompanyDetailScreen(env.ids["beta"], env.ids["A"]))
        await settle(pilot)
        # A claim is open: NEW ACTION offers no new claim and says why.
        await pilot.press("a")
        await settle(pilot)
        menu = app.screen
        assert isinstance(menu, NewActionScreen)
        item = next(i for i in menu.items if i.code == "CLAIM")
        assert not item.allowed and "still open" in item.reason
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("l")  # the claim file
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ClaimDetailScreen) and detail.claim_id == claim.id
        text = screen_text(app)
        assert "Claim amount" in text and "€2,100.00" in text  # 2 × 1200 − 300
        assert "Not assessed yet" in text
        assert "All claims on this debtor" in text
        await pilot.press("2")
        await settle(pilot)
        assert "No invoice or payment validated" in screen_text(app)
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "Insolvency" in text and "Initial" in text and "501" in text and "502" in text


async def test_additional_declaration(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, app)
        await open_detail(pilot, claim.id)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AdditionalDeclarationScreen)
        # An invoice already declared is refused in the line dialog itself.
        await add_invoice(pilot, "501", day(40), day(10), "10")
        assert "already in the declaration" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await add_invoice(pilot, "601", day(20), day(1), "400.00", "80.00")
        dialog.query_one("#intervention_requested").toggle()  # type: ignore[attr-defined]
        await type_in(pilot, "#contact_name", "Bob Collector")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        detail = app.screen.detail
        assert detail is not None
        assert [d.kind for d in detail.declarations] == ["initial", "additional"]
        assert detail.claim.invoice_count == 3 and detail.claim.intervention_requested
        assert str(detail.claim.claim_amount) == "2580.00"
        await pilot.press("3")
        await settle(pilot)
        assert "Additional 1" in screen_text(app) and "Bob Collector" in screen_text(app)



async def test_additional_declaration_with_an_alternative_contact(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, app)
        await open_detail(pilot, claim.id)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AdditionalDeclarationScreen)
        # The alternative contact goes with an intervention: shown once it is requested.
        assert not dialog.query_one("#declaration-alt-contact").display
        dialog.query_one("#intervention_requested").toggle()  # type: ignore[attr-defined]
        await settle(pilot)
        assert dialog.query_one("#declaration-alt-contact").display
        await type_in(pilot, "#alt_contact_name", "Zoé Martin")
        await type_in(pilot, "#alt_contact_email", "zoe@")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "Not an e-mail address" in screen_text(app)
        await type_in(pilot, "#alt_contact_email", "zoe@example.test")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        detail = app.screen.detail
        assert detail is not None
        added = detail.declarations[-1]
        assert (added.alt_contact_name, added.alt_contact_email) == ("Zoé Martin",
                                                                     "zoe@example.test")
        assert added.comments == ""
        await pilot.press("3")
        await settle(pilot)
        assert "Alternative contact: Zoé Martin · zoe@example.test" in screen_text(app)


async def test_additional_declaration_draft_survives_a_closed_app(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, app)
        await open_detail(pilot, claim.id)
        await pilot.press("d")
        await settle(pilot)
        await add_invoice(pilot, "701", day(20), day(1), "250.00", "50.00")
        await type_in(pilot, "#contact_name", "Bob Collector")
        app.screen.query_one("#comments", TextArea).insert("Called twice.")
        await drafts_written(pilot)
        await settle(pilot)
        assert "Draft saved" in screen_text(app)
        app.exit()  # the terminal is closed: nothing sent, no question asked

    again = env.app("alice")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_detail(pilot, claim.id)
        await pilot.press("d")
        await settle(pilot)
        dialog = again.screen
        assert isinstance(dialog, AdditionalDeclarationScreen) and dialog.restored
        assert "Draft restored" in screen_text(again)
        assert [i.number for i in dialog.invoices] == ["701"]
        assert "701" in screen_text(again)
        assert dialog.query_one("#contact_name", Input).value == "Bob Collector"
        assert dialog.query_one("#comments", TextArea).text == "Called twice."
        # Leaving asks; staying keeps the form as it is.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(again.screen, LeaveDialog)
        await pilot.click("#stay")
        await settle(pilot)
        assert again.screen is dialog
        # Sent: the draft is gone, the next declaration starts blank.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, ClaimDetailScreen)
        assert again.repo.drafts.load("claim_declaration", str(claim.id)) is None
        await pilot.press("d")
        await settle(pilot)
        blank = again.screen
        assert isinstance(blank, AdditionalDeclarationScreen) and not blank.restored
        assert blank.query_one("#contact_name", Input).value == ""
        # Nothing typed: Esc leaves without asking.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(again.screen, ClaimDetailScreen)


async def test_additional_declaration_draft_can_be_discarded_on_leaving(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, app)
        await open_detail(pilot, claim.id)
        await pilot.press("d")
        await settle(pilot)
        await type_in(pilot, "#contact_name", "Keep Me")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeaveDialog)
        await pilot.click("#keep")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        draft = app.repo.drafts.load("claim_declaration", str(claim.id))
        assert draft is not None and draft["contact_name"] == "Keep Me"
        await pilot.press("d")
        await settle(pilot)
        assert app.screen.query_one("#contact_name", Input).value == "Keep Me"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#discard")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        assert app.repo.drafts.load("claim_declaration", str(claim.id)) is None


async def test_attachments_checked_by_content_listed_newest_first(
        env: Env, tmp_path: Path) -> None:
    fake = tmp_path / "invoice.pdf"
    fake.write_text("this is not a PDF at all", encoding="utf-8")
    real = tmp_path / "delivery note.pdf"
    real.write_bytes(PDF)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, app)
        screen = await open_detail(pilot, claim.id)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AttachmentDialog)
        await type_in(pilot, "#file", str(fake))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AttachmentDialog)
        assert "this file's content is none of them" in screen_text(app)
        await type_in(pilot, "#file", str(real))
        await choose(pilot, "category-other")
        await type_in(pilot, "#comment", "Signed by the buyer")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.detail is not None
        documents = screen.detail.documents
        assert [d.filename for d in documents] == ["delivery note.pdf"]
        assert documents[0].content_type == "application/pdf" and documents[0].category == "other"
        assert "delivery note.pdf" in screen_text(app)
        assert "delivery note.pdf attached" in toasts(app)
        lst = screen.query_one("#cd-documents", VirtualList)
        lst.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DocumentInfoDialog)
        text = screen_text(app)
        assert "application/pdf" in text and "Signed by the buyer" in text
        assert documents[0].sha256 in text


async def test_handler_indemnity_reaches_the_policyholder(env: Env) -> None:
    alice = env.app("alice")
    async with alice.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, alice)

    handler = env.app("uw")
    async with handler.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_detail(pilot, claim.id)
        assert "Validate lines" in screen_text(handler)
        assert "Additional declaration" not in screen_text(handler)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(handler.screen, ValidateLinesDialog)
        await pilot.press("ctrl+a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.detail is not None
        assert all(i.validated for i in screen.detail.invoices)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(handler.screen, StatusDialog)
        await choose(pilot, "status-rejected")
        await pilot.press("ctrl+s")  # a rejection needs a reason
        await settle(pilot)
        assert "Say why the claim is rejected" in screen_text(handler)
        await choose(pilot, "status-accepted")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.detail.claim.status == ClaimStatus.ACCEPTED
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(handler.screen, IndemnityDialog)
        handler.screen.query_one("#covered_amount", Input).focus()
        await pilot.press("ctrl+s")  # blank: computed from the contract
        await settle(pilot)
        assert screen.detail.claim.calculated_indemnity is not None
        indemnity = screen.detail.claim.calculated_indemnity
        await pilot.press("2")
        await settle(pilot)
        assert "3 validated lines" in screen_text(handler)

    again = env.app("alice")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = again.repo.notifications.rows(NotificationFilter(type="indemnity")).items
        # The title shows the amount as the reader's language writes it (€1,234.50).
        assert any(format_amount(indemnity, "EUR", "en") in n.title for n in notes)
        again.switch_to("notifications")
        await settle(pilot)
        text = screen_text(again)
        # Status and indemnity: two notifications more than the dataset's five unread.
        assert "7 unread" in text and f"Claim {claim.reference}: indemnity" in text
        await open_detail(pilot, claim.id)
        text = screen_text(again)
        assert "accepted" in text and "Validate lines" not in text


# --------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("tab", ["tab-indemnification", "tab-account", "tab-declaration"])
def test_snapshot_claim_detail_tabs(snap_compare: Any, env: Env, tab: str) -> None:
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        claim = submit_claim(env, app)
        lines = app.repo.claims.detail(claim.id)
        from cofatui.repository.sql import SqlRepository
        from cofatui.schemas import IndemnityUpdate, LineValidation

        handler = SqlRepository(env.engine, "uw", env.clock)
        done = handler.claims.validate_lines(claim.id, LineValidation(
            invoice_ids=[lines.invoices[0].id], payment_ids=[p.id for p in lines.payments]),
            claim.version)
        handler.claims.set_indemnity(claim.id, IndemnityUpdate(), done.version)
        app.repo.claims.add_document(claim.id, "contract.pdf", PDF, "contractual", "signed")
        screen = await open_detail(pilot, claim.id)
        screen.query_one("#cd-tabs", TabbedContent).active = tab
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

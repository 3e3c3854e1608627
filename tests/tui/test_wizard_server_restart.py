"""The claim wizard over ``--api`` while the server restarts (issue 13, acceptance "the
TUI over --api with the server restarted twice during a claim wizard (draft kept,
nothing sent twice)").

A real ``cofatui serve`` is killed while the user types (the draft cannot be written:
the wizard says so, keeps everything, and writes the draft once the server is back) and
again when the user submits (the message says nothing was sent; the draft stays; the
second submission registers exactly one claim). A submission whose answer is lost
(a proxy drops it after the server applied it) says it may have been applied; when the
server answers again the wizard finds the claim instead of sending it twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from cofatui.config import Language
from cofatui.tui.app import CofaApp
from cofatui.tui.features.claims.wizard import DRAFT_KIND, ClaimWizardScreen, draft_key
from tests.tui.claims_env import add_invoice, day, fill_to_invoices, next_step
from tests.tui.pilot import screen_text, settle, wait_until
from tests.tui.test_offline_postgres import TcpProxy
from tests.tui.test_offline_real_server import RemoteSite, language_restored, open_remote

__all__ = ["language_restored"]

REFERENCE = "R-2026-17"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RemoteSite]:
    yield from open_remote(tmp_path, monkeypatch)


def claims_sent(site: RemoteSite) -> int:
    """Claims registered on beta with the wizard's reference, read in the database."""
    page = site.repo().claims.rows(site.ids["A"], 0, 100)
    return sum(1 for c in page.items
               if c.company_id == site.ids["beta"] and c.own_reference == REFERENCE)


def stored_draft(site: RemoteSite) -> dict[str, Any] | None:
    return site.repo().drafts.load(DRAFT_KIND, draft_key(site.ids["A"], site.ids["beta"]))


async def open_wizard(pilot: Pilot[Any], site: RemoteSite) -> ClaimWizardScreen:
    await settle(pilot)
    wizard = ClaimWizardScreen(site.ids["A"], site.ids["beta"])
    pilot.app.push_screen(wizard)
    await settle(pilot)
    await wait_until(pilot, lambda: wizard.state is not None, what="the wizard")
    return wizard


async def back_online(pilot: Pilot[Any], app: CofaApp) -> None:
    await wait_until(pilot, lambda: app.offline_since is None, timeout=20,
                     what="the probe to find the server again")
    await settle(pilot)


def wizard_error(wizard: ClaimWizardScreen) -> str:
    return str(wizard.query_one("#wizard-error", Static).render())


async def to_review(pilot: Pilot[Any]) -> None:
    """From the payments step to the review (no payment, no comment)."""
    await next_step(pilot)  # → comments
    await next_step(pilot)  # → review


@pytest.mark.parametrize(("language", "offline", "not_saved", "not_sent"), [
    ("en", "offline since", "Draft not saved", "Not sent"),
    ("fr", "hors ligne depuis", "Brouillon non enregistré", "Non envoyé"),
])
async def test_server_restarted_twice_draft_kept_one_claim(
        site: RemoteSite, language: Language, offline: str, not_saved: str,
        not_sent: str) -> None:
    app = site.app(language)
    async with app.run_test(size=(120, 40)) as pilot:
        wizard = await open_wizard(pilot, site)
        assert wizard.state is not None
        await fill_to_invoices(pilot, reference=REFERENCE)
        await wait_until(pilot, lambda: (stored_draft(site) or {}).get("own_reference")
                         == REFERENCE, what="the draft written")

        # Restart 1, while the user adds an invoice: the draft cannot be written.
        await site.kill()
        amount = "1000.00" if language == "en" else "1000,00"
        tax = "200.00" if language == "en" else "200,00"
        await add_invoice(pilot, "1001", day(52), day(22), amount, tax)
        await wait_until(pilot, lambda: app.offline_since is not None, what="offline")
        await settle(pilot)
        text = screen_text(app)
        assert offline in text and not_saved in text
        assert [i.number for i in wizard.state.invoices] == ["1001"]
        await site.start()
        await back_online(pilot, app)
        # No key pressed: the wizard wrote the draft it could not write.
        await wait_until(pilot, lambda: [i["number"] for i in
                                         (stored_draft(site) or {}).get("invoices", [])]
                         == ["1001"], timeout=20, what="the draft written again")
        assert wizard.state.own_reference == REFERENCE
        assert [i.number for i in wizard.state.invoices] == ["1001"]

        await next_step(pilot)  # → payments
        await to_review(pilot)
        assert wizard.step == "review"

        # Restart 2, at the submission: not sent, nothing changed, the draft kept.
        await site.kill()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_until(pilot, lambda: not wizard.sending, what="the submission's end")
        await settle(pilot)
        assert not_sent in wizard_error(wizard)
        assert wizard.submitted is None and not wizard.maybe_registered
        await site.start()
        await back_online(pilot, app)
        assert claims_sent(site) == 0
        draft = stored_draft(site)
        assert draft is not None and draft["own_reference"] == REFERENCE
        assert wizard.step == "review"

        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_until(pilot, lambda: wizard.submitted is not None, what="registered")
        assert claims_sent(site) == 1
        assert stored_draft(site) is None
        claim = wizard.submitted
        assert claim is not None and claim.reference
        await settle(pilot)
        assert claim.reference in screen_text(app)


async def test_an_answer_lost_is_not_sent_twice(site: RemoteSite) -> None:
    proxy = TcpProxy("127.0.0.1", site.port)
    proxy.start()
    try:
        app = site.app("en", url=proxy.url)
        async with app.run_test(size=(120, 40)) as pilot:
            wizard = await open_wizard(pilot, site)
            await fill_to_invoices(pilot, reference=REFERENCE)
            await add_invoice(pilot, "1001", day(52), day(22), "1000.00")
            await next_step(pilot)  # → payments
            await to_review(pilot)
            assert wizard.step == "review"
            # The server registers the claim; its answer never comes back.
            proxy.drop_answers = True
            await pilot.press("ctrl+s")
            await settle(pilot)
            await wait_until(pilot, lambda: not wizard.sending, what="the submission's end")
            await settle(pilot)
            assert "may have been applied" in wizard_error(wizard)
            assert wizard.submitted is None and wizard.maybe_registered
            assert claims_sent(site) == 1
            # The answers flow again: the wizard finds the claim, sends nothing.
            proxy.drop_answers = False
            await back_online(pilot, app)
            await wait_until(pilot, lambda: wizard.submitted is not None, timeout=20,
                             what="the claim found")
            await settle(pilot)
            assert claims_sent(site) == 1
            assert stored_draft(site) is None
            claim = wizard.submitted
            assert claim is not None and claim.reference
            assert claim.reference in screen_text(app)
    finally:
        proxy.close()

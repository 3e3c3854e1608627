"""A claim's accounting facts from its detail (issue 20 item 5; B on the claim detail):
the "VAT recoverable" switch turned off by the policyholder, and an indemnity received
on a claim without agreed indemnity refused with the rule's message, nothing recorded.
(Kept with the premiums' tests: the notices and this panel are the policyholder's
accounting actions.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Select

from cofatui.tui.features.claims.accounting import ClaimAccountingDialog
from cofatui.tui.features.claims.detail import ClaimDetailScreen
from cofatui.tui.navigation import open_screen
from tests.tui.claims_env import submit_claim
from tests.tui.pilot import settle, type_into, wait_until
from tests.tui.products_env import SIZE, make_env, screen_text


async def open_panel(pilot: Pilot[Any], claim_id: int) -> ClaimAccountingDialog:
    """The claim's detail, then its accounting panel (B)."""
    await settle(pilot)
    open_screen(pilot.app, "claim_detail", claim_id)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ClaimDetailScreen),
                     what="the claim")
    await settle(pilot)
    await pilot.press("b")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ClaimAccountingDialog),
                     what="the accounting dialog")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ClaimAccountingDialog)
    return dialog


async def test_vat_recoverable_is_switched_off_from_the_claim(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    claim = submit_claim(env, app)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_panel(pilot, claim.id)
        assert "VAT on the write-off: recoverable" in screen_text(app)
        dialog.query_one("#what", Select).value = "vat"
        await settle(pilot)
        dialog.query_one("#vat_recoverable", Checkbox).value = False
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ClaimDetailScreen),
                         what="the switch recorded")
    assert env.app("alice").repo.claim_accounting.get(claim.id).vat_recoverable is False


async def test_an_indemnity_received_without_agreed_indemnity_is_refused(
        tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    claim = submit_claim(env, app)
    async with app.run_test(size=SIZE) as pilot:
        await open_panel(pilot, claim.id)
        await type_into(pilot, "#eur_amount", "1500")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClaimAccountingDialog)  # refused, still open
        assert "has no agreed indemnity" in screen_text(app)
    facts = env.app("alice").repo.claim_accounting.get(claim.id)
    assert facts.indemnity_received_on is None and facts.indemnity_received_eur is None

"""Chorus Pro in the TUI as its users meet it (issue 18 items 9–11 and the acceptance's
Pilot tests), on the real SQL repository with the contract suite's structures: SA's
supplier user (no contract) opens on the hub, reads the issued dashboard and opens a
count's list and an invoice; PA's recipient user sees the received side only (never a
non-compliant invoice), has an empty comment refused at its field and suspends with a
reason; the supplier then gets the returns pop-up, opens the invoice from it and
acknowledges it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from cofatui.enums import ChorusState, ChorusSuspensionReason
from cofatui.tui.features.chorus.detail import InvoiceDetailScreen
from cofatui.tui.features.chorus.hub import ChorusHubScreen
from cofatui.tui.features.chorus.lists import InvoiceListScreen
from cofatui.tui.features.chorus.process import ProcessDialog
from cofatui.tui.features.chorus.returns import ReturnsDialog
from cofatui.tui.features.chorus.search import SearchDialog
from cofatui.tui.features.tools.hub import ToolsScreen
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.virtual_list import VirtualList
from tests.tui.chorus_env import PA_USER, SA_USER, chorus_env, deposit, move, repo
from tests.tui.pilot import settle, type_into, wait_until
from tests.tui.products_env import SIZE, Env, pin_utc, screen_text

__all__ = ["pin_utc"]


def two_invoices(env: Env) -> tuple[int, int]:
    """F-1 made available to PA; F-2 non-compliant (no service code, PA requires one)."""
    return deposit(env, "F-1").id, deposit(env, "F-2", service_code="").id


async def hub(pilot: Pilot[Any]) -> ChorusHubScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ChorusHubScreen),
                     what="the Chorus Pro hub")
    await wait_until(pilot, lambda: "in all" in screen_text(pilot.app), what="the counts")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ChorusHubScreen)
    return screen


def count_line(screen: ChorusHubScreen, state: ChorusState) -> str:
    counts = screen.query_one("#chorus-counts", OptionList)
    return str(counts.get_option(state.value).prompt)


async def open_invoice(pilot: Pilot[Any], invoice_id: int) -> InvoiceDetailScreen:
    from cofatui.tui.navigation import open_screen

    open_screen(pilot.app, "chorus_invoice", invoice_id)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, InvoiceDetailScreen),
                     what="the invoice")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InvoiceDetailScreen)
    return screen


async def test_a_supplier_without_contract_opens_on_the_issued_dashboard(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    made_available, non_compliant = two_invoices(env)
    app = env.app(SA_USER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await hub(pilot)
        assert screen.side.value == "issued"
        assert "2 invoices in all" in screen_text(app)
        assert count_line(screen, ChorusState.MADE_AVAILABLE).split()[0] == "1"
        assert count_line(screen, ChorusState.NON_COMPLIANT).split()[0] == "1"
        assert count_line(screen, ChorusState.SUSPENDED).split()[0] == "0"
        counts = screen.query_one("#chorus-counts", OptionList)
        counts.highlighted = counts.get_option_index(ChorusState.NON_COMPLIANT.value)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceListScreen),
                         what="the list of the count")
        await settle(pilot)
        await wait_until(pilot, lambda: "1 invoice" in screen_text(app), what="its rows")
        text = screen_text(app)
        assert "F-2" in text and "F-1" not in text
        assert "Correct" in text  # the table's answer to a non-compliant invoice
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceDetailScreen),
                         what="the invoice")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, InvoiceDetailScreen)
        assert detail.detail.id == non_compliant != made_available
        # The failed check is said, and correcting is offered (not processing).
        assert detail.query_one("#chorus-reasons").display
        # In the UI's language, whatever the account's (chorus-sa's is French).
        assert "The recipient requires a service code" in screen_text(app)
        assert detail.check_action("answer", ("correct",)) is True
        assert detail.check_action("process", ()) is False


async def test_a_recipient_sees_the_received_side_never_a_non_compliant_invoice(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    two_invoices(env)
    app = env.app(PA_USER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await hub(pilot)
        assert screen.side.value == "received"
        assert "1 invoice in all" in screen_text(app)
        counts = screen.query_one("#chorus-counts", OptionList)
        shown = {counts.get_option_at_index(i).id for i in range(counts.option_count)}
        assert ChorusState.NON_COMPLIANT.value not in shown  # never theirs to see
        assert ChorusState.DRAFT.value not in shown
        assert count_line(screen, ChorusState.MADE_AVAILABLE).split()[0] == "1"


async def test_an_empty_comment_is_refused_at_its_field_then_the_suspension_is_made(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    invoice_id, _ = two_invoices(env)
    app = env.app(PA_USER)
    async with app.run_test(size=SIZE) as pilot:
        await hub(pilot)
        detail = await open_invoice(pilot, invoice_id)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, ProcessDialog),
                         what="the process dialog")
        dialog = app.screen
        assert isinstance(dialog, ProcessDialog)
        offered = {m.state for m in detail.detail.moves}
        shown = {c.id for c in dialog.query(Choice) if (c.id or "").startswith("to-")}
        assert shown == {f"to-{s.value}" for s in offered}  # exactly the table's moves
        dialog.query_one("#to-suspended", Choice).value = True
        await settle(pilot)
        assert dialog.query_one("#reason-box").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused: still open, nothing sent
        assert dialog.query_one("#comment-field", FormField).error
        assert repo(env, PA_USER).chorus_invoices.get(invoice_id).state \
            == ChorusState.MADE_AVAILABLE
        dialog.query_one("#reason-too_early", Choice).value = True
        await type_into(pilot, "#comment", "Reçue avant la livraison")
        await settle(pilot)
        assert "24 / 255" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is detail, what="the move made")
        await settle(pilot)
        stored = repo(env, PA_USER).chorus_invoices.get(invoice_id)
        assert stored.state == ChorusState.SUSPENDED
        assert stored.suspension_reason == ChorusSuspensionReason.TOO_EARLY
        assert detail.detail.state == ChorusState.SUSPENDED  # the screen follows
        detail.query_one("#chorus-history", Static).scroll_visible(animate=False)
        await settle(pilot)
        assert "Reçue avant la livraison" in screen_text(app)


async def test_the_returns_pop_up_opens_an_invoice_and_is_acknowledged(
        tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    invoice_id, _ = two_invoices(env)
    move(env, invoice_id, ChorusState.SUSPENDED, "Il manque le bon de commande",
         ChorusSuspensionReason.MISSING_DOCUMENTS)
    app = env.app(SA_USER)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnsDialog),
                         what="the returns pop-up")
        await settle(pilot)
        text = screen_text(app)
        assert "F-1" in text and "Il manque le bon de commande" in text
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceDetailScreen),
                         what="the invoice from the pop-up")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, InvoiceDetailScreen)
        assert detail.detail.id == invoice_id
        assert detail.check_action("answer", ("complete",)) is True
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnsDialog),
                         what="back on the pop-up")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ReturnsDialog),
                         what="the pop-up acknowledged")
        await settle(pilot)
    assert repo(env, SA_USER).chorus_invoices.returns() == []


async def test_the_search_narrows_the_list_by_number(tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    two_invoices(env)
    app = env.app(SA_USER)
    async with app.run_test(size=SIZE) as pilot:
        await hub(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchDialog),
                         what="the search form")
        await type_into(pilot, "#number", "F-2")
        await type_into(pilot, "#deposited_from", "01/01/2026")
        await type_into(pilot, "#deposited_to", "31/12/2025")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SearchDialog)  # a range upside down, said there
        assert app.screen.query_one("#deposited_to-field", FormField).error
        app.screen.query_one("#deposited_to", Input).value = ""  # from 1 Jan: both
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceListScreen),
                         what="the results")
        await wait_until(pilot, lambda: app.screen.query_one(VirtualList).total == 1,
                         what="one invoice")
        assert "F-2" in screen_text(app) and "F-1" not in screen_text(app)


async def test_the_tools_hub_lists_chorus_pro_and_opens_it(tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("tools")
        await wait_until(pilot, lambda: isinstance(app.screen, ToolsScreen), what="Tools")
        await settle(pilot)
        tools = app.screen.query_one("#tools-list", OptionList)
        tools.highlighted = tools.get_option_index("chorus")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChorusHubScreen),
                         what="the Chorus Pro hub")


async def test_the_anomalies_list_the_returned_and_export_to_csv(tmp_path: Path) -> None:
    from cofatui import locations
    from cofatui.tui.features.chorus.anomalies import AnomaliesScreen

    env = chorus_env(tmp_path)
    invoice_id, _ = two_invoices(env)
    move(env, invoice_id, ChorusState.SUSPENDED, "Il manque le bon de commande",
         ChorusSuspensionReason.MISSING_DOCUMENTS)
    repo(env, SA_USER).chorus_invoices.acknowledge_returns()
    app = env.app(SA_USER)
    async with app.run_test(size=SIZE) as pilot:
        await hub(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AnomaliesScreen),
                         what="the anomalies")
        await wait_until(pilot, lambda: "2 invoices need your answer" in screen_text(app),
                         what="the count")
        text = screen_text(app)
        assert "F-1" in text and "Il manque le bon de commande" in text and "F-2" in text
        assert "Service code missing" in text  # F-2's failed check, in a few words
        await pilot.press("x")
        await wait_until(pilot, lambda: list(locations.exports_dir().glob("*.csv")),
                         what="the CSV written")
        await settle(pilot)
    written = next(locations.exports_dir().glob("*.csv")).read_text(encoding="utf-8-sig")
    assert "F-1" in written and "Il manque le bon de commande" in written
    assert "SUSPENDUE" in written and "service_code_missing" in written


async def test_a_re_issued_invoice_opens_as_a_draft_whose_form_edits_it(
        tmp_path: Path) -> None:
    from cofatui.tui.features.chorus_forms.entry import InvoiceEntryScreen

    env = chorus_env(tmp_path)
    invoice_id, _ = two_invoices(env)
    app = env.app(SA_USER)
    async with app.run_test(size=SIZE) as pilot:
        await hub(pilot)
        first = await open_invoice(pilot, invoice_id)
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "#number", "F-1-BIS")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceDetailScreen)
                         and app.screen is not first, what="the new draft")
        await settle(pilot)
        draft = app.screen
        assert isinstance(draft, InvoiceDetailScreen)
        assert (draft.detail.number, draft.detail.state) == ("F-1-BIS", ChorusState.DRAFT)
        assert draft.detail.replaces_invoice_id == invoice_id
        assert draft.check_action("edit_draft", ()) is True
        assert first.check_action("edit_draft", ()) is False
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceEntryScreen),
                         what="the entry form of the draft")
        entry = app.screen
        assert isinstance(entry, InvoiceEntryScreen) and entry.draft_id == draft.detail.id


async def test_a_chorus_notification_opens_its_invoice(tmp_path: Path) -> None:
    from cofatui.tui.kit.notification_rows import open_target

    env = chorus_env(tmp_path)
    _, non_compliant = two_invoices(env)
    app = env.app(SA_USER)
    async with app.run_test(size=SIZE) as pilot:
        await hub(pilot)
        rows = app.repo.notifications.rows().items
        told = next(r for r in rows if r.target_type == "chorus_invoice"
                    and r.target_id == non_compliant)
        open_target(app, told)
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceDetailScreen),
                         what="the invoice of the notification")
        screen = app.screen
        assert isinstance(screen, InvoiceDetailScreen)
        assert screen.detail.id == non_compliant

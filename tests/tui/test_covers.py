"""The other covers as the policyholder uses them (issue 20 item 3): a prospection cover
created from the form, its indemnity recorded, the final balance refused at its date
before the amortisation ends (seed 002 §3), an exchange cover's receivable settled, and
a cover's events shown in its detail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from cofatui.enums import CoverEventKind, CoverKind
from cofatui.schemas_accounting import (
    CoverCreate,
    CoverEventCreate,
    CoverPublic,
)
from cofatui.tui.features.covers.covers import CoversScreen
from cofatui.tui.features.covers.detail import CoverDetailDialog
from cofatui.tui.features.covers.forms import CoverCreateDialog, CoverEventDialog, ReceivableDialog
from cofatui.tui.kit.form import FormField
from cofatui.tui.navigation import open_screen
from tests.tui.pilot import settle, type_into, wait_until
from tests.tui.products_env import SIZE, Env, make_env, screen_text
from tests.tui.test_premiums import open_named


def prospection(env: Env) -> CoverPublic:
    return env.app("alice").repo.covers.create(CoverCreate(
        contract_id=env.ids["A"], kind=CoverKind.PROSPECTION, reference="BPI-PROSP-7",
        currency="EUR", start=date(2025, 1, 1), end=date(2026, 12, 31),
        guarantee_end=date(2026, 12, 31), amortisation_end=date(2030, 12, 31)))


def exchange(env: Env) -> CoverPublic:
    return env.app("alice").repo.covers.create(CoverCreate(
        contract_id=env.ids["A"], kind=CoverKind.EXCHANGE, reference="CHG-USD-1",
        currency="USD", start=date(2026, 1, 1), end=date(2026, 12, 31),
        guaranteed_rate=Decimal("1.08")))


async def open_covers(pilot: Pilot[Any], **kwargs: Any) -> CoversScreen:
    return await open_named(pilot, "other_covers", CoversScreen, **kwargs)


async def test_a_prospection_cover_is_created_from_the_form(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_covers(pilot)
        assert "No prospection or exchange cover." in screen_text(app)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CoverCreateDialog),
                         what="the cover form")
        await settle(pilot)
        assert not app.screen.query_one("#exchange-row").display
        for selector, text in (("#reference", "BPI-PROSP-7"), ("#start", "01/01/2025"),
                               ("#end", "31/12/2026"), ("#guarantee_end", "31/12/2026"),
                               ("#amortisation_end", "31/12/2030")):
            await type_into(pilot, selector, text)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, CoversScreen),
                         what="the cover recorded")
        await settle(pilot)
        assert "BPI-PROSP-7" in screen_text(app)
    made = env.app("alice").repo.covers.list(env.ids["A"]).items
    assert [(c.kind, c.amortisation_end) for c in made] == [
        (CoverKind.PROSPECTION, date(2030, 12, 31))]


async def test_the_final_balance_before_the_amortisation_ends_is_refused_at_its_date(
        tmp_path: Path) -> None:
    env = make_env(tmp_path)
    cover = prospection(env)
    env.app("alice").repo.covers.record_event(CoverEventCreate(
        cover_id=cover.id, kind=CoverEventKind.PROSPECTION_INDEMNITY,
        event_date=date(2026, 6, 30), eur_amount=Decimal("25000.00")))
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_covers(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, CoverEventDialog),
                         what="the event form")
        await settle(pilot)
        form = app.screen
        form.query_one("#kind", Select).value = CoverEventKind.PROSPECTION_BALANCE.value
        await settle(pilot)
        assert "25,000.00" in form.query_one("#eur_amount", Input).value  # what 168 holds
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CoverEventDialog)  # refused, still open
        assert form.query_one("#event_date-field", FormField).error.startswith("⚠")
    events = env.app("alice").repo.covers.events(cover.id)
    assert [e.kind for e in events] == [CoverEventKind.PROSPECTION_INDEMNITY]


async def test_an_exchange_receivable_is_added_then_settled(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    cover = exchange(env)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_covers(pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceivableDialog),
                         what="the receivable form")
        await settle(pilot)
        for selector, text in (("#reference", "INV-US-42"), ("#debtor", "Acme Inc"),
                               ("#amount", "10000"), ("#booked_rate", "1.10")):
            await type_into(pilot, selector, text)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, CoversScreen),
                         what="the receivable recorded")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, CoverEventDialog),
                         what="the event form")
        await settle(pilot)
        receivable = env.app("alice").repo.covers.receivables(cover.id)[0]
        app.screen.query_one("#receivable_id", Select).value = receivable.id
        await type_into(pilot, "#currency_amount", "10000")
        await type_into(pilot, "#eur_amount", "8950")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, CoversScreen),
                         what="the settlement recorded")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CoverDetailDialog),
                         what="the cover's detail")
        await settle(pilot)
        text = screen_text(app)
        assert "Settlement" in text and "€8,950.00" in text and "INV-US-42" in text
    assert env.app("alice").repo.covers.receivables(cover.id)[0].settled


async def test_the_journal_opens_a_cover_by_its_id(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    cover = prospection(env)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_screen(app, "other_covers", cover_id=cover.id)
        await wait_until(pilot, lambda: isinstance(app.screen, CoverDetailDialog),
                         what="the cover's detail")
        await settle(pilot)
        assert "BPI-PROSP-7" in screen_text(app) and "Amortisation ends" in screen_text(app)



async def test_a_read_only_user_records_nothing(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    prospection(env)
    app = env.app("reader")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_covers(pilot)
        assert "BPI-PROSP-7" in screen_text(app)  # reads
        assert screen.check_action("event", ()) is None
        assert screen.check_action("create", ()) is None
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CoversScreen)

"""Premium notices as the policyholder and insurer staff use them (issue 20 item 2,
acceptance "Pilot: a USD payment"): a USD notice paid with the EUR the bank debited
(asked, and required, because the notice is not in EUR), the filters combining, a
notice's lines, a paper notice typed in, the provisional schedule issued by staff."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select

from cofatui.enums import NoticeLineRole, NoticeOrigin, NoticeStatus
from cofatui.schemas_accounting import (
    NoticeCreate,
    NoticeFilter,
    NoticeLineIn,
    NoticePublic,
    PaymentCreate,
    PremiumTermsSet,
)
from cofatui.tui.features.premiums.detail import NoticeDetailDialog
from cofatui.tui.features.premiums.issue import IssueDialog
from cofatui.tui.features.premiums.notices import NoticesScreen
from cofatui.tui.features.premiums.pay import PayDialog
from cofatui.tui.features.premiums.typed import TypedNoticeDialog
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.navigation import open_screen
from tests.tui.pilot import settle, type_into, wait_until
from tests.tui.products_env import SIZE, Env, make_env, screen_text


def notice(env: Env, currency: str = "EUR", amount: str = "1200.00",
           label: str = "Credit insurance Q4", due: date = date(2026, 11, 30)) -> NoticePublic:
    """A manual notice insurer staff issue on contract A."""
    return env.app("uw").repo.premiums.create_notice(NoticeCreate(
        contract_id=env.ids["A"], period_start=date(2026, 10, 1), period_end=date(2026, 12, 31),
        due_date=due, currency=currency, lines=[NoticeLineIn(
            role=NoticeLineRole.CREDIT_INSURANCE, label=label,
            amount_excl_tax=Decimal(amount))]))


S = TypeVar("S", bound=Screen[Any])


async def open_named(pilot: Pilot[Any], name: str, kind: type[S], **kwargs: Any) -> S:
    """Open the screen registered as ``name`` and wait until it shows its rows."""
    await settle(pilot)
    open_screen(pilot.app, name, **kwargs)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), what=name)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def open_notices(pilot: Pilot[Any], **kwargs: Any) -> NoticesScreen:
    return await open_named(pilot, "premium_notices", NoticesScreen, **kwargs)


async def test_a_usd_notice_is_paid_with_the_eur_the_bank_debited(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    usd = notice(env, "USD", "1200.00", "TopLiner Acme Inc")
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_notices(pilot)
        assert usd.number in screen_text(app)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PayDialog), what="the pay dialog")
        await settle(pilot)
        assert "EUR debited by the bank" in screen_text(app)
        assert "The notices are in USD" in screen_text(app)
        await pilot.press("ctrl+s")  # without the EUR: refused at the field, nothing sent
        await settle(pilot)
        assert "Give the EUR amount the bank debited" in screen_text(app)
        assert isinstance(app.screen, PayDialog)
        await type_into(pilot, "#eur_amount", "1105.50")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, NoticesScreen),
                         what="the payment recorded")
        await settle(pilot)
        assert "Payment recorded: 1 notice(s)." in "\n".join(
            n.message for n in app._notifications)
    paid = env.app("alice").repo.premiums.notice(usd.id)
    assert paid.status == NoticeStatus.PAID and paid.payment_id is not None
    payment = env.app("alice").repo.premiums.payments(env.ids["A"]).items[0]
    assert (payment.currency, payment.amount, payment.eur_amount) == (
        "USD", Decimal("1200.00"), Decimal("1105.50"))


async def test_an_eur_notice_asks_no_eur_amount(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    eur = notice(env)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_notices(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PayDialog), what="the pay dialog")
        await settle(pilot)
        assert "EUR debited" not in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, NoticesScreen),
                         what="the payment recorded")
    assert env.app("alice").repo.premiums.notice(eur.id).status == NoticeStatus.PAID


async def test_notices_in_two_currencies_are_not_paid_together(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    notice(env, "USD")
    notice(env, "EUR")
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notices(pilot)
        screen.query_one(VirtualList).action_mark_all()
        await settle(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PayDialog), what="the pay dialog")
        await settle(pilot)
        assert "different currencies" in screen_text(app)
        assert app.screen.query_one("#submit").disabled


async def test_the_filters_combine(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    first = notice(env, label="First quarter")
    notice(env, label="Second quarter")
    alice = env.app("alice").repo
    alice.premiums.pay(PaymentCreate(contract_id=env.ids["A"], paid_on=date(2026, 11, 20),
                                     notice_ids=[first.id]))
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notices(pilot)
        lst = screen.query_one(VirtualList)
        assert lst.row_count == 2
        screen.query_one("#filter-status", Select).value = NoticeStatus.PAID.value
        await settle(pilot)
        assert lst.row_count == 1 and getattr(lst.row_at(0), "id", None) == first.id
        screen.query_one("#filter-status", Select).value = NoticeStatus.ISSUED.value
        await settle(pilot)
        assert lst.row_count == 1 and getattr(lst.row_at(0), "id", None) not in (None, first.id)
        await type_into(pilot, "#filter-text", first.number)
        await pilot.press("enter")
        await settle(pilot)
        assert lst.row_count == 0  # issued AND the paid one's number: nothing
        assert "No premium notice." in screen_text(app)


async def test_enter_shows_the_notice_and_its_lines(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    made = notice(env, label="Credit insurance Q4")
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_notices(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NoticeDetailDialog),
                         what="the notice")
        await settle(pilot)
        text = screen_text(app)
        assert made.number in text and "Credit insurance Q4" in text
        assert "Credit insurance premium" in text and "1,200.00" in text


async def test_a_paper_notice_is_typed_in(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_notices(pilot)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TypedNoticeDialog),
                         what="the paper notice form")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TypedNoticeDialog)
        assert "Required." in screen_text(app)  # the number, the dates, the amount
        for selector, text in (("#number", "AV-2026-118"), ("#period_start", "01/10/2026"),
                               ("#period_end", "31/12/2026"), ("#due_date", "30/11/2026"),
                               ("#label", "Prime provisionnelle T4"), ("#amount", "980")):
            await type_into(pilot, selector, text)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, NoticesScreen),
                         what="the notice recorded")
        await settle(pilot)
        assert "AV-2026-118" in screen_text(app)
    typed = env.app("alice").repo.premiums.notices(NoticeFilter(text="AV-2026-118")).items
    assert [(n.origin, n.total, n.due_date) for n in typed] == [
        (NoticeOrigin.TYPED, Decimal("980.00"), date(2026, 11, 30))]


async def test_insurer_staff_issue_the_provisional_schedule(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env.app("uw").repo.premiums.set_terms(PremiumTermsSet(
        contract_id=env.ids["A"], year_start=date(2026, 1, 1),
        provisional_premium=Decimal("10000.00"), instalments=4,
        rate_per_mille=Decimal("1.5"), minimum_premium=Decimal("8000")))
    app = env.app("uw")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notices(pilot)
        assert screen.check_action("typed", ()) is False  # staff issue; they type nothing
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, IssueDialog),
                         what="the issue dialog")
        await settle(pilot)
        app.screen.query_one("#contract_id", Select).value = env.ids["A"]
        await type_into(pilot, "#year_start", "01/01/2026")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, NoticesScreen),
                         what="the schedule issued")
        await settle(pilot)
        assert "4 notice(s) issued." in "\n".join(n.message for n in app._notifications)
    issued = env.app("uw").repo.premiums.notices(NoticeFilter(contract_id=env.ids["A"])).items
    assert sum((n.total for n in issued), Decimal(0)) == Decimal("10000.00")


async def test_a_policyholder_does_not_issue(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notices(pilot)
        assert screen.check_action("issue", ()) is False
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoticesScreen)
        assert app.screen.query_one("#filter-text", Input) is not None


async def test_the_journal_opens_the_notices_a_payment_settled(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    paid, _other = notice(env, label="Settled"), notice(env, label="Still due")
    payment = env.app("alice").repo.premiums.pay(PaymentCreate(
        contract_id=env.ids["A"], paid_on=date(2026, 11, 20), notice_ids=[paid.id]))
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notices(pilot, payment_id=payment.id)
        await wait_until(pilot, lambda: screen.query_one(VirtualList).row_count == 1,
                         what="the payment's notices")
        assert getattr(screen.query_one(VirtualList).row_at(0), "id", None) == paid.id
        assert f"payment #{payment.id}" in screen_text(app)


async def test_a_read_only_user_sees_pay_disabled(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    notice(env)
    app = env.app("reader")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notices(pilot)
        assert screen.check_action("pay", ()) is None  # shown, greyed
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, NoticesScreen)

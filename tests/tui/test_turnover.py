"""The turnover declaration in the TUI (issue 17 item 3, acceptance "Pilot"): opened
from its notification (through the opener the notifications route Enter to), a grid of
9 pages walked to page 3 with PgDn, amounts typed and saved (only the changed lines),
"nothing to declare" refused while an amount is set, Send asking first (the lines
without amount named) then freezing the form; the list in Tools; the back-office tab."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.enums import TurnoverBreakdown, TurnoverStatus
from cofatui.models import Company, TurnoverLine
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.companies import name_key
from cofatui.schemas_turnover import (
    TurnoverDeclarationPublic,
    TurnoverLineIn,
    TurnoverRequestIn,
    TurnoverUpdate,
)
from cofatui.tui.app import CofaApp
from cofatui.tui.features.notifications.notifications import NotificationsScreen
from cofatui.tui.features.turnover.backoffice import TurnoverPane
from cofatui.tui.features.turnover.declaration import DeclarationScreen
from cofatui.tui.features.turnover.dialogs import AddLineDialog, ContactDialog
from cofatui.tui.features.turnover.grid import Grid
from cofatui.tui.features.turnover.request_form import RequestDialog
from cofatui.tui.features.underwriter.queue import UnderwriterQueueScreen
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.navigation import open_screen
from tests.contract import dataset
from tests.tui.pilot import screen_text, settle, wait_until
from tests.tui.products_env import copied_database
from tests.tui.test_notifications import pin_utc

SIZE = (120, 40)
#: Companies added so that a per-debtor declaration spans 9 pages of 50.
EXTRA_DEBTORS = 420
PERIOD = (date(2026, 8, 1), date(2026, 10, 31))


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


def _build(engine: Engine) -> dataset.Ids:
    ids = dataset.build(engine)
    with Session(engine) as s:
        for n in range(EXTRA_DEBTORS):
            name = f"Zeta Debtor {n:03d}"
            company = Company(name=name, name_key=name_key(name), country="FR",
                              easy_number=f"9{n:013d}", city="Lyon", address="2 rue Z",
                              postal_code="69001", updated_at=dataset.NOW)
            s.add(company)
            s.flush()
            ids[f"zeta{n}"] = company.id  # type: ignore[assignment]
        s.commit()
    return ids


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    eng, ids = copied_database(tmp_path / "tv.sqlite", "turnover_tui", _build)
    yield eng, ids
    eng.dispose()


def repo(engine: Engine, login: str) -> SqlRepository:
    return SqlRepository(engine, login, FixedClock(dataset.NOW))


def make_app(engine: Engine, login: str = "alice", **settings: Any) -> CofaApp:
    settings.setdefault("language", "en")
    clock = FixedClock(dataset.NOW)
    app = CofaApp(SqlRepository(engine, login, clock), Settings(**settings))
    app.clock = clock
    return app


def request(engine: Engine, ids: dataset.Ids, breakdown: TurnoverBreakdown,
            basis: str = "sales", many: bool = False) -> TurnoverDeclarationPublic:
    """A request by the underwriter; ``many``: 420 more debtors added (9 pages)."""
    made = repo(engine, "uw").turnover.request(TurnoverRequestIn(
        contract_id=ids["A"], period_start=PERIOD[0], period_end=PERIOD[1],
        label="Q3 2026", basis=basis, breakdown=breakdown))  # type: ignore[arg-type]
    alice = repo(engine, "alice")
    alice.turnover.lines(made.id, 0, 50)  # the pre-fill
    if many:
        made = alice.turnover.get(made.id)
        alice.turnover.update(made.id, TurnoverUpdate(version=made.version, lines=[
            TurnoverLineIn(company_id=ids[f"zeta{n}"]) for n in range(EXTRA_DEBTORS)]))
    return alice.turnover.get(made.id)


def sent_per_country(engine: Engine, ids: dataset.Ids, currency: str) -> None:
    """A per-country declaration sent with 900 in ``currency`` on its first country."""
    made = request(engine, ids, TurnoverBreakdown.COUNTRY)
    alice = repo(engine, "alice")
    line = alice.turnover.lines(made.id, 0, 50).items[0]
    saved = alice.turnover.update(made.id, TurnoverUpdate(version=made.version, lines=[
        TurnoverLineIn(country=line.country, amount=Decimal(900), currency=currency)]))
    alice.turnover.send(made.id, saved.version)


async def open_declaration(pilot: Pilot[Any], declaration_id: int) -> DeclarationScreen:
    await settle(pilot)
    open_screen(pilot.app, "turnover_declaration", declaration_id)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DeclarationScreen),
                     what="the declaration")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DeclarationScreen)
    return pilot.app.screen


async def test_opened_from_its_notification_with_nine_pages(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR, many=True)
    assert made.notification_id is not None
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        text = screen_text(app)
        assert "Q3 2026" in text and "P-A" in text and "Per debtor" in text
        assert f"no. {made.notification_id}" in text
        assert "page 1/9" in text
        await pilot.press("pagedown", "pagedown")
        await wait_until(pilot, lambda: screen.page == 2, what="page 3")
        await settle(pilot)
        assert "page 3/9" in screen_text(app)
        names = [row.line.company_name for row in screen.query_one(Grid).rows()
                 if row.line is not None]
        assert len(names) == 50 and names == sorted(names)
        await pilot.press("pageup")
        await wait_until(pilot, lambda: screen.page == 1, what="page 2")
        assert "page 2/9" in screen_text(app)


async def test_a_line_added_meanwhile_shifts_no_page(
        engine: tuple[Engine, dataset.Ids]) -> None:
    """Issue 21: the next page starts after the last line seen (by key), so a line
    added above it by someone else neither repeats that line nor hides the next one."""
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR, many=True)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: screen.page == 1, what="page 2")
        seen = [line.id for line in screen.lines]
        everything = [line.id for line in repo(eng, "alice").turnover.lines(
            made.id, 0, 500).items]
        with Session(eng) as s:  # a debtor sorted first, saved from another session
            s.add(TurnoverLine(declaration_id=made.id, company_id=None,
                               country="FR", sort_key="aaa", currency="EUR",
                               updated_at=dataset.NOW))
            s.commit()
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: screen.page == 2, what="page 3")
        after = everything.index(seen[-1]) + 1
        assert [line.id for line in screen.lines] == everything[after:after + 50]
        await pilot.press("pageup")
        await wait_until(pilot, lambda: screen.page == 1, what="page 2 again")
        assert [line.id for line in screen.lines] == seen


def amount_input(screen: DeclarationScreen, index: int) -> Input:
    return screen.query_one(f"#tv-amount-{index}", Input)


async def type_amount(pilot: Pilot[Any], screen: DeclarationScreen, index: int,
                      text: str) -> None:
    field = amount_input(screen, index)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await settle(pilot)


async def test_typed_amounts_saved_and_nothing_to_declare_refused(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        first, second = (screen.lines[0], screen.lines[1])
        await type_amount(pilot, screen, 0, "12000")
        await pilot.press("tab")  # Tab goes to the next amount, not to the currency
        assert app.focused is amount_input(screen, 1)
        await pilot.press(*"500.5")
        await settle(pilot)
        text = screen_text(app)
        assert "€12,500.50" in text and "2 changes not saved" in text and "2 filled" in text
        # Ticking "nothing to declare" while amounts are set: refused with its coded text.
        nothing = screen.query_one("#tv-nothing", Checkbox)
        nothing.focus()
        await pilot.press("space")
        await settle(pilot)
        assert not nothing.value
        assert "“Nothing to declare” cannot be ticked while amounts are not zero" \
            in screen_text(app)
        # Saved: only the two lines typed; the declaration stays New.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.edits
        saved = repo(eng, "alice").turnover.lines(made.id, 0, 50).items
        amounts = {line.company_id: line.amount for line in saved}
        assert amounts[first.company_id] == Decimal("12000")
        assert amounts[second.company_id] == Decimal("500.5")
        assert sum(amount is not None for amount in amounts.values()) == 2
        assert screen.declaration.status == TurnoverStatus.NEW
        # Back to zero, the box can be ticked (and saved).
        await type_amount(pilot, screen, 0, "0")
        await type_amount(pilot, screen, 1, "0")
        nothing.focus()
        await pilot.press("space")
        await settle(pilot)
        assert nothing.value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert repo(eng, "alice").turnover.get(made.id).nothing_to_declare


async def test_send_asks_then_freezes_the_form(engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        unfilled = screen.lines[1].company_name
        await type_amount(pilot, screen, 0, "3000")
        await pilot.press("f9")  # saves what is typed, then asks
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen),
                         what="the confirmation")
        await settle(pilot)
        text = screen_text(app)
        assert "will be sent as 0" in text and unfilled in text, text
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.declaration.status == TurnoverStatus.SENT,
                         what="the send")
        await settle(pilot)
        assert app.screen is screen
        assert screen.frozen
        assert all(field.disabled for field in screen.query(".tv-amount"))
        assert screen.query_one("#tv-nothing", Checkbox).disabled
        assert not screen.query_one("#tv-send").display
        text = screen_text(app)
        assert "Read only: Sent" in text and "€3,000.00" in text
        # Typing and the keys that change it do nothing any more.
        await pilot.press("ctrl+s", "f9")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        sent = repo(eng, "alice").turnover.get(made.id)
        assert sent.status == TurnoverStatus.SENT and sent.sent_by
        assert sent.filled_count == sent.line_count  # the lines without amount sent as 0


async def test_conflict_keeps_what_was_typed(engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        await type_amount(pilot, screen, 0, "100")
        other = repo(eng, "alice")
        other.turnover.update(made.id, TurnoverUpdate(version=made.version, lines=[
            TurnoverLineIn(company_id=screen.lines[1].company_id, amount=Decimal(7))]))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "changed by someone else" in screen_text(app)
        assert len(screen.edits) == 1
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.edits
        amounts = [x.amount for x in repo(eng, "alice").turnover.lines(made.id, 0, 2).items]
        assert amounts == [Decimal(100), Decimal(7)]


async def test_sent_declaration_opens_read_only_from_the_list(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    sent_per_country(eng, ids, "USD")
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("tools")
        await settle(pilot)
        assert "Turnover declarations" in screen_text(app)
        app.switch_to("turnover_declarations")
        await settle(pilot)
        text = screen_text(app)
        assert "Q3 2026" in text and "Sent" in text and "US$900.00" in text
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DeclarationScreen),
                         what="the declaration")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DeclarationScreen) and screen.frozen
        text = screen_text(app)
        assert "Per country" in text and "US$900.00" in text and "Read only" in text


async def test_back_office_requests_and_cancels(engine: tuple[Engine, dataset.Ids]) -> None:
    eng, _ = engine
    app = make_app(eng, "uw")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("underwriter_queue")
        await settle(pilot)
        assert isinstance(app.screen, UnderwriterQueueScreen)
        await pilot.press("2")  # the Turnover tab
        await settle(pilot)
        pane = app.screen.query_one(TurnoverPane)
        assert "0 requests" in screen_text(app)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestDialog), what="the form")
        await settle(pilot)
        form = app.screen
        await pilot.press("enter")  # the contract Select opens
        await pilot.press("down", "enter")
        await settle(pilot)
        form.query_one("#rq-start", Input).value = "01/08/2026"
        form.query_one("#rq-end", Input).value = "31/10/2026"
        form.query_one("#rq-label", Input).value = "Q3 2026"
        await settle(pilot)
        # The defaults the empty fields stand for are shown: due = end + 30 days.
        assert form.query_one("#rq-due", Input).placeholder == "30 Nov 2026"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, RequestDialog),
                         what="the request made")
        await settle(pilot)
        text = screen_text(app)
        assert "1 request" in text and "P-A" in text and "Q3 2026" in text and "New" in text
        pane.focus_content()
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen),
                         what="the confirmation")
        await pilot.press("y")
        await settle(pilot)
        await wait_until(pilot, lambda: "Cancelled" in screen_text(app), what="cancelled")
        made = repo(eng, "uw").turnover.requests().items[0]
        assert made.status == TurnoverStatus.CANCELLED


async def test_enter_on_its_notification_opens_the_declaration(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(NotificationsScreen())
        await settle(pilot)
        notes = app.screen
        assert isinstance(notes, NotificationsScreen)
        lst = notes.vlist
        await wait_until(pilot, lambda: lst.row_count > 0 and lst.row_at(0) is not None,
                         what="the notifications")
        index = next(i for i in range(lst.row_count) if (row := lst.row_at(i)) is not None
                     and row.target_type == "turnover_declaration")
        found = lst.row_at(index)
        assert found is not None and found.id == made.notification_id
        lst.focus()
        lst.cursor = index
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DeclarationScreen),
                         what="the declaration")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DeclarationScreen) and screen.declaration.id == made.id
        assert f"Notification: no. {made.notification_id}" in screen_text(app)
        assert not screen.frozen and app.focused is amount_input(screen, 0)


async def pick(pilot: Pilot[Any], path: Path) -> None:
    """Type ``path`` into the file picker on top and press Enter (no settle while the
    picker is open: its folder tree's worker runs until the picker closes)."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FilePicker),
                     what="the file picker")
    picker = pilot.app.screen
    picker.query_one("#picker-path", Input).value = str(path)
    await pilot.press("enter")
    await wait_until(pilot, lambda: pilot.app.screen is not picker, what="the picker closed")


async def test_template_then_import_with_bad_lines_then_fixed(
        engine: tuple[Engine, dataset.Ids], tmp_path: Path) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.COUNTRY)
    app = make_app(eng, last_folder=str(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        await pilot.press("f8")
        template = tmp_path / "template.csv"
        await pick(pilot, template)
        await wait_until(pilot, template.exists, what="the template written")
        await settle(pilot)
        rows = template.read_bytes().decode("utf-8-sig").splitlines()
        assert rows[0] == "Pays;Montant;Devise"
        assert len(rows) == screen.declaration.line_count + 1  # pre-filled with its lines
        first_country = rows[1].split(";")[0]
        bad = tmp_path / "bad.csv"
        bad.write_text("Pays;Montant;Devise\n" + f"{first_country};1500;EUR\n"
                       "ZZZ;10;EUR\n" + f"{rows[2].split(';')[0]};-5;EUR\n", encoding="utf-8")
        await pilot.press("f7")
        await pick(pilot, bad)
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ImportLinesScreen",
                         what="the import's lines, errors first")
        await settle(pilot)
        assert repo(eng, "alice").turnover.get(made.id).filled_count == 0  # all or nothing
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        good = tmp_path / "good.csv"
        good.write_text("Pays;Montant;Devise\n" + f"{first_country};1500;EUR\n",
                        encoding="utf-8")
        await pilot.press("f7")
        await pick(pilot, good)
        await wait_until(pilot, lambda: screen.declaration.filled_count == 1,
                         what="the declaration read again")
        await settle(pilot)
        assert "€1,500.00" in screen_text(app)


async def test_in_french(engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR)
    app = make_app(eng, language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await open_declaration(pilot, made.id)
        text = screen_text(app)
        for said in ("Déclaration d’activité", "Rien à déclarer", "Statut : Nouveau",
                     "Par débiteur", "Ventes de la période", "Sauvegarder", "Envoyer",
                     "Contact en charge", "Modifier", "page 1/1"):
            assert said in text, said


async def test_contact_modified_and_a_debtor_added_by_easy_number(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR)
    easy = dataset.COMPANIES["epsilon"][3]  # a company of contract B: not in the grid
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        lines_before = screen.declaration.line_count
        await pilot.click("#tv-contact-modify")
        await wait_until(pilot, lambda: isinstance(app.screen, ContactDialog), what="Modify")
        dialog = app.screen
        dialog.query_one("#contact-name", Input).value = "Paul Compta"
        dialog.query_one("#contact-phone", Input).value = "+33 1 02 03 04 05"
        dialog.query_one("#contact-email", Input).value = "compta@example.test"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, what="the contact saved")
        await settle(pilot)
        assert "Paul Compta · +33 1 02 03 04 05 · compta@example.test" in screen_text(app)
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, AddLineDialog), what="Add")
        app.screen.query_one("#add-easy", Input).value = easy
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.declaration.line_count == lines_before + 1,
                         what="the line added")
        await settle(pilot)
        assert "Epsilon Transports" in screen_text(app)
        saved = repo(eng, "alice").turnover.get(made.id)
        assert saved.contact.name == "Paul Compta" and saved.line_count == lines_before + 1


async def test_a_bad_amount_is_named_and_ctrl_f_reaches_the_filter_from_the_grid(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        bad = screen.lines[1]
        await type_amount(pilot, screen, 1, "12x")
        await pilot.press("tab")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The line is named: it may be on another page than the one shown.
        assert f"1 amount is not valid: correct it before saving — {bad.company_name}" \
            in screen_text(app)
        assert repo(eng, "alice").turnover.get(made.id).filled_count == 0  # nothing saved
        # "/" would be typed into the amount: Ctrl+F takes the focus to the filter.
        amount_input(screen, 0).focus()
        await pilot.press("ctrl+f")
        assert isinstance(app.focused, Input) and app.focused.id == "filter"

"""Send company information (issue 17 item 4) through the screens: from the company
page, a bad file is refused at the documents field with its coded message and never
sent; the forms' own rules are said at their fields; a transmission with a good file is
sent and listed with its outcome; the underwriter decides it from the back office and
the policyholder sees the outcome."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import RadioButton, Select, TabbedContent, TextArea

from cofatui.enums import CompanyInfoStatus
from cofatui.schemas_company_info import CompanyInfoFilter, CompanyInfoPublic
from cofatui.tui.features.company_info.back_office import CompanyInfoPane
from cofatui.tui.features.company_info.decide import DecideDialog
from cofatui.tui.features.company_info.detail import SubmissionDetailScreen
from cofatui.tui.features.company_info.forms import (
    FormChoiceDialog,
    NegativeForm,
    TransmissionForm,
)
from cofatui.tui.features.company_info.submissions import SubmissionsScreen
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.virtual_list import VirtualList
from tests.tui.company_info_env import (
    EXE,
    PDF,
    open_company,
    open_form,
    pick_file,
    send_annual_report,
    write,
)
from tests.tui.pilot import settle, toasts, type_into, wait_until
from tests.tui.products_env import SIZE, make_env, screen_text


async def test_a_bad_file_is_refused_at_its_field_and_a_good_one_sent(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env.ids["gamma"], "t")
        assert isinstance(form, TransmissionForm)

        # A program named .pdf: recognised by its content, refused at the field.
        await pick_file(pilot, write(tmp_path, "accounts.pdf", EXE))
        files = form.query_one("#files-field", FormField)
        assert "accounts.pdf" in files.error and "not accepted" in files.error
        assert form.files.files == []

        # Sending without a file: the form says one is needed, at the same field.
        form.query_one("#info_type", Select).value = "annual_report"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Add at least one file" in files.error
        assert isinstance(app.screen, TransmissionForm)

        await pick_file(pilot, write(tmp_path, "report.pdf", PDF))
        assert files.error == "" and [f.name for f in form.files.files] == ["report.pdf"]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, TransmissionForm),
                         what="the form closed")
        assert "in progress until we have analysed it" in toasts(app)

    sent = env.app("alice").repo.company_info.submissions(
        CompanyInfoFilter(contract_id=env.ids["A"]))
    assert [(s.company_id, s.status, [d.filename for d in s.documents]) for s in sent.items] == [
        (env.ids["gamma"], CompanyInfoStatus.IN_PROGRESS, ["report.pdf"])]


async def test_negative_information_rules_at_their_fields(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env.ids["gamma"], "n")
        assert isinstance(form, NegativeForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        for field in ("nature", "event_date", "description"):
            assert form.query_one(f"#{field}-field", FormField).error, field
        # The description's counter, and its limit said as it is passed.
        form.query_one("#description", TextArea).text = "x" * 2001
        await settle(pilot)
        description = form.query_one("#description-field", FormField)
        assert "2,001 / 2,000 characters" in screen_text(app)
        assert "At most 2,000 characters" in description.error

        form.query_one("#nature-financial", RadioButton).value = True
        await type_into(pilot, "#event_date", "01/11/2026")
        await type_into(pilot, "#amount", "12 500")
        form.query_one("#description", TextArea).text = "Payment incident on 3 invoices"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NegativeForm),
                         what="the form closed")

    [sent] = env.app("alice").repo.company_info.submissions(
        CompanyInfoFilter(contract_id=env.ids["A"])).items
    assert (sent.nature, str(sent.amount), sent.currency, sent.documents) == (
        "financial", "12500.00", "EUR", [])


async def test_the_underwriter_decides_and_the_policyholder_sees_it(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    sent = send_annual_report(env)
    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        uw.switch_to("underwriter_queue")
        await settle(pilot)
        uw.screen.query_one(TabbedContent).active = "tab-company_info"
        await settle(pilot)
        pane = uw.screen.query_one(CompanyInfoPane)
        pane.focus_content()
        await wait_until(pilot, lambda: "Gamma" in screen_text(uw), what="the submission")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(uw.screen, SubmissionDetailScreen),
                         what="the submission's detail")
        assert "report.pdf" in screen_text(uw) and "2025 report" in screen_text(uw)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(uw.screen, DecideDialog),
                         what="the decision")
        uw.screen.query_one("#outcome-already_known", RadioButton).value = True
        uw.screen.query_one("#comment", TextArea).text = "We had the 2025 report"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(uw.screen, SubmissionDetailScreen),
                         what="back at the detail")
        await settle(pilot)
        assert "Information already known" in screen_text(uw)
        await pilot.press("escape")
        await settle(pilot)
        assert "Gamma" not in screen_text(uw)  # the queue holds what is in progress

    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(SubmissionsScreen())
        await wait_until(pilot, lambda: "= Already known" in screen_text(app),
                         what="the outcome in the list")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SubmissionDetailScreen),
                         what="the detail")
        assert "We had the 2025 report" in screen_text(app)
    assert env.app("alice").repo.company_info.get(sent.id).status == \
        CompanyInfoStatus.ALREADY_KNOWN


async def test_in_french_the_seed_wording(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_company(pilot, env.ids["gamma"])
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, FormChoiceDialog),
                         what="the choice of form")
        text = screen_text(app)
        assert "Envoyer des informations sur une entreprise" in text
        assert "Déclaration d'information négative" in text
        assert "Transmission d'informations sur une entreprise" in text
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TransmissionForm),
                         what="the transmission form")
        app.screen.query_one("#info_type", Select).value = "aged_balance"
        await settle(pilot)
        assert "Balance âgée des comptes" in screen_text(app)


async def test_a_reader_is_told_before_filling_a_form(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("reader")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        company = await open_company(pilot, env.ids["gamma"])
        await pilot.press("i")
        await settle(pilot)
        assert app.screen is company  # no form to fill in vain
        assert "Read-only access to contract P-A" in toasts(app)


async def test_the_back_office_filters(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    send_annual_report(env, "gamma")
    send_annual_report(env, "alpha")
    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        uw.switch_to("underwriter_queue")
        await settle(pilot)
        uw.screen.query_one(TabbedContent).active = "tab-company_info"
        pane = uw.screen.query_one(CompanyInfoPane)
        queue = pane.query_one("#ci-queue", VirtualList)

        def companies() -> list[str]:
            return [row.company_name for i in range(queue.row_count)
                    if isinstance(row := queue.row_at(i), CompanyInfoPublic)]

        await wait_until(pilot, lambda: len(companies()) == 2, what="both submissions")
        pane.query_one("#ci-country", Select).value = "ITA"
        await wait_until(pilot, lambda: companies() == ["Gamma Tessile SpA"], what="Italy")
        pane.query_one("#ci-form", Select).value = "negative"
        await wait_until(pilot, lambda: companies() == [], what="no negative information")
        pane.query_one("#ci-form", Select).value = "transmission"
        pane.query_one("#ci-dra", Select).value = "yes"
        await wait_until(pilot, lambda: companies() == [], what="no DRA review asked")
        pane.query_one("#ci-dra", Select).value = "no"
        await wait_until(pilot, lambda: companies() == ["Gamma Tessile SpA"],
                         what="the transmission without DRA review")


async def test_a_back_office_tab_shown_again_is_read_again(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        uw.switch_to("underwriter_queue")
        await settle(pilot)
        tabs = uw.screen.query_one(TabbedContent)
        tabs.active = "tab-company_info"
        await settle(pilot)
        assert "Gamma" not in screen_text(uw)
        tabs.active = "tab-requests"
        await settle(pilot)
        send_annual_report(env)  # meanwhile, a policyholder sends information
        tabs.active = "tab-company_info"
        await wait_until(pilot, lambda: "Gamma" in screen_text(uw),
                         what="the new submission, without Ctrl+R")

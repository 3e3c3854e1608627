"""Sending company information, from the company page (seed: the button « Envoyer des
informations sur une entreprise ») or from Tools (any company of the database, found
with the company search first: the seed speaks of buyers and suppliers alike).

The company and the contract's currency are read in a worker, then the choice of form
is pushed, then the form; ``callback`` receives the submission sent (or None)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from cofatui.enums import CompanyInfoForm, Section
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas import CompanyPublic
from cofatui.schemas_company_info import CompanyInfoPublic
from cofatui.tui.features.company_info.form_base import Subject
from cofatui.tui.features.company_info.forms import FORMS, FormChoiceDialog
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.rights import write_refused
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

Done = Callable[[CompanyInfoPublic | None], Any]


def send_company_information(app: App[Any], company_id: int, contract_id: int | None = None,
                             callback: Done | None = None) -> None:
    """The opener ``company_information_send``: the forms for this company under the
    contract (the current one by default)."""
    cofa_app = cofa(app)
    contract = contract_id if contract_id is not None else cofa_app.current_contract_id
    if contract is None:
        app.notify(t("company_info_ui.no_contract"), severity="warning", markup=False)
        return
    # What the rights forbid is said before the forms are filled, not at Ctrl+S.
    refused = write_refused(cofa_app.principal, contract, Section.COMPANY_INFORMATION)
    if refused is not None:
        app.notify(refused.text(), severity="warning", markup=False)
        return

    def load() -> None:
        try:
            detail = cofa_app.repo.products.company_detail(contract, company_id)
        except CofaError as exc:
            app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
            return
        c = detail.company
        subject = Subject(contract, c.id, c.name, c.easy_number, c.country, detail.currency)
        app.call_from_thread(choose_form, app, subject, callback)

    app.run_worker(load, thread=True, group="company-info-subject", exclusive=True,
                   exit_on_error=False)


def choose_form(app: App[Any], subject: Subject, callback: Done | None = None) -> None:
    def chosen(form: CompanyInfoForm | None) -> None:
        if form is None:
            return
        app.push_screen(FORMS[form](subject), callback)

    app.push_screen(FormChoiceDialog(subject), chosen)


def send_for_any_company(app: App[Any], callback: Done | None = None) -> None:
    """From Tools: ask for the company with the company search, then send."""
    def picked(company: CompanyPublic | None) -> None:
        if company is not None:
            send_company_information(app, company.id, callback=callback)

    open_screen(app, "company_search", pick=True, pick_title="company_info_ui.pick_company",
                callback=picked)


__all__ = ["choose_form", "send_company_information", "send_for_any_company"]

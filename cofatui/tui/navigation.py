"""Open any screen by name, so that features never import each other.

A feature opens another feature's screen with ``open_screen(app, "company_detail",
company_id)``: the registry maps the name to ``"module:attribute"``, imported on first
use (start-up stays fast, and no feature module imports another). The attribute is

- a :class:`~textual.screen.Screen` class (or a function returning a screen): it is
  called with the arguments given and pushed, ``callback`` receiving its result;
- or an *opener* (a name in :data:`OPENERS`): a function called with the app first,
  which pushes what it needs itself (e.g. loads the data in a worker before pushing).

:data:`SCREENS_BY_NAME` holds the screens that open without arguments
(``app.switch_to(name)``, the palette, F2–F4, the settings' start screen); a value may
also be a factory (tests register probes).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

log = logging.getLogger(__name__)

ScreenFactory = Callable[[], Screen[Any]]

_F = "cofatui.tui.features"

#: Screens reachable by name without arguments. Add yours when it can be opened so.
SCREENS_BY_NAME: dict[str, str | ScreenFactory] = {
    "home": f"{_F}.home.home:HomeScreen",
    "notifications": f"{_F}.notifications.notifications:NotificationsScreen",
    "settings": f"{_F}.settings.settings:SettingsScreen",
    "help": f"{_F}.help.help:HelpScreen",
    "portfolio": f"{_F}.portfolio.portfolio:PortfolioScreen",
    "company_search": f"{_F}.companies.search:CompanySearchScreen",
    "underwriter_queue": f"{_F}.underwriter.queue:UnderwriterQueueScreen",
    "claims_portfolio": f"{_F}.claims.claims_portfolio:ClaimsPortfolioScreen",
    "extension_queue": f"{_F}.extensions.lists:ExtensionQueueScreen",
    "claims_queue": f"{_F}.claims.queue:ClaimsQueueScreen",
    "tools": f"{_F}.tools.hub:ToolsScreen",
    "jobs": f"{_F}.tools.jobs:JobsScreen",
    "import_results": f"{_F}.tools.imports:ImportResultsScreen",
    "bulk_orders": f"{_F}.bulk.import_screen:BulkOrdersScreen",
    "exports": f"{_F}.exports.screen:ExportsScreen",
    "custom_fields": f"{_F}.custom_fields.screen:CustomFieldsScreen",
    "users": f"{_F}.users.lists:UsersScreen",
    # Tools › Turnover declarations (seed "Liste des déclarations")
    "turnover_declarations": f"{_F}.turnover.listing:DeclarationsScreen",
    # company information sent on the contract (with args: one company's)
    "company_information_list": f"{_F}.company_info.submissions:SubmissionsScreen",
    # Tools › Send company information: the list, the company search at once
    "company_information_send_any": f"{_F}.company_info.submissions:send_from_tools",
    # documents sent (with args: one company's)
    "documents_sent": f"{_F}.documents.screen:DocumentsSentScreen",
    # the ILU tab: active and closed views (with args: one company's ILUs)
    "ilu_list": f"{_F}.ilu.lists:IluListScreen",
    # Tools › Chorus Pro: the hub (issued and received dashboards); a user with no
    # contract starts here
    "chorus": f"{_F}.chorus.hub:ChorusHubScreen",
    # Tools › Accounting (issue 20): the journal, and the books' set-up for admins
    "accounting": f"{_F}.accounting.journal:JournalScreen",
    "accounting_books": f"{_F}.accounting.books_setup:BooksSetupScreen",
    # premium notices and payments, other covers (issue 20, H8); with arguments the
    # journal opens them on a payment's notices (payment_id=) or a cover (cover_event_id=)
    "premium_notices": f"{_F}.premiums.notices:NoticesScreen",
    "other_covers": f"{_F}.covers.covers:CoversScreen",
}

#: Screens that take arguments, opened by other features (or by a module of their own
#: feature that the screen's module imports: the name keeps the import one way).
SCREENS: dict[str, str] = {
    "claim_detail": f"{_F}.claims.detail:ClaimDetailScreen",
    "claim_wizard": f"{_F}.claims.wizard:ClaimWizardScreen",
    "company_create": f"{_F}.companies.create:CompanyCreateScreen",
    "company_fields": f"{_F}.companies.fields:CustomFieldsScreen",
    # the portfolio's Export: simple (as displayed) or custom
    "export_choice": f"{_F}.exports.choice:ExportChoiceDialog",
    "company_contracts": f"{_F}.companies.fields:ContractsScreen",
    "extensions": f"{_F}.extensions.lists:ExtensionsScreen",
    "home_renew": f"{_F}.home.renew:RenewDialog",
    # an import's lines, errors first (Tools › Import results; the users' import)
    "import_lines": f"{_F}.tools.imports:ImportLinesScreen",
    "new_action": f"{_F}.products.new_action:NewActionScreen",
    "notification_detail": f"{_F}.notifications.detail:NotificationDetailScreen",
    "notification_filters": f"{_F}.notifications.filters:NotificationFiltersScreen",
    "portfolio_criteria": f"{_F}.portfolio.criteria:PortfolioCriteriaScreen",
    "product_history": f"{_F}.products.actions:HistoryScreen",
    "product_report": f"{_F}.products.report:ReportScreen",
    # the back office's DRA change of a company (company information decides beside it)
    "underwriter_dra": f"{_F}.underwriter.queue:DraScreen",
    # Chorus Pro (issue 18): lists, search, anomalies and the invoice's dialogs...
    "chorus_invoices": f"{_F}.chorus.lists:InvoiceListScreen",
    "chorus_search": f"{_F}.chorus.search:SearchDialog",
    "chorus_anomalies": f"{_F}.chorus.anomalies:AnomaliesScreen",
    "chorus_process": f"{_F}.chorus.process:ProcessDialog",
    "chorus_complete": f"{_F}.chorus.answers:CompleteDialog",
    "chorus_payment_mode": f"{_F}.chorus.answers:PaymentModeDialog",
    "chorus_reissue": f"{_F}.chorus.answers:ReissueDialog",
    "chorus_confirm_answer": f"{_F}.chorus.answers:ConfirmAnswerDialog",
    # ...and the forms' screens (entry, deposit, correction, directory, managers, account)
    "chorus_entry": f"{_F}.chorus_forms.entry:InvoiceEntryScreen",
    "chorus_deposit": f"{_F}.chorus_forms.deposit:InvoiceDepositScreen",
    "chorus_correct": f"{_F}.chorus_forms.correct:InvoiceCorrectionScreen",
    "chorus_directory": f"{_F}.chorus_directory.directory:DirectoryScreen",
    "chorus_managers": f"{_F}.chorus_directory.managers:ManagerActivitiesScreen",
    "chorus_account": f"{_F}.chorus_directory.account:ChorusAccountScreen",
    "chorus_my_structures": f"{_F}.chorus_directory.structures:MyStructuresScreen",
    # issue 19: the import of received Factur-X
    "chorus_facturx_import": f"{_F}.chorus_facturx.import_screen:FacturxImportScreen",
    # a structure's connector to the real Chorus Pro, for its managers (structure_id)
    "chorus_connector": f"{_F}.chorus_facturx.connector:ConnectorScreen",
    # issue 20: the journal's dialogs and screens, by (books_id[, year_id…])
    "accounting_validate": f"{_F}.accounting.validate:ValidateDialog",
    "accounting_waits": f"{_F}.accounting.waits:WaitsScreen",
    "accounting_fec": f"{_F}.accounting.fec:FecDialog",
    "accounting_balance": f"{_F}.accounting.balance:BalanceScreen",
    # an account's ledger: (books_id, year_id, account, aux_num, date_from, date_to)
    "accounting_ledger": f"{_F}.accounting.ledger:LedgerScreen",
}

#: Functions called with the app first; they push what they open themselves.
OPENERS: dict[str, str] = {
    # loads the company in a worker, then pushes the detail already composed
    "company_detail": f"{_F}.companies.detail:open_company_detail",
    # a product form, then what its answer leads to (quote, pending countdown, notice)
    "product_order": f"{_F}.products.flow:order_product",
    # a product's actions dialog, then the same follow-up as an order
    "product_actions": f"{_F}.products.flow:open_product_actions",
    # a simple export written at once and kept in Tools › Exports as "Export direct"
    "export_direct": f"{_F}.exports.direct:export_direct",
    # a turnover declaration, read in a worker with its first page, then its grid
    "turnover_declaration": f"{_F}.turnover.declaration:open_turnover_declaration",
    # a submission of company information, read in a worker, then its detail
    "company_information": f"{_F}.company_info.detail:open_company_information",
    # the forms for a company: (company_id, contract_id=None, callback=None)
    "company_information_send": f"{_F}.company_info.send:send_company_information",
    # save a copy of a sent document: (document_id, filename), the file picker says where
    "document_save_copy": f"{_F}.documents.save:save_document_copy",
    # an ILU, read in a worker, then its form (read-only once closed)
    "ilu": f"{_F}.ilu.form:open_ilu",
    # an underwriter issues an ILU: (contract_id, company_id, company_name)
    "ilu_issue": f"{_F}.ilu.issue:issue_ilu",
    # a Chorus Pro invoice, read in a worker, then its detail (a notification's target)
    "chorus_invoice": f"{_F}.chorus.detail:open_chorus_invoice",
    # an attachment request or decision: the managers' activities; a structure: mine
    "chorus_attachment": f"{_F}.chorus.links:open_attachment",
    "chorus_structure": f"{_F}.chorus.links:open_structure",
    # the returns pop-up (rejected or suspended since acknowledged), when there are any
    "chorus_returns": f"{_F}.chorus.returns:show_returns",
    # issue 19: one invoice's export (invoice_id, number); a list's, as a job (criteria)
    "chorus_facturx_export": f"{_F}.chorus_facturx.export:export_invoice",
    "chorus_facturx_export_selection": f"{_F}.chorus_facturx.selection:export_selection",
}

#: Offered by the palette, in this order, as ``shell.nav.<name>``; a registered screen
#: missing here comes after them (labelled by its name until it gets a catalog key).
NAVIGATION = ("home", "portfolio", "notifications", "company_search", "claims_portfolio",
              "underwriter_queue", "extension_queue", "claims_queue", "chorus", "tools",
              "settings", "help")
#: Screens the palette offers only to some roles.
NAVIGATION_ROLES: dict[str, set[str]] = {"underwriter_queue": {"underwriter"},
                                         "extension_queue": {"underwriter"},
                                         "claims_queue": {"underwriter"},
                                         "users": {"contract_admin", "underwriter"}}

#: The stack under the base screen holds Textual's default screen only.
BASE_DEPTH = 2


def _load(entry: str) -> Any:
    module_name, _, attr = entry.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def resolve_screen(name: str) -> ScreenFactory | None:
    """The no-argument factory registered for ``name``; None when unknown or not
    importable."""
    entry = SCREENS_BY_NAME.get(name)
    if entry is None or callable(entry):
        return entry
    try:
        factory = _load(entry)
    except (ImportError, AttributeError):
        log.warning("screen %r unavailable (%s)", name, entry)
        return None
    return factory  # type: ignore[no-any-return]


def screen_class(name: str) -> Callable[..., Screen[Any]]:
    """The screen class (or factory) registered as ``name``; KeyError when unknown."""
    entry = SCREENS.get(name) or SCREENS_BY_NAME[name]
    return entry if callable(entry) else _load(entry)


def registered_modules() -> list[str]:
    """Every module the registry names (the settings' keymap lists their bindings)."""
    entries = [*SCREENS_BY_NAME.values(), *SCREENS.values(), *OPENERS.values()]
    return sorted({entry.partition(":")[0] for entry in entries if isinstance(entry, str)})


def open_screen(app: App[Any], name: str, /, *args: Any,
                callback: Callable[[Any], Any] | None = None, **kwargs: Any) -> None:
    """Open the screen or run the opener registered as ``name`` with these arguments;
    ``callback`` receives the screen's result when it is dismissed."""
    if name in OPENERS:
        opener = _load(OPENERS[name])
        if callback is not None:
            kwargs["callback"] = callback
        opener(app, *args, **kwargs)
        return
    app.push_screen(screen_class(name)(*args, **kwargs), callback)


def open_if_registered(app: App[Any], name: str, /, **kwargs: Any) -> None:
    """``open_screen`` for what the app does on its own (the Chorus Pro returns pop-up
    at start and on home): nothing when ``name`` is not registered, as in an app
    built with only some screens."""
    if name in OPENERS or name in SCREENS_BY_NAME:
        open_screen(app, name, **kwargs)


__all__ = ["BASE_DEPTH", "NAVIGATION", "NAVIGATION_ROLES", "OPENERS", "SCREENS",
           "SCREENS_BY_NAME", "open_if_registered", "open_screen", "registered_modules",
           "resolve_screen", "screen_class"]

"""What ordering a product leads to, opened by name from other features
(``navigation.open_screen(app, "product_order", code, detail, callback=...)``): the
product's form, then, by the answer, the TopLiner quote (buy, refuse or simulate again
with the same values), the countdown to a pending decision, or a notice of the decision.
``callback`` runs with the product each time it changed (the caller reloads)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from textual.app import App

from cofatui.enums import ProductStatus
from cofatui.i18n import t
from cofatui.schemas import CompanyDetail, ProductPublic, ProductRequest
from cofatui.tui.features.products.actions import PendingScreen, ProductActionsScreen
from cofatui.tui.features.products.forms import ProductFormScreen
from cofatui.tui.features.products.quote import (
    QuoteAnswer,
    QuoteScreen,
    quote_outcome_text,
    simulation_request,
)
from cofatui.tui.kit.products import product_name, status_label
from cofatui.tui.kit.requests import waiting_until

Changed = Callable[[ProductPublic], Any] | None


def order_product(app: App[Any], code: str, detail: CompanyDetail, *,
                  initial: ProductRequest | None = None, callback: Changed = None) -> None:
    """Open the form of ``code``; then show the outcome of the request."""
    app.push_screen(ProductFormScreen(code, detail, initial=initial),
                    lambda product: requested(app, product, detail, callback))


def open_product_actions(app: App[Any], product: ProductPublic, detail: CompanyDetail, *,
                         callback: Changed = None, amount: Decimal | None = None) -> None:
    """The actions of one product; a new request made there follows like an order.
    ``amount``: the new amount the Modify field starts with."""
    def answered(answer: str, quoted: ProductPublic) -> None:
        quote_answered(app, answer, quoted, detail, callback)

    app.push_screen(ProductActionsScreen(product, detail, answered=answered, amount=amount),
                    lambda changed: requested(app, changed, detail, callback))


def requested(app: App[Any], product: ProductPublic | None, detail: CompanyDetail,
              callback: Changed) -> None:
    if product is None:
        return
    if callback is not None:
        callback(product)
    if product.status == ProductStatus.QUOTED:
        def answered(outcome: QuoteAnswer | None) -> None:
            if outcome is not None:
                quote_answered(app, outcome.answer, outcome.product, detail, callback)

        app.push_screen(QuoteScreen(product, detail), answered)
    elif waiting_until(product) is not None:
        app.push_screen(PendingScreen(product))
    else:
        app.notify(t("products.decided", product=product_name(product.code),
                     status=status_label(product.status)), markup=False)


def quote_answered(app: App[Any], answer: str, product: ProductPublic,
                   detail: CompanyDetail, callback: Changed) -> None:
    """A TopLiner quote was answered; a new simulation opens the form again with the
    values of the refused quote."""
    if callback is not None:
        callback(product)
    app.notify(quote_outcome_text(QuoteAnswer(answer, product)), markup=False)
    if answer == "new_simulation":
        order_product(app, product.code, detail, initial=simulation_request(product),
                      callback=callback)


__all__ = ["open_product_actions", "order_product", "quote_answered", "requested"]

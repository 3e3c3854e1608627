"""Notifications as data: a **kind** and typed **parameters**, rendered in the reader's
language when someone reads them (the list, the detail, an export, a digest).

A writer builds a :class:`Notice` (``wording.decision("CRL", "granted", "EUR", …)``) and
stores its kind, its parameters (JSON written by
:func:`~cofatui.i18n.messages.encode_params`) and its English text (the ``title``
column: what a script or an older client reads). A reader calls :func:`render_title` /
:func:`render_body`, which look the kind up in the ``notices`` catalogs
(``i18n/<lang>/notices.toml``: ``notices.title.<kind>``) and fill it with the parameters
formatted by Babel for that language; a body is the ``body`` parameter (a :class:`Term`
of ``notices.body.*``) when the writer gave one, else the stored body (an underwriter's
comment stays as it was written). Kind ``text`` (an old row that could not be read back
into a kind, or a kind this version does not know) shows its stored text as it is.

Parameters: ``product`` / ``target`` a :class:`Term` of ``notices.product.<CODE>``
(``credit limit`` / ``agrément``), amounts an :class:`Amount` (amount and currency),
dates ``date`` (``month``: a month, ``November 2026``), statuses a :class:`Term` of
``notices.status.<status>``, a ``count`` for plural forms. A title starts with a capital
whatever word the language puts first.

The list's text filter does not read titles: it matches the company name, country,
client reference and EasyNumber of the portfolio entry (``NotificationFilter.text``),
the same rows whatever the reader's language.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from cofatui import i18n
from cofatui.i18n.messages import Amount, Term, decode_params, encode_params, render

#: The kind of a notification shown as its stored text.
TEXT = "text"
TITLE_PREFIX = "notices.title."
BODY_PREFIX = "notices.body."

PRODUCT_PREFIX = "notices.product."


@cache
def product_names(language: str = "en") -> dict[str, str]:
    """Each product's name in ``language`` (``CRL`` → ``credit limit``), from the catalog."""
    return {key.removeprefix(PRODUCT_PREFIX): text
            for key, text in i18n.catalog(language).items() if key.startswith(PRODUCT_PREFIX)}


@dataclass(frozen=True)
class Notice:
    """What a notification says, as data: its kind and its typed parameters."""

    kind: str
    params: Mapping[str, object] = field(default_factory=dict)

    def title(self, language: str | None = None) -> str:
        return render_title(self.kind, self.params, "", language)

    def body(self, stored: str = "", language: str | None = None) -> str:
        return render_body(self.kind, self.params, stored, language)

    def columns(self) -> dict[str, Any]:
        """The notification row's ``kind``, ``params`` and ``title`` (English) columns."""
        return {"kind": self.kind, "params": dump_params(self.params),
                "title": self.title("en")[:200]}


def dump_params(params: Mapping[str, object]) -> str:
    """The ``params`` column: JSON that :func:`load_params` reads back with its types."""
    return json.dumps(encode_params(params), separators=(",", ":"), ensure_ascii=False)


def load_params(raw: str | None) -> dict[str, object]:
    """The parameters of a ``params`` column; ``{}`` for anything unreadable."""
    if not raw:
        return {}
    try:
        return decode_params(json.loads(raw))
    except ValueError:
        return {}


# --- rendering ------------------------------------------------------------------------
def render_title(kind: str, params: Mapping[str, object], stored: str = "",
                 language: str | None = None) -> str:
    """The title of a notification in ``language`` (default: the UI's); its stored text
    when the kind is ``text``, unknown, or lacks a parameter its wording needs."""
    text = _render(TITLE_PREFIX + kind, kind, params, language)
    if text is None:
        return stored
    return text[:1].upper() + text[1:]


def render_body(kind: str, params: Mapping[str, object], stored: str = "",
                language: str | None = None) -> str:
    """The body in ``language``: its ``body`` parameter (a :class:`Term` of
    ``notices.body.*``) when it has one, else the stored text (an underwriter's
    comment, written by a person, or an old row's body)."""
    body = params.get("body")
    if kind == TEXT or not isinstance(body, Term) or not body.key.startswith(BODY_PREFIX):
        return stored
    return _render(body.key, kind, dict(body.params), language) or stored


def _render(key: str, kind: str, params: Mapping[str, object],
            language: str | None) -> str | None:
    if not kind or kind == TEXT:
        return None
    language = language or i18n.get_language()
    try:
        frozen = tuple(sorted(params.items()))
        return _render_cached(key, frozen, language)
    except TypeError:  # a parameter that cannot be a cache key (a list): render it afresh
        return _render_fresh(key, params, language)


@lru_cache(maxsize=20_000)
def _render_cached(key: str, params: tuple[tuple[str, object], ...],
                   language: str) -> str | None:
    """A list draws the same rows again at each scroll and cursor move, and many rows
    say the same thing: each (wording, parameters, language) is rendered once."""
    return _render_fresh(key, dict(params), language)


def clear_cache() -> None:
    """Forget the rendered wordings (a benchmark's first read; a catalog reloaded)."""
    _render_cached.cache_clear()


def _render_fresh(key: str, params: Mapping[str, object], language: str) -> str | None:
    needed = _placeholders(key, language)
    if needed is None or not needed <= params.keys():
        return None
    return render(key, _prepared(params, language), language)


@cache
def _placeholders(key: str, language: str) -> frozenset[str] | None:
    """The ``{names}`` the entry ``key`` needs (all its plural forms), None if absent."""
    own = i18n.catalog(language)
    forms = [own[key]] if key in own else [v for k, v in own.items()
                                           if k.rpartition(".")[0] == key]
    if not forms:
        return None
    return frozenset(name for text in forms
                     for _, name, _, _ in string.Formatter().parse(text) if name)


def _prepared(params: Mapping[str, object], language: str) -> dict[str, object]:
    """A month (``month``) reads as a month: ``November 2026`` / ``novembre 2026``."""
    month = params.get("month")
    if isinstance(month, date):
        return {**params, "month": _month(month, language)}
    return dict(params)


def _month(day: date, language: str) -> str:
    from babel.dates import format_date

    return str(format_date(day, "LLLL yyyy", locale=i18n.locale_name(language)))


# --- parameters -----------------------------------------------------------------------
def product(code: str) -> Term | str:
    """A product as a parameter: its catalog name, or its code when it has none."""
    return Term(PRODUCT_PREFIX + code) if code in product_names() else code


def status(value: str) -> Term:
    return Term(f"notices.status.{value}")


def money(amount: Decimal | None, currency: str) -> Amount | str:
    """An amount as a parameter ("" when there is none)."""
    return "" if amount is None else Amount(Decimal(amount), currency)


# --- the notices the application writes ------------------------------------------------
def decision(code: str, status_value: str, currency: str, requested: Decimal | None,
             decided: Decimal | None, premium: Decimal | None = None, *,
             dra: int | None = None, dra_on: date | None = None,
             opinion: Decimal | None = None,
             insured_percentage: Decimal | None = None) -> Notice:
    """A decision on a product (or its delivery, with what it delivers)."""
    p: dict[str, object] = {"product": product(code)}
    if code in ("RSC", "RSM") and status_value == "granted" and dra is not None:
        p["dra"] = str(dra)
        if dra_on is None:
            return Notice("product.delivered_dra", p)
        return Notice("product.delivered_dra_on", {**p, "on": dra_on})
    if code in ("RCO", "ROM") and status_value == "granted" and opinion is not None:
        return Notice("product.delivered_amount", {**p, "amount": money(opinion, currency)})
    if code.startswith("REPORT") or (code in ("RSC", "RSM") and status_value == "granted"):
        return Notice("product.delivered", p)
    if decided is not None and status_value != "refused":
        amount: object = money(decided, currency)
        if insured_percentage is not None:
            amount = Term.of("notices.insured", amount=amount,
                             percentage=Decimal(insured_percentage).normalize())
        p["amount"] = amount
    if status_value == "quoted" and "amount" in p:
        if premium is None:
            return Notice("product.quoted", p)
        return Notice("product.quoted_premium", {**p, "premium": money(premium, currency)})
    if status_value == "partially_granted" and requested is not None and "amount" in p:
        return Notice("product.partially_granted",
                      {**p, "requested": money(requested, currency)})
    if status_value == "reduced" and requested is not None and "amount" in p:
        return Notice("product.reduced", {**p, "requested": money(requested, currency)})
    if status_value == "granted" and "amount" in p:
        return Notice("product.granted", p)
    p["status"] = status(status_value)
    return Notice("product.status_amount" if "amount" in p else "product.status", p)


def end_alert(code: str, end_date: date, days_left: int) -> Notice:
    """The daily alert of a cover about to end (a TopLiner, five days before its end)."""
    p: dict[str, object] = {"product": product(code), "end": end_date}
    if days_left == 0:
        return Notice("product.ends_today", p)
    return Notice("product.ends_in", {**p, "count": days_left})


def request_refused(kind: str, code: str, currency: str, requested: Decimal | None,
                    standing: Decimal | None, target: str | None = None) -> Notice:
    """A refused amendment leaves the standing decision in force, and says so."""
    name = product(code)
    remains = Term.of("notices.remains", product=name) if standing is None else \
        Term.of("notices.remains_amount", product=name, amount=money(standing, currency))
    p: dict[str, object] = {"product": name, "remains": remains}
    if kind == "transform":
        return Notice("request.transform_refused", {**p, "target": product(target or "")})
    if kind == "renew":
        return Notice("request.renew_refused", p)
    p["amount"] = money(requested, currency)
    if requested is not None and standing is not None and requested != standing:
        return Notice("request.increase_refused" if requested > standing
                      else "request.decrease_refused", p)
    return Notice("request.change_refused", p)


def dra_change(before: int | None, after: int, on: date | None = None,
               news: Term | None = None) -> Notice:
    """A monitored company's DRA changed, and what the product shows now (``news``)."""
    p: dict[str, object] = {"after": str(after)}
    if before is not None:
        p["before"] = str(before)
    if on is None:
        return Notice("dra.changed", p)
    p["on"] = on
    kind = "dra.changed_on" if before is not None else "dra.set_on"
    if news is not None:
        return Notice(kind + "_news", {**p, "news": news})
    return Notice(kind, p)


def opinion_now(amount: Decimal, currency: str) -> Term:
    """What a monitored @rating opinion shows after its buyer's DRA changed."""
    return Term.of("notices.opinion_now", amount=money(amount, currency))


def topliner_bought(amount: Decimal | None, currency: str, end: date | None,
                    premium: Decimal | None) -> Notice:
    p: dict[str, object] = {"amount": money(amount, currency),
                            "premium": money(premium, currency),
                            "body": Term.of(BODY_PREFIX + "premium",
                                            premium=money(premium, currency))}
    if end is None:
        return Notice("topliner.bought", p)
    return Notice("topliner.bought_until", {**p, "end": end})


def change_requested(code: str, amount: Decimal | None, currency: str) -> Notice:
    return Notice("product.change_requested",
                  {"product": product(code), "amount": money(amount, currency)})


def transformed(code: str, target: str, amount: Decimal | None, currency: str) -> Notice:
    p: dict[str, object] = {"product": product(code), "target": product(target)}
    if amount is None:
        return Notice("product.transformed", p)
    return Notice("product.transformed_amount", {**p, "amount": money(amount, currency)})


def extension_decided(status_value: str, deadline: date) -> Notice:
    return Notice("extension.decided",
                  {"status": Term(f"notices.extension_status.{status_value}"),
                   "deadline": deadline})


def claim_update(reference: str, status_value: str) -> Notice:
    return Notice("claim.update", {"reference": reference,
                                   "status": Term(f"notices.claim_status.{status_value}")})


def claim_indemnity(reference: str, amount: Decimal | None, currency: str) -> Notice:
    return Notice("claim.indemnity", {"reference": reference,
                                      "amount": money(amount, currency)})


def turnover_requested(period_start: date, policy: str) -> Notice:
    """A turnover declaration requested (issue 17 item 2); the body is data too."""
    return Notice("turnover.requested", {
        "month": period_start,
        "body": Term.of(BODY_PREFIX + "turnover", month=period_start, policy=policy)})


def turnover_reminder(number: int, period_start: date, policy: str) -> Notice:
    """Reminder ``number`` (1 to 3) of a declaration not sent yet."""
    return Notice("turnover.reminder", {
        "number": str(number), "month": period_start,
        "body": Term.of(BODY_PREFIX + "turnover_reminder", month=period_start,
                        policy=policy)})


# --- Chorus Pro (issue 18 item 10) ---------------------------------------------------------
def chorus_invoice(state: str, number: str) -> Notice:
    """An invoice reached ``state`` (a ``ChorusState``), said with the portal's words."""
    return Notice("chorus.invoice", {"number": number,
                                     "status": Term(f"notices.chorus_state.{state}")})


def chorus_attachment_requested(requester: str, structure: str) -> Notice:
    return Notice("chorus.attachment_requested",
                  {"requester": requester, "structure": structure})


def chorus_attachment_decided(status_value: str, structure: str) -> Notice:
    """``status_value``: the attachment's status after the decision (approved, refused)."""
    return Notice(f"chorus.attachment_{status_value}", {"structure": structure})

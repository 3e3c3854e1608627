"""One function per event (issue 20 item 5), building the ``Posting`` of its entry:
balanced by construction (``rules.ledger_model.Posting`` refuses anything else).

Accounts come from the chart by role (``rules.ledger_chart``); the repository applies
the books' overrides afterwards. Amounts are EUR whole cents: a foreign source's total
is converted once and its rounding given to the last line (``rules.ledger_money``).
Claim events are in ``rules.ledger_claims`` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cofatui.enums import AccountingEventKind as K
from cofatui.enums import CoverEventKind, Journal, NoticeLineRole
from cofatui.rules.ledger_chart import Chart
from cofatui.rules.ledger_claims import claim_postings
from cofatui.rules.ledger_labels import cover_label, opening_label, payment_label
from cofatui.rules.ledger_model import (
    CoverEventFacts,
    PaymentFacts,
    Posting,
    event_key,
)
from cofatui.rules.ledger_money import EUR, Amount, allocate, cents, lines_of

__all__ = ["AccountBalance", "claim_postings", "cover_event_posting", "opening_posting",
           "payment_posting"]

_PIECE_REF_MAX = 60

#: The charge account of each notice line role; TAX is part of the charge it follows.
_ROLE_ACCOUNT = {
    NoticeLineRole.CREDIT_INSURANCE: "premium_credit_insurance",
    NoticeLineRole.PROSPECTION: "premium_operating_risks",
    NoticeLineRole.EXCHANGE: "premium_operating_risks",
    NoticeLineRole.INFORMATION: "information_charge",
    NoticeLineRole.FEE: "fee_charge",
    NoticeLineRole.VAT: "vat_deductible",
}


def _notice_accounts(f: PaymentFacts, chart: Chart) -> dict[str, Decimal]:
    """Net charge per account, in the notice currency. A line's own tax and a TAX line
    are part of the charge (premiums are VAT-exempt, art. 261 C CGI; other taxes are
    not recoverable); a VAT line is deductible VAT (44566)."""
    net: dict[str, Decimal] = {}
    last_charge = chart.account("premium_credit_insurance")
    for line in f.lines:
        role = NoticeLineRole(line.role)
        if role is NoticeLineRole.TAX:
            account = last_charge
        else:
            account = chart.account(_ROLE_ACCOUNT[role])
            if role is not NoticeLineRole.VAT:
                last_charge = account
        net[account] = net.get(account, Decimal(0)) + line.amount_excl_tax + line.tax
    return {a: v for a, v in net.items() if v != 0}


def payment_posting(f: PaymentFacts, chart: Chart) -> Posting | None:
    """Notice paid: D 6166/6164/6181/6227/44566 / C bank at the bank's EUR amount; a
    refund (negative net) is the same entry reversed. None when nothing moved (the
    notices settled cancel each other out to zero)."""
    net = _notice_accounts(f, chart)
    foreign = f.currency != EUR
    accounts = list(net)
    total_eur = cents(f.eur_amount if foreign else f.amount)
    if f.amount != 0:
        eurs = allocate(total_eur, [net[a] for a in accounts])
    elif foreign:
        return None  # no rate without an amount; nothing reached the bank
    else:
        eurs = [cents(net[a]) for a in accounts]
    label = payment_label(f.notice_numbers, refund=f.amount < 0)
    amounts = [Amount(a, e, label, currency_amount=net[a] if foreign else None,
                      currency=f.currency) for a, e in zip(accounts, eurs, strict=True)]
    bank = f.bank_account or chart.account("bank")
    amounts.append(Amount(bank, -total_eur, label,
                          currency_amount=-f.amount if foreign else None,
                          currency=f.currency))
    lines = lines_of(amounts)
    if len(lines) < 2:
        return None
    return Posting(
        event_key=event_key(K.NOTICE_PAID, f.payment_id), event_kind=K.NOTICE_PAID,
        journal=Journal.BANK, entry_date=f.paid_on,
        piece_ref=", ".join(f.notice_numbers)[:_PIECE_REF_MAX] or f"PAY-{f.payment_id}",
        piece_date=f.paid_on, label=label, source_kind="payment", source_id=f.payment_id,
        lines=lines)


def _exchange_amounts(f: CoverEventFacts, chart: Chart, label: str) -> list[Amount]:
    """Exchange settlement: D bank (EUR received) / C 411 at the booked rate, the
    difference an exchange loss or gain; then versus the guaranteed rate, the covered
    share of a loss is an indemnity from Coface (D 4687 / C 796; 2025: 7587) and of a
    gain a debt to it (D 668 / C 4686). Rates read 1 EUR = rate currency."""
    if f.currency_amount is None or f.booked_rate is None or f.guaranteed_rate is None:
        raise ValueError(f"exchange settlement {f.event_id}: amount and rates needed")
    cur, ccy = f.currency_amount, f.cover_currency
    received = cents(f.eur_amount)
    booked = cents(cur / f.booked_rate)
    guaranteed = cents(cur / f.guaranteed_rate)
    aux = dict(aux_num=f.debtor_aux, aux_label=f.debtor)
    out = [Amount(chart.account("bank"), received, label, currency_amount=cur, currency=ccy),
           Amount(chart.account("receivable"), -booked, label, currency_amount=-cur,
                  currency=ccy, **aux)]
    diff = received - booked  # > 0 gain, < 0 loss, both on the chart's exchange accounts
    role = "exchange_gain" if diff > 0 else "exchange_loss"
    out.append(Amount(chart.account(role), -diff, label))
    covered = cents((guaranteed - received) * f.covered_share / Decimal(100))
    if covered > 0:  # a loss against the guaranteed rate: Coface pays its share
        out += [Amount(chart.account("income_receivable"), covered, label),
                Amount(chart.account("exchange_cover_income"), -covered, label)]
    elif covered < 0:  # a gain: owed back to Coface
        out += [Amount(chart.account("exchange_cover_charge"), -covered, label),
                Amount(chart.account("exchange_cover_debt"), covered, label)]
    return out


def cover_event_posting(f: CoverEventFacts, chart: Chart) -> Posting:
    """Prospection indemnity D 512 / C 168, repayment D 168 / C 512, final balance
    D 168 / C 7718 (2025: 7587); exchange settlement (see ``_exchange_amounts``)."""
    kind = K(CoverEventKind(f.kind).value)
    bank, debt = chart.account("bank"), chart.account("prospection_debt")
    eur = cents(f.eur_amount)
    foreign = f.cover_currency != EUR and f.currency_amount is not None
    cur = f.currency_amount if foreign else None
    label = cover_label(kind, f.cover_reference, f.receivable_reference, f.debtor)
    if kind is K.EXCHANGE_SETTLEMENT:
        amounts = _exchange_amounts(f, chart, label)
    else:
        income = chart.account("prospection_balance_income")
        debit, credit = {K.PROSPECTION_INDEMNITY: (bank, debt),
                         K.PROSPECTION_REPAYMENT: (debt, bank),
                         K.PROSPECTION_BALANCE: (debt, income)}[kind]
        amounts = [Amount(debit, eur, label, currency_amount=cur, currency=f.cover_currency),
                   Amount(credit, -eur, label, currency_amount=-cur if cur else None,
                          currency=f.cover_currency)]
    return Posting(
        event_key=event_key(kind, f.event_id), event_kind=kind,
        journal=Journal.OTHER if kind is K.PROSPECTION_BALANCE else Journal.BANK,
        entry_date=f.event_date, piece_ref=f.cover_reference[:_PIECE_REF_MAX],
        piece_date=f.event_date, label=label, source_kind="cover_event",
        source_id=f.event_id, lines=lines_of(amounts))


@dataclass(frozen=True)
class AccountBalance:
    """A closing balance (debit − credit, EUR) of one account and auxiliary."""

    account: str  # the final number written on the lines
    label: str
    aux_num: str
    aux_label: str
    balance: Decimal


def opening_posting(year_id: int, start: date, balances: Sequence[AccountBalance],
                    chart: Chart, label: str | None = None) -> Posting | None:
    """The opening entry (AN) of the year starting ``start``: the balances of classes
    1–5 per auxiliary carried forward; the result (classes 6–7) to 120 (profit) or 129
    (loss) so the entry balances (our choice). None when nothing is carried."""
    text = label or opening_label(start.year)
    amounts = [Amount(b.account, b.balance, text, b.aux_num, b.aux_label)
               for b in balances if b.account[:1] in "12345" and b.balance != 0]
    carried = sum((a.eur for a in amounts), Decimal(0))
    if carried > 0:  # more assets than liabilities carried: the year made a profit
        amounts.append(Amount(chart.account("result_profit"), -carried, text))
    elif carried < 0:
        amounts.append(Amount(chart.account("result_loss"), -carried, text))
    lines = lines_of(amounts)
    if len(lines) < 2:
        return None
    return Posting(
        event_key=event_key(K.OPENING, year_id), event_kind=K.OPENING,
        journal=Journal.OPENING, entry_date=start, piece_ref=f"AN-{start.year}",
        piece_date=start, label=text, source_kind="year", source_id=year_id, lines=lines)

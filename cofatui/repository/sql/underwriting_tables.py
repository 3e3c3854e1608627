"""The contract's decision tables read from the database, and what a decision by them
writes on a product (SPEC §4-§5). The rules themselves are ``rules.underwriting``;
these helpers run inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from cofatui import notification_wording as wording
from cofatui.enums import ClaimStatus, ProductStatus
from cofatui.i18n.messages import Term
from cofatui.models import Claim, Company, Contract, DraBand, Product, UnderwritingRule
from cofatui.rules import products as product_rules
from cofatui.rules import underwriting as uw

# A claim in these states means unpaid invoices are declared on the buyer.
UNPAID_CLAIM_STATUSES = (ClaimStatus.PENDING.value, ClaimStatus.ACCEPTED.value,
                         ClaimStatus.REJECTED.value)


def rule_of(row: UnderwritingRule) -> uw.Rule:
    countries = frozenset(c.strip().upper() for c in row.countries.split(",") if c.strip())
    return uw.Rule(name=row.name or f"#{row.id}", product_code=row.product_code,
                   priority=row.priority, min_dra=row.min_dra, max_dra=row.max_dra,
                   max_amount=row.max_amount, countries=countries,
                   with_unpaid=row.with_unpaid, decision=row.decision,
                   amount_from=row.amount_from, amount=row.amount,
                   insured_percentage=row.insured_percentage, reason=row.reason,
                   response_hours=row.response_hours)


def band_of(row: DraBand) -> uw.DraBand:
    return uw.DraBand(row.min_dra, row.max_dra, row.rating_amount, row.topliner_rate,
                      row.topliner_min_premium)


def load_tables(s: Session, contract_id: int) -> uw.Tables:
    contract = s.get(Contract, contract_id)
    rules = [rule_of(r) for r in s.execute(select(UnderwritingRule).where(
        UnderwritingRule.contract_id == contract_id)).scalars()]
    bands = [band_of(b) for b in s.execute(select(DraBand).where(
        DraBand.contract_id == contract_id).order_by(DraBand.min_dra)).scalars()]
    percentage = contract.insured_percentage if contract is not None else Decimal(90)
    return uw.Tables(rules, bands, percentage)


#: Whether the buyer has a claim with unpaid invoices on the contract (built once: every
#: order decided by the rules runs it).
_UNPAID = select(Claim.id).where(
    Claim.contract_id == bindparam("contract_id"), Claim.company_id == bindparam("company_id"),
    Claim.status.in_(UNPAID_CLAIM_STATUSES)).limit(1)


def buyer_of(s: Session, contract_id: int, company: Company) -> uw.Buyer:
    unpaid = s.execute(_UNPAID, {"contract_id": contract_id,
                                 "company_id": company.id}).first() is not None
    dated = company.dra_updated_at or company.updated_at
    return uw.Buyer(company.dra, dated.date() if dated is not None else None,
                    company.country, unpaid)


def decide(s: Session, contract_id: int, company: Company, asked: uw.Asked,
           now: datetime, tables: uw.Tables | None = None) -> uw.Decision:
    """The contract's rules' decision on this request, or pending for an underwriter;
    ``tables``: the contract's tables when the caller read them already (a bulk run)."""
    if tables is None:
        tables = load_tables(s, contract_id)
    return uw.automatic_decision(asked, buyer_of(s, contract_id, company), tables, now)


def record(product: Product, decision: uw.Decision) -> None:
    """Write on ``product`` what an immediate decision delivers and why it refused."""
    if not decision.immediate:
        return
    if decision.comment and not product.comment:
        product.comment = decision.comment
    if decision.status == ProductStatus.REFUSED:
        product.effective_date = None  # a refusal covers nothing from any date
    if decision.insured_percentage is not None:
        product.insured_percentage = decision.insured_percentage
    if decision.delivered_dra is not None:
        product.delivered_dra = decision.delivered_dra
        product.delivered_dra_on = decision.delivered_dra_on
    if decision.opinion_amount is not None:
        product.opinion_amount = decision.opinion_amount


def deliver(s: Session, product: Product, company: Company) -> None:
    """An information product an underwriter granted delivers the buyer's DRA, or its
    opinion amount (the amount decided, else the contract's grid)."""
    if product.status == ProductStatus.REFUSED or \
            product.code not in uw.DRA_CODES | uw.OPINION_CODES:
        return
    decided = product.decided_amount
    delivered = uw.delivery(product.code, buyer_of(s, product.contract_id, company),
                            load_tables(s, product.contract_id), decided)
    record(product, delivered)
    if product.code in uw.OPINION_CODES:
        product.decided_amount = None  # an opinion, not a cover


def topliner_quote(s: Session, product: Product, company: Company,
                   now: datetime) -> product_rules.TopLinerQuote:
    """The quote of an accepted TopLiner, priced by the contract's tariff."""
    granted = product.decided_amount if product.decided_amount is not None \
        else product.requested_amount
    amount = granted or Decimal(0)
    days = product.duration_days or product_rules.TOPLINER_MIN_DAYS
    bands = load_tables(s, product.contract_id).bands
    premium = uw.topliner_price_beyond_tariff(amount, days, company.dra, bands)
    return product_rules.topliner_quote(amount, premium, days, now.date())


def monitoring_update(s: Session, product: Product, company: Company) -> Term | None:
    """After the buyer's DRA changed, what a monitored product shows now; what the
    notification adds (None when nothing changed on the product)."""
    tables = load_tables(s, product.contract_id)
    update = uw.monitoring_update(product.code, buyer_of(s, product.contract_id, company),
                                  tables)
    if update is None:
        return None
    record(product, update)
    if update.opinion_amount is not None:
        return wording.opinion_now(update.opinion_amount, product.currency)
    return None


def rule_values(rule: uw.Rule) -> dict[str, Any]:
    """The columns of a rule's row (without its id and contract)."""
    return {"product_code": rule.product_code, "priority": rule.priority,
            "min_dra": rule.min_dra, "max_dra": rule.max_dra, "max_amount": rule.max_amount,
            "countries": ",".join(sorted(rule.countries)), "with_unpaid": rule.with_unpaid,
            "decision": rule.decision, "amount_from": rule.amount_from, "amount": rule.amount,
            "insured_percentage": rule.insured_percentage, "reason": rule.reason,
            "response_hours": rule.response_hours, "name": rule.name}


def band_values(band: uw.DraBand) -> dict[str, Any]:
    """The columns of a DRA band's row (without its id and contract)."""
    return {"min_dra": band.min_dra, "max_dra": band.max_dra,
            "rating_amount": band.rating_amount, "topliner_rate": band.topliner_rate,
            "topliner_min_premium": band.topliner_min_premium}


def default_tables(contract_id: int) -> list[UnderwritingRule | DraBand]:
    """The rows of the tables a new contract starts with (``uw.DEFAULT_RULES``,
    ``uw.DEFAULT_BANDS``)."""
    rows: list[UnderwritingRule | DraBand] = [
        UnderwritingRule(contract_id=contract_id, **rule_values(r)) for r in uw.DEFAULT_RULES]
    rows += [DraBand(contract_id=contract_id, **band_values(b)) for b in uw.DEFAULT_BANDS]
    return rows


__all__ = [
    "band_values",
    "buyer_of",
    "decide",
    "default_tables",
    "deliver",
    "load_tables",
    "monitoring_update",
    "record",
    "rule_values",
    "topliner_quote",
]

"""underwriting tables

Revision ID: 0008_underwriting_tables
Revises: 0007_product_requests
Create Date: 2026-12-04

Every product is decided by its contract's tables (SPEC §4; ``rules.underwriting``
documents them):

- ``underwriting_rule`` gains conditions (``max_dra``, ``countries``, ``with_unpaid``;
  ``min_dra`` may be empty) and an outcome (``amount_from``, ``amount``,
  ``insured_percentage``, ``reason``);
- ``dra_band``: per contract and DRA range, the @rating amount and the TopLiner tariff;
- ``product`` records what a decision delivers: ``insured_percentage`` (Express
  agreement), ``delivered_dra`` and ``delivered_dra_on`` (DRA flash / monitoring),
  ``opinion_amount`` (@rating opinions).

Data: every row stays. Rules for the products a code branch used to grant (RLI, ECL,
opinions, DRA, reports) were never read: they keep their rows, with the outcome their
product needs, behind the default rules each contract now gets for those products and
for TopLiner (when it has none); contracts get the default DRA grid. Existing @rating
opinions move their amount to ``opinion_amount``; granted DRA products deliver the
company's DRA. The default tables are frozen here: later changes to
``rules.underwriting.DEFAULT_RULES`` must not rewrite history.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.types

revision = "0008_underwriting_tables"
down_revision = "0007_product_requests"
branch_labels = None
depends_on = None

# Codes a code branch decided before this revision; their old rules go behind these.
FORMERLY_IMMEDIATE = ("RLI", "ECL", "RCO", "ROM", "RSC", "RSM", "REPORT")
PUSHED_BACK = 1000
AMOUNT_FROM = {"RLI": "dra_band", "RCO": "dra_band", "ROM": "dra_band", "ECL": "fixed",
               "RSC": "none", "RSM": "none", "REPORT": "none"}
# (name, code, priority, min_dra, max_dra, max_amount, with_unpaid, decision, amount_from,
#  amount, reason, response_hours)
DEFAULT_RULES = (
    ("rating-default", "RLI", 10, None, 0, None, False, "refused", "requested", None,
     "The buyer is in default (DRA 0): no @rating cover.", 48),
    ("rating-threshold", "RLI", 20, None, 2, None, False, "refused", "requested", None,
     "An @rating cover needs a DRA of 3 or more.", 48),
    ("rating-grid", "RLI", 30, 3, None, None, False, "granted", "dra_band", None, "", 1),
    ("express-default", "ECL", 10, None, 0, None, False, "refused", "requested", None,
     "The buyer is in default (DRA 0): no Express agreement.", 48),
    ("express-unpaid", "ECL", 15, None, None, None, True, "refused", "requested", None,
     "The buyer has unpaid invoices declared: no Express agreement.", 48),
    ("express-threshold", "ECL", 20, None, 4, None, False, "refused", "requested", None,
     "An Express agreement needs a DRA of 5 or more.", 48),
    ("express", "ECL", 30, 5, None, None, False, "granted", "fixed", 20000, "", 1),
    ("topliner-default", "TOPLINER", 10, None, 0, None, False, "refused", "requested", None,
     "The buyer is in default (DRA 0): no TopLiner.", 48),
    ("topliner-online", "TOPLINER", 20, 3, None, 100000, False, "granted", "requested", None,
     "", 48),
    ("opinion-negative-flash", "RCO", 10, None, 2, None, False, "granted", "fixed", 0, "", 1),
    ("opinion-flash", "RCO", 20, 3, None, None, False, "granted", "dra_band", None, "", 1),
    ("opinion-negative-monitoring", "ROM", 10, None, 2, None, False, "granted", "fixed", 0,
     "", 1),
    ("opinion-monitoring", "ROM", 20, 3, None, None, False, "granted", "dra_band", None, "",
     1),
    ("dra-flash", "RSC", 10, 0, None, None, False, "granted", "none", None, "", 1),
    ("dra-monitoring", "RSM", 10, 0, None, None, False, "granted", "none", None, "", 1),
    ("reports", "REPORT", 10, None, None, None, False, "granted", "none", None, "", 1),
)
# (min_dra, max_dra, @rating amount, TopLiner yearly rate %, minimum premium)
DEFAULT_BANDS = ((3, 4, 10000, "1.80", 100), (5, 6, 25000, "1.40", 100),
                 (7, 8, 50000, "1.00", 100), (9, 10, 100000, "0.60", 100))
MONEY = cofatui.models.types.Money()

rule_t = sa.table(
    "underwriting_rule", sa.column("id", sa.Integer), sa.column("contract_id", sa.Integer),
    sa.column("product_code", sa.String), sa.column("priority", sa.Integer),
    sa.column("min_dra", sa.Integer), sa.column("max_dra", sa.Integer),
    sa.column("max_amount", MONEY), sa.column("countries", sa.String),
    sa.column("with_unpaid", sa.Boolean), sa.column("decision", sa.String),
    sa.column("amount_from", sa.String), sa.column("amount", MONEY),
    sa.column("insured_percentage", sa.Numeric(5, 2)), sa.column("reason", sa.String),
    sa.column("response_hours", sa.Integer), sa.column("name", sa.String))
band_t = sa.table(
    "dra_band", sa.column("contract_id", sa.Integer), sa.column("min_dra", sa.Integer),
    sa.column("max_dra", sa.Integer), sa.column("rating_amount", MONEY),
    sa.column("topliner_rate", sa.Numeric(6, 3)), sa.column("topliner_min_premium", MONEY))
product_t = sa.table(
    "product", sa.column("id", sa.Integer), sa.column("company_id", sa.Integer),
    sa.column("code", sa.String), sa.column("status", sa.String),
    sa.column("decided_amount", MONEY), sa.column("opinion_amount", MONEY),
    sa.column("delivered_dra", sa.Integer))
company_t = sa.table("company", sa.column("id", sa.Integer), sa.column("dra", sa.Integer))
contract_t = sa.table("contract", sa.column("id", sa.Integer))
DELIVERED = ("granted", "completed", "deleted", "expired", "replaced", "terminated")


def upgrade() -> None:
    with op.batch_alter_table("underwriting_rule", schema=None) as batch_op:
        batch_op.alter_column("min_dra", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("max_dra", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("countries", sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("with_unpaid", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("amount_from",
                                      sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=False, server_default="requested"))
        batch_op.add_column(sa.Column("amount", cofatui.models.types.Money(), nullable=True))
        batch_op.add_column(sa.Column("insured_percentage", sa.Numeric(5, 2), nullable=True))
        batch_op.add_column(sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500),
                                      nullable=False, server_default=""))
    op.create_table(
        "dra_band",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("min_dra", sa.Integer(), nullable=False),
        sa.Column("max_dra", sa.Integer(), nullable=False),
        sa.Column("rating_amount", cofatui.models.types.Money(), nullable=True),
        sa.Column("topliner_rate", sa.Numeric(6, 3), nullable=True),
        sa.Column("topliner_min_premium", cofatui.models.types.Money(), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dra_band", schema=None) as batch_op:
        batch_op.create_index("ix_dra_band_contract", ["contract_id", "min_dra"], unique=False)
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.add_column(sa.Column("insured_percentage", sa.Numeric(5, 2), nullable=True))
        batch_op.add_column(sa.Column("delivered_dra", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("delivered_dra_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("opinion_amount", cofatui.models.types.Money(),
                                      nullable=True))
    _seed_tables(op.get_bind())
    _deliver_existing(op.get_bind())


def _seed_tables(conn: sa.Connection) -> None:
    for code, source in AMOUNT_FROM.items():
        conn.execute(rule_t.update().where(rule_t.c.product_code == code).values(
            amount_from=source, priority=rule_t.c.priority + PUSHED_BACK))
    contracts = [row.id for row in conn.execute(sa.select(contract_t.c.id))]
    have_topliner = {row.contract_id for row in conn.execute(
        sa.select(rule_t.c.contract_id).where(rule_t.c.product_code == "TOPLINER"))}
    have_bands = {row.contract_id for row in conn.execute(sa.select(band_t.c.contract_id))}
    rules, bands = [], []
    for cid in contracts:
        for (name, code, priority, min_dra, max_dra, max_amount, unpaid, decision, source,
             amount, reason, hours) in DEFAULT_RULES:
            if code == "TOPLINER" and cid in have_topliner:
                continue
            rules.append({
                "contract_id": cid, "product_code": code, "priority": priority,
                "min_dra": min_dra, "max_dra": max_dra,
                "max_amount": None if max_amount is None else Decimal(max_amount),
                "countries": "", "with_unpaid": unpaid, "decision": decision,
                "amount_from": source, "amount": None if amount is None else Decimal(amount),
                "insured_percentage": None, "reason": reason, "response_hours": hours,
                "name": name})
        if cid not in have_bands:
            bands += [{"contract_id": cid, "min_dra": low, "max_dra": high,
                       "rating_amount": Decimal(amount), "topliner_rate": Decimal(rate),
                       "topliner_min_premium": Decimal(minimum)}
                      for low, high, amount, rate, minimum in DEFAULT_BANDS]
    if rules:
        conn.execute(rule_t.insert(), rules)
    if bands:
        conn.execute(band_t.insert(), bands)


def _deliver_existing(conn: sa.Connection) -> None:
    """Opinions kept their amount as a decided amount; DRA products delivered nothing."""
    conn.execute(product_t.update().where(product_t.c.code.in_(("RCO", "ROM"))).values(
        opinion_amount=product_t.c.decided_amount, decided_amount=None))
    dra = sa.select(company_t.c.dra).where(company_t.c.id == product_t.c.company_id) \
        .scalar_subquery()
    conn.execute(product_t.update().where(product_t.c.code.in_(("RSC", "RSM")),
                                          product_t.c.status.in_(DELIVERED))
                 .values(delivered_dra=dra))
    # The date the DRA was delivered: the decision's day, in UTC.
    day = "date(decided_at)" if conn.dialect.name == "sqlite" \
        else "CAST(decided_at AT TIME ZONE 'UTC' AS DATE)"
    conn.execute(sa.text(f"UPDATE product SET delivered_dra_on = {day}"
                         " WHERE delivered_dra IS NOT NULL AND decided_at IS NOT NULL"))


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(product_t.update().where(product_t.c.code.in_(("RCO", "ROM"))).values(
        decided_amount=product_t.c.opinion_amount))
    names = [r[0] for r in DEFAULT_RULES]
    conn.execute(rule_t.delete().where(rule_t.c.name.in_(names),
                                       rule_t.c.priority < PUSHED_BACK))
    conn.execute(rule_t.update().where(rule_t.c.product_code.in_(FORMERLY_IMMEDIATE),
                                       rule_t.c.priority >= PUSHED_BACK)
                 .values(priority=rule_t.c.priority - PUSHED_BACK))
    conn.execute(rule_t.update().where(rule_t.c.min_dra.is_(None)).values(min_dra=0))
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_column("opinion_amount")
        batch_op.drop_column("delivered_dra_on")
        batch_op.drop_column("delivered_dra")
        batch_op.drop_column("insured_percentage")
    with op.batch_alter_table("dra_band", schema=None) as batch_op:
        batch_op.drop_index("ix_dra_band_contract")
    op.drop_table("dra_band")
    with op.batch_alter_table("underwriting_rule", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("insured_percentage")
        batch_op.drop_column("amount")
        batch_op.drop_column("amount_from")
        batch_op.drop_column("with_unpaid")
        batch_op.drop_column("countries")
        batch_op.drop_column("max_dra")
        batch_op.alter_column("min_dra", existing_type=sa.Integer(), nullable=False)

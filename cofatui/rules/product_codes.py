"""The product codes by kind: plain sets, apart from the rules of ``rules.products``
(which load Babel's currency data and the underwriting tables) so that the start-up's
access check (``rules.section_rights``, read before the first frame) needs only these.
``rules.products`` re-exports them: import them from either."""

from __future__ import annotations

COVER_CODES = frozenset({"CRL", "RLI", "ECL", "TOPLINER"})
#: Which cover a company's row shows when it has several (``credit_decision_prevails``):
#: a credit decision (CRL, ECL, TopLiner) before an @rating one (RLI); the rank of each.
COVER_PRECEDENCE = {"CRL": 0, "ECL": 1, "TOPLINER": 2, "RLI": 3}
MONITORED_CODES = frozenset({"ROM", "RSM"})
INFORMATION_CODES = frozenset({"CCO", "RCO", "ROM", "RSC", "RSM"})
REPORT_CODES = frozenset({"REPORT_INSTANT", "REPORT_FULL", "REPORT_CREDIT"})
AMOUNT_CODES = frozenset({"CRL", "CCO", "TOPLINER"})
# Decided at once by the tables a contract starts with (a hint on the order form; the
# contract's own rules decide, see ``rules.underwriting``).
IMMEDIATE_CODES = frozenset({"RLI", "ECL", "RCO", "ROM", "RSC", "RSM"} | REPORT_CODES)
NEW_ACTION_CODES = ("CRL", "RLI", "ECL", "TOPLINER", "CCO", "RCO", "ROM", "RSC", "RSM",
                    "REPORT_INSTANT", "REPORT_FULL", "REPORT_CREDIT")
REPORT_LANGUAGES = ("en", "fr", "de", "es")

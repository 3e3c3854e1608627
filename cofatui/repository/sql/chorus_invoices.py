"""``repo.chorus_invoices`` on SQL (issue 18 items 4–10): the area object. It only
composes the modules that do the work, each small and of one purpose:

- ``chorus_invoices_create``: entry and deposit, drafts, files;
- ``chorus_invoices_deposit``: deposited → made available / non-compliant, the
  technical checks of ``rules/chorus_checks.py`` in the same transaction;
- ``chorus_invoices_moves``: the recipient's moves (``process``);
- ``chorus_invoices_answers``: the supplier's answers (correct, complete, payment
  mode, credit note, re-issue);
- ``chorus_invoices_detail``: the detail a reader gets, with the moves open to them;
- ``chorus_queries`` ("queries"): dashboards, search, anomalies and the returns pop-up.
"""

from __future__ import annotations

from cofatui.repository.sql.core import SqlArea


class SqlChorusInvoices(SqlArea):
    """Chorus Pro invoices for the repository's principal (filled in below)."""

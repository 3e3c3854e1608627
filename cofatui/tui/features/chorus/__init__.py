"""Chorus Pro in the TUI (issue 18 items 9–11): the hub with the issued and received
dashboards, the invoice lists and search, the anomalies, the invoice detail with the
recipient's moves and the supplier's answers, and the home pop-up of returns."""

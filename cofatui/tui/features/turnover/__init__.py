"""Turnover declarations (issue 17 items 2–3, SPEC §7, seed "DÉCLARATION D'ACTIVITÉ OU
DE CHIFFRE D'AFFAIRES"): the policyholder's declaration (a paged editable grid), the
list of declarations in Tools, and the underwriter's request form and back-office pane."""

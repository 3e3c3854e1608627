"""Screens grouped by feature area (DESIGN.md): one folder per area (home, notifications,
portfolio, companies, products, claims, extensions, underwriter, tools, settings, help),
each with its screens, widgets and ``.tcss``. A feature imports ``tui/kit`` and never
another feature: it opens another area's screen by name (``tui/navigation``), which
import-linter's independence contract and the no-cycle test keep so."""

"""Factur-X and the Chorus Pro connector in the TUI (issue 19): the export of one
invoice or of a list (a job), the import of received Factur-X files, and a structure's
connector for its managers. Opened by name (``tui/navigation.py``)."""

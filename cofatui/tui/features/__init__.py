"""Screens grouped by feature area (DESIGN.md): one folder per area."""

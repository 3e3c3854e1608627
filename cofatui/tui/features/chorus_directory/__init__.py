"""Chorus Pro directory, structures, attachments, manager activities and My account
(issue 18 items 1, 2, 3 and 10)."""

"""Chorus Pro invoice forms (issue 18 item 5 and 8): entry, PDF deposit, correction."""

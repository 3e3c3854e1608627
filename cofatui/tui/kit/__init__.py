"""Pieces every screen shares (issue 11 moves the rest of the shared TUI pieces here):
reading what people type (``typed_input``) and the amount field that shows what it
understood (``amount_field``)."""

"""The login screen: a login and a password before anything of the app (issue 13, item 7)."""

"""Tools › User management (issue 16 item 7): the attached and not-attached lists, a
user's detail (tabs Data, User, Preferences, Contracts), the create form, the
Personnaliser rights editor and the import of a users file."""

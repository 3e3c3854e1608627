"""Tools › Exports (issue 15): generated files, templates and scenarios per category."""

"""The style sheets that several features share, as absolute paths: a screen's
``CSS_PATH`` is read relative to the module that declares it, so a feature names
these ones through the constants."""

from pathlib import Path

_HERE = Path(__file__).parent
#: Modal forms: the box, title, buttons and error lines.
DIALOGS_TCSS = _HERE / "dialogs.tcss"
#: Invoice and payment lines (claims and extension requests) and their import grid.
LINES_TCSS = _HERE / "lines.tcss"
#: The underwriter's queues (credit-limit requests and claims).
QUEUE_TCSS = _HERE / "queue.tcss"

"""Bulk orders, the pure part: a file of product orders → checked lines (issue 14).

The seed's "COMMANDES EN MASSE" file: one order per line, no header, exactly 10 fields
separated by 9 ``;`` — country, EasyNumber, identifier type, identifier value, client
reference, product, action, amount, outstanding, operation number. No I/O and no
database here: resolving companies, running the orders, jobs and screens are built on
this module.

Reading a file
--------------
``read_orders(data: bytes, currency: str) -> BulkFile``
    ``currency`` is the contract's (ISO 4217). Raises
    :class:`~cofatui.formats.csv_lines.ImportRefused` when the file is refused whole,
    before any line is checked: ``refusal.reason`` is one of :data:`REFUSALS`
    (``data_too_large``, ``not_text``, ``no_order_line``, ``too_many_lines``,
    ``wrong_file_format``) and a key of :func:`line_message` (the short message);
    ``refusal.code`` / ``refusal.params`` (``bulk.*``) are the detail;
    ``refusal(error)`` gives both as a :class:`LineError`. See
    :mod:`.reading` for the rules (5 MiB, 10 000 order lines, UTF-8 with or without a
    BOM, LF or CRLF, blank lines skipped).
``BulkFile.lines``
    One entry per order line (every non-blank line), in file order, numbered as the
    file's physical lines: an :class:`OrderLine` (passed every format check) or a
    :class:`RejectedLine` (``.error``: the first check it failed). ``.orders``,
    ``.rejected``, ``.total``.
``check_line(TextLine(line_no, text), currency)``
    The same checks on one line (:mod:`.checks` lists them in order).

Results are coded messages
--------------------------
:class:`LineError` = ``key`` (the line's code: a key of
``reference/bulk_errors.json``, the seed's ``duplicate_company``… or cofatui's
``identifier_type_invalid``, ``not_processed``…), ``detail``
(:class:`~cofatui.formats.imports.LineProblem`: a ``bulk.*`` or ``identifiers.*`` code
and typed parameters, catalogs ``i18n/<lang>/errors/bulk.toml``) and ``field`` (one of
:data:`FIELDS`, or None for the whole line). ``error.message(lang)`` is the seed's
short text, ``error.detail_text(lang)`` the detail. Store the key, the detail's code
and ``encode_params(detail.params)``; word them when read. The seed's
``invoice_identifier_too_long``, ``ecl_amount_not_found`` and
``level_three_not_allowed`` have no meaning here and are never produced.

An :class:`OrderLine` carries what the later steps need: ``country``, ``product``
(``LCR`` → ``CRL``), ``action`` (C/D/U/S), ``amount`` (:class:`Money` in the contract's
currency, or None), ``outstanding`` (None: unchanged; ``Money`` 0: zero),
``operation`` (0 when empty), ``client_reference`` (None when empty) and
``identification`` (:class:`Identification`: the padded EasyNumber and/or the
identifier type as written — ``CRScny`` for the Coface reference — and value as
written, trimmed, not checked against its type: normalising it as stored and the
"check digit also wrong" detail are the resolution's).

Duplicates and run order
------------------------
After resolution, ``plan_runs([Candidate.of(order, company_id), …]) -> RunPlan``, with
only the lines that passed the format checks and were resolved (a line that failed
either is never a duplicate of another): ``plan.refused`` maps the line numbers
refused ``duplicate_company``; ``plan.steps`` are what to run, in order: one line, or
a CRL operation group in ascending operation number at the place of its first line;
when a group's line fails, ``step.not_run_after(line_no)`` gives the
``order_submission_failed`` results of the rest. :func:`raw_company_key` keys a line
by its identification as written (before resolution: finds a subset of the
duplicates).

Totals
------
``totals(statuses) -> Totals`` (``lines``, ``errors``, ``ok``, ``not_processed``,
``status``: ``succeeded`` / ``partially_succeeded`` / ``failed``) over line statuses
``OK`` / ``ERROR`` / ``NOT_PROCESSED``; :func:`not_processed` is the result of a line a
cancelled import did not reach.
"""

from cofatui.formats.bulk_orders.amounts import parse_amount
from cofatui.formats.bulk_orders.checks import (
    MAX_CLIENT_REFERENCE,
    MAX_LINE_CHARS,
    MAX_OPERATION,
    MINIMUM_AMOUNT,
    Identification,
    OrderLine,
    RejectedLine,
    check_line,
)
from cofatui.formats.bulk_orders.duplicates import (
    Candidate,
    RunPlan,
    RunStep,
    plan_runs,
    raw_company_key,
)
from cofatui.formats.bulk_orders.files import (
    ERROR,
    NOT_PROCESSED,
    OK,
    BulkFile,
    Totals,
    not_processed,
    read_orders,
    refusal,
    totals,
)
from cofatui.formats.bulk_orders.messages import FIELDS, LineError, line_message, line_messages
from cofatui.formats.bulk_orders.reading import (
    MAX_FILE_BYTES,
    MAX_ORDER_LINES,
    REFUSALS,
    TextLine,
    order_lines,
)
from cofatui.formats.csv_lines import ImportRefused
from cofatui.rules.money import Money

__all__ = ["ERROR", "FIELDS", "MAX_CLIENT_REFERENCE", "MAX_FILE_BYTES", "MAX_LINE_CHARS",
           "MAX_OPERATION", "MAX_ORDER_LINES", "MINIMUM_AMOUNT", "NOT_PROCESSED", "OK",
           "REFUSALS", "BulkFile", "Candidate", "Identification", "ImportRefused",
           "LineError", "Money", "OrderLine", "RejectedLine", "RunPlan", "RunStep",
           "TextLine", "Totals", "check_line", "line_message", "line_messages",
           "not_processed", "order_lines", "parse_amount", "plan_runs", "raw_company_key",
           "read_orders", "refusal", "totals"]

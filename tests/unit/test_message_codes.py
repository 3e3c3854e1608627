"""Refusals are codes with parameters, never sentences (issue 11).

(a) An AST scan of the layers below the TUI (``rules``, ``formats``, ``repository``,
    ``api``, ``config.py``, ``locations.py``; one test per file, so a failure names the
    file) fails on a refusal whose code is a sentence: any call of a ``CofaError``
    subclass that takes a code first (found by reading the sources: a class without its
    own ``__init__``, or whose ``__init__`` names its first parameter ``code``),
    ``FieldError(field, code, …)``, ``ValidationFailed(code | [FieldError…] |
    {field: code})``, ``ValidationFailed.at(field, code)``, ``LineProblem(code, …)``,
    ``CellError(code)`` or ``Note(code)``, whose code is a literal with a space, an
    f-string, a ``.format()`` call, a concatenation of text, or a literal (or a module
    constant holding one) with no entry ``errors.<code>`` in BOTH catalogs.
(b) Every ``errors.*`` entry has the same placeholders in English and French.
(c) Rendering: dates, amounts, numbers and plurals (Babel's rules) in each language; a
    refusal survives the JSON round trip of the API (``to_dict`` → ``error_from_dict``)
    with its class, code and parameters.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cofatui.errors import (
    CofaError,
    FieldError,
    Forbidden,
    RuleViolation,
    ValidationFailed,
    error_from_dict,
)
from cofatui.i18n import catalog
from cofatui.i18n.messages import Term, has_entry
from cofatui.rules.money import Money

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cofatui"
SCANNED = sorted(
    {p for folder in ("rules", "formats", "repository", "api")
     for p in (PACKAGE / folder).rglob("*.py")}
    | {PACKAGE / "config.py", PACKAGE / "locations.py"})
#: Message-as-data types outside the CofaError tree, and where their code is.
CODE_FIRST = {"LineProblem", "CellError", "Note"}
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


# --- (a) the scan ---------------------------------------------------------------------


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.add(base.id)
        elif isinstance(base, ast.Attribute):
            names.add(base.attr)
    return names


def _first_init_param(node: ast.ClassDef) -> str | None:
    """The first parameter after ``self`` of the class's own ``__init__`` ("" when it has
    none), None when the class does not define one."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            params = [*item.args.posonlyargs, *item.args.args][1:]
            return params[0].arg if params else ""
    return None


def _error_classes() -> set[str]:
    """Names of the ``CofaError`` subclasses whose first argument is a code, read from
    the sources of the whole package (no import: a module being edited cannot break it)."""
    classes: dict[str, tuple[set[str], str | None]] = {}
    for path in PACKAGE.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:  # pragma: no cover - another engineer's half-written file
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, (_base_names(node), _first_init_param(node)))
    known = {"CofaError"}
    changed = True
    while changed:
        changed = False
        for name, (bases, _) in classes.items():
            if name not in known and bases & known:
                known.add(name)
                changed = True
    return {name for name in known
            if name in classes and classes[name][1] in (None, "code")}


@functools.cache
def error_classes() -> frozenset[str]:
    """:func:`_error_classes`, read once per test process when a test first needs it
    (not at collection: every xdist worker collects this module, few run these tests)."""
    return frozenset(_error_classes())


def _callee(node: ast.Call) -> tuple[str, str | None]:
    """(name, attribute) of ``Name(…)`` → (Name, None), ``X.at(…)`` → (X, "at"),
    ``module.Name(…)`` → (Name, None)."""
    func = node.func
    if isinstance(func, ast.Name):
        return func.id, None
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.attr == "at" \
                and func.value.id in {*error_classes(), "ValidationFailed"}:
            return func.value.id, "at"
        return func.attr, None
    return "", None


def _argument(node: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(node.args) > position and not isinstance(node.args[position], ast.Starred):
        return node.args[position]
    return next((k.value for k in node.keywords if k.arg == keyword), None)


def _code_arguments(node: ast.Call) -> Iterator[ast.expr]:
    """The expressions of ``node`` that must be codes."""
    name, attribute = _callee(node)
    if attribute == "at" or name == "FieldError":
        found = _argument(node, 1, "code")
        if found is not None:
            yield found
    elif name == "ValidationFailed":
        first = _argument(node, 0, "errors")
        if isinstance(first, ast.Dict):
            yield from (v for v in first.values if v is not None)
        elif first is not None and not isinstance(first, (ast.List, ast.ListComp, ast.Tuple)):
            yield first  # a code (the list's FieldErrors are calls checked on their own)
    elif name in error_classes() or name in CODE_FIRST:
        found = _argument(node, 0, "code")
        if found is not None:
            yield found


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``NAME = <expr>`` (a code kept in a constant is checked too)."""
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.value is not None:
            out[node.target.id] = node.value
    return out


def _problems(expr: ast.expr, constants: dict[str, ast.expr], depth: int = 0) -> list[str]:
    if depth > 3:
        return []
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        code = expr.value
        if " " in code.strip() or not code.strip():
            return [f"a sentence {code!r} instead of a code"]
        missing = [lang for lang in ("en", "fr") if not has_entry(f"errors.{code}", lang)]
        return [f"code {code!r} has no entry errors.{code} in {'/'.join(missing)}"] \
            if missing else []
    if isinstance(expr, ast.JoinedStr):
        return [f"an f-string {ast.unparse(expr)[:60]!r} instead of a code"]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) \
            and expr.func.attr == "format":
        return [f"a .format() call {ast.unparse(expr)[:60]!r} instead of a code"]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        parts = [expr.left, expr.right]
        if any(isinstance(p, ast.JoinedStr) or (isinstance(p, ast.Constant)
                                                and isinstance(p.value, str)) for p in parts):
            return [f"text built by an operator {ast.unparse(expr)[:60]!r} instead of a code"]
        return []
    if isinstance(expr, ast.IfExp):
        return [*_problems(expr.body, constants, depth + 1),
                *_problems(expr.orelse, constants, depth + 1)]
    if isinstance(expr, ast.Name) and expr.id in constants:
        return _problems(constants[expr.id], constants, depth + 1)
    return []


def refusals_with_sentences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for expr in _code_arguments(node):
            found.extend(f"line {expr.lineno}: {problem}"
                         for problem in _problems(expr, constants))
    return found


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_refusals_carry_codes_not_sentences(path: Path) -> None:
    assert refusals_with_sentences(path) == []


def test_the_scan_finds_sentences_and_unknown_codes(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'SENTENCE = "Too late to declare"\n'
        'raise RuleViolation("Too late to declare")\n'
        'raise NotFound(f"No claim {n}")\n'
        'FieldError("amount", "At most {n}".format(n=2), line=1)\n'
        'ValidationFailed({"amount": "Must be above 0", "tax": "common.above_zero"})\n'
        'ValidationFailed.at("file", "imports.no_such_code")\n'
        'LineProblem("imports.easy_number_missing")\n'
        'RuleViolation(SENTENCE)\n'
        'raise Forbidden("Read-only access to contract " + str(n))\n', encoding="utf-8")
    assert [p.split(":")[0] for p in refusals_with_sentences(sample)] == [
        "line 2", "line 3", "line 4", "line 5", "line 6", "line 8", "line 9"]


def test_the_error_classes_are_found_in_the_sources() -> None:
    assert {"RuleViolation", "NotFound", "Forbidden", "Conflict", "ImportRefused"} <= \
        error_classes()
    # Their own __init__ takes other things first: not a code.
    assert "CurrencyMismatch" not in error_classes() and "ExportTooLarge" not in error_classes()


# --- (b) the catalogs -----------------------------------------------------------------


def test_every_error_entry_has_the_same_placeholders_in_both_languages() -> None:
    en, fr = catalog("en"), catalog("fr")
    errors = {key for key in en.keys() | fr.keys() if key.startswith("errors.")}
    assert sorted(k for k in errors if k not in en or k not in fr) == []
    wrong = {key: (en[key], fr[key]) for key in errors
             if sorted(set(_PLACEHOLDER.findall(en[key])))
             != sorted(set(_PLACEHOLDER.findall(fr[key])))}
    assert wrong == {}


# --- (c) rendering and the round trip -------------------------------------------------


def test_a_date_and_a_plural_render_in_each_language() -> None:
    late = RuleViolation("deadlines.declared_late", deadline=date(2026, 11, 28), days=30,
                         earliest=date(2026, 10, 29), count=1)
    assert late.text("en") == (
        "The claim had to be declared by 28 Nov 2026 (30 days after the earliest unpaid "
        "invoice, dated 29 Oct 2026); it is 1 day late")
    assert late.text("fr") == (
        "Le sinistre devait être déclaré au plus tard le 28/11/2026 (30 jours après la plus "
        "ancienne facture impayée, du 29/10/2026) ; il a 1 jour de retard")
    # Babel's plural rules, not "day(s)": French says "0 jour", English "0 days".
    late.params["count"] = 0
    assert late.text("en").endswith("it is 0 days late")
    assert late.text("fr").endswith("il a 0 jour de retard")
    late.params["count"] = 12
    assert late.text("en").endswith("it is 12 days late")
    assert late.text("fr").endswith("il a 12 jours de retard")


def test_amounts_and_numbers_are_formatted_for_the_language() -> None:
    missing = RuleViolation("extensions.plan_missing",
                            planned=Money(Decimal("1500.29"), "EUR"),
                            due=Money(Decimal("1500.30"), "EUR"),
                            gap=Money(Decimal("0.01"), "EUR"))
    assert missing.text("en") == \
        "The plan totals €1,500.29 but the invoices total €1,500.30: €0.01 missing"
    assert missing.text("fr") == ("Le plan totalise 1\u202f500,29\xa0€ mais les factures "
                                  "1\u202f500,30\xa0€ : il manque 0,01\xa0€")
    too_large = ValidationFailed.at("file", "imports.too_large", size=2_000_000, max=1_048_576)
    assert "2,000,000 bytes" in too_large.text("en")
    assert "2\u202f000\u202f000 octets" in too_large.text("fr")


def test_a_term_is_rendered_in_the_readers_language() -> None:
    refused = RuleViolation("extensions.cancel_not_pending",
                            status=Term("extensions.status.refused"))
    assert refused.text("en").endswith("(this one is refused).")
    assert refused.text("fr").endswith("(celle-ci est refusée).")


def _round_trip(error: CofaError) -> CofaError:
    return error_from_dict(json.loads(json.dumps(error.to_dict())))


@pytest.mark.parametrize("error", [
    RuleViolation("deadlines.declared_late", deadline=date(2026, 11, 28), days=30,
                  earliest=date(2026, 10, 29), count=3),
    RuleViolation("extensions.plan_missing", planned=Decimal("1500.29"),
                  due=Decimal("1500.30"), gap=Decimal("0.01")),
    RuleViolation("extensions.modify_not_active", status=Term("extensions.status.pending")),
    Forbidden("products.not_in_contract"),
], ids=lambda e: e.code)
def test_a_refusal_survives_the_json_round_trip(error: CofaError) -> None:
    back = _round_trip(error)
    assert type(back) is type(error)
    assert (back.code, back.params) == (error.code, error.params)
    assert back.text("fr") == error.text("fr")


def test_field_refusals_survive_the_round_trip_with_their_lines() -> None:
    error = ValidationFailed([
        FieldError("invoices[3].number", "claims.same_invoice_as", {"first": 1}, line=3),
        FieldError("invoices[1].invoice_date", "claims.deadline_passed",
                   {"deadline": date(2026, 11, 28), "days": 150}, line=1)])
    back = _round_trip(error)
    assert isinstance(back, ValidationFailed)
    assert back.errors == error.errors
    assert back.text("fr") == (
        "ligne 3, invoices[3].number : Même type et numéro que la ligne 1 ; "
        "ligne 1, invoices[1].invoice_date : Trop tard pour déclarer : la date limite était le "
        "28/11/2026 (150 jours après la date de facture)")


def test_an_amount_comes_back_as_an_amount_that_renders_the_same() -> None:
    error = RuleViolation("extensions.plan_too_much", planned=Money(Decimal("10"), "JPY"),
                          due=Money(Decimal("9"), "JPY"), gap=Money(Decimal("1"), "JPY"))
    back = _round_trip(error)
    assert back.code == error.code
    assert {name: (v.amount, v.currency) for name, v in back.params.items()} == {  # type: ignore[attr-defined]
        "planned": (Decimal("10"), "JPY"), "due": (Decimal("9"), "JPY"),
        "gap": (Decimal("1"), "JPY")}
    assert back.text("fr") == error.text("fr") and back.text("en") == error.text("en")

"""The catalogs are complete, and no visible text of the TUI bypasses them.

Catalogs (``cofatui/i18n/<lang>/<area>.toml``):

- English and French have exactly the same keys;
- each text has the same ``{placeholders}`` in both languages, and none is empty.

Source rule, checked with ``ast`` on every ``.py`` under ``cofatui/tui`` (one test per
file, so a failure names the file). A string literal is *human text* when it contains a
letter and either a space, a capital or a non-ASCII letter ("Mark all", "Quit",
"Enregistré"). Human text is refused where it reaches the screen:

1. arguments of widget and renderable constructors (any callee whose name starts with a
   capital: ``Static``, ``Label``, ``Button``, ``Text``, ``Option``, ``Column``…) — the
   positional arguments and the keywords ``label``, ``description``, ``tooltip``,
   ``title``, ``placeholder``, ``prompt``, ``message``, ``text``, ``renderable``,
   ``content``, ``help``, ``sub_title``, ``border_title``, ``border_subtitle``
   (exceptions and a few non-visual classes such as ``Path`` are not checked);
2. the text argument of ``notify``, ``update``, ``plain``, ``append``, ``assemble``,
   ``add_column``, ``add_row``, ``add_option``;
3. assignments to ``.title``, ``.sub_title``, ``.border_title``, ``.border_subtitle``,
   ``.tooltip``, ``.placeholder``, ``.label``.

Stricter, because the shell translates them itself: a ``Binding``'s description and
tooltip, and a class's ``TITLE``/``SUB_TITLE``, must be **catalog keys** (or empty).
``Binding``'s key and action (first two arguments) and ``Column``'s key are free.

Always allowed: catalog keys, text without letters ("›", " · ", "✗ {message}"),
identifier-like strings (ids, CSS classes, key and action names: lowercase, no space),
and any line carrying the comment ``# i18n: ok`` (for the rare literal that is not
language, such as a currency code). Inside an argument, literals are looked for through
``x if c else y``, ``a + b``, ``a or b``, f-strings, lists and tuples (so the labels of
``Select([("Home", "home")])`` are caught; of a pair, only the first item is text: the
second is a style or a value), but not inside nested calls, which are checked on their
own.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from cofatui.i18n import HERE, LANGUAGES, catalog

ROOT = Path(__file__).resolve().parents[2]
TUI = ROOT / "cofatui" / "tui"
TUI_FILES = sorted(TUI.rglob("*.py"))

TEXT_KEYWORDS = {"label", "description", "tooltip", "title", "placeholder", "prompt",
                 "message", "text", "renderable", "content", "help", "sub_title",
                 "border_title", "border_subtitle"}
TEXT_METHODS = {"notify", "update", "plain", "append", "assemble", "add_column", "add_row",
                "add_option"}
TEXT_ATTRIBUTES = {"title", "sub_title", "border_title", "border_subtitle", "tooltip",
                   "placeholder", "label"}
KEY_CLASS_ATTRIBUTES = {"TITLE", "SUB_TITLE"}
NON_VISUAL = {"Path", "PurePath", "Signal", "Theme", "Color", "Style", "TypeVar", "Size",
              "Region", "Offset", "Decimal", "Fraction", "Pattern", "NamedTuple"}
#: Positional arguments that are not text, per callee.
FREE_POSITIONS = {"Binding": {0, 1}, "Column": {0}}
PRAGMA = "i18n: ok"
#: Files known to break the rule, with what their owner has to do. Remove the entry
#: with the fix (the test then runs normally).
PENDING: dict[str, str] = {}
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


# --- catalogs ------------------------------------------------------------------------


def test_both_languages_have_the_same_keys() -> None:
    en, fr = catalog("en"), catalog("fr")
    assert sorted(set(en) - set(fr)) == [], "keys missing in French"
    assert sorted(set(fr) - set(en)) == [], "keys missing in English"


def test_both_languages_have_the_same_area_files() -> None:
    areas = {lang: sorted(p.name for p in (HERE / lang).glob("*.toml")) for lang in LANGUAGES}
    assert areas["en"] == areas["fr"]


def test_placeholders_match_between_languages() -> None:
    en, fr = catalog("en"), catalog("fr")
    wrong = {key: (en[key], fr[key]) for key in en.keys() & fr.keys()
             if sorted(_PLACEHOLDER.findall(en[key])) != sorted(_PLACEHOLDER.findall(fr[key]))}
    assert wrong == {}


def test_no_text_is_empty_and_every_file_is_valid_toml() -> None:
    for lang in LANGUAGES:
        for path in (HERE / lang).glob("*.toml"):
            tomllib.loads(path.read_text(encoding="utf-8"))
        empty = [key for key, text in catalog(lang).items() if not text.strip()]
        assert empty == [], f"empty texts in {lang}"


# --- sources -------------------------------------------------------------------------


def is_human_text(text: str) -> bool:
    if not any(ch.isalpha() for ch in text):
        return False
    return (any(ch.isspace() for ch in text) or any(ch.isupper() for ch in text)
            or any(ch.isalpha() and not ch.isascii() for ch in text))


class Checker(ast.NodeVisitor):
    def __init__(self, source: str, keys: set[str]) -> None:
        self.lines = source.splitlines()
        self.keys = keys
        self.problems: list[str] = []

    # -- reporting
    def _allowed_line(self, node: ast.AST) -> bool:
        start = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", start) or start
        return any(PRAGMA in self.lines[n - 1] for n in range(start, end + 1)
                   if 0 < n <= len(self.lines))

    def _flag(self, node: ast.AST, text: str, why: str) -> None:
        if not self._allowed_line(node):
            self.problems.append(f"line {getattr(node, 'lineno', '?')}: {text!r} ({why})")

    # -- literals reachable from an argument
    def _literals(self, node: ast.AST) -> Iterator[ast.Constant]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node
        elif isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    yield part
        elif isinstance(node, ast.IfExp):
            yield from self._literals(node.body)
            yield from self._literals(node.orelse)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                yield from self._literals(value)
        elif isinstance(node, ast.BinOp):
            yield from self._literals(node.left)
            yield from self._literals(node.right)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            # (text, style) for Text.assemble, (label, value) for Select options
            yield from self._literals(node.elts[0])
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            for element in node.elts:
                yield from self._literals(element)
        elif isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            yield from self._literals(node.elt)
        elif isinstance(node, ast.Starred):
            yield from self._literals(node.value)

    def _check_text(self, node: ast.AST, where: str) -> None:
        for literal in self._literals(node):
            text = literal.value
            if isinstance(text, str) and text not in self.keys and is_human_text(text):
                self._flag(literal, text, f"literal text in {where}: use t()")

    def _check_key(self, node: ast.AST, where: str) -> None:
        for literal in self._literals(node):
            text = literal.value
            if isinstance(text, str) and text and text not in self.keys:
                self._flag(literal, text, f"{where} must be a catalog key")

    # -- visitors
    def visit_Call(self, node: ast.Call) -> None:
        name = _callee(node.func)
        if name == "Binding":
            self._check_binding(node)
        elif name and name[0].isupper() and name not in NON_VISUAL \
                and not name.endswith(("Error", "Exception", "Warning")):
            free = FREE_POSITIONS.get(name, set())
            for index, arg in enumerate(node.args):
                if index not in free:
                    self._check_text(arg, f"{name}()")
            for keyword in node.keywords:
                if keyword.arg in TEXT_KEYWORDS:
                    self._check_text(keyword.value, f"{name}({keyword.arg}=)")
        elif name in TEXT_METHODS:
            if node.args:
                self._check_text(node.args[0], f"{name}()")
            for keyword in node.keywords:
                if keyword.arg in {"title", "message", "text"}:
                    self._check_text(keyword.value, f"{name}({keyword.arg}=)")
        self.generic_visit(node)

    def _check_binding(self, node: ast.Call) -> None:
        if len(node.args) > 2:
            self._check_key(node.args[2], "a Binding description")
        for keyword in node.keywords:
            if keyword.arg in {"description", "tooltip"}:
                self._check_key(keyword.value, f"a Binding {keyword.arg}")

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._check_assignment(target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._check_assignment(node.target, node.value)
        self.generic_visit(node)

    def _check_assignment(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Attribute) and target.attr in TEXT_ATTRIBUTES:
            self._check_text(value, f".{target.attr} =")
        elif isinstance(target, ast.Name) and target.id in KEY_CLASS_ATTRIBUTES:
            self._check_key(value, target.id)


def _callee(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def problems_in(source: str) -> list[str]:
    checker = Checker(source, set(catalog("en")))
    checker.visit(ast.parse(source))
    return checker.problems


def _tui_params() -> list[object]:
    params: list[object] = []
    for path in TUI_FILES:
        name = path.relative_to(TUI).as_posix()
        marks = [pytest.mark.xfail(reason=PENDING[name])] if name in PENDING else []
        params.append(pytest.param(path, id=name, marks=marks))
    return params


@pytest.mark.parametrize("path", _tui_params())
def test_no_string_bypasses_the_catalogs(path: Path) -> None:
    problems = problems_in(path.read_text(encoding="utf-8"))
    assert problems == [], f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


# --- the checker itself ----------------------------------------------------------------


def test_the_checker_catches_each_kind_of_bypass() -> None:
    source = '''
from textual.binding import Binding
class S(Screen):
    TITLE = "My screen"
    BINDINGS = [Binding("q", "quit", "Quit", id="x"), Binding("r", "run", "run it")]
    def compose(self):
        yield Static("Hello there")
        yield Select([("Home", "home")])
        yield Label(t("common.yes") if ok else "Nope")
        yield Button(f"{n} rows")
        self.notify("Saved!")
        self.query_one(Static).update("Done")
        self.sub_title = "Busy"
        yield Column("name", "Company", 10)
'''
    found = problems_in(source)
    flagged = [p.split(": ", 1)[1].split(" (")[0] for p in found]
    assert flagged == ["'My screen'", "'Quit'", "'run it'", "'Hello there'", "'Home'",
                       "'Nope'", "' rows'", "'Saved!'", "'Done'", "'Busy'", "'Company'"]


def test_the_checker_allows_keys_symbols_ids_and_the_pragma() -> None:
    source = '''
class S(Screen):
    TITLE = "settings.title"
    BINDINGS = [Binding("ctrl+s", "save('all')", "settings.key.save", id="settings.save"),
                Binding("x", "noop", show=False)]
    def compose(self):
        yield Static(t("settings.title"), id="title", classes="field-label wide")
        yield Static("", id="error-x")
        yield Static(f"✗ {message}")
        yield Label(" · ")
        yield Column("company_name", t("common.save"), 10)
        yield Static(Text.assemble((t("common.yes"), "bold dark_orange"), " "))
        yield Static(Text("EUR"))  # i18n: ok
        raise ValueError("Not shown to users")
'''
    assert problems_in(source) == []

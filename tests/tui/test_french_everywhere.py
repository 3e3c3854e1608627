"""The French UI is French everywhere: with the language set to French, every screen of
the app on the demo data (and a refused order, a claim refused for its deadline, an
import with faults) shows no sentence of the English catalog.

A "sentence" is a value of the English catalog of at least two words that differs from
its French value; a value with parameters is cut at its placeholders and each piece of
two words or more is looked for. A plural written "ligne(s)" fails too. The text looked
at is the one a snapshot shows (the screen, what lies under a modal, the toasts), line
by line and with wrapped lines joined. A failure names the screen, the catalog key and
the English words found.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.i18n import catalog
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.tui.app import CofaApp
from cofatui.tui.navigation import open_screen
from tests.contract.dataset import TODAY
from tests.tui.claims_env import add_invoice, fill_to_invoices, type_in
from tests.tui.conftest import NOW
from tests.tui.pilot import screen_text, settle, wait_until

SIZE = (140, 45)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_WORD = re.compile(r"[^\W\d_]{2,}")
_PLURAL_S = re.compile(r"\w+\(s\)")
#: Frame and scrollbar characters: dropped before wrapped lines are joined.
_FRAME = re.compile(r"[\u2500-\u259f▁▂▃▄▅▆▇█▏▕]+")


# --------------------------------------------------------------------- the sentences


@cache
def english_sentences() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(key, English words, pattern) for every English text a French screen must not
    show."""
    en, fr = catalog("en"), catalog("fr")
    found: list[tuple[str, str, re.Pattern[str]]] = []
    for key, english in en.items():
        french = fr.get(key, "")
        if english == french:
            continue
        for piece in _PLACEHOLDER.split(english):
            words = _WORD.findall(piece)
            piece = " ".join(piece.split()).strip(" .,;:!?()[]«»\"'—–-/")
            if len(words) < 2 or piece.casefold() in french.casefold():
                continue
            body = r"\s+".join(re.escape(part) for part in piece.split())
            start = r"\b" if piece[0].isalnum() else ""
            end = r"\b" if piece[-1].isalnum() else ""
            found.append((key, piece, re.compile(start + body + end, re.IGNORECASE)))
    return tuple(found)


def english_in(shown: str) -> list[tuple[str, str]]:
    """The (key, English words) found in ``shown``."""
    lines = [" ".join(line.split()) for line in shown.splitlines()]
    flowing = " ".join(" ".join(_FRAME.sub(" ", line).split()) for line in shown.splitlines())
    haystacks = ("\n".join(lines), flowing)
    folded = tuple(h.casefold() for h in haystacks)
    out: dict[str, tuple[str, str]] = {}
    for key, piece, pattern in english_sentences():
        first = piece.split()[0].casefold()
        if not any(first in f for f in folded):
            continue
        if any(pattern.search(h) for h in haystacks):
            out.setdefault(piece.casefold(), (key, piece))
    return sorted(out.values())


# ---------------------------------------------------------------------- the demo data


@dataclass
class Demo:
    engine: Engine
    contract: int
    company: int  # in the portfolio, a granted credit limit, no claim
    claim: int  # a claim of the contract, registered

    def app(self, login: str = "demo") -> CofaApp:
        clock = FixedClock(NOW)
        return CofaApp(SqlRepository(self.engine, login, clock), Settings(language="fr"),
                       clock=clock)


@pytest.fixture
def demo(demo_db_template: Path, tmp_path: Path) -> Iterator[Demo]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        contract = conn.execute(text(
            "SELECT id FROM contract ORDER BY id LIMIT 1")).scalar_one()
        company = conn.execute(text(
            "SELECT e.company_id FROM portfolio_entry e JOIN product p"
            " ON p.company_id = e.company_id AND p.contract_id = e.contract_id"
            " WHERE e.contract_id = :c AND p.code = 'CRL' AND p.status = 'granted'"
            " AND e.company_id NOT IN (SELECT company_id FROM claim)"
            " ORDER BY e.company_id LIMIT 1"), {"c": contract}).scalar_one()
        claim = conn.execute(text(
            "SELECT id FROM claim WHERE contract_id = :c AND status != 'draft'"
            " ORDER BY id LIMIT 1"), {"c": contract}).scalar_one()
    yield Demo(engine, contract, company, claim)
    engine.dispose()


# ------------------------------------------------------------------------- the walk

Shots = list[tuple[str, str]]
Walk = Callable[[Pilot[Any], Demo, Shots], Awaitable[None]]


async def shoot(pilot: Pilot[Any], shots: Shots, where: str) -> None:
    await settle(pilot)
    shots.append((where, screen_text(pilot.app)))


async def back(pilot: Pilot[Any]) -> None:
    await pilot.press("escape")
    await settle(pilot)


async def to(pilot: Pilot[Any], name: str, shots: Shots) -> None:
    pilot.app.switch_to(name)  # type: ignore[attr-defined]
    await shoot(pilot, shots, name)


async def home(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    await shoot(pilot, shots, "home")


async def notifications(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    await to(pilot, "notifications", shots)
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "vlist", None) is not None
                     and pilot.app.screen.vlist.row_at(0) is not None,  # type: ignore[attr-defined]
                     what="the first notification")
    pilot.app.screen.vlist.focus()  # type: ignore[attr-defined]
    await pilot.press("enter")
    await shoot(pilot, shots, "notification detail")


async def search(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    await to(pilot, "company_search", shots)


async def portfolio(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    await to(pilot, "portfolio", shots)


async def company(pilot: Pilot[Any], demo: Demo, shots: Shots) -> Any:
    open_screen(pilot.app, "company_detail", demo.company, demo.contract)
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "detail", None) is not None,
                     what="the company detail")
    await shoot(pilot, shots, "company detail")
    return pilot.app.screen


async def new_action(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    await company(pilot, demo, shots)
    await pilot.press("a")
    await shoot(pilot, shots, "NEW ACTION")


async def product_forms(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    detail = await company(pilot, demo, shots)
    codes = [item.code for item in detail.menu if item.allowed]
    assert codes, "the NEW ACTION menu offers no product"
    for code in codes:
        detail.order(code)
        await shoot(pilot, shots, f"product form {code}")
        while pilot.app.screen is not detail:
            await back(pilot)


async def claims(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    await to(pilot, "claims_portfolio", shots)
    open_screen(pilot.app, "claim_detail", demo.claim)
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "detail", None) is not None,
                     what="the claim detail")
    await shoot(pilot, shots, "claim detail")
    for tab in (2, 3):  # the detail's other tabs
        await pilot.press(str(tab))
        await shoot(pilot, shots, f"claim detail, tab {tab}")


async def claim_wizard(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    open_screen(pilot.app, "claim_wizard", demo.contract, demo.company)
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "state", None) is not None,
                     what="the claim wizard")
    await shoot(pilot, shots, "claim wizard")
    await fill_to_invoices(pilot)
    await shoot(pilot, shots, "claim wizard, invoices")
    # Invoices past the contract's declaration deadline: refused, with the reason.
    await add_invoice(pilot, "F-OLD", TODAY - timedelta(days=400),
                      TODAY - timedelta(days=370), "1000")
    await shoot(pilot, shots, "claim refused for its deadline")


async def claim_import(pilot: Pilot[Any], demo: Demo, shots: Shots, tmp: Path) -> None:
    open_screen(pilot.app, "claim_wizard", demo.contract, demo.company)
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "state", None) is not None,
                     what="the claim wizard")
    await fill_to_invoices(pilot)
    rows = ["Type;Reference;Invoice date;Initial due date;Currency;Amount incl. tax;Tax"]
    for n in range(6):
        issued = TODAY - timedelta(days=60 - n)
        amount = "1,526.23" if n == 2 else f"{1000 + n}"
        when = "31/02/2026" if n == 4 else issued.strftime("%d/%m/%Y")
        rows.append(f"IN;{7000 + n};{when};"
                    f"{(issued + timedelta(days=30)).strftime('%d/%m/%Y')};EUR;{amount};0")
    path = tmp / "factures.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    await pilot.press("i")
    await shoot(pilot, shots, "claim import, file")
    await type_in(pilot, "#path", str(path))
    await pilot.press("enter")
    await shoot(pilot, shots, "claim import with faults")


async def extensions(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    open_screen(pilot.app, "extensions", demo.contract, demo.company)
    await shoot(pilot, shots, "extension form")
    while len(pilot.app.screen_stack) > 3:  # the default screen, home, the list
        await back(pilot)
    await shoot(pilot, shots, "extensions")


async def underwriter(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    for name in ("underwriter_queue", "extension_queue", "claims_queue"):
        await to(pilot, name, shots)


async def shell(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    for name in ("settings", "tools", "jobs", "import_results", "help"):
        await to(pilot, name, shots)


async def import_with_faults(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    content = ("EasyNumber;Client reference\n99999999999999;R9\n"
               "00000000000002;" + "X" * 40 + "\n;R3\n").encode()
    pilot.app.repo.imports.run(  # type: ignore[attr-defined]
        "client_references", demo.contract, "references.csv", content, "per_line")
    await to(pilot, "import_results", shots)
    await pilot.press("enter")
    await shoot(pilot, shots, "import lines with faults")


async def refused_order(pilot: Pilot[Any], demo: Demo, shots: Shots) -> None:
    detail = await company(pilot, demo, shots)
    detail.order("CRL")
    await shoot(pilot, shots, "credit limit form (reader)")
    await type_in(pilot, "#amount", "50000")
    await pilot.press("ctrl+s")
    await shoot(pilot, shots, "refused order (reader)")


WALKS: dict[str, tuple[str, Walk]] = {
    "home": ("demo", home),
    "notifications": ("demo", notifications),
    "search": ("demo", search),
    "portfolio": ("demo", portfolio),
    "new_action": ("demo", new_action),
    "product_forms": ("demo", product_forms),
    "claims": ("demo", claims),
    "claim_wizard": ("demo", claim_wizard),
    "extensions": ("demo", extensions),
    "underwriter": ("underwriter", underwriter),
    "shell": ("demo", shell),
    "import_with_faults": ("demo", import_with_faults),
    "refused_order": ("reader", refused_order),
}


def report(shots: Shots, name: str) -> list[str]:
    """One line per English text found: where, the words, the catalog key. With
    ``COFATUI_FRENCH_SHOTS=<folder>``, every screen's text is written there too."""
    folder = os.environ.get("COFATUI_FRENCH_SHOTS")
    out: list[str] = []
    for n, (where, shown) in enumerate(shots):
        if folder:
            target = Path(folder) / f"{name}-{n:02d}-{where.replace(' ', '_')}.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(shown, encoding="utf-8")
        found = english_in(shown)
        # "At most" is not reported again where "At most 35 characters" is.
        pieces = [piece.casefold() for _, piece in found]
        out.extend(f"{where}: {piece!r} ({key})" for key, piece in found
                   if not any(piece.casefold() in other and piece.casefold() != other
                              for other in pieces))
        # Plurals come from the language's plural rules, never "ligne(s)".
        out.extend(f"{where}: {word!r} (a plural written with (s))"
                   for word in sorted(set(_PLURAL_S.findall(shown))))
    return out


@pytest.mark.parametrize("walk", sorted(WALKS))
async def test_no_english_sentence_on_a_french_screen(demo: Demo, walk: str) -> None:
    login, steps = WALKS[walk]
    app = demo.app(login)
    shots: Shots = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await steps(pilot, demo, shots)
    assert shots
    english = report(shots, walk)
    assert not english, "English on French screens:\n" + "\n".join(english)


async def test_no_english_sentence_in_the_claim_line_import(demo: Demo, tmp_path: Path) -> None:
    app = demo.app()
    shots: Shots = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await claim_import(pilot, demo, shots, tmp_path)
    english = report(shots, "claim_import")
    assert not english, "English on French screens:\n" + "\n".join(english)


def test_the_check_finds_an_english_sentence() -> None:
    """The check itself: an English catalog text is found, wrapped or with its
    parameters filled; its French text is not."""
    en, fr = catalog("en"), catalog("fr")
    key = next(k for k, v in en.items() if len(_WORD.findall(v)) >= 4
               and re.fullmatch(r"[\w ]+", v) and v != fr[k])
    words = en[key].split()
    wrapped = "│ " + " ".join(words[:2]) + " │\n│ " + " ".join(words[2:]) + " │"
    sentence = " ".join(words)
    assert sentence in {piece for _, piece in english_in("… " + en[key] + " …")}
    assert sentence in {piece for _, piece in english_in(wrapped)}
    assert sentence not in {piece for _, piece in english_in(fr[key])}

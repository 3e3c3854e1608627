"""Companies known only to the insurer's partners' databases (seed 001: "étendre votre
recherche pour effectuer la recherche dans les bases de données de nos partenaires").

They are stored beside the insurer's companies with ``source = 'partner'``: the normal
company search leaves them out, an extended search lists them, marked. Like a partner
record, one carries a name, an address, a phone and its legal identifiers, but neither a
Coface reference nor a DRA (the insurer has not assessed it) and no branches; it is in
nobody's portfolio until a user orders a product on it. Their EasyNumbers start with 98
(the insurer's own are below 10¹³, those of companies created by users start with 99).
Names come from the same word lists as the insurer's companies of the same country, so
a search for a common name word finds both kinds and extending it shows more.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from cofatui.demo import identifiers
from cofatui.demo.names import PROFILES, latin, local
from cofatui.enums import Establishment
from cofatui.repository.sql.companies import PARTNER, name_key

Row = tuple[Any, ...]

#: Partner companies per insurer company of the demo (about 7 %), never fewer than
#: ``MIN_PARTNERS`` so that even a tiny demo has some to find.
PARTNER_SHARE = 0.07
MIN_PARTNERS = 4
EASY_PREFIX = "98"


def partner_count(companies: int) -> int:
    return max(MIN_PARTNERS, round(companies * PARTNER_SHARE))


def build_partners(rng: random.Random, count: int, take: Callable[[str], int],
                   now: datetime, ts: Callable[[datetime], Any]
                   ) -> tuple[list[Row], list[Row]]:
    """``count`` partner companies and their legal identifiers, as stored rows
    (``portfolio.COMPANY_COLUMNS`` and ``IDENTIFIER_COLUMNS``). France comes first so the
    default country of a new user always has some."""
    r = rng.random
    weights = [p.weight for p in PROFILES]
    cumulative = [sum(weights[:i + 1]) for i in range(len(weights))]
    companies: list[Row] = []
    idents: list[Row] = []
    for n in range(count):
        profile = PROFILES[0] if n < MIN_PARTNERS else \
            PROFILES[bisect.bisect(cumulative, r() * cumulative[-1])]
        cid = take("company")
        city_raw, region, postal = profile.cities[int(r() * len(profile.cities))]
        k = int(r() * len(profile.patterns))
        word = profile.words[int(r() * len(profile.words))]
        word2 = profile.words[int(r() * len(profile.words))]
        activity = profile.activities[int(r() * len(profile.activities))]
        form = profile.forms[int(r() * len(profile.forms))]
        parts = {"w": word, "w2": word2, "a": activity, "f": form, "c": city_raw}
        name = profile.patterns[k].format(**{key: latin(v) for key, v in parts.items()})
        local_name = profile.local_patterns[k].format(
            **{key: local(v) for key, v in parts.items()}) if profile.local_patterns else None
        street = profile.streets[int(r() * len(profile.streets))]
        address = profile.street_templates[int(r() * len(profile.street_templates))].format(
            n=1 + int(r() * 180), s=street)
        phone = _fill(profile.phones[int(r() * len(profile.phones))], r)
        updated = now - timedelta(days=r() * 900)
        easy = f"{EASY_PREFIX}{identifiers._perm(cid, 10**12, 96):012d}"
        companies.append((
            cid, name, name_key(name), local_name, address, _fill(postal, r), latin(city_raw),
            region, profile.code, easy, None, Establishment.HEAD_OFFICE.value, None, phone,
            None, None, PARTNER, ts(updated), 1))
        for type_code, value in identifiers.head_office_identifiers(profile.code, cid):
            idents.append((take("legal_identifier"), cid, type_code, value))
    return companies, idents


def _fill(pattern: str, r: Callable[[], float]) -> str:
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(chr(48 + int(r() * 10)))
        elif ch == "@":
            out.append(chr(65 + int(r() * 26)))
        else:
            out.append(ch)
    return "".join(out)

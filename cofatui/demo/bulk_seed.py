"""The companies of seed 001's bulk-order examples ("COMMANDES EN MASSE"), in every demo
database (issue 14, item 9), so that the seed's thirteen lines do something.

All with DRA 7, in the insurer's database (``source = 'insurer'``). SIRENs are stored
as the seed writes them, though they fail their check digit: it is the insurer's
record. Contract 1 (1234567) holds a granted, monitored ROM on two of them and a
granted CRL of 50 000 on the German one; the others are in nobody's portfolio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cofatui.demo.loader import money_units
from cofatui.enums import Establishment
from cofatui.repository.sql.companies import name_key
from cofatui.repository.sql.search import search_key

Row = tuple[Any, ...]
DRA = 7


@dataclass(frozen=True)
class SeedCompany:
    name: str
    country: str
    easy_number: str
    coface_reference: str
    identifiers: tuple[tuple[str, str], ...]
    city: str
    #: (product code, amount) granted in contract 1, or None: not in its portfolio
    product: tuple[str, Decimal | None] | None = None


#: The seed's companies. EasyNumbers the seed does not give are ours, in the 97…
#: range no generated company uses (the insurer's are below 10¹³); so are the Coface
#: references but the seed's own, under the prefix 970 no generated country uses.
SEED_COMPANIES = (
    SeedCompany("Lumière Textiles SAS", "FRA", "00000012354897", "970SEED01",
                (("SIREN", "657898456"),), "Lyon"),
    SeedCompany("Atelier Garnier SARL", "FRA", "97000000000001", "970SEED02",
                (("SIREN", "957854658"),), "Nantes"),
    SeedCompany("Boulangeries Réunies SA", "FRA", "97000000000002", "100156874", (),
                "Lille"),
    SeedCompany("Transports Mercier SAS", "FRA", "97000000000003", "970SEED03",
                (("SIREN", "958478954"),), "Bordeaux", ("ROM", None)),
    SeedCompany("Verrerie du Nord SA", "FRA", "00000056487951", "970SEED04", (), "Amiens",
                ("ROM", None)),
    SeedCompany("Brenner Maschinenbau GmbH", "DEU", "97000000000004", "970SEED05",
                (("HRN_DEU", "HRB 97512"),), "Stuttgart", ("CRL", Decimal(50_000))),
)


@dataclass(frozen=True)
class SeedRows:
    companies: list[Row]
    identifiers: list[Row]
    entries: list[Row]
    products: list[Row]
    events: list[Row]


def seed_rows(take: Callable[[str], int], contract_id: int, currency: str, now: datetime,
              ts: Callable[[datetime], Any], day: Callable[[date], Any]) -> SeedRows:
    """The rows, in the columns of ``demo.portfolio`` (COMPANY_COLUMNS…)."""
    out = SeedRows([], [], [], [], [])
    granted_at = now - timedelta(days=120)
    for seed in SEED_COMPANIES:
        cid = take("company")
        out.companies.append((
            cid, seed.name, name_key(seed.name), None, "1 rue de la Paix", "", seed.city,
            "", seed.country, seed.easy_number, seed.coface_reference,
            Establishment.HEAD_OFFICE.value, None, "", DRA, ts(granted_at), "insurer",
            ts(granted_at), 1))
        for type_code, value in seed.identifiers:
            out.identifiers.append((take("legal_identifier"), cid, type_code, value))
        if seed.product is None:
            continue
        code, amount = seed.product
        out.entries.append((take("portfolio_entry"), contract_id, cid, "", None, None, None,
                            search_key(seed.name, seed.country, seed.easy_number, ""),
                            ts(granted_at), 1))
        pid = take("product")
        units = money_units(amount) if amount is not None else None
        monitored = code in ("ROM", "RSM")
        out.products.append((
            pid, contract_id, cid, code, "granted", units, units, currency, ts(granted_at),
            ts(granted_at), None, day(granted_at.date()), None, None, "", "",
            "Automatic decision", None, None, None, None, monitored, ts(granted_at), 1,
            None, DRA if monitored else None, day(granted_at.date()) if monitored else None,
            None))
        out.events.append((take("product_event"), pid, ts(granted_at), "decision", "granted",
                           units, "Automatic decision", "Automatic decision"))
    return out

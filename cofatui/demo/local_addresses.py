"""The demo companies' address and city in their own script (issue 16 item 9: "non-Latin
names"): filled after the portfolio is loaded, for the companies that have a
local-script name. The city comes from the country profile (``Athina|Αθήνα``); the
street from the small tables below (Chinese, Greek, Russian, Japanese); a country
without one keeps its city only."""

from __future__ import annotations

import re

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from cofatui.demo.names import PROFILES, latin, local
from cofatui.models import Company

#: Latin street -> (local street, template of the local address with {s} and {n}).
STREETS: dict[str, dict[str, str]] = {
    "CHN": {"Nanjing Road": "南京路", "Jiefang Road": "解放路", "Zhongshan Road": "中山路",
            "Renmin Road": "人民路", "Industrial Park Road": "工业园路",
            "Hi-Tech Avenue": "高新大道"},
    "GRC": {"Syngrou": "Συγγρού", "Kifisias": "Κηφισίας",
            "Vasilissis Sofias": "Βασιλίσσης Σοφίας", "Egnatia": "Εγνατία",
            "Akti Miaouli": "Ακτή Μιαούλη"},
    "RUS": {"ul. Tverskaya": "ул. Тверская", "Leninsky prospekt": "Ленинский проспект",
            "ul. Promyshlennaya": "ул. Промышленная", "Nevsky prospekt": "Невский проспект",
            "ul. Lenina": "ул. Ленина", "ul. Sadovaya": "ул. Садовая"},
}
TEMPLATES = {"CHN": "{s}{n}号", "GRC": "{s} {n}", "RUS": "{s}, д. {n}"}
_NUMBER = re.compile(r"\d+")


def cities() -> dict[tuple[str, str], str]:
    """(country, Latin city) -> the city in its own script, where the profile has one."""
    out: dict[tuple[str, str], str] = {}
    for p in PROFILES:
        for city, _region, _postal in p.cities:
            if "|" in city:
                out[(p.code, latin(city))] = local(city)
    return out


def local_address(country: str, address: str) -> str | None:
    """``address`` written in the country's script, when its street is known."""
    streets, template = STREETS.get(country), TEMPLATES.get(country)
    if not streets or not template:
        return None
    number = _NUMBER.search(address)
    for street, street_local in streets.items():
        if street in address and number:
            return template.format(s=street_local, n=number.group())
    return None


def fill(conn: Connection) -> int:
    """Fill ``address_local`` / ``city_local`` of the companies with a local name;
    returns how many rows were changed."""
    known = cities()
    rows = conn.execute(select(Company.id, Company.country, Company.address, Company.city)
                        .where(Company.name_local.is_not(None))).all()
    changes = [{"cid": cid, "a": local_address(country, address),
                "c": known.get((country, city))}
               for cid, country, address, city in rows]
    changes = [c for c in changes if c["a"] or c["c"]]
    if changes:
        conn.execute(update(Company).where(Company.id == bindparam("cid"))
                     .values(address_local=bindparam("a"), city_local=bindparam("c"))
                     .execution_options(synchronize_session=False), changes)
    return len(changes)


__all__ = ["STREETS", "cities", "fill", "local_address"]

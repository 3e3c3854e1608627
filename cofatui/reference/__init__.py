"""Reference data taken from the seeds, shipped as JSON package data.

The tables (countries and their legal-identifier types, product and action codes, the
bulk-order error messages) change with the insurer's documentation, not with the code,
so they live in JSON beside this module and are read once, lazily, through the cached
accessors below. Everything returned is immutable (frozen dataclasses, tuples,
read-only mappings) because the results are shared by every caller.

This package is pure apart from reading its own package data: the rules layer may
import it.

Countries: ``code`` is the seed's code (ISO 3166 alpha-3, or one of the seed's special
codes AR1…AR7, PR1, ES1, DN1, GB2, NZ1, US1, SCG). ``iso_alpha2`` and ``iso_numeric``
come from ISO 3166-1 and are ``None`` for the special codes. Note that the seed's
Coface reference example (``100156874`` for France) shows that the CRS country prefix
is the insurer's own numbering, not the ISO numeric code.

An identifier type code is unique within a country but not across countries: the seed
lists TAX_PRT under Portugal and "Poss. Portugal" (PR1), NIF_ESP under Spain and
"Poss. Spain" (ES1). Always look a type up through its country.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = [
    "COFACE_REFERENCE_TYPE",
    "BulkErrorMessage",
    "Country",
    "IdentifierType",
    "Product",
    "ProductAction",
    "ProductFamily",
    "bulk_error",
    "bulk_errors",
    "countries",
    "countries_by_code",
    "country",
    "product",
    "product_action",
    "product_actions",
    "product_families",
    "products",
]

#: Pseudo identifier type the bulk-order file uses for a Coface reference (CRS), valid in
#: every country. The seed insists on its case: "CRS" upper, "cny" lower.
COFACE_REFERENCE_TYPE = "CRScny"


@dataclass(frozen=True, slots=True)
class IdentifierType:
    """A kind of legal identifier accepted for a country (e.g. SIREN for France)."""

    code: str
    label: str
    #: False for types cofatui adds to the seed's table (SIRET).
    in_seed: bool = True


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    name_fr: str
    iso_alpha2: str | None
    iso_numeric: str | None
    identifier_types: tuple[IdentifierType, ...]

    def identifier_type(self, code: str) -> IdentifierType | None:
        """The type with exactly this code (codes are case-sensitive: ``Akcny``)."""
        for item in self.identifier_types:
            if item.code == code:
                return item
        return None

    def display_name(self, language: str = "en") -> str:
        return self.name_fr if language == "fr" else self.name


@dataclass(frozen=True, slots=True)
class ProductFamily:
    code: str
    name_en: str
    name_fr: str


@dataclass(frozen=True, slots=True)
class ProductAction:
    """A bulk-order action: C order, D delete, U update, S stop (interrompre)."""

    code: str
    name_en: str
    name_fr: str


@dataclass(frozen=True, slots=True)
class Product:
    code: str
    aliases: tuple[str, ...]
    family: str
    name_en: str
    name_fr: str
    #: Actions a bulk-order line may ask for; empty when bulk orders cannot manage it.
    bulk_actions: tuple[str, ...]
    amount_required: bool
    #: Monitored products send every update as a notification and must be stopped (S)
    #: before they can be deleted.
    monitored: bool

    @property
    def bulk(self) -> bool:
        return bool(self.bulk_actions)

    def display_name(self, language: str = "en") -> str:
        return self.name_fr if language == "fr" else self.name_en


@dataclass(frozen=True, slots=True)
class BulkErrorMessage:
    """One of the seed's bulk-order line errors: stable key, French text, English text."""

    key: str
    fr: str
    en: str

    def text(self, language: str = "en") -> str:
        return self.fr if language == "fr" else self.en


def _load(name: str) -> Any:
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


@cache
def countries() -> tuple[Country, ...]:
    """Every country of the seed's table, in the seed's (alphabetical) order."""
    return tuple(
        Country(
            code=item["code"],
            name=item["name"],
            name_fr=item["name_fr"],
            iso_alpha2=item["iso_alpha2"],
            iso_numeric=item["iso_numeric"],
            identifier_types=tuple(
                IdentifierType(t["code"], t["label"], bool(t.get("in_seed", True)))
                for t in item["identifier_types"]
            ),
        )
        for item in _load("countries.json")["countries"]
    )


@cache
def countries_by_code() -> Mapping[str, Country]:
    return MappingProxyType({c.code: c for c in countries()})


def country(code: str) -> Country | None:
    """The country with this code (surrounding blanks and case ignored), or None."""
    return countries_by_code().get(code.strip().upper())


@cache
def product_families() -> tuple[ProductFamily, ...]:
    return tuple(ProductFamily(**f) for f in _load("products.json")["families"])


@cache
def product_actions() -> tuple[ProductAction, ...]:
    return tuple(ProductAction(**a) for a in _load("products.json")["actions"])


def product_action(code: str) -> ProductAction | None:
    wanted = code.strip().upper()
    return next((a for a in product_actions() if a.code == wanted), None)


@cache
def products() -> tuple[Product, ...]:
    return tuple(
        Product(
            code=p["code"],
            aliases=tuple(p["aliases"]),
            family=p["family"],
            name_en=p["name_en"],
            name_fr=p["name_fr"],
            bulk_actions=tuple(p["bulk_actions"]),
            amount_required=bool(p["amount_required"]),
            monitored=bool(p["monitored"]),
        )
        for p in _load("products.json")["products"]
    )


@cache
def _products_by_code_or_alias() -> Mapping[str, Product]:
    index: dict[str, Product] = {}
    for p in products():
        for code in (p.code, *p.aliases):
            index[code] = p
    return MappingProxyType(index)


def product(code: str) -> Product | None:
    """The product with this code or alias (``LCR`` finds CRL), case-insensitive."""
    return _products_by_code_or_alias().get(code.strip().upper())


@cache
def bulk_errors() -> tuple[BulkErrorMessage, ...]:
    """The seed's bulk-order error messages, in the seed's order."""
    return tuple(BulkErrorMessage(**e) for e in _load("bulk_errors.json")["errors"])


@cache
def _bulk_errors_by_key() -> Mapping[str, BulkErrorMessage]:
    return MappingProxyType({e.key: e for e in bulk_errors()})


def bulk_error(key: str) -> BulkErrorMessage:
    """The message for ``key``; an unknown key is a programming error (KeyError)."""
    return _bulk_errors_by_key()[key]

"""Legal identifiers for demo companies that pass the checks real ones pass.

Each maker takes the company id and returns ``(type_code, value)`` pairs in the
canonical form ``cofatui.rules.identifiers.validate_legal_identifier`` returns, so a
search by identifier finds the demo company exactly as it would a real one. The
number behind each identifier is a bijection of the company id (``_perm``), which
makes identifiers unique without remembering the ones already handed out, and the
check digits are computed here (hand-written for the high-volume countries, python-
stdnum's own helpers elsewhere). Types without a checksum get a plausible value.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from stdnum import luhn
from stdnum.at import uid as at_uid
from stdnum.au import acn as au_acn
from stdnum.br import cnpj as br_cnpj
from stdnum.cn import uscc as cn_uscc
from stdnum.cz import dic as cz_dic
from stdnum.es import cif as es_cif
from stdnum.gr import vat as gr_vat
from stdnum.ie import vat as ie_vat
from stdnum.mx import rfc as mx_rfc
from stdnum.pt import nif as pt_nif
from stdnum.ro import cui as ro_cui
from stdnum.ru import inn as ru_inn
from stdnum.sg import uen as sg_uen
from stdnum.tr import vkn as tr_vkn

Identifier = tuple[str, str]
Maker = Callable[[int], list[Identifier]]

@cache
def _domain(modulus: int) -> tuple[int, int]:
    """Half-width in bits and mask of the smallest even-bit power of two ≥ modulus."""
    bits = max(2, (modulus - 1).bit_length())
    half = (bits + 1) // 2
    return half, (1 << half) - 1


def _perm(n: int, modulus: int, salt: int = 0) -> int:
    """A bijection of ``n`` over ``range(modulus)`` that looks random.

    A four-round Feistel network permutes the enclosing power-of-two range; values that
    fall outside ``range(modulus)`` are permuted again until they fall inside (cycle
    walking), which keeps the whole map a bijection of ``range(modulus)``.
    """
    half, mask = _domain(modulus)
    x = n % modulus
    while True:
        left, right = x >> half, x & mask
        for key in (0x9E3779B1, 0x85EBCA6B, 0xC2B2AE35, 0x27D4EB2F):
            mixed = ((right + salt) * key) & 0xFFFFFFFF
            left, right = right, left ^ ((mixed ^ (mixed >> 13)) & mask)
        x = (left << half) | right
        if x < modulus:
            return x


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(w * (ord(d) - 48) for w, d in zip(weights, digits, strict=False))


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


# --------------------------------------------------------------------- France


def siren(cid: int) -> str:
    base = f"{30_000_000 + _perm(cid, 69_000_000, 1):08d}"
    return base + luhn_digit(base)


def siret(siren_value: str, establishment: int) -> str:
    """SIRET of establishment number ``establishment`` (1 = the head office)."""
    base = f"{siren_value}{establishment * 10 % 10_000:04d}"
    return base + luhn_digit(base)


def vat_fra(siren_value: str) -> str:
    return f"FR{(12 + 3 * (int(siren_value) % 97)) % 97:02d}{siren_value}"


def _fra(cid: int) -> list[Identifier]:
    number = siren(cid)
    return [("SIREN", number), ("VAT_FRA", vat_fra(number)), ("SIRET", siret(number, 1))]


# ------------------------------------------------------------- rest of Europe


def _mod_11_10(digits: str) -> str:
    product = 10
    for ch in digits:
        s = (ord(ch) - 48 + product) % 10 or 10
        product = 2 * s % 11
    return str((11 - product) % 10)


def _deu(cid: int) -> list[Identifier]:
    base = f"{10_000_000 + _perm(cid, 90_000_000, 2):08d}"
    register = "HRB" if cid % 7 else "HRA"
    return [("HRN_DEU", f"{register} {1000 + _perm(cid, 299_000, 3)}"),
            ("VAT_DEU", "DE" + base + _mod_11_10(base))]


def _ita(cid: int) -> list[Identifier]:
    base = f"{1_000_000 + _perm(cid, 8_999_999, 4):07d}{1 + cid % 100:03d}"
    iva = base + luhn_digit(base)
    return [("VAT_ITA", "IT" + iva), ("TAX_ITA", iva)]


_ES_PROVINCES = ("08", "28", "46", "41", "48", "50", "29", "03", "15", "33", "30", "36")


def _esp(cid: int) -> list[Identifier]:
    letter = "B" if cid % 10 < 7 else "A"
    base = f"{letter}{_ES_PROVINCES[cid % len(_ES_PROVINCES)]}{_perm(cid, 100_000, 5):05d}"
    return [("NIF_ESP", base + es_cif.calc_check_digits(base)[0])]


def _bel(cid: int) -> list[Identifier]:
    base = f"0{2_000_000 + _perm(cid, 8_000_000, 6):07d}"
    return [("VAT_BEL", f"BE{base}{97 - int(base) % 97:02d}")]


def _first_valid(start: int, modulus: int, check: Callable[[str], str | None],
                 width: int) -> str:
    """Walk from ``start`` to the first base whose check digit exists (mod-11 schemes
    have one value with no digit); returns base + check."""
    for step in range(modulus):
        base = f"{(start + step) % modulus:0{width}d}"
        digit = check(base)
        if digit is not None and base[0] != "0":
            return base + digit
    raise AssertionError("no valid number")  # pragma: no cover


def _nl_check(base: str) -> str | None:
    rest = _weighted(base, (9, 8, 7, 6, 5, 4, 3, 2)) % 11
    return None if rest == 10 else str(rest)


def _nld(cid: int) -> list[Identifier]:
    number = _first_valid(10_000_000 + _perm(cid, 89_000_000, 7), 100_000_000, _nl_check, 8)
    kvk = f"{10_000_000 + _perm(cid, 89_000_000, 8):08d}"
    return [("HRN_NLD", kvk), ("VAT_NLD", f"NL{number}B01")]


def _gbr(cid: int) -> list[Identifier]:
    base = f"{1_000_000 + _perm(cid, 8_999_999, 9):07d}"
    last = -_weighted(base, (8, 7, 6, 5, 4, 3, 2)) % 97
    return [("RGN_GBR", f"{_perm(cid, 14_000_000, 10):08d}"), ("VAT_GBR", f"{base}{last:02d}")]


def _che_check(base: str) -> str | None:
    check = (11 - _weighted(base, (5, 4, 3, 2, 7, 6, 5, 4)) % 11) % 11
    return None if check == 10 else str(check)


def _che(cid: int) -> list[Identifier]:
    uid = _first_valid(10_000_000 + _perm(cid, 89_000_000, 11), 100_000_000, _che_check, 8)
    suffix = ("MWST", "TVA", "IVA")[cid % 3]
    formatted = f"CHE-{uid[0:3]}.{uid[3:6]}.{uid[6:9]}"
    return [("RCS_CHE", formatted), ("VAT_CHE", f"CHE{uid}{suffix}")]


def _aut(cid: int) -> list[Identifier]:
    base = f"{1_000_000 + _perm(cid, 8_999_999, 12):07d}"
    letter = "abdfghikmpstvwxyz"[cid % 17]
    return [("HRN_AUT", f"{10_000 + _perm(cid, 590_000, 13)}{letter}"),
            ("VAT_AUT", f"ATU{base}{at_uid.calc_check_digit('U' + base)}")]


def _prt(cid: int) -> list[Identifier]:
    base = f"5{_perm(cid, 10_000_000, 14):07d}"
    return [("TAX_PRT", base + pt_nif.calc_check_digit(base))]


def _pl_check(base: str) -> str | None:
    check = _weighted(base, (6, 5, 7, 2, 3, 4, 5, 6, 7)) % 11
    return None if check == 10 else str(check)


def _pol(cid: int) -> list[Identifier]:
    nip = _first_valid(100_000_000 + _perm(cid, 899_999_999, 15), 1_000_000_000, _pl_check, 9)
    return [("VAT_POL", "PL" + nip), ("RHB_POL", f"{_perm(cid, 1_000_000_000, 16):010d}")]


def _swe(cid: int) -> list[Identifier]:
    base = f"556{_perm(cid, 1_000_000, 17):06d}"
    orgnr = base + luhn_digit(base)
    return [("RGN_SWE", orgnr), ("VAT_SWE", f"SE{orgnr}01")]


def _dk_check(base: str) -> str | None:
    check = -_weighted(base, (2, 7, 6, 5, 4, 3, 2)) % 11
    return None if check == 10 else str(check)


def _dnk(cid: int) -> list[Identifier]:
    cvr = _first_valid(1_000_000 + _perm(cid, 8_999_999, 18), 10_000_000, _dk_check, 7)
    return [("CVR_DNK", cvr), ("VAT_DNK", "DK" + cvr)]


def _fi_check(base: str) -> str | None:
    rest = _weighted(base, (7, 9, 10, 5, 8, 4, 2)) % 11
    return None if rest == 1 else str(0 if rest == 0 else 11 - rest)


def _fin(cid: int) -> list[Identifier]:
    number = _first_valid(1_000_000 + _perm(cid, 8_999_999, 19), 10_000_000, _fi_check, 7)
    return [("RGN_FIN", number), ("VAT_FIN", "FI" + number)]


def _no_check(base: str) -> str | None:
    check = (11 - _weighted(base, (3, 2, 7, 6, 5, 4, 3, 2)) % 11) % 11
    return None if check == 10 else str(check)


def _nor(cid: int) -> list[Identifier]:
    start = (8 + cid % 2) * 10_000_000 + _perm(cid, 10_000_000, 20)
    return [("RGN_NOR", _first_valid(start, 100_000_000, _no_check, 8))]


def _irl(cid: int) -> list[Identifier]:
    base = f"{_perm(cid, 10_000_000, 21):07d}"
    return [("RGN_IRL", f"{100_000 + _perm(cid, 800_000, 22)}"),
            ("VAT_IRL", f"IE{base}{ie_vat.calc_check_digit(base)}")]


def _cze(cid: int) -> list[Identifier]:
    base = f"{10_000_000 + _perm(cid, 79_999_999, 23):08d}"[:7]
    ico = base + cz_dic.calc_check_digit_legal(base)
    return [("IC_CZE", ico), ("VAT_CZE", "CZ" + ico)]


def _hun(cid: int) -> list[Identifier]:
    base = f"{1_000_000 + _perm(cid, 8_999_999, 24):07d}"
    check = -_weighted(base, (9, 7, 3, 1, 9, 7, 3)) % 10
    return [("VAT_HUN", f"HU{base}{check}")]


def _rou(cid: int) -> list[Identifier]:
    base = f"{10_000_000 + _perm(cid, 89_999_999, 25):08d}"
    county = (40, 12, 22, 35, 5, 23)[cid % 6]
    year = 1995 + cid % 28
    return [("RGN_ROU", f"J{county:02d}/{1 + _perm(cid, 9999, 26)}/{year}"),
            ("VAT_ROU", f"RO{base}{ro_cui.calc_check_digit(base)}")]


def _grc(cid: int) -> list[Identifier]:
    base = f"{_perm(cid, 100_000_000, 27):08d}"
    return [("VAT_GRC", f"EL{base}{gr_vat.calc_check_digit(base)}")]


def _tur(cid: int) -> list[Identifier]:
    base = f"{100_000_000 + _perm(cid, 899_999_999, 28):09d}"
    return [("VAT_TUR", base + tr_vkn.calc_check_digit(base))]


def _rus(cid: int) -> list[Identifier]:
    base = f"77{_perm(cid, 10_000_000, 29):07d}"
    return [("VAT_RUS", base + ru_inn.calc_company_check_digit(base)),
            ("OKPO_RUS", f"{_perm(cid, 100_000_000, 30):08d}")]


_CN_REGIONS = ("110000", "310000", "440300", "330100", "320500", "440100", "370200")


def _chn(cid: int) -> list[Identifier]:
    body = f"91{_CN_REGIONS[cid % len(_CN_REGIONS)]}{_perm(cid, 10**9, 31):09d}"
    return [("RGN_CHN", body + cn_uscc.calc_check_digit(body))]


def _jpn(cid: int) -> list[Identifier]:
    return [("TEIK_NUM", f"{_perm(cid, 900_000_000, 32) + 100_000_000:09d}")]


def _kor(cid: int) -> list[Identifier]:
    brn = f"{101 + cid % 800:03d}{81 + cid % 6:02d}{10_000 + _perm(cid, 89_999, 33):05d}"
    return [("RCS_KOR", brn)]


def _bra(cid: int) -> list[Identifier]:
    base = f"{_perm(cid, 100_000_000, 34):08d}0001"
    return [("CNPJ_BRA", base + br_cnpj.calc_check_digits(base))]


def _mex(cid: int) -> list[Identifier]:
    letters = "ABCDEFGHIJKLMNOPRSTUVWXYZ"
    n = _perm(cid, 25**3, 35)
    prefix = letters[n % 25] + letters[n // 25 % 25] + letters[n // 625 % 25]
    body = (f"{prefix}{(90 + cid % 30) % 100:02d}{1 + cid % 12:02d}{1 + cid % 28:02d}"
            f"{letters[cid % 25]}{cid % 10}")
    return [("RFC_MEX", body + mx_rfc.calc_check_digit(body))]


def _aus(cid: int) -> list[Identifier]:
    base = f"{_perm(cid, 100_000_000, 36) + 1:08d}"
    acn = base + au_acn.calc_check_digit(base)
    return [("ACN_AUS", acn), ("ABN_AUS", au_acn.to_abn(acn))]


def _sgp(cid: int) -> list[Identifier]:
    base = f"{2000 + cid % 24}{_perm(cid, 100_000, 37):05d}"
    return [("ROC_SGP", base + sg_uen.calc_local_company_check_digit(base))]


def _lux(cid: int) -> list[Identifier]:
    base = f"{100_000 + _perm(cid, 899_999, 38)}"
    return [("RCS_LUX", f"B{10_000 + _perm(cid, 290_000, 39)}"),
            ("VAT_LUX", f"LU{base}{int(base) % 89:02d}")]


def _duns(type_code: str) -> Maker:
    def make(cid: int) -> list[Identifier]:
        return [(type_code, f"{10_000_000 + _perm(cid, 980_000_000, 40):09d}")]
    return make


def _mar(cid: int) -> list[Identifier]:
    return [("RCS_MAR", f"{10_000 + _perm(cid, 890_000, 41)}"),
            ("RGN_MAR", f"{_perm(cid, 10**15, 42):015d}")]


def _tun(cid: int) -> list[Identifier]:
    return [("RCS_TUN", f"B{_perm(cid, 10**8, 43):08d}{2000 + cid % 24}")]


_IN_STATES = ("MH", "DL", "KA", "TN", "GJ", "WB", "TG")


def _ind(cid: int) -> list[Identifier]:
    cin = (f"U{_perm(cid, 90_000, 44) + 10_000}{_IN_STATES[cid % 7]}{1990 + cid % 34}"
           f"PTC{_perm(cid, 1_000_000, 45):06d}")
    return [("RGN_IND", cin)]


def _are(cid: int) -> list[Identifier]:
    return [("RCS_ARE", f"{100_000 + _perm(cid, 900_000, 46)}")]


MAKERS: dict[str, Maker] = {
    "FRA": _fra, "DEU": _deu, "ITA": _ita, "ESP": _esp, "BEL": _bel, "NLD": _nld,
    "GBR": _gbr, "USA": _duns("DUN_USA"), "CHE": _che, "AUT": _aut, "PRT": _prt,
    "POL": _pol, "SWE": _swe, "DNK": _dnk, "FIN": _fin, "NOR": _nor, "IRL": _irl,
    "CZE": _cze, "HUN": _hun, "ROU": _rou, "GRC": _grc, "TUR": _tur, "RUS": _rus,
    "CHN": _chn, "JPN": _jpn, "KOR": _kor, "BRA": _bra, "MEX": _mex,
    "CAN": _duns("DUN_CAN"), "AUS": _aus, "MAR": _mar, "TUN": _tun, "SGP": _sgp,
    "IND": _ind, "ARE": _are, "LUX": _lux,
}


def head_office_identifiers(country: str, company_id: int) -> list[Identifier]:
    maker = MAKERS.get(country)
    return maker(company_id) if maker else []


def luhn_ok(value: str) -> bool:
    """Exposed for tests: the hand-written Luhn agrees with python-stdnum's."""
    return luhn.is_valid(value)

"""The fonts of the invoice PDF: DejaVu Sans regular and bold, shipped in ``fonts/``
(PDF/A needs embedded fonts; DejaVu covers €, accents and most non-Latin scripts).

fpdf2 reads the whole font for each document and subsets it when writing: with
DejaVu's 6 000 glyphs, two thirds of a 20-line invoice's time. Most invoices use the
Latin, Greek and Cyrillic letters, punctuation and currency signs only, so each process
makes once a reduced copy of both fonts holding those (about 2 300 glyphs, a temporary
folder removed at exit) and documents are written with it; a document that uses a
character outside it is written again with the whole fonts (see ``facturx_pdf``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

from fontTools import subset, ttLib

__all__ = ["FAMILY", "FONT_DIR", "font_files"]

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
#: What the reduced fonts keep: Latin (with its extensions and combining marks), Greek,
#: Cyrillic, general punctuation (Babel's no-break spaces), currency signs, letterlike
#: symbols and number forms, arrows and mathematical operators, geometric shapes,
#: Latin ligatures.
_COMMON_RANGES = ((0x20, 0x7E), (0xA0, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x206F),
                  (0x20A0, 0x20CF), (0x2100, 0x22FF), (0x25A0, 0x25FF), (0xFB00, 0xFB06))
_lock = threading.Lock()
_reduced: dict[str, Path] = {}


def font_files(*, reduced: bool) -> dict[str, Path]:
    """fpdf2 style ("" or "B") → the TTF file to add: the reduced copies or the whole
    fonts as shipped."""
    if not reduced:
        return {style: FONT_DIR / name for style, name in _FILES.items()}
    with _lock:
        # Made again if missing: a server's temporary files may be cleaned under it.
        if not _reduced or not all(path.is_file() for path in _reduced.values()):
            _reduced.update(_make_reduced())
        return dict(_reduced)


def _remove(folder: Path, owner: int) -> None:
    """At exit, by the process that made it (not a forked child that inherited it)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _make_reduced() -> dict[str, Path]:
    folder = Path(tempfile.mkdtemp(prefix="cofatui-fonts-"))
    atexit.register(_remove, folder, os.getpid())
    unicodes = [code for first, last in _COMMON_RANGES for code in range(first, last + 1)]
    # Names and metrics kept as they are: fpdf2 reads them; layout tables (kerning,
    # ligature rules) are of no use without text shaping, which is off.
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True,
                             name_IDs=["*"], name_languages=["*"], layout_features=[])
    options.drop_tables += ["FFTM"]  # FontForge's timestamp: nothing reads it
    out = {}
    for style, name in _FILES.items():
        font = ttLib.TTFont(FONT_DIR / name, recalcTimestamp=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        font.save(folder / name)
        font.close()
        out[style] = folder / name
    return out

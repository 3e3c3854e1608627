"""``cofatui rates import`` as an operator runs it: the ECB file recorded in one go,
again without adding anything, a bad file refused whole with its lines named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from cofatui.models import ExchangeRate
from cofatui.repository.sql import make_engine
from tests.e2e.test_console_script import run

DAILY = ("\ufeffDate, USD, JPY, CYP, \n"
         "04 December 2024, 1.0560, 158.51, N/A, \n")
HISTORICAL = ("Date,USD,JPY,CYP,\n"
              "2024-12-04,1.0560,158.51,N/A,\n"
              "2024-12-03,1.0512,157.9,N/A,\n")


def recorded(db: Path) -> dict[tuple[date, str], tuple[Decimal, str]]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(ExchangeRate)).all()
    finally:
        engine.dispose()
    assert {r.base for r in rows} <= {"EUR"}
    return {(r.rate_date, r.quote): (r.rate, r.source) for r in rows}


def test_rates_import_records_the_ecb_file_once(tmp_path: Path) -> None:
    db = tmp_path / "rates.sqlite"
    daily, hist = tmp_path / "eurofxref.csv", tmp_path / "eurofxref-hist.csv"
    daily.write_text(DAILY, encoding="utf-8")
    hist.write_text(HISTORICAL, encoding="utf-8")

    first = run(["rates", "import", str(daily), "--db", str(db)], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "2 added" in first.stdout and "1 without a rate" in first.stdout
    assert recorded(db) == {(date(2024, 12, 4), "USD"): (Decimal("1.056"), "ECB"),
                            (date(2024, 12, 4), "JPY"): (Decimal("158.51"), "ECB")}

    again = run(["--db", str(db), "rates", "import", str(daily)], tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Nothing added: the 2 rates")
    assert len(recorded(db)) == 2

    overlapping = run(["rates", "import", str(hist), "--db", str(db)], tmp_path)
    assert overlapping.returncode == 0, overlapping.stderr
    assert "2 added, 2 already recorded" in overlapping.stdout
    assert recorded(db)[(date(2024, 12, 3), "JPY")] == (Decimal("157.9"), "ECB")


def test_a_bad_rates_file_is_refused_whole_with_its_lines(tmp_path: Path) -> None:
    db = tmp_path / "rates.sqlite"
    bad = tmp_path / "rates.csv"
    bad.write_text("Date,USD,JPY,\n2024-12-04,1.05,158,\n2024-12-03,abc,157,\n"
                   "3 Decembre 2024,1,1,\n", encoding="utf-8")
    assert run(["db", "upgrade", "--db", str(db)], tmp_path).returncode == 0
    refused = run(["rates", "import", str(bad), "--db", str(db)], tmp_path)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "nothing was recorded" in refused.stderr
    assert "line 3, USD: “abc” is not a rate" in refused.stderr
    assert "line 4, Date: “3 Decembre 2024” is not a date" in refused.stderr
    assert recorded(db) == {}  # the good first line was not recorded either
    missing = run(["rates", "import", str(tmp_path / "nope.csv"), "--db", str(db)], tmp_path)
    assert missing.returncode == 1
    assert "Cannot read" in missing.stderr and missing.stderr.count("\n") == 1

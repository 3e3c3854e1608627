"""`cofatui chorus …` as the console script, on a SQLite demo database and through a
real `cofatui serve` (issue 18 item 11 and its acceptance walk):

- the directory and ``--mine`` print exactly the issue's keys;
- ``supplier`` deposits the sample with a PDF but no service code to the buyer, which
  requires one: exit 3 and the ``service_code_missing`` reason; corrected, it is made
  available (exit 0), number kept;
- ``buyer`` suspends it without a comment: refused (exit 1, a coded message at
  ``comment``); with one it is suspended; ``supplier`` completes it with a file;
  ``buyer`` marks it service done, then mandated with a mandate number (the state
  given in the portal's form);
- the buyer rejects another invoice and undoes the rejection; lists and dashboards in
  JSON and CSV; a malformed invoice file is refused at its field; an operator creates a
  public structure, refused while the AIFE request's fields are missing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cofatui.demo.requests import _pdf
from tests.e2e.demo_env import cli_in_process, demo_copy
from tests.e2e.test_bulk_cli import ROOT, cli
from tests.server import ServerProcess

SAMPLE = ROOT / "fixtures" / "chorus_invoice.json"
STRUCTURE_KEYS = {"siret", "name", "status", "public", "service_code_required",
                  "engagement_required", "services"}
SERVICE_KEYS = {"code", "label", "active", "engagement_required"}

Run = Callable[..., tuple[int, str, str]]


def _demo(home: Path) -> Path:
    return demo_copy(home / "chorus.sqlite", "--companies", "20", "--chorus-invoices", "20",
                     home=home)


def _files(home: Path) -> tuple[Path, Path, Path]:
    """The sample without its service code, a PDF and a delivery note."""
    invoice = json.loads(SAMPLE.read_text(encoding="utf-8"))
    invoice.update(number="SFX-E2E-0001", service_code="")
    no_service = home / "no_service.json"
    no_service.write_text(json.dumps(invoice), encoding="utf-8")
    pdf, note = home / "facture.pdf", home / "bon_de_livraison.pdf"
    pdf.write_bytes(_pdf("Facture SFX-E2E-0001"))
    note.write_bytes(_pdf("Bon de livraison"))
    return no_service, pdf, note


def _walk(run: Run, home: Path) -> None:
    """The acceptance walk, ``run(login, *args)`` returning (exit, stdout, stderr)."""
    no_service, pdf, note = _files(home)
    code, out, err = run("supplier", "invoice", "deposit", str(no_service), "--pdf",
                         str(pdf), "--json")
    assert code == 3, err
    made = json.loads(out)
    assert (made["state"], made["chorus_status"]) == ("non_compliant", "NON_CONFORME")
    assert [r["code"] for r in made["reasons"]] == ["service_code_missing"]
    assert made["reasons"][0]["message"]
    invoice = str(made["id"])

    code, out, err = run("supplier", "invoice", "correct", invoice, "--service-code",
                         "SERV_TECH", "--json")
    assert code == 0, err
    corrected = json.loads(out)
    assert (corrected["state"], corrected["number"], corrected["reasons"]) == (
        "made_available", "SFX-E2E-0001", [])

    code, out, err = run("buyer", "invoice", "process", invoice, "--state", "SUSPENDUE")
    assert code == 1 and err.startswith("cofatui: comment: "), (out, err)
    code, out, err = run("buyer", "invoice", "process", invoice, "--state", "suspended",
                         "--comment", "Merci de joindre le bon de livraison", "--json")
    assert code == 0, err
    assert json.loads(out)["suspension_reason"] == "missing_documents"

    code, out, err = run("supplier", "invoice", "complete", invoice, "--attach", str(note),
                         "--json")
    assert code == 0, err
    assert json.loads(out)["state"] == "completed"
    code, out, err = run("buyer", "invoice", "process", invoice, "--state", "service_done")
    assert code == 0, err
    code, out, err = run("buyer", "invoice", "process", invoice, "--state", "MANDATEE",
                         "--mandate-number", "M-2025-77", "--json")
    assert code == 0, err
    mandated = json.loads(out)
    assert (mandated["state"], mandated["mandate_number"]) == ("mandated", "M-2025-77")
    assert [e["to_state"] for e in mandated["history"]][-3:] == [
        "completed", "service_done", "mandated"]

    code, out, err = run("buyer", "invoices", "--side", "received", "--state",
                         "mandated,MISE_EN_PAIEMENT", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert invoice in {str(r["id"]) for r in rows}
    assert {r["state"] for r in rows} <= {"mandated", "payment_in_progress"}
    assert all(set(r) >= {"id", "number", "state", "chorus_status", "reasons"} for r in rows)


def _reject_and_undo(run: Run) -> None:
    code, out, err = run("supplier", "invoice", "deposit", str(SAMPLE), "--json")
    assert code == 0, err
    invoice = str(json.loads(out)["id"])
    code, out, err = run("buyer", "invoice", "process", invoice, "--state", "rejected",
                         "--comment", "Prestation non commandée")
    assert code == 0, err
    code, out, err = run("buyer", "invoice", "show", invoice)
    assert code == 0 and "made_available*" in out, err  # undoing needs a comment
    code, out, err = run("buyer", "invoice", "process", invoice, "--state",
                         "made_available", "--comment", "Rejet par erreur", "--json")
    assert code == 0, err
    assert json.loads(out)["state"] == "made_available"


def _directory(run: Run) -> None:
    code, out, err = run("supplier", "structures", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert len(found) == 12 and all(set(s) == STRUCTURE_KEYS for s in found)
    assert all(set(v) == SERVICE_KEYS for s in found for v in s["services"])
    assert {s["status"] for s in found} == {"active", "inactive"}
    code, out, err = run("buyer", "structures", "--mine", "--json")
    assert code == 0, err
    mine = json.loads(out)
    assert [(m["name"], m["role"], m["spaces"]) for m in mine] == [
        ("VILLE DE BOURGES", "main_manager", ["received"])]
    assert set(mine[0]) == STRUCTURE_KEYS | {"role", "spaces"}


def test_cli_on_sqlite(tmp_path: Path) -> None:
    db = _demo(tmp_path)

    def run(login: str, *args: str, real: bool = False) -> tuple[int, str, str]:
        """The console script's entry point (``cofatui.cli.main``) in this process; with
        ``real``, the console script in a process of its own."""
        done = (cli if real else cli_in_process)(
            "chorus", *args, "--db", str(db), "--user", login, home=tmp_path)
        return done.returncode, done.stdout, done.stderr

    _directory(run)
    _walk(run, tmp_path)
    _reject_and_undo(run)

    code, out, err = run("supplier", "dashboard", "--json")
    assert code == 0, err
    boards: list[dict[str, Any]] = json.loads(out)
    assert [b["side"] for b in boards] == ["issued"]
    assert sum(c["count"] for c in boards[0]["counts"]) == boards[0]["total"] > 0
    code, out, err = run("supplier", "invoices", "--state", "non_compliant", "--csv")
    assert code == 0, err
    table = list(csv.DictReader(io.StringIO(out)))
    assert table and {r["chorus_status"] for r in table} == {"NON_CONFORME"}
    code, out, err = run("supplier", "invoices", "--state", "payé")
    assert code == 2 and "payé" in err

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**json.loads(SAMPLE.read_text(encoding="utf-8")),
                                  "lines": []}), encoding="utf-8")
    code, out, err = run("supplier", "invoice", "deposit", str(broken), real=True)
    assert code == 1 and err.startswith("cofatui: lines"), (out, err)
    code, out, err = run("buyer", "invoice", "deposit", str(SAMPLE))
    assert code == 1 and out == "", err  # no issued space on SOFAXIS

    # An operator creates a public structure with the AIFE request's fields only.
    public = ("structure", "create", "--public", "--siret", "288 021 769 00014", "--name",
              "COMMUNE D'ORLEANS", "--legal-status", "Commune")
    code, out, err = run("underwriter", *public)
    assert code == 1 and "address" in err and "city" in err, (out, err)
    code, out, err = run("underwriter", *public, "--address", "PLACE DE L'ETAPE",
                         "--postal-code", "45000", "--city", "ORLEANS", "--json")
    assert code == 0, err
    made = json.loads(out)
    assert (made["siret"], made["public"], set(made)) == ("28802176900014", True,
                                                          STRUCTURE_KEYS)
    assert [v["code"] for v in made["services"]] == ["FACTURES_PUBLIQUES"]


def test_cli_through_the_api(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    tokens = {}
    for login in ("supplier", "buyer"):
        tokens[login] = tmp_path / f"{login}.token"
        made = cli_in_process("user", "token", "create", "--login", login, "--output",
                              str(tokens[login]), "--db", str(db), home=tmp_path)
        assert made.returncode == 0, made.stderr
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        def run(login: str, *args: str) -> tuple[int, str, str]:
            done = cli_in_process("chorus", *args, "--api", server.url, "--token-file",
                                  str(tokens[login]), home=tmp_path)
            return done.returncode, done.stdout, done.stderr

        _directory(run)
        _walk(run, tmp_path)
    finally:
        server.stop()

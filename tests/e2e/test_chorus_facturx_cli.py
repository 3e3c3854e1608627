"""`cofatui chorus invoice export|import-facturx|send|refresh` and `cofatui chorus
connector …` as the console script (issue 19 items 4–6), on SQLite demo databases and
through a real `cofatui serve`:

- ``supplier`` deposits the sample, then exports it: a Factur-X named after the number
  (a PDF carrying ``factur-x.xml`` whose XML names the number and both SIRETs), the CII
  XML alone, the PDF alone to a path given;
- ``buyer`` imports that Factur-X into a *fresh* database with a plain PDF and the XML:
  one line per file, the first imported, the others refused with their codes, exit 3;
  again with ``--json``: one object per line with exactly the issue's keys, the copy
  refused as a duplicate; ``supplier`` (no received space) is refused, exit 1;
- the supplier's manager configures the connector: a literal password is refused at
  ``password_ref`` and never echoed; references are kept; ``test`` without
  ``[chorus_pro]`` settings says so; ``store-secret`` refuses an ``env:`` reference and
  never prints what it read; ``send`` and ``refresh`` of an invoice the connector is
  not in play for are refused with their codes, and with the connector on a deposit
  is queued for Chorus Pro (sending it again is refused: never a second deposit).

The connector's deposit against the PISTE double is CONNECTOR's e2e
(``test_chorus_connector_e2e.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import facturx
import pytest
from lxml import etree

from cofatui import i18n
from cofatui.commands.chorus_connector import connector_lines
from cofatui.commands.chorus_facturx import MAX_PART_BYTES, read_facturx_files, target
from cofatui.errors import ValidationFailed
from cofatui.schemas_facturx import ChorusConnectorPublic
from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.demo_env import demo_copy
from tests.e2e.test_bulk_cli import ROOT
from tests.server import ServerProcess

SAMPLE = ROOT / "fixtures" / "chorus_invoice.json"
SUPPLIER_SIRET = "33517109600035"  # SOFAXIS, the demo supplier's structure
OUTCOME_KEYS = {"file", "status", "reasons", "invoice"}

Run = Callable[..., tuple[int, str, str]]


def _demo(home: Path) -> Path:
    """A demo database with its Chorus Pro structures and users, few other rows."""
    return demo_copy(home / "chorus.sqlite", "--companies", "5", "--chorus-invoices", "0",
                     home=home)


def _sample() -> dict[str, Any]:
    sample: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return sample


def _deposit(run: Run, number: str, home: Path) -> dict[str, Any]:
    invoice = {**_sample(), "number": number}
    path = home / f"{number.replace('/', '-')}.json"
    path.write_text(json.dumps(invoice), encoding="utf-8")
    code, out, err = run("supplier", "invoice", "deposit", str(path), "--json")
    assert code == 0, err
    made: dict[str, Any] = json.loads(out)
    return made


def _export(run: Run, home: Path) -> tuple[Path, Path]:
    """The sample deposited as F/…, exported in each format; its Factur-X and XML."""
    made = _deposit(run, "FX/E2E/0001", home)
    invoice = str(made["id"])
    folder = home / "exports"
    folder.mkdir()
    code, out, err = run("supplier", "invoice", "export", invoice, "--output", str(folder))
    assert code == 0, err
    facturx_pdf = folder / "FX-E2E-0001.pdf"
    assert str(facturx_pdf) in out and facturx_pdf.read_bytes().startswith(b"%PDF-")
    _name, xml = facturx.get_xml_from_pdf(facturx_pdf.read_bytes(), check_xsd=True)
    root = etree.fromstring(xml)
    texts = {t.strip() for t in root.itertext()}
    assert {"FX/E2E/0001", SUPPLIER_SIRET, _sample()["recipient_siret"]} <= texts

    code, out, err = run("buyer", "invoice", "export", invoice, "--format", "xml",
                         "--output", str(folder))
    assert code == 0, err
    cii = folder / "FX-E2E-0001.xml"
    assert etree.fromstring(cii.read_bytes()).find(".//{*}ExchangedDocument") is not None

    alone = home / "lisible.pdf"
    code, out, err = run("supplier", "invoice", "export", invoice, "--format", "pdf",
                         "--output", str(alone), "--language", "fr")
    assert code == 0, err
    assert alone.read_bytes().startswith(b"%PDF-")
    # A PDF alone carries no Factur-X XML.
    assert b"factur-x.xml" not in alone.read_bytes()
    return facturx_pdf, cii


def _import(run: Run, facturx_pdf: Path, cii: Path, home: Path) -> None:
    plain = home / "scan.pdf"
    plain.write_bytes(home.joinpath("lisible.pdf").read_bytes())
    code, out, err = run("buyer", "invoice", "import-facturx", str(facturx_pdf), str(plain),
                         str(cii))
    assert code == 3, (out, err)
    lines = out.splitlines()
    assert lines[0].startswith("FX-E2E-0001.pdf: imported as invoice ")
    assert "FX/E2E/0001" in lines[0]
    assert "chorus_facturx.facturx_missing" in out and "chorus_facturx.not_pdf" in out
    assert lines[-1].startswith("1 of 3 files imported")

    code, out, err = run("buyer", "invoice", "import-facturx", str(facturx_pdf), "--json")
    assert code == 3, err
    [again] = [json.loads(line) for line in out.splitlines()]
    assert set(again) == OUTCOME_KEYS
    assert (again["file"], again["status"], again["invoice"]) == (
        "FX-E2E-0001.pdf", "refused", None)
    assert [r["code"] for r in again["reasons"]] == ["chorus_facturx.duplicate_number"]
    assert again["reasons"][0]["message"]

    code, out, err = run("supplier", "invoice", "import-facturx", str(facturx_pdf))
    assert code == 1 and out == "", err  # no received space on SOFAXIS


def _import_one(run: Run, facturx_pdf: Path) -> None:
    code, out, err = run("buyer", "invoice", "import-facturx", str(facturx_pdf), "--json")
    assert code == 0, err
    [done] = [json.loads(line) for line in out.splitlines()]
    assert set(done) == OUTCOME_KEYS and done["status"] == "imported"
    assert done["reasons"] == []
    assert (done["invoice"]["number"], done["invoice"]["supplier_siret"]) == (
        "FX/E2E/0001", SUPPLIER_SIRET)
    assert done["invoice"]["state"] == "made_available"


def _connector(run: Run, home: Path) -> None:
    structure = ("--structure", SUPPLIER_SIRET)
    code, out, err = run("supplier", "connector", "show", *structure, "--json")
    assert code == 0, err
    assert json.loads(out)["enabled"] is False

    code, out, err = run("supplier", "connector", "set", *structure, "--enable", "--login",
                         "TECH_SOFAXIS", "--password-ref", "Hunter2-clear")
    assert code == 1 and err.startswith("cofatui: password_ref: "), (out, err)
    assert "Hunter2-clear" not in out + err

    invoice = str(_deposit(run, "FX-E2E-0002", home)["id"])
    code, out, err = run("supplier", "invoice", "send", invoice)
    assert code == 1 and out == "", err  # the connector is off
    code, out, err = run("supplier", "invoice", "refresh", invoice)
    assert code == 1 and out == "", err  # Chorus Pro does not have it

    code, out, err = run("supplier", "connector", "set", *structure, "--enable", "--login",
                         "TECH_SOFAXIS", "--password-ref", "env:CPRO_PASSWORD",
                         "--expires", "2027-03-31", "--json")
    assert code == 0, err
    saved = json.loads(out)
    assert (saved["enabled"], saved["configured"], saved["login"], saved["password_ref"],
            saved["password_expires_on"]) == (True, True, "TECH_SOFAXIS",
                                              "env:CPRO_PASSWORD", "2027-03-31")
    code, out, err = run("supplier", "connector", "show", *structure)
    assert code == 0, err
    assert "env:CPRO_PASSWORD" in out and "TECH_SOFAXIS" in out
    code, out, err = run("supplier", "connector", "test", *structure)
    assert code == 1 and "[chorus_pro]" in err, (out, err)

    # Connector on: a deposit is checked here, then queued for Chorus Pro.
    queued = _deposit(run, "FX-E2E-0003", home)
    assert queued["state"] == "deposited"
    assert queued["chorus_pro"]["deposit"] == "queued"
    code, out, err = run("supplier", "invoice", "send", str(queued["id"]), "--json")
    if code == 0:
        # A server's worker already tried it (no [chorus_pro] settings there: failed),
        # and a failed deposit may be sent again: queued again.
        assert json.loads(out)["chorus_pro"]["deposit"] == "queued"
    else:
        assert code == 1 and out == "", err  # queued already: never a second deposit

    code, out, err = run("supplier", "connector", "set", *structure, "--disable", "--json")
    assert code == 0, err
    assert json.loads(out)["password_ref"] == "env:CPRO_PASSWORD"  # the rest kept


def _store_secret(home: Path) -> None:
    """Read from standard input (not a terminal here), never printed; an env:
    reference cannot be stored. Whether this machine has a keyring or not, the secret
    stays out of the output."""
    for ref in ("env:CPRO_PASSWORD", "keyring:cofatui-e2e/tech"):
        done = subprocess.run(
            [sys.executable, "-m", "cofatui", "chorus", "connector", "store-secret", ref],
            input="Sup3r-secret\n", capture_output=True, text=True, timeout=120, cwd=ROOT,
            env=_env(home))
        assert "Sup3r-secret" not in done.stdout + done.stderr
        if ref.startswith("env:"):
            assert done.returncode == 1 and "CPRO_PASSWORD" in done.stderr, done.stderr


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "COFATUI_CONFIG_DIR": str(home / "cfg"),
            "COFATUI_DATA_DIR": str(home / "data"), "LANGUAGE": "en"}


def test_cli_on_sqlite(tmp_path: Path) -> None:
    supplier_db = _demo(tmp_path)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    buyer_db = _demo(fresh)

    def on(db: Path) -> Run:
        def run(login: str, *args: str) -> tuple[int, str, str]:
            done = here("chorus", *args, "--db", str(db), "--user", login, home=tmp_path)
            return done.returncode, done.stdout, done.stderr
        return run

    facturx_pdf, cii = _export(on(supplier_db), tmp_path)
    _import(on(buyer_db), facturx_pdf, cii, tmp_path)
    _store_secret(tmp_path)
    # The connector's commands: through the API below (the same code on both sides).


def test_cli_through_the_api(tmp_path: Path) -> None:
    supplier_db = _demo(tmp_path)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    buyer_db = _demo(fresh)
    tokens = {}
    for login, db in (("supplier", supplier_db), ("buyer", supplier_db),
                      ("buyer-fresh", buyer_db)):
        tokens[login] = tmp_path / f"{login}.token"
        made = here("user", "token", "create", "--login", login.removesuffix("-fresh"),
                    "--output", str(tokens[login]), "--db", str(db), home=tmp_path)
        assert made.returncode == 0, made.stderr
    servers = [ServerProcess(f"sqlite:///{db}", home).start(timeout=120)
               for db, home in ((supplier_db, tmp_path), (buyer_db, fresh))]
    try:
        def on(server: ServerProcess, suffix: str = "") -> Run:
            def run(login: str, *args: str) -> tuple[int, str, str]:
                done = here("chorus", *args, "--api", server.url, "--token-file",
                            str(tokens[login + suffix]), home=tmp_path)
                return done.returncode, done.stdout, done.stderr
            return run

        # The server makes the files; they are written here.
        facturx_pdf, _cii = _export(on(servers[0]), tmp_path)
        _import_one(on(servers[1], "-fresh"), facturx_pdf)
        _connector(on(servers[0]), tmp_path)
    finally:
        for server in servers:
            server.stop()



# --- the command's own pieces, without a process -----------------------------------------


def test_an_export_goes_to_the_path_or_into_the_folder_given(
        tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert target(None, "F-2026-1.pdf") == Path("F-2026-1.pdf")
    assert target(str(tmp_path), "F-2026-1.pdf") == tmp_path / "F-2026-1.pdf"
    assert target(str(tmp_path / "mine.pdf"), "F-2026-1.pdf") == tmp_path / "mine.pdf"
    # Only the last part of a name the server gave is used: never a folder of its own.
    assert target(str(tmp_path), "../../etc/F.pdf") == tmp_path / "F.pdf"
    assert target(None, "") == Path("invoice")


def test_a_file_past_a_form_part_is_refused_at_its_place_unread(tmp_path: Path) -> None:
    small, huge = tmp_path / "a.pdf", tmp_path / "b.pdf"
    small.write_bytes(b"%PDF-1.7\n")
    with huge.open("wb") as f:  # sparse: 12 MiB read from nowhere
        f.truncate(MAX_PART_BYTES + 1)
    with pytest.raises(ValidationFailed) as refused:
        read_facturx_files([str(small), str(huge), str(tmp_path / "missing.pdf")])
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("files.1", "chorus.file_too_large"), ("files.2", "bulk_api.file_unreadable")]
    assert [f.name for f in read_facturx_files([str(small)])] == ["a.pdf"]


def test_a_connector_is_shown_with_its_reference_and_only_when_incomplete_said_so(
        monkeypatch: Any) -> None:
    connector = ChorusConnectorPublic(
        structure_id=1, structure_siret=SUPPLIER_SIRET, enabled=True, login="TECH",
        password_ref="keyring:cofatui/tech", password_expires_on=None, configured=True,
        updated_at=None, updated_by="", version=1)
    monkeypatch.setattr(i18n, "_current", "en")  # put back after the test
    shown = "\n".join(connector_lines(connector))
    assert "keyring:cofatui/tech" in shown and "Incomplete" not in shown
    assert "Incomplete" in "\n".join(connector_lines(connector.model_copy(
        update={"login": "", "configured": False})))
    assert "Incomplete" not in "\n".join(connector_lines(connector.model_copy(
        update={"enabled": False, "configured": False})))

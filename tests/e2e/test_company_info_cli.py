"""`cofatui company-info …` against a real ``cofatui serve`` (issue 17 item 4, acceptance
"e2e", tmux steps 5-7): as ``demo`` send an annual report on a buyer (a PDF named .xlsx,
stored as a PDF) through ``--api``; a program is refused by what it is; as
``underwriter`` see it in the queue and mark it analysed; as ``demo`` see the outcome,
which the contract was notified of. A policyholder deciding is refused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.e2e.demo_env import cli_in_process as here
from tests.e2e.test_bulk_cli import cli, demo
from tests.e2e.test_turnover_cli import token
from tests.server import ServerProcess

POLICY = "1234567"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def a_buyer(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT c.easy_number FROM portfolio_entry e JOIN company c ON c.id = e.company_id"
            " JOIN contract k ON k.id = e.contract_id WHERE k.policy_number = ?"
            " ORDER BY e.id LIMIT 1", (POLICY,)).fetchone()
    return str(row[0])


def test_send_as_demo_and_decide_as_underwriter_through_the_api(tmp_path: Path) -> None:
    db = demo(tmp_path, "server.sqlite")
    easy = a_buyer(db)
    demo_token, uw_token = token(db, "demo", tmp_path), token(db, "underwriter", tmp_path)
    report = tmp_path / "rapport annuel.xlsx"
    report.write_bytes(PDF)
    program = tmp_path / "bilan.pdf"
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(512))
    server = ServerProcess(f"sqlite:///{db}", tmp_path).start(timeout=120)
    try:
        as_demo = ("--api", server.url, "--token-file", str(demo_token))
        as_uw = ("--api", server.url, "--token-file", str(uw_token))
        refused = cli("company-info", "send", "--company", easy, "--contract", POLICY,
                      "--type", "annual_report", str(program), *as_demo, home=tmp_path)
        assert refused.returncode == 1
        assert "files.0" in refused.stderr and "EXE" in refused.stderr

        sent = here("company-info", "send", "--company", easy, "--contract", POLICY,
                    "--type", "annual_report", "--comment", "Rapport 2025", str(report),
                    "--json", *as_demo, home=tmp_path)
        assert sent.returncode == 0, sent.stderr
        made = json.loads(sent.stdout)
        assert (made["status"], made["easy_number"], made["info_type"]) == (
            "in_progress", easy, "annual_report")
        assert [(d["filename"], d["content_type"]) for d in made["documents"]] == [
            ("rapport annuel.pdf", "application/pdf")]

        queue = here("company-info", "list", "--queue", *as_uw, home=tmp_path)
        assert queue.returncode == 0, queue.stderr
        # Oldest first: the demo's own submissions in progress, then this one.
        lines = queue.stdout.splitlines()
        assert lines[-1].split()[0] == str(made["id"]), queue.stdout
        assert "annual report" in lines[-1] and "in progress" in lines[-1]
        assert all("in progress" in line for line in lines)

        not_mine = here("company-info", "decide", str(made["id"]), "--outcome", "analysed",
                        *as_demo, home=tmp_path)
        assert not_mine.returncode == 1 and "Only an underwriter" in not_mine.stderr

        decided = here("company-info", "decide", str(made["id"]), "--outcome", "analysed",
                       "--comment", "Intégré à l'analyse", *as_uw, home=tmp_path)
        assert decided.returncode == 0, decided.stderr
        assert f"Company information {made['id']}" in decided.stdout
        assert "analysed" in decided.stdout

        again = here("company-info", "decide", str(made["id"]), "--outcome", "already_known",
                     *as_uw, home=tmp_path)
        assert again.returncode == 1 and "already been decided" in again.stderr

        listed = here("company-info", "list", "--contract", POLICY, "--json", *as_demo,
                      home=tmp_path)
        assert listed.returncode == 0, listed.stderr
        rows = json.loads(listed.stdout)
        assert rows[0]["id"] == made["id"]  # newest first
        assert (rows[0]["status"], rows[0]["decided_by"], rows[0]["decision_comment"]) == (
            "analysed", "underwriter", "Intégré à l'analyse")
    finally:
        server.stop()
    with sqlite3.connect(db) as conn:
        kinds = [r[0] for r in conn.execute(
            "SELECT kind FROM notification WHERE target_type = 'company_information'"
            " AND target_id = ? ORDER BY id", (made["id"],))]
        stored = conn.execute("SELECT filename, category, source FROM document"
                              " WHERE submission_id = ?", (made["id"],)).fetchall()
    assert kinds == ["company_info.in_progress", "company_info.analysed"]
    assert stored == [("rapport annuel.pdf", "annual_report", "company_information")]

"""``cofatui serve`` and TLS (issue 13, item 5): ``--public`` without TLS warns,
``--tls-cert``/``--tls-key`` serve HTTPS directly (a self-signed certificate made here
with ``cryptography``), and a certificate without its key is refused."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cofatui.commands.serve import public_warning
from tests.server import ROOT, free_port


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def trust(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


def serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    env = {**os.environ, "COFATUI_CONFIG_DIR": str(tmp_path / "cfg"),
           "COFATUI_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cofatui", "serve", "--db", str(tmp_path / "api.sqlite"),
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *args],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc, port


def started_lines(proc: subprocess.Popen[str]) -> list[str]:
    """stderr up to the line saying where it serves."""
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line.rstrip("\n"))
        if line.startswith("cofatui API on"):
            return lines
    raise AssertionError("cofatui serve did not start: " + "\n".join(lines))


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def test_public_without_tls_warns(tmp_path: Path) -> None:
    proc, port = serve(tmp_path, "--public")
    try:
        lines = started_lines(proc)
    finally:
        stop(proc)
    assert lines[0] == public_warning("127.0.0.1", port)
    assert "--tls-cert" in lines[0] and "reverse proxy" in lines[0]
    assert lines[-1].startswith(f"cofatui API on http://127.0.0.1:{port}")


def test_tls_serves_https_without_the_warning(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    proc, port = serve(tmp_path, "--public", "--tls-cert", str(cert), "--tls-key", str(key))
    try:
        lines = started_lines(proc)
        assert lines[-1].startswith(f"cofatui API on https://127.0.0.1:{port} ")
        assert not any("--tls-cert" in line for line in lines)
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"https://127.0.0.1:{port}/health", verify=trust(cert),
                                   timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        me = httpx.get(f"https://127.0.0.1:{port}/me", verify=trust(cert), timeout=5)
        assert me.status_code == 401
        try:  # plain HTTP on the TLS port gets nothing usable
            plain = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
            assert plain.status_code != 200
        except httpx.TransportError:
            pass
    finally:
        stop(proc)


def test_a_certificate_needs_its_key(tmp_path: Path) -> None:
    cert, _key = self_signed(tmp_path)
    proc, _port = serve(tmp_path, "--tls-cert", str(cert))
    try:
        _out, err = proc.communicate(timeout=60)
    finally:
        stop(proc)
    assert proc.returncode != 0
    assert "--tls-cert" in err and "--tls-key" in err and "Traceback" not in err
    assert not (tmp_path / "api.sqlite").exists()

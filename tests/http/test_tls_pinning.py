"""HTTPS through a pinned address: the TLS name and Host stay the URL's host.

A stub resolver maps ``pinned.test`` to 127.0.0.1, where a TLS server with a
certificate for ``pinned.test`` runs. The call must connect to the checked
address while sending SNI ``pinned.test``, verifying the certificate for
that name and keeping ``Host: pinned.test:<port>``.
"""

from __future__ import annotations

import datetime
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from runtime.context import ExecutionContext
from runtime.errors import DelugeError
from runtime.http import invoke_url
from runtime.http_address import AllowList
from runtime.http_transport import OutboundClient, OutboundPolicy
from tests.http.conftest import LoopbackHandler, QuietHTTPServer


def _self_signed(tmp_path, name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file = tmp_path / "cert.pem"
    key_file = tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def tls_server(tmp_path):
    cert_file, key_file = _self_signed(tmp_path, "pinned.test")
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)
    httpd = QuietHTTPServer(("127.0.0.1", 0), LoopbackHandler)
    httpd.hits = []
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], cert_file, server_names
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _context(cert_file) -> ExecutionContext:
    resolver_table = {"pinned.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}
    policy = OutboundPolicy(
        allow=AllowList.parse(["127.0.0.1"]),
        resolver=lambda host, port: resolver_table[host],
        verify=ssl.create_default_context(cafile=str(cert_file)),
    )
    return ExecutionContext(outbound=OutboundClient(policy))


def test_https_keeps_host_and_server_name(tls_server):
    port, cert_file, server_names = tls_server
    echo = invoke_url(_context(cert_file), {"url": f"https://pinned.test:{port}/echo"})
    assert echo["headers"]["host"] == f"pinned.test:{port}"
    assert server_names == ["pinned.test"]


def test_https_certificate_checked_for_url_host(tls_server):
    port, cert_file, server_names = tls_server
    with pytest.raises(DelugeError, match="certificate verify failed"):
        invoke_url(_context(cert_file), {"url": f"https://other.test:{port}/echo"})
    assert server_names == ["other.test"]

"""The address check: rejected addresses are never connected to.

Tests that name private, link-local, metadata or CGNAT addresses use a stub
resolver and a network backend that raises ``ConnectAttempted`` when asked to
connect, so a missing check fails the test instead of opening a connection.
"""

from __future__ import annotations

import ipaddress

import httpcore
import pytest

from runtime.context import ExecutionContext
from runtime.errors import DelugeError
from runtime.http import invoke_url
from runtime.http_address import AllowList, check_address, rejection_reason
from runtime.http_transport import AddressRejected, OutboundClient, OutboundPolicy
from tests.http.conftest import ConnectAttempted, RefusingBackend, make_context


def stub_resolver(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


def refusing_context(
    resolver=None, allow=()
) -> tuple[ExecutionContext, RefusingBackend]:
    backend = RefusingBackend()
    options = {"network_backend": backend}
    if resolver is not None:
        options["resolver"] = resolver
    policy = OutboundPolicy.from_settings(list(allow), **options)
    return ExecutionContext(outbound=OutboundClient(policy)), backend


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "metadata"),
        ("169.254.0.1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00:ec2::254", "metadata"),
        ("fc00::5", "unique-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::10.0.0.1", "private"),
        ("64:ff9b::169.254.169.254", "metadata"),
        ("2002:a9fe:a9fe::", "metadata"),
        ("2002:7f00:1::", "loopback"),
        ("::127.0.0.1", "IPv4-compatible"),
        ("2001:db8::1", "documentation"),
    ],
)
def test_rejection_reason_names_range(address, reason):
    found = rejection_reason(ipaddress.ip_address(address))
    assert found is not None
    assert reason in found


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::8.8.8.8",
        "100.63.255.255",
        "100.128.0.1",
    ],
)
def test_public_addresses_pass(address):
    assert rejection_reason(ipaddress.ip_address(address)) is None


def test_allow_list_networks_and_names():
    allow = AllowList.parse(
        ["127.0.0.1", "10.1.0.0/16", "Intranet.Example", "*.corp.test"]
    )
    loopback = ipaddress.ip_address("127.0.0.1")
    assert check_address("anything", loopback, allow) is None
    assert check_address("x", ipaddress.ip_address("::ffff:127.0.0.1"), allow) is None
    assert check_address("x", ipaddress.ip_address("127.0.0.2"), allow) is not None
    assert check_address("x", ipaddress.ip_address("10.1.200.3"), allow) is None
    assert check_address("x", ipaddress.ip_address("10.2.0.1"), allow) is not None
    private = ipaddress.ip_address("10.9.9.9")
    assert check_address("intranet.example", private, allow) is None
    assert check_address("a.corp.test", private, allow) is None
    assert check_address("corp.test", private, allow) is not None
    assert check_address("other.example", private, allow) is not None


@pytest.mark.parametrize("entry", ["bad host", "http://x.test", "10.0.0.0/33", "*"])
def test_allow_list_rejects_bad_entries(entry):
    with pytest.raises(ValueError, match="invalid outbound allow-list entry"):
        AllowList.parse([entry])


def test_settings_text_is_split():
    policy = OutboundPolicy.from_settings("api.test, 192.0.2.0/24\n*.corp.test")
    assert policy.allow.allows_host("api.test")
    assert policy.allow.allows_host("x.corp.test")
    assert policy.allow.allows_address(ipaddress.ip_address("192.0.2.9"))


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "fd00:ec2::254",
        "::ffff:10.0.0.1",
    ],
)
def test_checked_addresses_rejects_private(address):
    backend = RefusingBackend()
    policy = OutboundPolicy(
        resolver=stub_resolver({"svc.test": [address]}), network_backend=backend
    )
    with pytest.raises(AddressRejected) as caught:
        policy.checked_addresses("svc.test", 443)
    assert caught.value.address == str(ipaddress.ip_address(address))
    assert backend.attempts == []


@pytest.mark.parametrize(
    "address", ["10.0.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1"]
)
def test_invoke_url_rejects_private_literal(address):
    ctx, backend = refusing_context()
    with pytest.raises(DelugeError, match="was rejected"):
        invoke_url(ctx, {"url": f"http://{address}/latest/meta-data/"})
    assert backend.attempts == []


def test_host_resolving_to_metadata_is_rejected():
    resolver = stub_resolver({"metadata.attacker.test": ["169.254.169.254"]})
    ctx, backend = refusing_context(resolver)
    with pytest.raises(DelugeError) as caught:
        invoke_url(ctx, {"url": "https://metadata.attacker.test/creds"})
    message = str(caught.value)
    assert "https://metadata.attacker.test/creds" in message
    assert "169.254.169.254" in message
    assert "link-local or cloud metadata" in message
    assert backend.attempts == []


def test_every_resolved_address_is_checked():
    # One public and one private answer: the call must not go to either.
    resolver = stub_resolver({"mixed.test": ["93.184.216.34", "10.0.0.1"]})
    ctx, backend = refusing_context(resolver)
    with pytest.raises(DelugeError, match="10.0.0.1"):
        invoke_url(ctx, {"url": "http://mixed.test/"})
    assert backend.attempts == []


def test_checked_address_is_the_one_connected():
    # The connection goes to the address that passed the check, never to a
    # second resolution of the name.
    answers = iter([["93.184.216.34"], ["10.0.0.1"]])
    ctx, backend = refusing_context(lambda host, port: next(answers))
    with pytest.raises(ConnectAttempted):
        invoke_url(ctx, {"url": "http://rebind.test:8081/"})
    assert backend.attempts == [("93.184.216.34", 8081)]


def test_allow_listed_name_may_resolve_private():
    resolver = stub_resolver({"jira.intranet.test": ["10.0.0.1"]})
    ctx, backend = refusing_context(resolver, allow=["jira.intranet.test"])
    with pytest.raises(ConnectAttempted):
        invoke_url(ctx, {"url": "http://jira.intranet.test/rest"})
    assert backend.attempts == [("10.0.0.1", 80)]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://0x7f.1/",
    ],
)
def test_loopback_forms_are_rejected(url):
    resolver = stub_resolver(
        {
            "localhost": ["127.0.0.1", "::1"],
            "2130706433": ["127.0.0.1"],
            "0x7f.1": ["127.0.0.1"],
        }
    )
    ctx, backend = refusing_context(resolver)
    with pytest.raises(DelugeError, match="was rejected"):
        invoke_url(ctx, {"url": url})
    assert backend.attempts == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.test/x",
        "gopher://x.test/",
        "//no-scheme.test/",
    ],
)
def test_other_schemes_are_rejected(url):
    ctx, backend = refusing_context()
    with pytest.raises(DelugeError, match="invalid URL"):
        invoke_url(ctx, {"url": url})
    assert backend.attempts == []


def test_loopback_server_unreachable_without_allow_list(server):
    # The real network backend, the system resolver and a live server: with
    # an empty allow-list the server must see no request at all.
    ctx = make_context(allow=())
    before = len(server.hits)
    for host in ("127.0.0.1", "localhost", "[::ffff:127.0.0.1]"):
        with pytest.raises(DelugeError, match="was rejected"):
            invoke_url(ctx, {"url": server.url("/json", host=host)})
    assert len(server.hits) == before


def test_default_context_is_safe(server):
    before = len(server.hits)
    with pytest.raises(DelugeError, match="loopback"):
        invoke_url(ExecutionContext(), {"url": server.url("/json")})
    assert len(server.hits) == before


def test_redirect_to_loopback_not_allow_listed(ctx, server):
    # 127.0.0.1 is allow-listed, 127.0.0.2 and ::1 are not.
    for target in ("http://127.0.0.2:1/json", "http://[::1]:1/json"):
        url = server.url(f"/redirect?to={target}")
        with pytest.raises(DelugeError, match="was rejected"):
            invoke_url(ctx, {"url": url})


def test_redirect_to_private_address_is_rejected(server):
    backend_hits = []

    class CountingBackend(httpcore.NetworkBackend):
        # Connects to the loopback server, raises for anything else.
        def __init__(self):
            self._inner = httpcore.SyncBackend()

        def connect_tcp(
            self, host, port, timeout=None, local_address=None, socket_options=None
        ):
            backend_hits.append(host)
            if host != "127.0.0.1":
                raise ConnectAttempted(host)
            return self._inner.connect_tcp(host, port, timeout)

    ctx = make_context(network_backend=CountingBackend())
    url = server.url("/redirect?to=http://169.254.169.254/latest/meta-data/")
    with pytest.raises(DelugeError, match="169.254.169.254"):
        invoke_url(ctx, {"url": url})
    assert backend_hits == ["127.0.0.1"]


def test_redirect_to_file_scheme_is_rejected(ctx, server):
    url = server.url("/redirect?to=file:///etc/passwd")
    with pytest.raises(DelugeError, match="scheme 'file' is not allowed"):
        invoke_url(ctx, {"url": url})


def test_host_without_addresses_fails():
    ctx, backend = refusing_context(stub_resolver({"empty.test": []}))
    with pytest.raises(DelugeError, match="empty.test could not be resolved"):
        invoke_url(ctx, {"url": "http://empty.test/"})
    assert backend.attempts == []


def test_resolver_garbage_is_rejected():
    ctx, backend = refusing_context(stub_resolver({"odd.test": ["not-an-ip"]}))
    with pytest.raises(DelugeError, match="the resolver returned 'not-an-ip'"):
        invoke_url(ctx, {"url": "http://odd.test/"})
    assert backend.attempts == []


@pytest.mark.parametrize(
    "url", ["http://2130706433/", "http://0x7f.1/", "http://127.1/"]
)
def test_numeric_shorthand_resolves_to_loopback(url):
    # The system resolver parses these forms itself, without a DNS query.
    ctx, backend = refusing_context()
    with pytest.raises(DelugeError, match="resolves to 127.0.0.1, a loopback"):
        invoke_url(ctx, {"url": url})
    assert backend.attempts == []


def test_leading_zero_octets_are_invalid():
    ctx, backend = refusing_context()
    with pytest.raises(DelugeError, match="invalid URL"):
        invoke_url(ctx, {"url": "http://0177.0.0.1/"})
    assert backend.attempts == []

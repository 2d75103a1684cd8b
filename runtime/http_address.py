"""The address rules of outbound calls: which hosts and IP addresses a script may reach.

A script may reach a globally routable address, or an address or host name that
the operator put on the allow-list. Everything else is rejected before a socket
is opened: loopback, private, link-local (169.254.0.0/16 with the cloud metadata
address 169.254.169.254, fe80::/10), unique-local (fc00::/7, which contains
the AWS metadata address fd00:ec2::254), carrier-grade NAT (100.64.0.0/10),
unspecified, multicast, reserved and documentation ranges, and the IPv6 forms
that carry an IPv4 address (IPv4-mapped, NAT64, 6to4) whenever the carried
IPv4 address would be rejected. IPv4-compatible (::/96) and Teredo
(2001::/32) addresses are always rejected.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges rejected by name, on top of everything Python's ``is_global`` excludes,
# so that the rule does not depend on the registry data of one Python release.
_NAMED_IPV4 = [
    ("an unspecified or 'this network' address", "0.0.0.0/8"),
    ("a private address", "10.0.0.0/8"),
    ("a carrier-grade NAT address", "100.64.0.0/10"),
    ("a loopback address", "127.0.0.0/8"),
    ("a link-local or cloud metadata address", "169.254.0.0/16"),
    ("a private address", "172.16.0.0/12"),
    ("an IETF protocol assignment address", "192.0.0.0/24"),
    ("a documentation address", "192.0.2.0/24"),
    ("a private address", "192.168.0.0/16"),
    ("a benchmarking address", "198.18.0.0/15"),
    ("a documentation address", "198.51.100.0/24"),
    ("a documentation address", "203.0.113.0/24"),
    ("a multicast address", "224.0.0.0/4"),
    ("a reserved or broadcast address", "240.0.0.0/4"),
]
_NAMED_IPV6 = [
    ("an unspecified, loopback or IPv4-compatible address", "::/96"),
    ("a discard-only address", "100::/64"),
    ("a local-use NAT64 address", "64:ff9b:1::/48"),
    ("an IETF protocol assignment address", "2001::/23"),
    ("a documentation address", "2001:db8::/32"),
    # RFC 9637 (2024) reserves it. Python 3.11's ipaddress calls it global.
    ("a documentation address", "3fff::/20"),
    ("a unique-local or cloud metadata address", "fc00::/7"),
    ("a site-local address", "fec0::/10"),
    ("a link-local address", "fe80::/10"),
    ("a multicast address", "ff00::/8"),
]
_NAMED = [
    (reason, ipaddress.ip_network(cidr)) for reason, cidr in _NAMED_IPV4 + _NAMED_IPV6
]
# A DNS name in ASCII (IDNA) form, one label or more, with an optional final dot.
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


def parse_address(text: str) -> IPAddress | None:
    """Parse an IP literal, with or without URL brackets; return None for a name."""
    candidate = text.strip()
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    # A zone index (fe80::1%eth0) names an interface, never a public address.
    candidate = candidate.split("%", 1)[0]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address that an IPv4-mapped, NAT64 or 6to4 address carries."""
    if address.version == 4:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    return None


def rejection_reason(address: IPAddress) -> str | None:
    """Return why ``address`` must not be reached, or None if it is public."""
    carried = embedded_ipv4(address)
    if carried is not None:
        inner = rejection_reason(carried)
        if inner is not None:
            return f"{inner} carried in an IPv6 address"
    for reason, network in _NAMED:
        if address.version == network.version and address in network:
            return reason
    if carried is not None:
        # A NAT64 or 6to4 address of a public IPv4 address is public: on an
        # IPv6-only host with DNS64 every IPv4 site has such an address.
        return None
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified or address.is_reserved or not address.is_global:
        return "not a globally routable address"
    return None


def _normalize(address: IPAddress) -> IPAddress:
    # The kernel connects to an IPv4-mapped address over IPv4, so an allow-list
    # entry for the IPv4 network covers its mapped form too.
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class AllowList:
    """Host names and networks an operator opened for outbound calls.

    A host name entry matches that name exactly, case-insensitively; an entry
    starting with ``*.`` matches every subdomain of the rest, but not the
    name itself. A host name on the list may resolve to any address, so an
    operator lists only names whose DNS the operator controls. A network entry
    (``10.1.2.0/24``, ``127.0.0.1``, ``::1``) opens those addresses for every
    host name that resolves into it. An entry may end with a port
    (``127.0.0.1:8080``, ``[::1]:8080``, ``jira.intranet.example:8443``) and
    then opens that port only; without one it opens every port.
    """

    hosts: frozenset[tuple[str, int | None]] = frozenset()
    suffixes: tuple[tuple[str, int | None], ...] = ()
    networks: tuple[tuple[IPNetwork, int | None], ...] = field(default=())

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """Build an allow-list from setting entries; raise ValueError on a bad one."""
        hosts: set[tuple[str, int | None]] = set()
        suffixes: list[tuple[str, int | None]] = []
        networks: list[tuple[IPNetwork, int | None]] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            entry, port = _split_port(entry, raw)
            try:
                networks.append((ipaddress.ip_network(entry, strict=False), port))
                continue
            except ValueError:
                pass
            name = entry.removeprefix("*.")
            if not _HOST_NAME.fullmatch(name):
                raise _invalid_entry(raw)
            if name is entry:
                hosts.add((entry.rstrip("."), port))
            else:
                suffixes.append(("." + name.rstrip("."), port))
        return cls(frozenset(hosts), tuple(suffixes), tuple(networks))

    def allows_host(self, host: str, port: int | None = None) -> bool:
        """Tell whether the host name itself is on the list for ``port``.

        With ``port`` None only entries without a port match.
        """
        name = host.lower().rstrip(".")
        for listed, entry_port in self.hosts:
            if listed == name and _port_matches(entry_port, port):
                return True
        return any(
            name.endswith(suffix) and _port_matches(entry_port, port)
            for suffix, entry_port in self.suffixes
        )

    def allows_address(self, address: IPAddress, port: int | None = None) -> bool:
        """Tell whether ``address`` lies in a listed network open for ``port``."""
        plain = _normalize(address)
        return any(
            plain.version == network.version
            and plain in network
            and _port_matches(entry_port, port)
            for network, entry_port in self.networks
        )

    def allows(self, host: str, port: int | None = None) -> bool:
        """Tell whether a host name or IP literal is on the list for ``port``."""
        address = parse_address(host)
        if address is not None and self.allows_address(address, port):
            return True
        return self.allows_host(host, port)

    def __bool__(self) -> bool:
        return bool(self.hosts or self.suffixes or self.networks)


def _invalid_entry(raw: str) -> ValueError:
    return ValueError(
        f"invalid outbound allow-list entry {raw!r}; use a host name, "
        "*.example.com for subdomains, an IP address or a network, each "
        "optionally followed by :port (write an IPv6 address as [::1]:8080)"
    )


def _split_port(entry: str, raw: str) -> tuple[str, int | None]:
    """Split ``host:port`` or ``[v6]:port``. A bare IPv6 address has no port."""
    if entry.startswith("["):
        inside, bracket, rest = entry[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise _invalid_entry(raw)
        return inside, _port(rest[1:], raw) if rest else None
    if entry.count(":") != 1:
        return entry, None
    host, _, port_text = entry.partition(":")
    return host, _port(port_text, raw)


def _port(text: str, raw: str) -> int:
    if not text.isascii() or not text.isdigit() or not 0 < int(text) < 65536:
        raise _invalid_entry(raw)
    return int(text)


def _port_matches(entry_port: int | None, port: int | None) -> bool:
    return entry_port is None or entry_port == port


def check_address(
    host: str, address: IPAddress, allow: AllowList, port: int | None = None
) -> str | None:
    """Return why ``host`` at ``address`` must not be reached, or None if allowed.

    ``port`` is the TCP port of the connection. Allow-list entries with a
    port match only that port.
    """
    if allow.allows_host(host, port) or allow.allows_address(address, port):
        return None
    return rejection_reason(address)

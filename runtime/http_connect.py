"""Connections of outbound calls: resolve, check every address, connect to one.

``GuardedBackend`` is the ``httpcore`` network backend of every outbound call.
It resolves the host itself, checks every resolved address with
``runtime.http_address`` and then connects to one of the checked addresses,
so an answer that changes between the check and the connection (DNS
rebinding) never reaches a socket. Every wait of the connection ends at the
call's deadline, the host name lookup included.
"""

from __future__ import annotations

import concurrent.futures
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpcore

from runtime.http_address import AllowList, check_address, parse_address

logger = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]

# Host name lookups run here so that a hanging DNS server cannot hold a call
# past its deadline: the call gives up, the lookup thread finishes on its own.
_RESOLVER_POOL = concurrent.futures.ThreadPoolExecutor(
    max_workers=8, thread_name_prefix="invokeurl-dns"
)


class AddressRejected(Exception):
    """The host of a request resolved to an address the policy does not allow."""

    def __init__(self, host: str, address: str, reason: str):
        if parse_address(host) is not None:
            super().__init__(f"{address} is {reason}")
        else:
            super().__init__(f"{host} resolves to {address}, {reason}")
        self.host = host
        self.address = address
        self.reason = reason


class ResolutionFailed(Exception):
    """The host name of a request did not resolve to any address."""

    def __init__(self, host: str, detail: str):
        super().__init__(f"the host name {host} could not be resolved ({detail})")
        self.host = host


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the system resolver; return addresses in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ResolutionFailed(host, str(error)) from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


@dataclass(frozen=True)
class OutboundPolicy:
    """The operator's rules for outbound calls; the server builds one from settings.

    ``timeout_seconds`` and ``max_response_bytes`` cap every call on top of the
    invocation's own limits, which apply when these are None. ``resolver``
    maps a host name and port to IP address texts. ``network_backend`` opens
    the TCP connections (an ``httpcore`` backend); tests replace it to prove
    that a rejected address is never connected to.
    """

    allow: AllowList = field(default_factory=AllowList)
    timeout_seconds: float | None = None
    max_response_bytes: int | None = None
    max_redirects: int = 5
    resolver: Resolver = system_resolver
    network_backend: httpcore.NetworkBackend | None = None
    verify: ssl.SSLContext | bool = True
    user_agent: str = "DelugeCallbacks/0.1 (invokeurl)"

    @classmethod
    def from_settings(
        cls, allow_list: str | Iterable[str] = (), **options
    ) -> OutboundPolicy:
        """Build a policy from the allow-list setting, comma- or line-separated."""
        if isinstance(allow_list, str):
            entries = allow_list.replace("\n", ",").split(",")
        else:
            entries = list(allow_list)
        return cls(allow=AllowList.parse(entries), **options)

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` and check EVERY address; raise on the first rejected one."""
        literal = parse_address(host)
        texts = [str(literal)] if literal is not None else self.resolver(host, port)
        if not texts:
            raise ResolutionFailed(host, "no addresses")
        for text in texts:
            address = parse_address(text)
            if address is None:
                raise ResolutionFailed(host, f"the resolver returned {text!r}")
            reason = check_address(host, address, self.allow, port)
            if reason is not None:
                raise AddressRejected(host, str(address), reason)
        return texts


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every wait ends at the call's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float):
        self._inner = inner
        self._deadline = deadline

    def _clamp(self, timeout: float | None, error: type[Exception]) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise error("the call deadline has passed")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = self._clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, wait), self._deadline
        )

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Open TCP connections only to addresses that passed the policy check."""

    def __init__(self, policy: OutboundPolicy, deadline: float):
        self._policy = policy
        self._deadline = deadline
        self._inner = policy.network_backend or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options=None,
    ) -> httpcore.NetworkStream:
        addresses = self._checked_addresses(host, port)
        last_error: Exception | None = None
        for address in addresses:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise httpcore.ConnectTimeout("the call deadline has passed")
            wait = remaining if timeout is None else min(timeout, remaining)
            try:
                stream = self._inner.connect_tcp(
                    address, port, wait, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                logger.debug("connect to %s port %s failed: %s", address, port, error)
                last_error = error
                continue
            return _DeadlineStream(stream, self._deadline)
        assert last_error is not None
        raise last_error

    def _checked_addresses(self, host: str, port: int) -> list[str]:
        if parse_address(host) is not None:
            return self._policy.checked_addresses(host, port)
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise httpcore.ConnectTimeout("the call deadline has passed")
        lookup = _RESOLVER_POOL.submit(self._policy.checked_addresses, host, port)
        try:
            return lookup.result(timeout=remaining)
        except concurrent.futures.TimeoutError:
            lookup.cancel()
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None

    def connect_unix_socket(self, path: str, timeout=None, socket_options=None):
        raise AddressRejected(path, path, "a Unix socket")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

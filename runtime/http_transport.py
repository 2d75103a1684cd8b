"""The outbound HTTP client: pinned connections, redirects, size caps.

``OutboundClient.send`` runs one ``invokeurl`` call with httpx. Its transport
connects through ``GuardedBackend`` (``runtime.http_connect``), which checks
every resolved address and connects to a checked one. The URL keeps the host
name, so the ``Host`` header and the TLS server name (SNI and certificate
check) stay those of the name while the socket goes to the address that
passed the check. Redirects are followed here, one hop at a time, and every
new connection goes through the same check.
"""

from __future__ import annotations

import base64
import logging
import re
import ssl
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import httpcore
import httpx

from runtime.http_connect import (
    AddressRejected,
    GuardedBackend,
    OutboundPolicy,
    ResolutionFailed,
    system_resolver,
)

__all__ = [
    "AddressRejected",
    "CallTimedOut",
    "DecodingFailed",
    "GuardedBackend",
    "GuardedTransport",
    "InvalidHeader",
    "OutboundClient",
    "OutboundPolicy",
    "OutboundRequest",
    "OutboundResponse",
    "ResolutionFailed",
    "ResponseTooLarge",
    "TooManyRedirects",
    "UnsupportedEncoding",
    "parse_url",
    "safe_url",
    "system_resolver",
]

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Headers that carry credentials; they are dropped when a redirect leaves the
# origin (scheme, host and port) of the request that set them.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
ACCEPTED_ENCODINGS = "gzip, deflate"
# Headers that frame the message or manage the connection. The client sets
# them from the URL and the body, so a script's value for one is dropped.
# A stale Content-Length, or a Transfer-Encoding next to one, would make the
# request ambiguous to the server and to every proxy on the way.
CLIENT_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "upgrade",
    }
)
# RFC 9110 allows no control character but horizontal tab in a field value.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class ResponseTooLarge(Exception):
    """The response body grew past the size cap while it was read."""

    def __init__(self, cap: int):
        super().__init__(f"the response is larger than {cap} bytes")
        self.cap = cap


class UnsupportedEncoding(Exception):
    """The response body uses a Content-Encoding this client cannot decode."""


class DecodingFailed(Exception):
    """A gzip or deflate response body is corrupt or cut off."""


class InvalidHeader(Exception):
    """A request header value that cannot be sent. The message omits the value."""


class _CoreByteStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]):
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool that connects through GuardedBackend."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext):
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=4,
            retries=0,
            network_backend=backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        response = self._pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_CoreByteStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


@dataclass
class OutboundRequest:
    """One request as a script describes it, before redirects."""

    # Headers, query and body may carry a connection's secret, so the repr
    # shows only the method and the URL as given.
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list, repr=False)
    query: list[tuple[str, str]] = field(default_factory=list, repr=False)
    content: bytes | None = field(default=None, repr=False)
    form: list[tuple[str, str]] | None = field(default=None, repr=False)
    files: list[tuple[str, tuple[str | None, bytes, str | None]]] | None = field(
        default=None, repr=False
    )
    # Extra header names that carry a secret, dropped on a cross-origin redirect.
    secret_headers: frozenset[str] = frozenset()


@dataclass
class OutboundResponse:
    """The final response of a call after redirects, with its whole body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    url: str

    def header(self, name: str) -> str | None:
        """Return the first value of header ``name``, case-insensitively."""
        target = name.lower()
        for key, value in self.headers:
            if key.lower() == target:
                return value
        return None


class CallTimedOut(Exception):
    """A call did not finish before its timeout or the invocation deadline."""


class TooManyRedirects(Exception):
    """A call was redirected more often than the policy allows."""


class OutboundClient:
    """Sends ``invokeurl`` requests under an ``OutboundPolicy``.

    One client serves many invocations and threads: every call gets its own
    connection pool, bound to that call's deadline, and closes it at the end.
    """

    def __init__(self, policy: OutboundPolicy | None = None):
        self.policy = policy or OutboundPolicy()
        verify = self.policy.verify
        if isinstance(verify, ssl.SSLContext):
            self._ssl_context = verify
        else:
            self._ssl_context = httpx.create_ssl_context(verify=verify)

    def effective_timeout(self, limit_seconds: float) -> float:
        """Return the per-call timeout: the invocation limit, capped by the policy."""
        if self.policy.timeout_seconds is None:
            return limit_seconds
        return min(limit_seconds, self.policy.timeout_seconds)

    def effective_max_bytes(self, limit_bytes: int) -> int:
        """Return the response size cap: the invocation limit, capped by the policy."""
        if self.policy.max_response_bytes is None:
            return limit_bytes
        return min(limit_bytes, self.policy.max_response_bytes)

    def send(
        self,
        request: OutboundRequest,
        *,
        timeout: float,
        max_bytes: int,
        deadline: float,
    ) -> OutboundResponse:
        """Send ``request``, follow redirects, and read the body up to ``max_bytes``.

        ``deadline`` is a ``time.monotonic()`` value; every connect, read and
        write waits at most until then. Raises ``AddressRejected``,
        ``ResolutionFailed``, ``CallTimedOut``, ``TooManyRedirects``,
        ``ResponseTooLarge``, ``UnsupportedEncoding``, ``httpx.InvalidURL``,
        ``httpx.UnsupportedProtocol`` or an ``httpcore``/``httpx`` network error.
        """
        # The transport is called directly, not through httpx.Client, because
        # the client logs every request URL at INFO, query string included,
        # and an API-key connection may put its secret there.
        backend = GuardedBackend(self.policy, deadline)
        transport = GuardedTransport(backend, self._ssl_context)
        extensions = {"timeout": httpx.Timeout(timeout).as_dict()}
        try:
            return self._follow(transport, extensions, request, max_bytes)
        except (httpcore.TimeoutException, httpx.TimeoutException) as error:
            raise CallTimedOut(str(error)) from None
        finally:
            transport.close()

    def _follow(
        self,
        transport: GuardedTransport,
        extensions: dict,
        request: OutboundRequest,
        max_bytes: int,
    ) -> OutboundResponse:
        method = request.method
        url = parse_url(request.url)
        if request.query:
            # httpx's ``params`` would replace the query of the URL; merge instead.
            url = url.copy_merge_params(request.query)
        headers = [
            ("User-Agent", self.policy.user_agent),
            ("Accept-Encoding", ACCEPTED_ENCODINGS),
        ]
        headers = _merge_headers(headers, request.headers)
        headers = [(k, v) for k, v in headers if k.lower() not in CLIENT_HEADERS]
        _check_header_values(headers)
        body = _body_arguments(request)
        credentials = CREDENTIAL_HEADERS | {h.lower() for h in request.secret_headers}
        for hop in range(self.policy.max_redirects + 1):
            _check_scheme(url)
            url, hop_headers = _move_user_info(url, headers)
            http_request = httpx.Request(
                method,
                url,
                headers=_encoded(hop_headers),
                extensions=extensions,
                **body,
            )
            response = transport.handle_request(http_request)
            response.request = http_request
            try:
                location = response.headers.get("location")
                if response.status_code not in REDIRECT_STATUSES or not location:
                    return self._read(response, max_bytes)
            finally:
                response.close()
            if hop == self.policy.max_redirects:
                break
            next_url = _join(http_request.url, location)
            logger.debug(
                "invokeurl redirect %s from %s to %s",
                response.status_code,
                safe_url(str(http_request.url)),
                safe_url(str(next_url)),
            )
            if _origin(next_url) != _origin(http_request.url):
                headers = [(k, v) for k, v in headers if k.lower() not in credentials]
            if response.status_code == 303 or (
                response.status_code in (301, 302) and method != "GET"
            ):
                # Browsers and curl turn these into a GET without a body.
                method = "GET"
                body = {}
                headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
            url = next_url
        raise TooManyRedirects(f"more than {self.policy.max_redirects} redirects")

    def _read(self, response: httpx.Response, max_bytes: int) -> OutboundResponse:
        declared = response.headers.get("content-length")
        declared_size = declared.strip() if declared is not None else ""
        if declared_size.isdigit() and int(declared_size) > max_bytes:
            raise ResponseTooLarge(max_bytes)
        decoder = _BoundedDecoder(response.headers.get("content-encoding", ""))
        parts: list[bytes] = []
        raw_total = 0
        total = 0
        for chunk in response.iter_raw():
            raw_total += len(chunk)
            if raw_total > max_bytes:
                raise ResponseTooLarge(max_bytes)
            piece = decoder.feed(chunk, max_bytes - total)
            total += len(piece)
            if total > max_bytes:
                raise ResponseTooLarge(max_bytes)
            parts.append(piece)
        tail = decoder.flush(max_bytes - total)
        if total + len(tail) > max_bytes:
            raise ResponseTooLarge(max_bytes)
        parts.append(tail)
        headers = [
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, value in response.headers.raw
        ]
        return OutboundResponse(
            response.status_code, headers, b"".join(parts), str(response.url)
        )


class _BoundedDecoder:
    """Undo gzip or deflate Content-Encoding without expanding past a limit.

    ``zlib``'s ``max_length`` stops each step at the remaining allowance, so a
    small compressed body that expands enormously is rejected after at most
    one allowance of output instead of filling memory.
    """

    def __init__(self, header: str):
        codings = [c.strip().lower() for c in header.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "deflate")):
            raise UnsupportedEncoding(
                f"the response uses Content-Encoding {header!r}; only gzip and "
                "deflate are supported, so remove any Accept-Encoding header "
                "that requests another encoding"
            )
        self._coding = codings[0] if codings else None
        self._zlib = None
        if self._coding == "gzip":
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._coding == "deflate":
            self._zlib = zlib.decompressobj()
        self._first = True
        self._received = False

    def feed(self, data: bytes, allowance: int) -> bytes:
        if self._zlib is None or not data:
            return data
        self._received = True
        if self._first and self._coding == "deflate":
            self._first = False
            try:
                return self._drain(data, allowance)
            except zlib.error:
                # Some servers send raw deflate without the zlib header.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            return self._drain(data, allowance)
        except zlib.error as error:
            raise DecodingFailed(
                f"the response body is not valid {self._coding} data ({error})"
            ) from None

    def _drain(self, data: bytes, allowance: int) -> bytes:
        assert self._zlib is not None
        out = self._zlib.decompress(data, allowance + 1)
        while self._zlib.unconsumed_tail and len(out) <= allowance:
            out += self._zlib.decompress(
                self._zlib.unconsumed_tail, allowance + 1 - len(out)
            )
        return out

    def flush(self, allowance: int) -> bytes:
        if self._zlib is None or not self._received:
            return b""
        if not self._zlib.eof:
            # Without its end marker the body may be missing any part.
            raise DecodingFailed(
                f"the {self._coding} response body is cut off before its end"
            )
        return self._zlib.flush()[: allowance + 1]


def _body_arguments(request: OutboundRequest) -> dict:
    # A Deluge map is the only source of form pairs, so a dict loses nothing.
    if request.files is not None:
        return {"data": dict(request.form or []), "files": request.files}
    if request.form is not None:
        return {"data": dict(request.form)}
    if request.content is not None:
        return {"content": request.content}
    return {}


def parse_url(text: str) -> httpx.URL:
    """Parse a URL, raising ``httpx.InvalidURL`` for a host name IDNA rejects."""
    try:
        url = httpx.URL(text)
        url.host  # noqa: B018 - httpx decodes an IDNA host name only here
    except UnicodeError as error:
        raise httpx.InvalidURL(f"invalid host name ({error})") from None
    return url


def _join(base: httpx.URL, location: str) -> httpx.URL:
    try:
        url = base.join(location)
        url.host  # noqa: B018 - httpx decodes an IDNA host name only here
    except UnicodeError as error:
        raise httpx.InvalidURL(
            f"invalid host name in the redirect location ({error})"
        ) from None
    return url


def _check_header_values(headers: list[tuple[str, str]]) -> None:
    # Connection secrets arrive here unchecked, so the message names the
    # header only.
    for name, value in headers:
        if _CONTROL.search(value):
            raise InvalidHeader(
                f"the header '{name}' contains a line break or another control "
                "character; remove it, or set the connection's secret again "
                "without it"
            )


def _encoded(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    # httpx encodes text header values as ASCII only; UTF-8 keeps names such
    # as "José" intact for servers that read the bytes as UTF-8.
    return [(k.encode("ascii"), v.encode("utf-8")) for k, v in headers]


def _merge_headers(
    defaults: list[tuple[str, str]], overrides: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    names = {name.lower() for name, _ in overrides}
    kept = [(name, value) for name, value in defaults if name.lower() not in names]
    return kept + list(overrides)


def _move_user_info(
    url: httpx.URL, headers: list[tuple[str, str]]
) -> tuple[httpx.URL, list[tuple[str, str]]]:
    """Turn ``user:password@`` in a URL into Basic credentials, as browsers do.

    An Authorization header already set wins. The header goes with this one
    request, so a redirect target gets credentials only from its own URL.
    """
    if not url.userinfo:
        return url, headers
    plain = url.copy_with(username=None, password=None)
    if any(name.lower() == "authorization" for name, _ in headers):
        return plain, headers
    pair = f"{url.username}:{url.password}".encode()
    value = "Basic " + base64.b64encode(pair).decode("ascii")
    return plain, [*headers, ("Authorization", value)]


def _check_scheme(url: httpx.URL) -> None:
    if url.scheme not in ("http", "https"):
        raise httpx.UnsupportedProtocol(
            f"the URL scheme {url.scheme!r} is not allowed; use http or https"
        )
    if not url.host:
        raise httpx.InvalidURL("the URL has no host")
    if url.port is not None and not 0 < url.port < 65536:
        # glibc's getaddrinfo keeps only the low 16 bits of a larger port, so
        # the socket would go to another port than the one the allow-list saw.
        raise httpx.InvalidURL(
            f"the port {url.port} is out of range; use a port from 1 to 65535"
        )


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def safe_url(text: str) -> str:
    """Render a URL for messages and logs: no user info and no query string."""
    try:
        url = parse_url(text)
    except (httpx.InvalidURL, TypeError):
        return "<invalid URL>"
    if not url.scheme or not url.host:
        return text.split("?", 1)[0].split("#", 1)[0][:200]
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{host}{port}{url.path}"

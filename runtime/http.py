"""The ``invokeurl`` task: build the request, send it safely, convert the response.

The compiler lowers ``x = invokeurl [ url: ... type: POST ... ];`` to
``invoke_url(ctx, params)``, where ``params`` maps the lower-cased parameter
keys to their values. Sending goes through ``ctx.outbound`` (an
``OutboundClient``); when the server supplies none, the safe default policy
with an empty allow-list applies. A 4xx or 5xx response is a normal result.
A refused address, a network failure or a timeout raises ``DelugeError``,
which a script can catch. The call-count, size and wall-time caps raise
``LimitExceeded``, which it cannot.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import time
from dataclasses import dataclass

import h11
import httpcore
import httpx

from runtime.errors import DelugeError, LimitExceeded
from runtime.http_auth import Connection
from runtime.http_transport import (
    AddressRejected,
    CallTimedOut,
    DecodingFailed,
    InvalidHeader,
    OutboundClient,
    OutboundRequest,
    OutboundResponse,
    ResolutionFailed,
    ResponseTooLarge,
    TooManyRedirects,
    UnsupportedEncoding,
    parse_url,
    safe_url,
)
from runtime.http_values import from_json, is_binary, is_json, to_json_text, to_text
from runtime.limits import Limits
from runtime.surrogates import may_hold_surrogates, well_formed_value
from runtime.value_size import check_rendered_size
from runtime.values import Collection, DelugeFile

logger = logging.getLogger(__name__)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PARAMETER_KEYS = (
    "url",
    "type",
    "parameters",
    "body",
    "headers",
    "content-type",
    "connection",
    "detailed",
    "response-format",
    "response-decoding",
    "files",
)
RESPONSE_FORMATS = ("JSON", "TEXT", "FILE")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Control characters other than horizontal tab are not allowed in a field
# value (RFC 9110, section 5.5). CR and LF would start a new header line.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# Codecs that Python looks up by name but that do not decode a body to text:
# "undefined" always fails, and idna and punycode fail with errors="replace".
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"}
)

_default_client: OutboundClient | None = None


def default_client() -> OutboundClient:
    """Return the client with the safe default policy, built on first use."""
    global _default_client
    if _default_client is None:
        _default_client = OutboundClient()
    return _default_client


@dataclass
class ResponseOptions:
    """The response options of one call: detailed, response-format, decoding."""

    detailed: bool = False
    response_format: str | None = None
    decoding: str | None = None


def parameter_key(key: str) -> str:
    """Return the canonical form of a task key: ``Content Type`` is ``content-type``.

    Keys are case-insensitive, and a space may stand for the hyphen, as in the
    keys of ``sendmail``.
    """
    return "-".join(key.lower().split())


def parameter_key_problem(keys: list[str]) -> str | None:
    """Return why a list of invokeurl keys is invalid, or None if it is valid."""
    seen: set[str] = set()
    for key in keys:
        canonical = parameter_key(key)
        if canonical not in PARAMETER_KEYS:
            return (
                f"invokeurl: unknown parameter '{key}'; the parameters are "
                + ", ".join(PARAMETER_KEYS)
            )
        if canonical in seen:
            return f"invokeurl: the parameter '{canonical}' is given twice"
        seen.add(canonical)
    return None


def invoke_url(ctx, params: dict) -> object:
    """Run one ``invokeurl`` task and return its result as a Deluge value."""
    problem = parameter_key_problem(list(params))
    if problem is not None:
        raise DelugeError(problem)
    params = {parameter_key(key): value for key, value in params.items()}
    request = build_request(ctx, params, task="invokeurl")
    options = ResponseOptions(
        detailed=_flag(params.get("detailed"), "detailed"),
        response_format=_response_format(params.get("response-format")),
        decoding=_decoding(params.get("response-decoding")),
    )
    response = send(ctx, request, task="invokeurl")
    return response_value(ctx, response, options)


def build_request(ctx, params: dict, task: str) -> OutboundRequest:
    """Turn invokeurl parameters into an ``OutboundRequest``; ``task`` names it."""
    for value in params.values():
        # Every parameter becomes text or JSON, so none may be longer.
        check_rendered_size(value, ctx.limits.text_length)
    url = params.get("url")
    if url is None or (type(url) is str and not url.strip()):
        raise DelugeError(f"{task}: the url parameter is missing or empty")
    if type(url) is not str:
        raise DelugeError(f"{task}: the url must be text, got {_kind(url)}")
    url = url.strip()
    method = _method(params.get("type"), task)
    headers = header_pairs(params.get("headers"), task)
    content_type = params.get("content-type")
    if content_type is not None:
        content_type = _field_value(to_text(content_type), "content-type", task)
        headers = _without(headers, "content-type")
        headers.append(("Content-Type", content_type))
    _check_host_header(url, headers, task)
    request = OutboundRequest(method=method, url=url, headers=headers)
    _set_body(
        request,
        params.get("parameters"),
        params.get("body"),
        params.get("files"),
        task,
    )
    _apply_connection(ctx, request, params.get("connection"), task)
    return request


def header_pairs(value: object, task: str) -> list[tuple[str, str]]:
    """Convert a Deluge headers map to header pairs, checking names and values."""
    if value is None:
        return []
    if type(value) is Collection:
        value = value.as_map()
    if type(value) is not dict:
        raise DelugeError(f"{task}: headers must be a map, got {_kind(value)}")
    pairs = []
    for name, item in value.items():
        name_text = to_text(name)
        if not _HEADER_NAME.fullmatch(name_text):
            raise DelugeError(
                f"{task}: invalid header name {name_text!r}; use letters, digits "
                "and '-'"
            )
        text = "" if item is None else to_text(item)
        pairs.append((name_text, _field_value(text, f"header '{name_text}'", task)))
    return pairs


def _check_host_header(url: str, headers: list[tuple[str, str]], task: str) -> None:
    """Reject a Host header that names another host than the url.

    The address check covers only the url's host, so a different Host could
    reach a virtual host behind an allow-listed address that the operator
    never listed. A matching Host header is dropped, because the client
    sends its own from the url.
    """
    value = _header(headers, "host")
    if value is None:
        return
    try:
        parsed = parse_url(url)
    except httpx.InvalidURL:
        return  # the send reports the invalid URL
    host = parsed.host.lower()
    ascii_host = parsed.raw_host.decode("ascii").lower()
    if ":" in host:
        host = ascii_host = f"[{host}]"
    port = parsed.port
    names = {host, ascii_host}
    accepted = names | {f"{name}:{port}" for name in names if port is not None}
    if port is None:
        default = 443 if parsed.scheme == "https" else 80
        accepted |= {f"{name}:{default}" for name in names}
    if value.strip().lower().rstrip(".") not in accepted:
        raise DelugeError(
            f"{task}: the Host header {value!r} does not match the host of the "
            "url; remove the Host header, the client sets it from the url"
        )


def _set_body(request: OutboundRequest, parameters, body, files, task: str) -> None:
    if type(parameters) is Collection:
        parameters = parameters.as_map()
    if type(body) is Collection:
        body = body.as_map()
    declared = _header(request.headers, "content-type")
    mime = (declared or "").split(";", 1)[0].strip().lower()

    if files is not None:
        # NOTE: every file goes under the field name "file"; FILE values have
        # no parameter name of their own yet (Zoho sets one with setParamName).
        request.files = [("file", _file_part(f)) for f in _file_list(files, task)]
        if parameters is not None and type(parameters) is not dict:
            raise DelugeError(
                f"{task}: with files, parameters must be a map of form fields"
            )
        request.form = _form_pairs(parameters or {})
        # httpx writes the multipart boundary into its own Content-Type.
        request.headers = _without(request.headers, "content-type")
        if body is not None:
            raise DelugeError(f"{task}: use either files or body, not both")
        return

    if body is not None:
        if parameters is not None and type(parameters) is not dict:
            raise DelugeError(
                f"{task}: the request body comes from either parameters or "
                "body; with body, parameters must be a map of query parameters"
            )
        request.query = _form_pairs(parameters or {})
        _set_content(request, body, declared)
        return

    if parameters is None:
        return
    if type(parameters) is dict:
        if request.method == "GET":
            request.query = _form_pairs(parameters)
        elif is_json(mime):
            _set_content(request, parameters, declared)
        elif mime == "multipart/form-data":
            # Fields without a file name; httpx adds the boundary parameter.
            request.files = [
                (key, (None, value.encode("utf-8"), None))
                for key, value in _form_pairs(parameters)
            ]
            request.headers = _without(request.headers, "content-type")
        else:
            request.form = _form_pairs(parameters)
        return
    if request.method == "GET" and type(parameters) is str:
        if parameters:
            joiner = "&" if "?" in request.url else "?"
            request.url = request.url + joiner + parameters
        return
    _set_content(request, parameters, declared)


# A request body or form is built without the invocation's context, so the
# default text-length limit bounds the text built from a list or map.
BODY_TEXT_LENGTH = Limits().text_length


def _set_content(request: OutboundRequest, value, declared: str | None) -> None:
    check_rendered_size(value, BODY_TEXT_LENGTH)
    if type(value) is DelugeFile:
        request.content = value.content
        default_type = value.content_type or "application/octet-stream"
    elif isinstance(value, (dict, list)):
        request.content = to_json_text(value).encode("utf-8")
        default_type = "application/json"
    else:
        request.content = to_text(value).encode("utf-8")
        default_type = "text/plain; charset=utf-8"
    if declared is None:
        request.headers.append(("Content-Type", default_type))


def _form_pairs(mapping: dict) -> list[tuple[str, str]]:
    check_rendered_size(mapping, BODY_TEXT_LENGTH)
    return [
        (to_text(key), "" if value is None else to_text(value))
        for key, value in mapping.items()
    ]


def _file_list(files, task: str) -> list[DelugeFile]:
    items = files if isinstance(files, list) else [files]
    for item in items:
        if type(item) is not DelugeFile:
            raise DelugeError(
                f"{task}: files must be a file or a list of files, got {_kind(item)}"
            )
    return items


def _file_part(file: DelugeFile) -> tuple[str, bytes, str]:
    return (file.name, file.content, file.content_type or "application/octet-stream")


def _apply_connection(ctx, request: OutboundRequest, name, task: str) -> None:
    if name is None:
        return
    if type(name) is not str or not name.strip():
        raise DelugeError(
            f"{task}: connection must be the link name of a connection, "
            f"got {_kind(name)}"
        )
    lookup = ctx.connections
    connection = lookup(name.strip()) if lookup is not None else None
    if connection is None:
        raise DelugeError(
            f"{task}: connection '{name}' is not defined in this portal; "
            "create it under the portal's connections or fix the link name"
        )
    if not isinstance(connection, Connection):
        raise TypeError(f"ctx.connections returned {type(connection).__name__}")
    request.secret_headers = connection.apply(request.headers, request.query)


def send(ctx, request: OutboundRequest, *, task: str) -> OutboundResponse:
    """Send ``request`` under the invocation's caps; map failures to Deluge errors."""
    limits = ctx.limits
    ctx.invokeurl_calls += 1
    if ctx.invokeurl_calls > limits.invokeurl_calls:
        raise LimitExceeded("invokeurl calls", f"{limits.invokeurl_calls} calls")
    ctx.check_deadline()

    client: OutboundClient = ctx.outbound or default_client()
    timeout = client.effective_timeout(limits.invokeurl_timeout_seconds)
    max_bytes = client.effective_max_bytes(limits.invokeurl_response_bytes)
    started = time.monotonic()
    deadline = min(started + timeout, ctx.deadline)
    try:
        response = client.send(
            request, timeout=timeout, max_bytes=max_bytes, deadline=deadline
        )
    except ResponseTooLarge:
        raise LimitExceeded("invokeurl response size", f"{max_bytes} bytes") from None
    except CallTimedOut:
        if time.monotonic() >= ctx.deadline:
            raise LimitExceeded(
                "wall time", f"{limits.wall_time_seconds:g} s"
            ) from None
        outcome = f"timed out after {timeout:g} s (socket timeout)"
        raise _call_failed(task, request, outcome) from None
    except CALL_ERRORS as error:
        raise _call_failed(task, request, describe_failure(error)) from None

    logger.debug(
        "%s %s %s returned %s, %d bytes in %.0f ms",
        task,
        request.method,
        safe_url(request.url),
        response.status,
        len(response.body),
        (time.monotonic() - started) * 1000,
    )
    return response


# Failures of one call that a script can catch, as raised by OutboundClient.send.
CALL_ERRORS = (
    AddressRejected,
    DecodingFailed,
    InvalidHeader,
    ResolutionFailed,
    TooManyRedirects,
    UnsupportedEncoding,
    h11.ProtocolError,
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpx.TransportError,
    OSError,
)


def describe_failure(error: Exception) -> str:
    """Return the part of a failure message that follows "<task> to <url>"."""
    if isinstance(error, AddressRejected):
        return (
            f"was rejected: {error}. Only public addresses can be called unless "
            "the operator adds the host or network to the outbound allow-list"
        )
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return f"failed: invalid URL: {error}"
    if isinstance(error, (httpcore.LocalProtocolError, h11.LocalProtocolError)):
        # The detail of a local protocol error may quote a header value,
        # and a header value may be a connection's secret.
        return (
            "failed: the request could not be written as valid HTTP; check "
            "the url, the headers and the body"
        )
    return f"failed: {str(error) or type(error).__name__}"


def _call_failed(task: str, request: OutboundRequest, outcome: str) -> DelugeError:
    shown_url = safe_url(request.url)
    logger.info("%s %s %s %s", task, request.method, shown_url, outcome)
    return DelugeError(f"{task} to {shown_url} {outcome}")


def response_value(ctx, response: OutboundResponse, options: ResponseOptions):
    """Convert a response to the Deluge result of invokeurl."""
    value = body_value(ctx, response, options.response_format, options.decoding)
    if not options.detailed:
        return value
    return detailed_map(response, value)


def detailed_map(response: OutboundResponse, body: object) -> dict:
    """Build the detailed result map of a response around its converted body.

    The key order and the lower-case header names follow the response format
    shown on Zoho's getUrl help page (zoho.com/deluge/help/web-data/geturl.html).
    """
    return {
        "responseText": body,
        "responseHeader": header_map(response),
        "responseCode": response.status,
    }


def header_map(response: OutboundResponse) -> dict:
    """Return the response headers as a map with lower-case names.

    Repeated headers are joined by ", ", as HTTP allows for list-valued fields.
    """
    headers: dict[str, str] = {}
    for raw_name, value in response.headers:
        name = raw_name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def body_value(ctx, response: OutboundResponse, response_format, decoding):
    """Convert the body: a map or list for JSON, a FILE for binary, else text."""
    content_type = response.header("content-type") or ""
    mime = content_type.split(";", 1)[0].strip().lower()
    wants_file = response_format == "FILE" or (
        response_format is None and response.body and is_binary(mime)
    )
    if wants_file:
        return DelugeFile(
            _file_name(response), mime or "application/octet-stream", response.body
        )
    text = ctx.check_text(decode_body(response.body, content_type, decoding))
    if response_format == "TEXT":
        return text
    return _json_or_text(ctx, text, mime, response_format, response.url)


def _json_or_text(ctx, text: str, mime: str, response_format, url: str):
    # A UTF-8 byte order mark would make an otherwise valid JSON body text.
    candidate = text.removeprefix("\ufeff")
    if not candidate.strip():
        # No content (a 204, or a DELETE that returns nothing) is "" even
        # with response-format: JSON.
        return text
    looks_json = candidate.lstrip()[:1] in ("{", "[")
    if response_format != "JSON" and not (looks_json or is_json(mime)):
        return text

    try:
        parsed = json.loads(candidate, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        if response_format == "JSON":
            raise DelugeError(
                f"invokeurl: the response of {safe_url(url)} is not valid "
                "JSON; remove response-format: JSON to get the text"
            ) from None
        return text
    if may_hold_surrogates(candidate):
        parsed = well_formed_value(parsed)
    if type(parsed) in (dict, list) or response_format == "JSON":
        return from_json(ctx, parsed)
    return text


def _reject_constant(name: str) -> object:
    # Python's json module reads NaN and Infinity, which JSON does not have.
    raise ValueError(f"{name} is not valid JSON")


def decode_body(body: bytes, content_type: str, decoding: str | None) -> str:
    """Decode a body with response-decoding, else its charset, else UTF-8."""
    charset = decoding or _charset(content_type) or "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except (LookupError, UnicodeError):
        return body.decode("utf-8", errors="replace")


def text_codec(name: str) -> str | None:
    """Return the codec name for a character set label, or None if it is not one.

    Python's codec registry also contains transforms such as base64, rot13
    and zlib, and codecs such as idna. None of them is a character set.
    """
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return text_codec(value.strip().strip('"'))
    return None


def _file_name(response: OutboundResponse) -> str:
    disposition = response.header("content-disposition") or ""
    match = re.search(
        r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition, re.IGNORECASE
    )
    if match:
        return match.group(1).strip()
    path = httpx.URL(response.url).path.rstrip("/")
    return path.rsplit("/", 1)[-1] or "response"


def _method(value, task: str) -> str:
    if value is None:
        return "GET"
    if type(value) is not str:
        raise DelugeError(f"{task}: type must be a method name, got {_kind(value)}")
    method = value.strip().upper()
    if method not in METHODS:
        raise DelugeError(
            f"{task}: type {value!r} is not supported; use " + ", ".join(METHODS)
        )
    return method


def _flag(value, name: str) -> bool:
    if value is None:
        return False
    if type(value) is bool:
        return value
    if type(value) is str and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise DelugeError(f"invokeurl: {name} must be true or false, got {_kind(value)}")


def _response_format(value) -> str | None:
    if value is None:
        return None
    text = to_text(value).strip().upper()
    if text not in RESPONSE_FORMATS:
        raise DelugeError(
            f"invokeurl: response-format {value!r} is not supported; use "
            + ", ".join(RESPONSE_FORMATS)
        )
    return text


def _decoding(value) -> str | None:
    if value is None:
        return None
    name = to_text(value).strip()
    codec = text_codec(name)
    if codec is None:
        raise DelugeError(
            f"invokeurl: response-decoding {name!r} is not a known character "
            "set; use a name such as UTF-8 or ISO-8859-1"
        )
    return codec


def _field_value(text: str, field_name: str, task: str) -> str:
    # The message leaves the value out, because it may be a credential.
    if "\r" in text or "\n" in text:
        raise DelugeError(f"{task}: the {field_name} contains a line break")
    match = _CONTROL.search(text)
    if match:
        raise DelugeError(
            f"{task}: the {field_name} contains a control character "
            f"(U+{ord(match.group()):04X}); remove it"
        )
    return text


def _without(pairs: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    return [(key, value) for key, value in pairs if key.lower() != name]


def _header(pairs: list[tuple[str, str]], name: str) -> str | None:
    for key, value in pairs:
        if key.lower() == name:
            return value
    return None


def _kind(value) -> str:
    from runtime.values import type_name

    return f"a {type_name(value)} value"

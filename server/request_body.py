"""Reading request bodies with a size cap, and JSON with a nesting cap."""

from __future__ import annotations

import json
import logging
import sys

from starlette.requests import Request

from runtime.surrogates import first_lone_surrogate, may_hold_surrogates
from server.errors import InvalidInput, PayloadTooLarge

logger = logging.getLogger(__name__)


def media_type(request: Request) -> str:
    """Return the lower-cased media type without parameters such as charset."""
    value = request.headers.get("content-type", "")
    return value.split(";", 1)[0].strip().lower()


def is_json_media_type(value: str) -> bool:
    return value == "application/json" or value.endswith("+json")


async def read_body(request: Request, max_bytes: int) -> bytes:
    """Read the whole body, failing as soon as it grows past ``max_bytes``.

    A declared ``Content-Length`` over the cap fails before any byte is read;
    without one, the stream is read in chunks and stops at the cap.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise InvalidInput(f"Invalid Content-Length header {declared!r}")
        if int(declared) > max_bytes:
            raise PayloadTooLarge(_too_large_message(max_bytes))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(_too_large_message(max_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large_message(max_bytes: int) -> str:
    return (
        f"Execution limit exceeded: request body ({max_bytes} bytes); "
        "send a smaller body"
    )


class _RejectedConstant(ValueError):
    """NaN, Infinity or -Infinity in JSON text, which standard JSON does not have."""


def _reject_constant(name: str) -> object:
    raise _RejectedConstant(f"{name} is not valid JSON")


def json_depth(value: object) -> int:
    """Return the nesting depth of a parsed JSON value, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


# One decoder for every call: json.loads with a keyword argument builds a
# new decoder each time, which costs more than decoding a short document.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _decode(data: bytes | str) -> object:
    if isinstance(data, bytes):
        # What json.loads does with bytes: detect UTF-8, -16 or -32.
        data = data.decode(json.detect_encoding(data), "surrogatepass")
    return _DECODER.decode(data)


def _may_be_deeper_than(data: bytes | str, max_depth: int) -> bool:
    # Each level opens with a bracket, so text with no more brackets than
    # max_depth cannot nest deeper; brackets inside strings only add to
    # the count.
    if isinstance(data, bytes):
        return data.count(b"{") + data.count(b"[") > max_depth
    return data.count("{") + data.count("[") > max_depth


def parse_json(data: bytes | str, max_depth: int, what: str = "Request body") -> object:
    """Parse JSON text, rejecting NaN, Infinity and nesting past ``max_depth``."""
    try:
        value = _decode(data)
    except RecursionError:
        raise InvalidInput(
            f"{what} is nested deeper than {max_depth} levels; flatten it"
        ) from None
    except (json.JSONDecodeError, _RejectedConstant) as exc:
        raise InvalidInput(f"{what} is not valid JSON: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{what} is not valid JSON: byte 0x{exc.object[exc.start]:02x} at "
            f"position {exc.start} is not valid {exc.encoding.upper()}"
        ) from None
    except ValueError:
        # The decoder's other ValueError is Python's text with the interpreter
        # setting to change: an integer longer than int() converts.
        raise InvalidInput(
            f"{what} is not valid JSON: a number has more than "
            f"{sys.get_int_max_str_digits()} digits"
        ) from None
    if _may_be_deeper_than(data, max_depth) and json_depth(value) > max_depth:
        raise InvalidInput(
            f"{what} is nested deeper than {max_depth} levels; flatten it"
        )
    # json.loads decodes bytes with "surrogatepass", so a body can carry raw
    # surrogates as well as escaped ones; text can carry only escaped ones.
    if isinstance(data, bytes) or may_hold_surrogates(data):
        # UTF-8 cannot encode an unpaired surrogate, so no response, log line
        # or database row could hold this text.
        found = first_lone_surrogate(value)
        if found is not None:
            raise InvalidInput(
                f"{what} contains the unpaired UTF-16 surrogate "
                f"\\u{ord(found):04x}; send valid Unicode text"
            )
    return value

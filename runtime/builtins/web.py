"""The legacy web functions getUrl, postUrl and invokeUrl.

They are function-only forms of the ``invokeurl`` task and share its client,
address checks and caps (``runtime.http``). With ``simple`` true, the
default, they return the response body as text. With ``simple`` false they
return a map of ``responseText`` (the body as text), ``responseHeader``
(map) and ``responseCode`` (number). A 4xx or 5xx response is a result, not an
error.
"""

from __future__ import annotations

from runtime.errors import DelugeError
from runtime.http import body_value, build_request, detailed_map, send
from runtime.registry import builtin
from runtime.values import LIST, Collection, type_name


def _fetch(ctx, task: str, params: dict, simple: bool) -> object:
    request = build_request(ctx, params, task=task)
    response = send(ctx, request, task=task)
    text = body_value(ctx, response, "TEXT", None)
    if simple:
        return text
    return detailed_map(response, text)


def _is_map(value: object) -> bool:
    return type(value) is dict or (type(value) is Collection and value.kind != LIST)


def _simple(value: object, task: str) -> bool:
    if type(value) is bool:
        return value
    raise DelugeError(
        f"{task}: the last argument must be true (body as text) or false "
        f"(response code, headers and text), got a {type_name(value)} value"
    )


def _headers_and_simple(task: str, extra: tuple) -> tuple[object, bool]:
    """Read the optional ``[headers] [, simple]`` arguments."""
    headers = None
    simple = True
    if len(extra) == 2:
        headers, simple = extra[0], _simple(extra[1], task)
    elif len(extra) == 1:
        if type(extra[0]) is bool:
            simple = extra[0]
        elif _is_map(extra[0]) or extra[0] is None:
            headers = extra[0]
        else:
            raise DelugeError(
                f"{task}: the argument after the URL must be a headers map or "
                f"true/false, got a {type_name(extra[0])} value"
            )
    if headers is not None and not _is_map(headers):
        raise DelugeError(
            f"{task}: headers must be a map, got a {type_name(headers)} value"
        )
    return headers, simple


@builtin(None, "getUrl", min_args=1, max_args=3)
def get_url(ctx, url, *extra):
    """``getUrl(url [, headers] [, simple])``: send a GET request."""
    headers, simple = _headers_and_simple("getUrl", extra)
    params = {"url": url, "type": "GET", "headers": headers}
    return _fetch(ctx, "getUrl", params, simple)


@builtin(None, "postUrl", min_args=2, max_args=4)
def post_url(ctx, url, body, *extra):
    """``postUrl(url, body [, headers] [, simple])``: a map body is sent as a form."""
    headers, simple = _headers_and_simple("postUrl", extra)
    params = {"url": url, "type": "POST", "parameters": body, "headers": headers}
    return _fetch(ctx, "postUrl", params, simple)


@builtin(None, "invokeUrl", min_args=2, max_args=5)
def invoke_url_function(ctx, url, method, body=None, *extra):
    """``invokeUrl(url, type [, body] [, headers] [, simple])``.

    A map body goes to the query for GET and is sent as a form otherwise; a
    text body is sent as it is. Zoho's invokeUrl page also documents
    ``invokeUrl(url, type, simple)``, so a lone third argument that is true or
    false is the ``simple`` flag, not a body.
    """
    if type(body) is bool and not extra:
        body, extra = None, (body,)
    headers, simple = _headers_and_simple("invokeUrl", extra)
    params = {"url": url, "type": method, "parameters": body, "headers": headers}
    return _fetch(ctx, "invokeUrl", params, simple)

"""The invocation endpoint ``/AppIntegrations``.

Request rules:

- GET takes every field from the query string.
- POST takes the query string plus the body's fields, and a field in the
  body replaces the same field of the query string.
- The body is a form (``application/x-www-form-urlencoded`` or
  ``multipart/form-data``) or a JSON object. JSON is accepted under
  ``application/json``, any ``+json`` type, or no content type at all.
- A charset parameter is ignored: bodies are read as UTF-8.
- The fields are ``serviceName`` (must be ``callbackFunctions``),
  ``api_name``, ``auth_token``, ``PORTALID`` and ``arguments``: a JSON object
  keyed by parameter name, given as JSON text, or in a JSON body also as an
  object.
- A JSON body may contain only those fields, so a raw webhook payload posted
  without the ``{"arguments": ...}`` wrapper gets 400 naming its keys.

Responses: 200 ``{"output": ...}``; 400 ``{"errorMessage": ...}`` for bad
arguments or an invalid body; 413 for a body over the cap; 500
``{"errorMessage": ...}`` for a runtime error or a limit; 404
``{"content": "Invalid callback function url"}`` for every kind of unknown
or unauthorised URL, so a caller cannot tell which part was wrong.
"""

from __future__ import annotations

import logging
import time
import urllib.parse

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.arguments_check import convert_invocation_arguments
from server.errors import ApiError, CompileFailed, InvalidInput
from server.execution import encode_output, response_limit_message, run_program
from server.history import (
    ERROR,
    INVALID_ARGUMENTS,
    LIMIT_EXCEEDED,
    SUCCESS,
    record_invocation,
    snapshot_arguments,
)
from server.request_body import is_json_media_type, media_type, parse_json, read_body
from server.storage_tokens import token_matches

logger = logging.getLogger(__name__)

SERVICE_NAME = "callbackFunctions"
INVALID_URL_BODY = {"content": "Invalid callback function url"}
# SQLite integers are signed 64-bit, at most 19 digits.
MAX_ID_DIGITS = 18
FIELDS = ("serviceName", "api_name", "auth_token", "PORTALID", "arguments")
# Seconds a script without invokeurl may run on the event loop before it is
# run again in a worker thread. Statements are checked every 200, so a slow
# built-in can take the event loop a little past the slice.
INLINE_TIME_SLICE_SECONDS = 0.05


def invalid_url() -> JSONResponse:
    return JSONResponse(INVALID_URL_BODY, status_code=404)


def error_message(message: str, status: int) -> JSONResponse:
    return JSONResponse({"errorMessage": message}, status_code=status)


async def _form_fields(request: Request, body: bytes, kind: str) -> dict:
    if kind == "application/x-www-form-urlencoded":
        try:
            pairs = urllib.parse.parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, strict_parsing=False
            )
        except UnicodeDecodeError:
            raise InvalidInput("The form body is not valid UTF-8") from None
        return dict(pairs)

    # Replay the already capped body to Starlette's multipart parser.
    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    replay = Request(request.scope, receive)
    try:
        form: FormData = await replay.form(max_files=20, max_fields=100)
    except Exception as exc:  # the multipart parser raises several types
        raise InvalidInput(f"Invalid multipart body: {exc}") from None
    try:
        return {key: value for key, value in form.items() if isinstance(value, str)}
    finally:
        await form.close()


def parse_query(query: str) -> dict[str, str]:
    """Return the fields of a query string; the last of repeated names wins.

    The same pairs as ``urllib.parse.parse_qsl(query, keep_blank_values=True)``,
    but a name or value without ``%`` or ``+`` is taken as it is. That skips
    most unquoting, because tokens and API names need no escapes. Starlette's
    ``request.query_params`` would also build a multidict this path never
    uses.
    """
    fields = {}
    for pair in query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = urllib.parse.unquote_plus(name)
        if "%" in value or "+" in value:
            value = urllib.parse.unquote_plus(value)
        fields[name] = value
    return fields


async def read_fields(request: Request, max_bytes: int, max_depth: int) -> dict:
    """Collect the invocation fields from the query string and the body."""
    fields: dict[str, object] = parse_query(
        request.scope["query_string"].decode("latin-1")
    )
    if request.method != "POST":
        return fields
    body = await read_body(request, max_bytes)
    kind = media_type(request)
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields.update(await _form_fields(request, body, kind))
    elif kind == "" or is_json_media_type(kind):
        if body.strip():
            document = parse_json(body, max_depth)
            if not isinstance(document, dict):
                raise InvalidInput(
                    "A JSON body must be an object with the fields " + ", ".join(FIELDS)
                )
            check_json_body_keys(document)
            fields.update(document)
    else:
        raise InvalidInput(
            f"Unsupported content type {kind!r}: send a form, "
            "multipart/form-data or JSON"
        )
    return fields


def check_json_body_keys(document: dict) -> None:
    """Reject a JSON body with keys other than the invocation fields.

    A raw webhook payload posted as the body would otherwise be read as no
    arguments, so every parameter would silently become null.
    """
    unknown = [key for key in document if key not in FIELDS]
    if not unknown:
        return
    listed_keys = ", ".join(repr(key[:100]) for key in unknown[:10])
    if len(unknown) > 10:
        listed_keys += f" and {len(unknown) - 10} more"
    fields = "field" if len(unknown) == 1 else "fields"
    if "arguments" in document:
        raise InvalidInput(
            f"Unknown {fields} {listed_keys} in the JSON body: it may contain only "
            + ", ".join(FIELDS)
            + "; put the function's arguments inside 'arguments'"
        )
    raise InvalidInput(
        f"The JSON body has the {fields} {listed_keys} but no 'arguments': send "
        '{"arguments": {"<parameter name>": <value>, ...}}, for example '
        '{"arguments": {"payload": <the webhook payload>}} for a map parameter '
        "named payload"
    )


def parse_arguments(value: object, max_depth: int) -> dict:
    """Return the arguments object from its JSON text or JSON-body value."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        value = parse_json(value, max_depth, what="arguments")
    if not isinstance(value, dict):
        raise InvalidInput(
            "arguments must be a JSON object keyed by parameter name, "
            'for example {"name": "tom", "id": 123}'
        )
    return value


async def app_integrations(request: Request) -> Response:
    if request.method == "HEAD":
        # Starlette routes HEAD requests to every GET route. A liveness probe of the
        # URL must not run the script, its invokeurl calls included.
        return JSONResponse(
            {"errorMessage": "Use GET or POST to invoke a callback function"},
            status_code=405,
            headers={"Allow": "GET, POST"},
        )
    service = request.app.state.service
    limits = service.settings.limits
    try:
        fields = await read_fields(
            request, limits.request_body_bytes, limits.nesting_depth
        )
    except ApiError as exc:
        logger.warning("Rejected invocation body: %s", exc.message)
        return error_message(exc.message, exc.status)

    portal_text = fields.get("PORTALID")
    api_name = fields.get("api_name")
    token = fields.get("auth_token")
    if (
        fields.get("serviceName") != SERVICE_NAME
        or not isinstance(api_name, str)
        or not isinstance(token, str)
        or not isinstance(portal_text, str | int)
        or not str(portal_text).isdigit()
        or len(str(portal_text)) > MAX_ID_DIGITS
    ):
        allowed, suppressed = service.rejection_log.allow("incomplete")
        if allowed:
            logger.info(
                "Rejected invocation with an incomplete URL "
                "(%d similar lines suppressed)",
                suppressed,
            )
        return invalid_url()
    portal_id = int(portal_text)
    target = service.storage.find_invocation_target(portal_id, api_name)
    if target is None:
        allowed, suppressed = service.rejection_log.allow((portal_id, "api_name"))
        if allowed:
            logger.warning(
                "Rejected invocation of API name %r in portal %d: no published "
                "callback has that API name (%d similar lines suppressed)",
                api_name[:100],
                portal_id,
                suppressed,
            )
        return invalid_url()
    if not token_matches(token, target["token_hash"]):
        allowed, suppressed = service.rejection_log.allow(
            (portal_id, target["callback_id"])
        )
        if allowed:
            logger.warning(
                "Rejected invocation of callback %d version %d in portal %d: "
                "wrong auth token (%d similar lines suppressed)",
                target["callback_id"],
                target["version"],
                portal_id,
                suppressed,
            )
        return invalid_url()
    callback_id = target["callback_id"]
    version = target["version"]
    started_at = time.time()
    arguments = None
    secret: frozenset[str] = frozenset()

    try:
        arguments = parse_arguments(fields.get("arguments"), limits.nesting_depth)
        loaded = service.loader.live_in_memory(target)
        if loaded is None:
            # Reading the disk cache, or compiling a long script again, can
            # take seconds, so a miss is loaded in a worker thread.
            loaded = await run_in_threadpool(
                service.loader.load_live, portal_id, target
            )
        secret = loaded.secret_parameters
        converted = convert_invocation_arguments(
            loaded.parameters, arguments, limits, target["time_zone"]
        )
    except InvalidInput as exc:
        message = exc.message
        logger.info(
            "Bad arguments for callback %d version %d in portal %d: %s",
            callback_id,
            version,
            portal_id,
            message,
        )
        record_invocation(
            service,
            portal_id,
            target,
            started_at,
            INVALID_ARGUMENTS,
            400,
            error_message=message,
            arguments=arguments,
            secret=secret,
        )
        return error_message(message, 400)
    except CompileFailed as exc:
        logger.error(
            "Live callback %d version %d in portal %d no longer compiles: %s",
            callback_id,
            version,
            portal_id,
            exc.message,
        )
        message = "The callback function failed to compile; publish it again"
        record_invocation(
            service,
            portal_id,
            target,
            started_at,
            ERROR,
            500,
            error_message=message,
        )
        return error_message(message, 500)

    # Taken before the run, because a script can change a map argument.
    recorded_arguments = snapshot_arguments(arguments, secret)
    options = {
        "limits": limits,
        "time_zone": target["time_zone"],
        "return_type": loaded.return_type,
        "outbound": service.outbound,
        "connections": service.connections_for(portal_id),
    }
    if loaded.blocking:
        result = await run_in_threadpool(
            run_program, loaded.program, converted, **options
        )
    else:
        # A script without invokeurl runs on the event loop, which is faster
        # for the usual short run. One that outlasts the slice would stall
        # every other request, so it runs again, from the start, in a thread.
        result = run_program(
            loaded.program,
            converted,
            time_slice=INLINE_TIME_SLICE_SECONDS,
            **options,
        )
        if result.sliced:
            result = await run_in_threadpool(
                run_program, loaded.program, converted, **options
            )
    if result.error is not None:
        level = logging.WARNING if result.limit else logging.INFO
        logger.log(
            level,
            "Callback %d version %d in portal %d failed: %s",
            callback_id,
            version,
            portal_id,
            result.error,
        )
        record_invocation(
            service,
            portal_id,
            target,
            started_at,
            LIMIT_EXCEEDED if result.limit else ERROR,
            500,
            result=result,
            arguments=recorded_arguments,
        )
        return error_message(result.error, 500)

    body = encode_output(result.output, limits)
    if body is None:
        logger.warning(
            "Callback %d version %d in portal %d hit the response size limit",
            callback_id,
            version,
            portal_id,
        )
        message = response_limit_message(limits)
        record_invocation(
            service,
            portal_id,
            target,
            started_at,
            LIMIT_EXCEEDED,
            500,
            result=result,
            error_message=message,
            arguments=recorded_arguments,
        )
        return error_message(message, 500)
    record_invocation(
        service,
        portal_id,
        target,
        started_at,
        SUCCESS,
        200,
        result=result,
        arguments=recorded_arguments,
    )
    return Response(body, media_type="application/json")

"""The execution history: one row per invocation by URL, bounded in size.

A row stores the start time, callback, version, outcome, duration,
statement count, error message, the first ``INFO_LINES_KEPT`` ``info``
lines and the arguments. Auth tokens are never part of a row. The value of
a parameter marked ``secret`` is replaced by ``SECRET_MARK`` in the
arguments, and its text is replaced wherever it occurs in the error
message and the ``info`` lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from server.errors import InvalidInput, NotFound

INFO_LINES_KEPT = 20
INFO_LINE_CHARS = 500
ERROR_MESSAGE_CHARS = 2000
ARGUMENTS_CHARS = 4000
SECRET_MARK = "[secret]"
TRUNCATION_MARK = "…"

# Outcomes of an invocation, as stored in the ``status`` column.
SUCCESS = "success"
ERROR = "error"
LIMIT_EXCEEDED = "limit_exceeded"
INVALID_ARGUMENTS = "invalid_arguments"
STATUSES = (SUCCESS, ERROR, LIMIT_EXCEEDED, INVALID_ARGUMENTS)

COLUMNS = (
    "portal_id",
    "callback_id",
    "version",
    "started_at",
    "status",
    "http_status",
    "duration_ms",
    "statements",
    "error_message",
    "info",
    "info_lines",
    "arguments",
)


def utc_timestamp(seconds: float | None = None) -> str:
    """Return a UTC time in the fixed-width form the table sorts by.

    ``seconds`` is a ``time.time()`` value and defaults to the current time.
    """
    moment = (
        datetime.now(UTC) if seconds is None else datetime.fromtimestamp(seconds, UTC)
    )
    return moment.isoformat(timespec="microseconds")


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1] + TRUNCATION_MARK


def _secret_texts(arguments: dict | None, secret: frozenset[str]) -> list[str]:
    """Return the texts under which secret argument values can appear, longest first."""
    texts: set[str] = set()
    for name in secret:
        if not arguments or arguments.get(name) is None:
            continue
        value = arguments[name]
        encoded = json.dumps(value, ensure_ascii=False, default=str)
        for text in (value if isinstance(value, str) else None, encoded):
            if text:
                texts.add(text)
    return sorted(texts, key=len, reverse=True)


def _redact(text: str, secret_texts: list[str]) -> str:
    for secret_text in secret_texts:
        text = text.replace(secret_text, SECRET_MARK)
    return text


def _arguments_text(arguments: dict | None, secret: frozenset[str]) -> str | None:
    if arguments is None:
        return None
    redacted = {
        name: SECRET_MARK if name in secret else value
        for name, value in arguments.items()
    }
    text = json.dumps(redacted, ensure_ascii=False, default=str)
    return _truncate(text, ARGUMENTS_CHARS)


@dataclass(frozen=True)
class ArgumentsSnapshot:
    """A request's arguments as recorded, taken before the script runs.

    A script can change a map or list argument in place. So ``values`` is a
    copy of the arguments when every value is a scalar, which costs less on
    the invoke path than encoding, and ``text`` is their encoding otherwise.
    """

    values: dict | None
    text: str | None
    secret: frozenset[str]


SCALAR_TYPES = (str, int, float, bool, type(None))


def snapshot_arguments(
    arguments: dict | None, secret: frozenset[str]
) -> ArgumentsSnapshot:
    if arguments is None:
        return ArgumentsSnapshot(None, None, secret)
    if all(type(value) in SCALAR_TYPES for value in arguments.values()):
        return ArgumentsSnapshot(dict(arguments), None, secret)
    return ArgumentsSnapshot(
        None,
        json.dumps(arguments, ensure_ascii=False, default=str),
        secret,
    )


def _snapshot_values(snapshot: ArgumentsSnapshot) -> dict | None:
    if snapshot.values is not None or snapshot.text is None:
        return snapshot.values
    return json.loads(snapshot.text)


def execution_row(
    *,
    portal_id: int,
    callback_id: int,
    version: int,
    started_at: str | float,
    status: str,
    http_status: int,
    result=None,
    error_message: str | None = None,
    arguments: dict | ArgumentsSnapshot | None = None,
    secret: frozenset[str] = frozenset(),
) -> tuple:
    """Build one row of ``executions`` in ``COLUMNS`` order.

    ``result`` is the runtime's run result, or None when the script did not
    run. ``arguments`` are the raw arguments of the request, or their
    snapshot when the script ran. ``started_at`` is a ``time.time()`` value
    or its ``utc_timestamp`` text.
    """
    if isinstance(arguments, ArgumentsSnapshot):
        secret = arguments.secret
        arguments = _snapshot_values(arguments)
    if not isinstance(started_at, str):
        started_at = utc_timestamp(started_at)
    secret_texts = _secret_texts(arguments, secret)
    info = list(result.info) if result is not None else []
    stored_info = [
        _truncate(_redact(str(line), secret_texts), INFO_LINE_CHARS)
        for line in info[:INFO_LINES_KEPT]
    ]
    message = error_message
    if message is None and result is not None:
        message = result.error
    if message is not None:
        message = _truncate(_redact(message, secret_texts), ERROR_MESSAGE_CHARS)
    return (
        portal_id,
        callback_id,
        version,
        started_at,
        status,
        http_status,
        round(result.duration_ms, 3) if result is not None else 0.0,
        result.statements if result is not None else 0,
        message,
        json.dumps(stored_info, ensure_ascii=False),
        len(info),
        _arguments_text(arguments, secret),
    )


def _timestamp_filter(value: str | None, name: str) -> str | None:
    """Parse an ISO 8601 filter value into the stored UTC form."""
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"Invalid {name} {value!r}: expected an ISO 8601 date-time such as "
            "2026-01-31T12:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _record(row: dict) -> dict:
    row["info"] = json.loads(row["info"])
    if row["arguments"] is not None:
        try:
            row["arguments"] = json.loads(row["arguments"])
        except json.JSONDecodeError:  # truncated to ARGUMENTS_CHARS
            pass
    return row


def list_executions(
    storage,
    portal_id: int,
    callback_id: int,
    *,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict:
    """Return one page of a callback's history, newest first.

    ``since`` is inclusive and ``until`` exclusive, both ISO 8601. A value
    without a UTC offset is read as UTC.
    """
    storage.get_callback(portal_id, callback_id)
    where = "portal_id = ? AND callback_id = ?"
    params: list[object] = [portal_id, callback_id]
    if status:
        if status not in STATUSES:
            raise InvalidInput(
                f"Invalid status {status!r}: expected one of {', '.join(STATUSES)}"
            )
        where += " AND status = ?"
        params.append(status)
    start = _timestamp_filter(since, "since")
    if start is not None:
        where += " AND started_at >= ?"
        params.append(start)
    end = _timestamp_filter(until, "until")
    if end is not None:
        where += " AND started_at < ?"
        params.append(end)
    total = storage.db.execute(
        f"SELECT COUNT(*) FROM executions WHERE {where}", params
    ).fetchone()[0]
    rows = storage.db.query(
        f"SELECT id, {', '.join(COLUMNS)} FROM executions WHERE {where} "
        "ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page],
    )
    return {
        "executions": [_record(row) for row in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
    }


def get_execution(storage, portal_id: int, callback_id: int, execution_id: int):
    rows = list(
        storage.db.query(
            f"SELECT id, {', '.join(COLUMNS)} FROM executions "
            "WHERE portal_id = ? AND callback_id = ? AND id = ?",
            [portal_id, callback_id, execution_id],
        )
    )
    if not rows:
        raise NotFound(
            f"Execution {execution_id} of callback {callback_id} not found "
            f"in portal {portal_id}"
        )
    return _record(rows[0])


def record_invocation(
    service,
    portal_id: int,
    target: dict,
    started_at: str,
    status: str,
    http_status: int,
    **details,
) -> None:
    """Queue the history of one invocation of ``target``.

    ``details`` are the keyword arguments of ``execution_row`` after
    ``http_status``. The writer thread builds the row, which keeps the
    encoding and redaction off the invoke path. A service without a history
    writer records nothing.
    """
    writer = getattr(service, "history", None)
    if writer is None:
        return
    writer.record(
        {
            "portal_id": portal_id,
            "callback_id": target["callback_id"],
            "version": target["version"],
            "started_at": started_at,
            "status": status,
            "http_status": http_status,
            **details,
        }
    )

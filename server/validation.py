"""Validation of admin API input: callback and global-function fields."""

from __future__ import annotations

import re

from server.errors import InvalidInput

MAX_PARAMETERS = 10
MAX_NAME_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 10_000
PARAMETER_TYPES = ("map", "string", "int", "bool", "date", "float", "list")
RETURN_TYPES = (*PARAMETER_TYPES, "void")

# An API name is part of the URL: letters, digits and "_", starting with a letter.
API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
DECIMAL = re.compile(r"[0-9]+")
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _text(body: dict, name: str, *, required: bool, max_length: int) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidInput(f"Missing field '{name}'", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"Field '{name}' must be a string", field=name)
    if len(value) > max_length:
        raise InvalidInput(
            f"Field '{name}' is longer than {max_length} characters", field=name
        )
    return value


def check_name(value: object, what: str = "name") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"Missing field '{what}'", field=what)
    value = value.strip()
    if len(value) > MAX_NAME_LENGTH or not IDENTIFIER.match(value):
        raise InvalidInput(
            f"Invalid {what} {value!r}: use letters, digits and '_', not starting "
            f"with a digit, at most {MAX_NAME_LENGTH} characters",
            field=what,
        )
    return value


def check_api_name(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not API_NAME.match(value):
        raise InvalidInput(
            f"Invalid API name {value!r}: use letters, digits and '_', "
            "starting with a letter",
            field="api_name",
        )
    if len(value) > MAX_NAME_LENGTH:
        raise InvalidInput(
            f"API name is longer than {MAX_NAME_LENGTH} characters", field="api_name"
        )
    return value


def check_type(value: object, allowed: tuple[str, ...], field: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise InvalidInput(
            f"Invalid {field} {value!r}: expected one of {', '.join(allowed)}",
            field=field,
        )
    return value.strip().lower()


def check_parameters(value: object) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(
            'parameters must be a list of {"name": ..., "type": ...} objects',
            field="parameters",
        )
    if len(value) > MAX_PARAMETERS:
        raise InvalidInput(
            f"A callback takes at most {MAX_PARAMETERS} parameters; got {len(value)}",
            field="parameters",
        )
    parameters: list[dict] = []
    seen: set[str] = set()
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise InvalidInput(
                f"Parameter {index} must be an object with 'name' and 'type'",
                field="parameters",
            )
        name = item.get("name")
        if not isinstance(name, str) or not IDENTIFIER.match(name):
            raise InvalidInput(
                f"Invalid name {name!r} of parameter {index}: use letters, digits "
                "and '_', not starting with a digit",
                field="parameters",
            )
        if name in seen:
            raise InvalidInput(f"Duplicate parameter name {name!r}", field="parameters")
        seen.add(name)
        parameter_type = check_type(
            item.get("type"), PARAMETER_TYPES, f"type of parameter {name!r}"
        )
        parameter = {"name": name, "type": parameter_type}
        secret = item.get("secret", False)
        if not isinstance(secret, bool):
            raise InvalidInput(
                f"Field 'secret' of parameter {name!r} must be true or false",
                field="parameters",
            )
        # Only secret parameters carry the key, so other records keep their shape.
        if secret:
            parameter["secret"] = True
        parameters.append(parameter)
    return parameters


def callback_fields(body: object, current: dict | None = None) -> dict:
    """Validate a create (``current`` None) or edit body into stored fields.

    An edit may leave out any field; it keeps its current value.
    """
    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a JSON object")
    base = current or {}
    creating = current is None

    def given(name: str) -> bool:
        return name in body

    fields = {
        "name": check_name(body.get("name"))
        if creating or given("name")
        else base["name"],
        "api_name": check_api_name(body.get("api_name"))
        if creating or given("api_name")
        else base["api_name"],
        "description": (
            _text(
                body, "description", required=False, max_length=MAX_DESCRIPTION_LENGTH
            )
            or ""
        )
        if creating or given("description")
        else base["description"],
        "return_type": check_type(body.get("return_type"), RETURN_TYPES, "return_type")
        if creating or given("return_type")
        else base["return_type"],
        "parameters": check_parameters(body.get("parameters"))
        if creating or given("parameters")
        else base["parameters"],
        "script": _text(body, "script", required=creating, max_length=10**7)
        if creating or given("script")
        else base["script"],
    }
    if fields["script"] is None:
        raise InvalidInput("Missing field 'script'", field="script")
    return fields


def positive_int(value: str | None, name: str, default: int, maximum: int) -> int:
    """Parse a query parameter such as ``page``; a value over ``maximum`` is capped."""
    if value is None or value == "":
        return default
    # ASCII digits only: str.isdigit() also accepts digits such as "²" that
    # int() rejects.
    if not DECIMAL.fullmatch(value) or not value.lstrip("0"):
        raise InvalidInput(
            f"Invalid {name} {value[:50]!r}: expected a positive integer",
            field=name,
        )
    # More digits than any maximum: capped without converting the whole text,
    # which Python refuses past 4300 digits.
    if len(value.lstrip("0")) > 18:
        return maximum
    return min(int(value), maximum)


def check_portal_name(value: object) -> str:
    """Check a portal name: 1 to 100 characters of text without control characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("Missing field 'name'", field="name")
    name = value.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(
            f"Field 'name' is longer than {MAX_NAME_LENGTH} characters", field="name"
        )
    if CONTROL_CHARACTER.search(name):
        raise InvalidInput(
            f"Invalid name {name!r}: it contains a control character", field="name"
        )
    return name

"""Form fields of the editor pages, turned into the admin API's JSON shapes.

The pages pass these bodies to the same operations as the admin API, which
validate them; this module only reads the form.
"""

from __future__ import annotations

import json

from starlette.datastructures import FormData

from server.errors import InvalidInput

ARGUMENT_PREFIX = "arg:"
JSON_TYPES = ("map", "list")


def normalize_newlines(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def form_parameters(form: FormData) -> list[dict]:
    """Read the parameter rows; a row with an empty name is left out.

    The global function editor has no ``param_secret`` fields, so there no
    parameter is secret.
    """
    names = form.getlist("param_name")
    types = form.getlist("param_type")
    secrets = form.getlist("param_secret") or [""] * len(names)
    if not len(names) == len(types) == len(secrets):
        raise InvalidInput(
            f"The form has {len(names)} parameter names, {len(types)} types and "
            f"{len(secrets)} secret flags; reload the page and enter the "
            "parameters again"
        )
    parameters = []
    for name, type_, secret in zip(names, types, secrets, strict=True):
        if not name.strip():
            continue
        parameter = {"name": name.strip(), "type": type_}
        if secret == "1":
            parameter["secret"] = True
        parameters.append(parameter)
    return parameters


def function_body(form: FormData, with_api_name: bool) -> dict:
    """Read the editor's fields as a create or edit body of the admin API."""
    body = {
        "name": form.get("name", "").strip(),
        "description": normalize_newlines(form.get("description", "")),
        "return_type": form.get("return_type", ""),
        "parameters": form_parameters(form),
        "script": normalize_newlines(form.get("script", "")),
    }
    if with_api_name:
        body["api_name"] = form.get("api_name", "").strip() or None
    return body


def argument_texts(form: FormData) -> dict[str, str]:
    """Return the test-run argument fields as typed, keyed by parameter name."""
    return {
        key[len(ARGUMENT_PREFIX) :]: value
        for key, value in form.multi_items()
        if key.startswith(ARGUMENT_PREFIX)
    }


def run_arguments(texts: dict[str, str], parameters: list[dict]) -> dict:
    """Build the ``arguments`` object of a test run from the argument fields.

    An empty field is left out, so the parameter is null. A ``map`` or
    ``list`` argument is JSON text. Other values go as typed, because the
    runtime converts them to the parameter's type as for an invocation URL.
    """
    arguments: dict[str, object] = {}
    for parameter in parameters:
        name = parameter["name"]
        text = texts.get(name, "")
        if text.strip() == "":
            continue
        if parameter["type"] in JSON_TYPES:
            try:
                arguments[name] = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidInput(
                    f"Invalid JSON for {parameter['type']} argument '{name}': "
                    f"{exc.msg} at character {exc.pos + 1}; write it like "
                    + ('{"key": "value"}' if parameter["type"] == "map" else "[1, 2]")
                ) from None
        else:
            arguments[name] = text
    return arguments

"""Deluge built-in functions, one module per Deluge type they act on.

Importing this package registers every built-in in ``runtime.registry``.
"""

from runtime.builtins import (  # noqa: F401
    checks,
    collections,
    conversion,
    crypto,
    date_spans,
    datetimes,
    encoding,
    json_xml,
    lists,
    maps,
    number_words,
    numbers,
    text,
    text_codes,
    web,
    xml_text,
)

"""``toXML``: JSON object text, or a map, rendered as XML under a ``root`` element.

Zoho's toXML page shows ``{Name:'Lia Shelton', OrderNo:[343,443,577]}``
becoming ``<root>`` with three ``<OrderNo>`` elements before ``<Name>``. That
order is the iteration order of a ``java.util.HashMap`` filled with the two
keys (bucket 10 before bucket 15), so each object's keys are emitted in that
order here. An array repeats its key's element once per item, as the page
shows. The output is compact, because the page's line breaks are layout.

NOTE: the page shows no empty text, null or nested array. Those follow the
org.json library's ``XML.toString`` as this project understands it: an empty
text gives ``<key/>``, null gives ``<key>null</key>`` and the items of a
nested array are ``<array>`` elements.
"""

from __future__ import annotations

from runtime.builtins.json_xml import parse_json
from runtime.builtins.support import describe, register, render
from runtime.errors import DelugeError, LimitExceeded
from runtime.values import MAP, TEXT, Collection

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}

# java.util.HashMap starts with 16 buckets and doubles past a 0.75 load.
_INITIAL_BUCKETS = 16
_LOAD_FACTOR = 0.75


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(character, character) for character in text)


def java_string_hash(text: str) -> int:
    """Return Java's ``String.hashCode`` of ``text`` as an unsigned 32-bit value."""
    # Java hashes UTF-16 code units, so a character beyond U+FFFF counts twice.
    data = text.encode("utf-16-be", "surrogatepass")
    value = 0
    for index in range(0, len(data), 2):
        unit = data[index] << 8 | data[index + 1]
        value = (31 * value + unit) & 0xFFFFFFFF
    return value


def hash_map_order(keys: list[str]) -> list[str]:
    """Order ``keys`` as a ``java.util.HashMap`` filled in this order iterates them.

    Keys are visited bucket by bucket, and in insertion order within a
    bucket. NOTE: Java turns a bucket of 8 or more colliding keys into a
    tree, whose order this does not model; such collisions are very rare.
    """
    buckets = _INITIAL_BUCKETS
    while len(keys) > buckets * _LOAD_FACTOR:
        buckets *= 2

    def bucket(key: str) -> int:
        hashed = java_string_hash(key)
        return (hashed ^ (hashed >> 16)) & (buckets - 1)

    return sorted(keys, key=bucket)


def _scalar_text(value) -> str:
    if value is None:
        return "null"
    return _escape(render(value))


class _Writer:
    """Collect the XML text, checking the text-length and nesting limits.

    The checks run as parts are added, so a map that contains one long text many
    times, or a list that contains itself, stops at a limit.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.ctx.limits.text_length:
            raise LimitExceeded(
                "text length", f"{self.ctx.limits.text_length} characters"
            )
        self.parts.append(text)

    def value(self, tag: str, value, depth: int) -> None:
        # One key's value: an element, or one element per item of a list.
        if depth > self.ctx.limits.nesting_depth:
            raise LimitExceeded("nesting depth", self.ctx.limits.nesting_depth)
        if isinstance(value, Collection):
            value = value.items
        if isinstance(value, list):
            for item in value:
                if isinstance(item, list):
                    self.add(f"<{tag}>")
                    self.array_items(item, depth + 1)
                    self.add(f"</{tag}>")
                else:
                    self.value(tag, item, depth + 1)
            return
        if isinstance(value, dict):
            self.add(f"<{tag}>")
            self.object(value, depth + 1)
            self.add(f"</{tag}>")
            return
        if value == "":
            self.add(f"<{tag}/>")
            return
        self.add(f"<{tag}>{_scalar_text(value)}</{tag}>")

    def array_items(self, items: list, depth: int) -> None:
        # A list inside a list has no key, so org.json names its items "array".
        for item in items:
            self.value("array", item, depth)

    def object(self, mapping: dict, depth: int) -> None:
        by_text = {render(key): value for key, value in mapping.items()}
        for key in hash_map_order(list(by_text)):
            self.value(key, by_text[key], depth)


@register((TEXT, MAP), "toXML", returns=TEXT)
def to_xml(ctx, value):
    """Render JSON object text, or a map, as XML text under ``<root>``."""
    mapping = value
    if type(value) is str:
        mapping = parse_json(ctx, value)
    if isinstance(mapping, Collection) and mapping.kind == MAP:
        mapping = mapping.items
    if type(mapping) is not dict:
        raise DelugeError(
            f"toXML: {describe(value)} is not a JSON object; pass JSON object "
            "text or a map"
        )
    writer = _Writer(ctx)
    writer.add("<root>")
    writer.object(mapping, 1)
    writer.add("</root>")
    text = "".join(writer.parts)
    ctx.check_work(len(text))
    return text

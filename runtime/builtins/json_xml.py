"""JSON and XML built-ins: toMap, toJSONList, getJSON and executeXPath.

Deluge reads JSON leniently: keys and text values may be unquoted
(``{company:Zoho}``) or single-quoted (``{Name:'Ann'}``). Strict JSON goes
through the standard library's parser, and its result is then walked
iteratively to check the nesting and size limits. Anything else, and strict
JSON nested past the interpreter's recursion limit, goes through the
iterative reader below. That reader counts depth as it goes, so no input
raises ``RecursionError`` out of these built-ins.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import re
import sys
from decimal import Decimal
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeElementTree
import elementpath
from defusedxml import DefusedXmlException

from runtime.builtins.maps import lookup_key
from runtime.builtins.support import describe, register, render, text_arg
from runtime.errors import DelugeError, LimitExceeded
from runtime.registry import METHOD
from runtime.surrogates import may_hold_surrogates, well_formed_value
from runtime.values import LIST, MAP, NUMBER_MAX, NUMBER_MIN, TEXT, Collection

# The toMap page states a 5 MB input limit.
MAX_JSON_CHARACTERS = 5 * 1024 * 1024
MAX_NUMBER_DIGITS = 400


_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class _JsonError(ValueError):
    pass


def _number(token: str):
    if len(token) > MAX_NUMBER_DIGITS:
        raise _JsonError(f"number of {len(token)} digits is too long")
    if token[0] not in "-.0123456789":
        return None
    if _INTEGER.fullmatch(token):
        value = int(token)
        return value if NUMBER_MIN <= value <= NUMBER_MAX else float(value)
    if _DECIMAL.fullmatch(token):
        value = float(token)
        if math.isinf(value):
            raise _JsonError(f"number {token} is too large")
        return value
    return None


def _bare_value(token: str):
    """Read an unquoted token: a literal, a number or else text."""
    lowered = token.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if lowered == "null":
        return None
    number = _number(token)
    return token if number is None else number


# Linear scanners for the reader: none of these patterns can backtrack.
_SPACE = re.compile(r"[ \t\r\n]*")
_PLAIN_TEXT = {quote: re.compile(rf"[^{quote}\\]*") for quote in "\"'"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


@functools.lru_cache(maxsize=8)
def _bare_pattern(stops: str) -> re.Pattern:
    return re.compile(f"[^{re.escape(stops)}]*" if stops else ".*", re.DOTALL)


class _Reader:
    """An iterative reader of lenient JSON, with depth, size and time limits."""

    def __init__(self, ctx, text: str):
        self.ctx = ctx
        self.text = text
        self.position = 0
        self.max_depth = ctx.limits.nesting_depth
        self.max_size = ctx.limits.collection_size

    def fail(self, message: str):
        raise _JsonError(f"{message} at position {self.position}")

    def skip_space(self):
        self.position = _SPACE.match(self.text, self.position).end()

    def quoted(self) -> str:
        quote = self.text[self.position]
        position = self.position + 1
        parts = []
        text = self.text
        plain = _PLAIN_TEXT[quote]
        while True:
            end = plain.match(text, position).end()
            if end >= len(text):
                self.fail("unterminated text")
            parts.append(text[position:end])
            if text[end] == quote:
                self.position = end + 1
                return "".join(parts)
            escape = text[end + 1 : end + 2]
            if escape == "u":
                digits = text[end + 2 : end + 6]
                if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                    self.position = end
                    self.fail("invalid \\u escape")
                parts.append(chr(int(digits, 16)))
                position = end + 6
                continue
            parts.append(_ESCAPES.get(escape, escape))
            position = end + 2

    def bare(self, stops: str) -> str:
        text, position = self.text, self.position
        end = _bare_pattern(stops).match(text, position).end()
        token = text[position:end].strip()
        if not token:
            self.fail("missing value")
        self.position = end
        return token

    def scalar(self, stops: str):
        char = self.text[self.position]
        if char in "\"'":
            return self.quoted()
        return _bare_value(self.bare(stops))

    def key(self):
        self.skip_space()
        if self.position >= len(self.text):
            self.fail("missing key")
        if self.text[self.position] in "\"'":
            return self.quoted()
        return self.bare(":,}")

    def read(self):
        """Read one value; containers are filled through an explicit stack."""
        stack: list[tuple[object, object]] = []  # (container, pending key)
        result = None
        values_read = 0
        while True:
            values_read += 1
            if values_read % 10_000 == 0:
                # A 5 MB text takes seconds here, so the wall time is checked.
                self.ctx.check_deadline()
            self.skip_space()
            if self.position >= len(self.text):
                self.fail("unexpected end of text")
            char = self.text[self.position]
            if char in "{[":
                if len(stack) >= self.max_depth:
                    raise LimitExceeded("nesting depth", self.max_depth)
                self.position += 1
                container = {} if char == "{" else []
                stack.append((container, None))
                if self._close_empty(container):
                    value = stack.pop()[0]
                else:
                    if char == "{":
                        stack[-1] = (container, self._object_key())
                    continue
            else:
                stops = ",}" if stack and type(stack[-1][0]) is dict else ",]"
                value = self.scalar(stops if stack else "")
            # Put ``value`` into its parent, then close every finished container.
            while True:
                if not stack:
                    result = value
                    self.skip_space()
                    if self.position != len(self.text):
                        self.fail("extra text after the value")
                    return result
                container, key = stack[-1]
                if type(container) is dict:
                    container[key] = value
                else:
                    container.append(value)
                if len(container) > self.max_size:
                    raise LimitExceeded("collection size", self.max_size)
                self.skip_space()
                closer = "}" if type(container) is dict else "]"
                if self.position < len(self.text) and self.text[self.position] == ",":
                    self.position += 1
                    if type(container) is dict:
                        stack[-1] = (container, self._object_key())
                    break
                if (
                    self.position < len(self.text)
                    and self.text[self.position] == closer
                ):
                    self.position += 1
                    value = stack.pop()[0]
                    continue
                self.fail(f"expected ',' or '{closer}'")

    def _close_empty(self, container) -> bool:
        self.skip_space()
        closer = "}" if type(container) is dict else "]"
        if self.position < len(self.text) and self.text[self.position] == closer:
            self.position += 1
            return True
        return False

    def _object_key(self):
        key = self.key()
        self.skip_space()
        if self.position >= len(self.text) or self.text[self.position] != ":":
            self.fail("expected ':' after a key")
        self.position += 1
        return key


def _reject_constant(name: str):
    raise _JsonError(f"{name} is not a JSON value")


def parse_json(ctx, text: str):
    """Parse lenient JSON text into Deluge values, within the context's limits."""
    value = _parse_json(ctx, text)
    ctx.check_work(len(text))
    if may_hold_surrogates(text):
        return well_formed_value(value)
    return value


def _parse_json(ctx, text: str):
    if len(text) > MAX_JSON_CHARACTERS:
        raise DelugeError(
            f"The JSON text is {len(text)} characters long; the maximum is "
            f"{MAX_JSON_CHARACTERS}"
        )
    depth = ctx.limits.nesting_depth
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, _JsonError, RecursionError):
        # Not strict JSON, or nested past the interpreter's recursion limit:
        # the iterative reader gives the lenient reading or the limit error.
        pass
    else:
        return _normalize(ctx, value, depth)
    try:
        return _Reader(ctx, text).read()
    except _JsonError as error:
        raise DelugeError(f"Invalid JSON: {error}") from None


def _normalize(ctx, value, max_depth: int):
    """Check the standard parser's result against the limits.

    Integers outside Deluge's NUMBER range become DECIMAL.
    """
    if type(value) not in (dict, list):
        return _normalize_scalar(value)
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > max_depth:
            raise LimitExceeded("nesting depth", max_depth)
        ctx.check_size(len(item))
        entries = item.items() if type(item) is dict else enumerate(item)
        for key, child in entries:
            if type(child) is int and not NUMBER_MIN <= child <= NUMBER_MAX:
                item[key] = float(child)
            elif type(child) in (dict, list):
                stack.append((child, level + 1))
    return value


def _normalize_scalar(value):
    if type(value) is int and not NUMBER_MIN <= value <= NUMBER_MAX:
        return float(value)
    return value


@register((TEXT, MAP), "toMap", forms=METHOD, returns=MAP)
def to_map(ctx, text):
    """Parse JSON object text into a KEY-VALUE; a KEY-VALUE is copied.

    A map's text is JSON, so ``response.toMap()`` on a map that invokeurl
    already parsed gives the same map, as ``toJSONList`` does for a list.
    """
    if type(text) is dict:
        return dict(text)
    value = parse_json(ctx, text)
    if type(value) is not dict:
        raise DelugeError(f"toMap: {describe(text)} is not a JSON object")
    return value


@register((TEXT, LIST), "toJSONList", forms=METHOD, returns=LIST)
def to_json_list(ctx, value):
    """Parse JSON array text into a LIST; a LIST is copied."""
    if isinstance(value, list):
        return list(value)
    parsed = parse_json(ctx, value)
    if type(parsed) is not list:
        raise DelugeError(f"toJSONList: {describe(value)} is not a JSON array")
    return parsed


@register((TEXT, MAP), "getJSON", min_args=1, forms=METHOD, returns=None)
def get_json(ctx, value, key):
    """Return the value of ``key`` in a JSON object text or a map; null if absent."""
    mapping = value
    if type(value) is str:
        mapping = parse_json(ctx, value)
        if type(mapping) is not dict:
            raise DelugeError(f"getJSON: {describe(value)} is not a JSON object")
    if type(mapping) is Collection:
        mapping = mapping.as_map()
    if key is not None and type(value) is not str:
        # A map keeps its keys' types ({1: "a"}.getJSON(1) is "a"); JSON keys
        # are always text.
        found = mapping.get(lookup_key(key))
        if found is not None:
            return found
    return mapping.get(text_arg(key, "getJSON", "key"))


# XML -------------------------------------------------------------------------


def _json_to_xml(value) -> ElementTree.Element:
    """Build the XML tree Deluge queries for JSON text, under a ``root`` element."""
    root = ElementTree.Element("root")
    stack = [(root, value)]
    while stack:
        element, item = stack.pop()
        if type(item) is dict:
            for key, child in item.items():
                children = child if type(child) is list else [child]
                for each in children:
                    node = ElementTree.SubElement(element, render(key))
                    stack.append((node, each))
        elif type(item) is list:
            for each in item:
                node = ElementTree.SubElement(element, "element")
                stack.append((node, each))
        elif item is not None:
            element.text = render(item)
    return root


def _xml_root(ctx, text: str) -> ElementTree.Element:
    stripped = text.lstrip()
    if stripped.startswith("<"):
        try:
            return SafeElementTree.fromstring(stripped)
        except ElementTree.ParseError as error:
            raise DelugeError(f"executeXPath: invalid XML: {error}") from None
        except DefusedXmlException:
            # Its text is the repr of a Python exception, so name what is rejected.
            raise DelugeError(
                "executeXPath: invalid XML: a DTD, entity declarations and "
                "external references are not supported"
            ) from None
    return _json_to_xml(parse_json(ctx, text))


@contextlib.contextmanager
def _wall_time_checked(ctx):
    """Check the wall-time limit while elementpath evaluates an expression.

    An XPath such as ``//*[count(//*) > 1]`` is quadratic in the document
    size and elementpath has no timeout, so a trace function checks the
    deadline on every 1,000th Python call in this thread. ``LimitExceeded``
    derives from BaseException, so elementpath's handlers do not swallow it.
    The tracer that was set before (a debugger or coverage) comes back after.
    """
    previous = sys.gettrace()
    calls = 0

    def check(frame, event, arg):
        nonlocal calls
        calls += 1
        if calls % 1000 == 0:
            ctx.check_deadline()

    sys.settrace(check)
    try:
        yield
    finally:
        sys.settrace(previous)


_XPATH_NUMBER = re.compile(r"\s*-?(\d+\.?\d*|\.\d+)\s*")


def _xpath_number(text: str) -> float:
    """Convert a string value to a number as XPath 1.0's number() does."""
    return float(text) if _XPATH_NUMBER.fullmatch(text) else math.nan


def _numeric_comparison_data(self, context):
    # XPath 1.0 (section 3.4) compares a node with a number by the number of
    # the node's string value, so <id>6</id> = 6 is true. elementpath 5's
    # XPath1Parser compares the string with the number and finds no match.
    for left, right in super(type(self), self).iter_comparison_data(context):
        if type(left) is str and _is_xpath_numeric(right):
            left = _xpath_number(left)
        elif type(right) is str and _is_xpath_numeric(left):
            right = _xpath_number(right)
        yield left, right


def _is_xpath_numeric(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and type(value) is not bool


class _XPath1Parser(elementpath.XPath1Parser):
    """elementpath's XPath 1.0 parser with XPath 1.0 rules for = and !=."""


for _symbol in ("=", "!="):
    _token = _XPath1Parser.symbol_table[_symbol]
    _XPath1Parser.symbol_table[_symbol] = type(
        _token.__name__, (_token,), {"iter_comparison_data": _numeric_comparison_data}
    )


_ATTRIBUTE_STEP = re.compile(r"@([\w.:-]+)\s*$")


def _result_text(item, attribute: str | None) -> str:
    if isinstance(item, ElementTree.Element):
        tail, item.tail = item.tail, None
        try:
            return ElementTree.tostring(item, encoding="unicode")
        finally:
            item.tail = tail
    if type(item) is bool:
        return "true" if item else "false"
    if type(item) is float and item.is_integer():
        item = int(item)
    text = str(item)
    if attribute is not None:
        return f"<{attribute}>{text}</{attribute}>"
    return text


@register((TEXT,), "executeXPath", min_args=1, forms=METHOD, returns=TEXT)
def execute_xpath(ctx, text, path):
    """Evaluate an XPath 1.0 expression on XML or JSON text.

    Element results keep their tags, attributes come back wrapped in a tag
    named after them, and several results are joined with no separator.
    """
    path = text_arg(path, "executeXPath", "XPath")
    root = _xml_root(ctx, text)
    try:
        with _wall_time_checked(ctx):
            result = elementpath.select(
                ElementTree.ElementTree(root), path, parser=_XPath1Parser
            )
    except elementpath.ElementPathError as error:
        raise DelugeError(f"executeXPath: invalid XPath '{path}': {error}") from None
    match = _ATTRIBUTE_STEP.search(path)
    attribute = match.group(1) if match else None
    items = result if isinstance(result, list) else [result]
    return ctx.check_text("".join(_result_text(item, attribute) for item in items))

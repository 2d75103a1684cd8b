"""Tests of the JSON and XML built-ins."""

import time

import pytest

from runtime.builtins.json_xml import parse_json
from runtime.context import ExecutionContext
from runtime.errors import DelugeError, LimitExceeded
from runtime.limits import Limits
from runtime.registry import call_method
from tests.builtins.deluge import error_of, value_of


def test_strict_json_map():
    assert value_of('return "{\\"a\\": [1, 2.5, true, null]}".toMap();') == {
        "a": [1, 2.5, True, None]
    }


def test_lenient_bare_values():
    assert value_of('return "{id:5, ok:true, name:John Smith}".toMap();') == {
        "id": 5,
        "ok": True,
        "name": "John Smith",
    }


def test_lenient_single_quotes_with_escape():
    assert value_of("""return "{'a': 'it\\\\'s'}".toMap();""") == {"a": "it's"}


def test_get_json_on_text():
    assert value_of('return "{\\"a\\": {\\"b\\": 3}}".getJSON("a").getJSON("b");') == 3


def test_get_json_missing_key():
    assert value_of('return "{\\"a\\": 1}".getJSON("z");') is None


def test_get_json_on_number_is_error():
    with pytest.raises(DelugeError, match="NUMBER"):
        call_method(ExecutionContext(), 5, "getJSON", ("a",))


def test_to_json_list_of_objects():
    script = 'return "[{\\"a\\":1},{\\"a\\":2}]".toJSONList().get(1).get("a");'
    assert value_of(script) == 2


def test_to_map_of_array_is_error():
    assert "JSON object" in error_of('return "[1]".toMap();')


def test_duplicate_key_takes_last():
    assert parse_json(ExecutionContext(), "{a:1, a:2}") == {"a": 2}


def test_large_integer_becomes_decimal():
    assert parse_json(ExecutionContext(), "[123456789012345678901234]") == [
        1.2345678901234568e23
    ]


@pytest.mark.parametrize("text", ["{a:1", "[1,]x", "{:1}", "[1,2", "'abc", ""])
def test_invalid_json_is_error(text):
    with pytest.raises(DelugeError):
        parse_json(ExecutionContext(), text)


def test_deep_nesting_hits_limit():
    ctx = ExecutionContext(limits=Limits(nesting_depth=50))
    with pytest.raises(LimitExceeded) as caught:
        parse_json(ctx, "[" * 100_000 + "]" * 100_000)
    assert caught.value.limit == "nesting depth"


def test_nesting_within_limit():
    ctx = ExecutionContext(limits=Limits(nesting_depth=50))
    value = parse_json(ctx, "[" * 40 + "]" * 40)
    for _ in range(39):
        value = value[0]
    assert value == []


def test_collection_size_limit():
    ctx = ExecutionContext(limits=Limits(collection_size=10))
    with pytest.raises(LimitExceeded):
        parse_json(ctx, "[" + ",".join(["1"] * 11) + "]")


def test_xpath_text_node():
    assert value_of('return "<r><v>42</v></r>".executeXPath("/r/v/text()");') == "42"


def test_xpath_attribute_is_wrapped():
    script = 'return "<a href=\\"x.html\\">y</a>".executeXPath("/a/@href");'
    assert value_of(script) == "<href>x.html</href>"


def test_xpath_count():
    assert value_of('return "<r><v/><v/></r>".executeXPath("count(/r/v)");') == "2"


def test_xpath_on_json_array():
    script = 'return "{\\"ids\\": [7, 8]}".executeXPath("/root/ids[2]/text()");'
    assert value_of(script) == "8"


XPATH_ITEMS = "<r><i><id>5</id><n>x</n></i><i><id>6</id><n>y</n></i></r>"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/r/i[id=6]/n/text()", "y"),
        ("/r/i[id!=6]/n/text()", "x"),
        ("/r/i[id=6.0]/n/text()", "y"),
        ('/r/i[id="6"]/n/text()', "y"),
        ("/r/i/id = 5", "true"),
        ("/r/i[n=1]/n/text()", ""),
    ],
)
def test_xpath_compares_node_with_number(path, expected):
    # XPath 1.0: a node equals a number when its string value's number does.
    quoted = path.replace('"', '\\"')
    script = f'return "{XPATH_ITEMS}".executeXPath("{quoted}");'
    assert value_of(script) == expected


def test_xpath_invalid_is_error():
    assert "XPath" in error_of('return "<r/>".executeXPath("/r[");')


def test_xml_entity_expansion_is_rejected():
    bomb = (
        '<?xml version=\\"1.0\\"?><!DOCTYPE r [<!ENTITY a \\"aaaa\\">'
        '<!ENTITY b \\"&a;&a;&a;&a;\\">]><r>&b;</r>'
    )
    assert "invalid XML" in error_of(f'return "{bomb}".executeXPath("/r");')


def test_strict_json_past_depth_limit():
    ctx = ExecutionContext(limits=Limits(nesting_depth=5))
    with pytest.raises(LimitExceeded):
        parse_json(ctx, '{"a": [[[[[1]]]]]}')


def test_strict_json_scalar():
    assert parse_json(ExecutionContext(), "99999999999999999999") == 1e20
    assert parse_json(ExecutionContext(), '"x"') == "x"


def test_wide_strict_json_is_fast():
    text = "[" + ",".join('{"a": [1, 2]}' for _ in range(20_000)) + "]"
    started = time.monotonic()
    value = parse_json(ExecutionContext(), text)
    assert len(value) == 20_000
    assert time.monotonic() - started < 1


def test_quadratic_xpath_stops_at_deadline():
    ctx = ExecutionContext(limits=Limits(wall_time_seconds=0.5))
    document = "<r>" + "<a><b/></a>" * 3000 + "</r>"
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        call_method(ctx, document, "executeXPath", ("count(//*[count(//*) > 1])",))
    assert caught.value.limit == "wall time"
    assert time.monotonic() - started < 5


def test_lenient_reader_checks_deadline():
    ctx = ExecutionContext(limits=Limits(wall_time_seconds=0.0))
    with pytest.raises(LimitExceeded) as caught:
        parse_json(ctx, "[" + ",".join(["a"] * 20_000) + "]")
    assert caught.value.limit == "wall time"


def test_get_json_map_key_keeps_type():
    # The getJSON page: the key may be of any data type.
    assert value_of('m = {1: "a"}; return m.getJSON(1);') == "a"
    assert value_of('return "{\\"1\\": \\"a\\"}".getJSON(1);') == "a"


def test_to_map_of_map_is_copy():
    # A map's text is JSON, so toMap on a map gives an equal, separate map.
    script = 'm = {"a": 1}; c = m.toMap(); c.put("b", 2); return {m, c};'
    assert value_of(script) == [{"a": 1}, {"a": 1, "b": 2}]

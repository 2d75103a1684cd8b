"""Deluge scripts that try to reach Python fail cleanly and reach nothing."""

from zoneinfo import ZoneInfo

import pytest

from compiler import compile_function
from runtime import Limits, load_program
from runtime.namespace import HELPERS, build_namespace
from tests.security.scripts import (
    assert_clean_failure,
    assert_deluge_error,
    attempt,
    run_ok,
)

DUNDER_METHODS = [
    "__class__", "__init__", "__globals__", "__subclasses__", "__dict__",
    "__getattribute__", "__reduce_ex__", "__format__", "mro", "gi_frame",
    "f_back", "f_globals", "tb_frame", "co_code", "format", "format_map",
]  # fmt: skip

PYTHON_BUILTINS = [
    "eval", "exec", "open", "getattr", "setattr", "globals", "locals", "compile",
    "vars", "type", "dir", "__import__", "breakpoint", "input", "print", "range",
    "object", "super", "memoryview", "help", "exit",
]  # fmt: skip


@pytest.mark.parametrize("name", DUNDER_METHODS)
def test_dunder_method_on_literal_rejected(name):
    outcome = attempt(f'x = "abc";\nreturn x.{name}();')
    message = assert_clean_failure(outcome)
    assert outcome.compile_errors
    assert f"'{name}'" in message
    assert "(Line no: 2)" in message


@pytest.mark.parametrize("name", DUNDER_METHODS)
def test_dunder_method_on_parameter_is_runtime_error(name):
    # The type of a parameter is unknown at compile time when it has none,
    # so the dispatch table rejects the name while the script runs.
    for value in ("abc", 5, [1], {"a": 1}, None):
        outcome = attempt(
            f"y = 1;\nreturn x.{name}();",
            arguments={"x": value},
            parameters=[("x", None)],
        )
        message = assert_clean_failure(outcome)
        assert f"'{name}'" in message
        assert "(Line no: 2)" in message


@pytest.mark.parametrize("name", PYTHON_BUILTINS)
def test_python_builtin_as_function_undefined(name):
    outcome = attempt(f'return {name}("os");')
    message = assert_clean_failure(outcome)
    assert outcome.compile_errors
    assert f"Function '{name}' is not defined" in message


def test_dunder_names_are_plain_variables():
    source = (
        "__import__ = 1;\n__builtins__ = 2;\n__class__ = 3;\n"
        "return __import__ + __builtins__ + __class__;"
    )
    assert run_ok(source).output == 6


# ``info`` is a Deluge keyword, and ``Collection`` a reserved word, so
# neither can be a variable name at all.
SHADOW_NAMES = sorted(set(HELPERS) - {"info", "Collection"}) + [
    "ctx", "deluge_main", "deluge_parameters", "deluge_function_names", "len",
    "range", "__builtins__",
]  # fmt: skip


@pytest.mark.parametrize("name", SHADOW_NAMES)
def test_helper_name_as_variable_cannot_shadow(name):
    # Assigning a helper's name must not replace the helper: the sum below
    # goes through op_add or the checked NUMBER path, then info and a map.
    source = (
        f'{name} = 40;\nm = Map();\nm.put("k", {name} + 2);\n'
        f'info {name};\nreturn m.get("k");'
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == 42
    assert result.info == ["40"]


@pytest.mark.parametrize("name", ["v_x", "v_v_x", "tmp_1", "fn_main", "fn_x"])
def test_prefixed_variable_names_stay_apart(name):
    # Deluge x is Python v_x, so Deluge v_x (Python v_v_x) is a different
    # variable; tmp_ and fn_ names of the compiler become v_tmp_ and v_fn_.
    source = f"x = 1;\n{name} = 2;\ny = ifNull(null, 3);\nreturn x + {name} + y;"
    assert run_ok(source).output == 6


def test_helper_name_as_parameter_cannot_shadow():
    outcome = attempt(
        "return info + op_add + 1;",
        arguments={"info": 1, "op_add": 2},
        parameters=[("info", "int"), ("op_add", "int")],
    )
    assert outcome.compile_errors == []
    assert outcome.result.output == 4


def test_helper_name_as_function_call_undefined():
    for name in ("call_method", "make_list", "op_add", "thrown", "caught"):
        outcome = attempt(f"return {name}(1, 2);")
        message = assert_clean_failure(outcome)
        assert f"Function '{name}' is not defined" in message


def test_helper_name_as_local_function():
    # A function definition named like a helper becomes fn_<name>.
    source = (
        "string main()\n{\n    return op_add(1);\n}\n"
        'string op_add(int x)\n{\n    return "own " + x;\n}'
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == "own 1"


# The values scripts try to smuggle out of a string literal; each test
# writes them as a Deluge literal with backslash and quote escaped.
BREAKOUT_TEXTS = [
    '"""',
    "'''",
    '"); import os; os.system("touch /tmp/x"); ("',
    '\\" + __import__("os") + "',
    "\n__import__('os')\n",
    "\\",
    "\\u0000",
    "\x00",
    "{0.__class__}",
    "%s%s%s%n",
    "${x}",
    "*/ return 1; /*",
    "// comment",
]


def deluge_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@pytest.mark.parametrize("text", BREAKOUT_TEXTS)
def test_breakout_text_stays_a_constant(text):
    result = run_ok(f"x = {deluge_literal(text)};\nreturn x + x.length();")
    assert result.error is None
    assert result.output == text + str(len(text))


@pytest.mark.parametrize("source", [
    'x = """;\nreturn x;',
    'x = "abc\\";\nreturn x;',
    'x = "a" "b";\nreturn x;',
    'x = "a");\nimport os;\nreturn x;',
])  # fmt: skip
def test_broken_literal_is_syntax_error(source):
    outcome = attempt(source)
    assert outcome.compile_errors
    assert_clean_failure(outcome)


def test_string_literal_with_raw_newlines_and_nul():
    source = 'x = "line1\nline2\x00end""";\nreturn x;'
    outcome = attempt(source)
    if outcome.compile_errors:
        # A stray quote after the literal is a syntax error, which is fine.
        assert_clean_failure(outcome)
    source = 'x = "line1\nline2\x00end";\nreturn x.length();'
    assert run_ok(source).output == len("line1\nline2\x00end")


def test_very_long_string_literal():
    text = "a" * 200_000
    result = run_ok(f'x = "{text}";\nreturn x.length();')
    assert result.output == 200_000


def test_string_literal_over_text_limit():
    # A literal is a constant, but building on it still hits the text cap.
    text = "a" * 600_000
    result = run_ok(f'x = "{text}";\nreturn x + x;')
    assert result.limit == "text length"
    assert result.error.startswith(
        "Execution limit exceeded: text length (1000000 characters)"
    )


FORMAT_PAYLOADS = ["{0.__class__}", "{0.__init__.__globals__}", "{}", "%s", "%(a)s",
                   "%r%n", "{x!r:>10}", "$0 $1 \\1 \\g<0>"]  # fmt: skip


@pytest.mark.parametrize("payload", FORMAT_PAYLOADS)
def test_format_payload_is_plain_text(payload):
    escaped = payload.replace("\\", "\\\\")
    source = (
        f'p = "{escaped}";\n'
        "t = p.toUpperCase().toLowerCase();\n"
        "t = t.concat(p).trim();\n"
        't = t + p.replaceAll("q", p) + p.replaceFirst("q", p);\n'
        't = t + p.leftPad(20).trim() + p.subString(0) + p.remove("q");\n'
        "info p;\n"
        "return t;"
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == payload.lower() + payload * 6
    assert result.info == [payload]


def test_format_payload_as_replacement_is_literal():
    result = run_ok('x = "abc";\nreturn x.replaceAll("b", "{0.__class__}");')
    assert result.output == "a{0.__class__}c"


def test_format_payload_as_date_pattern():
    source = (
        "d = '01-Jan-2024 10:00:00';\nreturn d.toString(\"yyyy '{0.__class__}' '%s'\");"
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == "2024 {0.__class__} %s"


def test_catch_variable_has_only_message_and_line():
    source = "try\n{\n    x = 1 / 0;\n}\ncatch (e)\n{\n    return e;\n}"
    result = run_ok(source)
    assert result.error is None
    assert result.output == {"message": "Division by zero", "lineNo": 3}


def test_catch_variable_info_shows_message_and_line():
    source = (
        "try\n{\n    l = List();\n    x = l.get(9);\n}\ncatch (e)\n{\n"
        "    info e;\n    info e.message;\n    info e.lineNo;\n"
        "    return e.keys();\n}"
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == ["message", "lineNo"]
    assert result.info[0].startswith('{"message":"get: index 9 is out of range')
    assert result.info[0].endswith(',"lineNo":4}')
    assert result.info[2] == "4"


def test_catch_variable_is_a_copy_of_text():
    # The catch variable is a fresh map: methods that would walk a Python
    # exception object (its class, traceback, args) do not exist on it.
    source = (
        'try\n{\n    throw "boom";\n}\ncatch (e)\n{\n'
        '    return e.get("__traceback__") + "|" + e.get("args") + "|"'
        " + e.message;\n}"
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == "null|null|boom"


@pytest.mark.parametrize(
    "method", ["getClass", "__traceback__", "with_traceback", "args", "__cause__"]
)
def test_catch_variable_methods_unknown(method):
    source = f'try\n{{\n    throw "x";\n}}\ncatch (e)\n{{\n    return e.{method}();\n}}'
    message = assert_clean_failure(attempt(source))
    assert f"'{method}'" in message or f"'{method.lower()}'" in message


def test_caught_error_rethrown_is_text():
    source = "try\n{\n    x = 1 / 0;\n}\ncatch (e)\n{\n    throw e;\n}"
    result = run_ok(source)
    assert result.output is None
    assert result.error == ('{"message":"Division by zero","lineNo":3} (Line no: 7)')


def test_runtime_error_is_deluge_text_with_line():
    result = run_ok('x = "a";\ny = x.toLong();\nreturn y;')
    assert_deluge_error(result.error)
    assert result.error.endswith("(Line no: 2)")


def test_non_finite_decimal_to_number_is_deluge_error():
    # Regression: ceil and floor of Infinity or NaN raised OverflowError or
    # ValueError, which reached the caller as a Python exception name.
    square = "x = x * x;\n" * 12
    for expression, method in (
        ("x", "ceil"),
        ("x", "floor"),
        ("x - x", "ceil"),
        ("x - x", "floor"),
    ):
        source = f"x = 1.5;\n{square}y = {expression};\nreturn y.{method}();"
        result = run_ok(source)
        assert_deluge_error(result.error)
        assert result.error.startswith(f"{method}: ")
        assert "has no whole-number value" in result.error


def test_round_far_left_is_zero_not_internal_error():
    # Regression: round with a huge negative place count raised
    # decimal.InvalidOperation.
    result = run_ok("x = -9223372036854775807 - 1;\nreturn (5).round(x);")
    assert result.error is None
    assert result.output == 0


@pytest.mark.parametrize("call", ["t.unixEpoch(z)", 'n.toDateTimeString("yyyy", z)'])
def test_overlong_time_zone_is_deluge_error(call):
    # Regression: a time-zone name longer than a file name raised OSError.
    source = f'z = "{"A" * 300}";\nt = "01-Jan-2024 10:00:00";\nn = 0;\nreturn {call};'
    result = run_ok(source)
    if result.error is None:
        # unixEpoch reads an unknown zone as GMT, as documented by Zoho.
        assert call.startswith("t.unixEpoch")
        assert isinstance(result.output, int)
    else:
        assert_deluge_error(result.error)
        assert "is not a time zone" in result.error


def test_internal_error_names_no_python_type():
    # A fault inside the runtime is reported without its exception class.
    from runtime.registry import METHODS, builtin
    from runtime.values import TEXT

    @builtin(TEXT, "securityTestFault", forms="method")
    def fault(ctx, value):
        raise ZeroDivisionError("internal detail")

    try:
        result = run_ok('x = "a";\nreturn x.securityTestFault();')
    finally:
        del METHODS[(TEXT, "securitytestfault")]
    assert result.error == (
        "Internal error while running the script; the service log has the "
        "details (Line no: 2)"
    )
    assert "ZeroDivision" not in result.error


def test_namespace_builtins_are_minimal():
    namespace = build_namespace()
    assert set(namespace["__builtins__"]) == {"len", "range"}
    names = set(namespace) - {"__builtins__"}
    assert names == set(HELPERS)
    for name in (
        "getattr",
        "type",
        "eval",
        "exec",
        "open",
        "__import__",
        "compile",
        "globals",
        "locals",
        "vars",
        "setattr",
        "dir",
        "breakpoint",
    ):
        assert name not in namespace


def test_namespace_is_fresh_per_program():
    first = build_namespace()
    first["__builtins__"]["open"] = open
    first["op_add"] = None
    second = build_namespace()
    assert "open" not in second["__builtins__"]
    assert second["op_add"] is HELPERS["op_add"]


def test_limits_default_in_run():
    # The attack tests above run with the defaults of the service.
    assert Limits().statements == 5_000
    assert Limits().nested_calls == 75


@pytest.mark.parametrize(
    "name", ["deluge_main", "ctx", "__init__", "fn_main", "bm_0", "bf_0", "tick"]
)
def test_generated_name_as_local_function(name):
    source = (
        f"string main()\n{{\n    return {name}(1);\n}}\n"
        f'string {name}(int x)\n{{\n    return "own " + x;\n}}'
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == "own 1"


@pytest.mark.parametrize("name", ["ctx", "deluge_main", "__class__", "bm_0"])
def test_generated_name_as_parameter(name):
    outcome = attempt(
        f"return {name} + 1;", arguments={name: 41}, parameters=[(name, "int")]
    )
    assert outcome.compile_errors == []
    assert outcome.result.output == 42


@pytest.mark.parametrize("method", ["toUpperCase", "length", "__class__", "get"])
def test_method_without_call_is_compile_error(method):
    outcome = attempt(f'x = "abc";\ny = x.{method};\nreturn y;')
    message = assert_clean_failure(outcome)
    assert outcome.compile_errors
    # A method reference is never a value: it must be called.
    assert message.startswith(f"'.{method}' ")
    assert "parentheses" in message
    assert message.endswith("(Line no: 2)")


@pytest.mark.parametrize("name", ["ｅｖａｌ", "ｃｔｘ", "ｏｐ_add", "＿＿import＿＿"])
def test_fullwidth_identifier_is_rejected(name):
    # Python would fold these to ASCII names (NFKC); Deluge rejects them.
    outcome = attempt(f"{name} = 1;\nreturn {name}({name});")
    message = assert_clean_failure(outcome)
    assert outcome.compile_errors
    assert message.startswith(f"Unexpected character found '{name[0]}'")


def test_unicode_line_separators_stay_text():
    text = "a\u2028b\u2029c\x85d\x0be"
    result = run_ok(f'x = "{text}";\u2028y = 2;\nreturn x + y;')
    assert result.error is None
    assert result.output == text + "2"


@pytest.mark.parametrize("replacement, message", [
    ("${x}", "Replacement '${x}' names no group 'x'"),
    ("$9", "Replacement '$9' refers to group 9, but the pattern has 1 group(s)"),
])  # fmt: skip
def test_replacement_group_errors_are_deluge_text(replacement, message):
    result = run_ok(f'x = "abc";\nreturn x.replaceAll("(b)", "{replacement}");')
    assert_deluge_error(result.error)
    assert result.error == message + " (Line no: 2)"


@pytest.mark.parametrize("replacement, expected", [
    ("[$1]", "a[b]c"),
    # A backslash escapes the next character, as in Java's replaceAll.
    ("\\\\g<0>", "ag<0>c"),
    ("\\\\1", "a1c"),
    ("{0.__class__}%s", "a{0.__class__}%sc"),
])  # fmt: skip
def test_replacement_payload_is_text(replacement, expected):
    result = run_ok(f'x = "abc";\nreturn x.replaceAll("(b)", "{replacement}");')
    assert result.error is None
    assert result.output == expected


XML_DECLARATIONS = {
    "entity expansion": (
        '<!DOCTYPE l [<!ENTITY a \\"aaaaaaaaaa\\">'
        '<!ENTITY b \\"&a;&a;&a;&a;&a;&a;&a;&a;\\">]><l>&b;</l>'
    ),
    "external entity": (
        '<!DOCTYPE l [<!ENTITY a SYSTEM \\"file:///etc/passwd\\">]><l>&a;</l>'
    ),
}


@pytest.mark.parametrize("label", sorted(XML_DECLARATIONS))
def test_xml_declarations_rejected_as_deluge_text(label):
    source = f'x = "{XML_DECLARATIONS[label]}";\nreturn x.executeXPath("/l");'
    result = run_ok(source)
    assert_deluge_error(result.error)
    # The parser's exception used to reach the message as a Python repr.
    assert result.error == (
        "executeXPath: invalid XML: a DTD, entity declarations and external "
        "references are not supported (Line no: 2)"
    )
    assert run_ok('x = "<l>1</l>";\nreturn x.executeXPath("/l/text()");').output == "1"


@pytest.mark.parametrize("zone, source, message", [
    ("UTC", 'x = "0001-01-01T00:00:00+14:00";\nreturn x.toDateTime();',
     "toDateTime: '0001-01-01T00:00:00+14:00' is outside the supported date "
     "range (years 1 to 9999) (Line no: 2)"),
    ("UTC", 'x = "9999-12-31T23:59:59-14:00";\nreturn x.toDateTime();',
     "toDateTime: '9999-12-31T23:59:59-14:00' is outside the supported date "
     "range (years 1 to 9999) (Line no: 2)"),
    ("Etc/GMT+12", "d = '31-Dec-9999 23:59:59';\nreturn d;",
     "The date-time 9999-12-31 23:59:59 is outside the supported date range in "
     "the time zone Etc/GMT+12 (Line no: 1)"),
])  # fmt: skip
def test_date_range_edges_are_deluge_errors(zone, source, message):
    # These raised OverflowError, reported as an internal error.
    compiled = compile_function(source)
    result = load_program(compiled.code).run({}, tz=ZoneInfo(zone))
    assert_deluge_error(result.error)
    assert result.error == message


@pytest.mark.parametrize("call", [
    'ifNull("a": 1, 2)',
    'List("a": 1)',
    'Map("a": 1)',
    'f("a": 1)',
    'zoho.encryption.md5("a": 1)',
])  # fmt: skip
def test_pair_outside_collection_is_compile_error(call):
    # A pair passed to ifNull or a function became a Deluge value holding a
    # runtime object, which failed as an internal error when returned.
    source = (
        f"string main()\n{{\n    x = {call};\n    return x;\n}}\n"
        "string f(string x)\n{\n    return x;\n}"
    )
    outcome = attempt(source)
    message = assert_clean_failure(outcome)
    assert outcome.compile_errors
    assert message.endswith(
        "does not take a key: value pair; only Collection() and collection "
        "methods take pairs (Line no: 3)"
    )


def test_pair_in_collection_still_allowed():
    source = 'c = Collection("a": 1);\nc.insert("b": 2);\nreturn c;'
    assert run_ok(source).output == {"a": 1, "b": 2}

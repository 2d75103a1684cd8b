"""The cached dispatch gives the dispatch table's results and errors."""

import pytest

import runtime.namespace  # noqa: F401  (fills the dispatch table)
from runtime import dispatch, registry
from runtime.context import ExecutionContext
from runtime.errors import DelugeError
from runtime.values import MAP, TEXT, Collection


@pytest.fixture
def ctx():
    return ExecutionContext()


def test_cached_method_call(ctx):
    assert dispatch.call_method(ctx, {"a": 1}, "get", ("a",)) == 1
    assert dispatch.call_method(ctx, {"a": 2}, "get", ("a",)) == 2


def test_wrong_argument_count_raises_table_error(ctx):
    dispatch.call_method(ctx, "abc", "length", ())
    with pytest.raises(DelugeError, match="expects 0 argument"):
        dispatch.call_method(ctx, "abc", "length", (1,))


def test_unknown_method_raises_table_error(ctx):
    with pytest.raises(DelugeError, match="not applicable to a TEXT value"):
        dispatch.call_method(ctx, "abc", "nosuchmethod", ())


def test_collection_receiver_is_unwrapped(ctx):
    items = Collection()
    dispatch.call_method(ctx, items, "insert", (1,))
    assert dispatch.call_method(ctx, items, "size", ()) == 1


def test_function_forms(ctx):
    assert dispatch.call_function(ctx, "zoho.encryption.base64encode", ("a",)) == "YQ=="
    with pytest.raises(DelugeError, match="is not defined"):
        dispatch.call_function(ctx, "nosuchfunction", ())


def test_cache_follows_registry_changes(ctx):
    @registry.builtin(TEXT, "dispatchTestShout", forms="method")
    def shout(ctx, text):
        return text + "!"

    try:
        assert dispatch.call_method(ctx, "a", "dispatchtestshout", ()) == "a!"
    finally:
        del registry.METHODS[(TEXT, "dispatchtestshout")]
    with pytest.raises(DelugeError, match="not applicable"):
        dispatch.call_method(ctx, "a", "dispatchtestshout", ())


def test_bound_method_falls_back_for_other_class(ctx):
    namespace = {dispatch.BOUND_METHODS: ((MAP, 1, "get"),)}
    dispatch.bind_methods(namespace)
    bound = namespace["bm_0"]
    assert bound(ctx, {"k": 3}, "k") == 3
    assert bound(ctx, Collection({"k": 4}), "k") == 4
    with pytest.raises(DelugeError, match="not applicable to a TEXT value"):
        bound(ctx, "text", "k")


def test_unknown_bound_entry_raises_on_call(ctx):
    namespace = {dispatch.BOUND_METHODS: ((MAP, 0, "nosuchmethod"),)}
    dispatch.bind_methods(namespace)
    with pytest.raises(DelugeError, match="not applicable"):
        namespace["bm_0"](ctx, {})


def test_bound_put_skips_pair_check(ctx):
    # Bound calls skip the key: value check; the call still does its work.
    namespace = {dispatch.BOUND_METHODS: ((MAP, 2, "put"),)}
    dispatch.bind_methods(namespace)
    target = {}
    namespace["bm_0"](ctx, target, "k", 1)
    assert target == {"k": 1}


def test_pair_argument_is_not_bound():
    from compiler import compile_function

    source = 'm = Map();\nm.put("a": 1);\nreturn m;'
    result = compile_function(source)
    assert "bm_" not in result.python_source


def test_call_site_cache_follows_receiver_class(ctx):
    namespace = {dispatch.BOUND_METHODS: ((None, 0, "isempty"),)}
    dispatch.bind_methods(namespace)
    site = namespace["bm_0"]
    values = ["ab", "", [1], [], {"k": 1}, None, Collection(), "c", [2]]
    for value in values * 2:
        expected = dispatch.call_method(ctx, value, "isempty", ())
        assert site(ctx, value) is expected, value


def test_call_site_wrong_count_raises_table_error(ctx):
    namespace = {dispatch.BOUND_METHODS: ((None, 1, "length"),)}
    dispatch.bind_methods(namespace)
    with pytest.raises(DelugeError, match="expects 0 argument"):
        namespace["bm_0"](ctx, "abc", 1)


def test_unknown_receiver_method_is_bound():
    from compiler import compile_function
    from runtime import load_program

    result = compile_function("return x.length();", parameters=[("x", None)])
    assert "bm_0(ctx, v_x)" in result.python_source
    program = load_program(result.code)
    assert program.run({"x": "abcd"}).output == 4
    assert "not applicable to a LIST value" in program.run({"x": [1]}).error


def test_function_site_follows_first_argument(ctx):
    namespace = {dispatch.BOUND_FUNCTIONS: ((1, "isnull"), (1, "isempty"))}
    dispatch.bind_methods(namespace)
    for value in ["", "a", None, [], [1], {}, Collection(), 0, "b", None]:
        for index, name in enumerate(("isnull", "isempty")):
            expected = dispatch.call_function(ctx, name, (value,))
            assert namespace[f"bf_{index}"](ctx, value) is expected, (name, value)


def test_function_site_errors_match_table(ctx):
    namespace = {dispatch.BOUND_FUNCTIONS: ((1, "len"), (0, "len"), (2, "len"))}
    dispatch.bind_methods(namespace)
    assert namespace["bf_0"](ctx, "abc") == 3
    with pytest.raises(DelugeError, match="not applicable to a LIST value"):
        namespace["bf_0"](ctx, [1])
    with pytest.raises(DelugeError, match="expects a value to act on"):
        namespace["bf_1"](ctx)
    with pytest.raises(DelugeError, match="expects 0 argument"):
        namespace["bf_2"](ctx, "abc", 1)


def test_plain_function_site(ctx):
    namespace = {
        dispatch.BOUND_FUNCTIONS: (
            (1, "zoho.encryption.base64encode"),
            (0, "zoho.encryption.base64encode"),
        )
    }
    dispatch.bind_methods(namespace)
    assert namespace["bf_0"](ctx, "a") == "YQ=="
    with pytest.raises(DelugeError, match="argument"):
        namespace["bf_1"](ctx)


def test_function_call_is_bound():
    from compiler import compile_function
    from runtime import load_program

    result = compile_function("return isNull(x);", parameters=[("x", None)])
    assert "bf_0(ctx, v_x)" in result.python_source
    program = load_program(result.code)
    assert program.run({"x": None}).output is True
    assert program.run({"x": "a"}).output is False


def test_method_on_null_error_uses_documented_spelling(ctx):
    with pytest.raises(DelugeError) as caught:
        registry.call_method(ctx, None, "getday", ())
    assert caught.value.message == (
        "Function 'getDay' is not applicable to a NULL value"
    )

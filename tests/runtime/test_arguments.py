import pytest

from runtime.arguments import ArgumentError, convert_arguments

PARAMS = [
    ("who", "string"),
    ("times", "int"),
    ("rate", "float"),
    ("ok", "bool"),
    ("data", "map"),
    ("items", "list"),
]


def test_convert_declared_types():
    raw = {
        "who": "Ann",
        "times": "3",
        "rate": 2,
        "ok": "true",
        "data": '{"a": 1}',
        "items": [1, 2],
    }
    values = convert_arguments(PARAMS, raw)
    assert values == {
        "who": "Ann",
        "times": 3,
        "rate": 2.0,
        "ok": True,
        "data": {"a": 1},
        "items": [1, 2],
    }


def test_missing_argument_is_null():
    assert convert_arguments([("who", "string")], {}) == {"who": None}


def test_number_to_text_parameter():
    assert convert_arguments([("who", "string")], {"who": 12}) == {"who": "12"}


def test_bad_int_names_parameter_and_value():
    with pytest.raises(ArgumentError) as caught:
        convert_arguments([("times", "int")], {"times": "three"})
    assert "times" in str(caught.value)
    assert "three" in str(caught.value)


@pytest.mark.parametrize(
    ("declared", "value", "shown"),
    [
        ("int", True, "(got true)"),
        ("string", None, None),
        ("bool", "yes", "(got 'yes')"),
        ("int", {"a": [1, None]}, '(got {"a":[1,null]})'),
        ("map", [False], "(got [false])"),
    ],
)
def test_rejected_value_shown_as_json(declared, value, shown):
    """The message shows the value as the caller sent it in JSON, not as a
    Python literal (True, None, {'a': ...})."""
    if shown is None:
        assert convert_arguments([("p", declared)], {"p": value}) == {"p": None}
        return
    with pytest.raises(ArgumentError) as caught:
        convert_arguments([("p", declared)], {"p": value})
    assert str(caught.value).endswith(shown)


def test_huge_int_text_rejected_before_conversion():
    with pytest.raises(ArgumentError) as caught:
        convert_arguments([("n", "int")], {"n": "9" * 100_000})
    assert "too many digits" in str(caught.value)


def test_int_out_of_64_bits():
    with pytest.raises(ArgumentError):
        convert_arguments([("n", "int")], {"n": 2**63})


def test_arguments_must_be_object():
    with pytest.raises(ArgumentError):
        convert_arguments([("n", "int")], [1])

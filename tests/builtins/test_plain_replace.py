"""replaceAll and replaceFirst with plain search text skip the regex engine.

The shortcut must give exactly what the regular-expression path gives, so
these tests compare the two on generated text, and check the size limit.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import runtime.namespace  # noqa: F401  (registers the built-ins)
from runtime import safe_regex
from runtime.context import ExecutionContext
from runtime.errors import LimitExceeded
from runtime.limits import Limits
from runtime.registry import call_method

# Plain characters, a few of them repeated often so that matches happen.
PLAIN = st.text(alphabet="ab, -#\u00e9x", max_size=30)


def through_regex(ctx, text, search, replacement, count):
    pattern = safe_regex.compile_pattern(search)
    return safe_regex.substitute(ctx, pattern, lambda m: replacement, text, count)


@given(text=PLAIN, search=PLAIN, replacement=PLAIN, count=st.sampled_from([0, 1]))
def test_plain_replace_matches_regex_path(text, search, replacement, count):
    ctx = ExecutionContext(limits=Limits())
    expected = through_regex(ctx, text, search, replacement, count)
    assert safe_regex.replace_plain(ctx, text, search, replacement, count) == expected


@pytest.mark.parametrize(
    ("search", "plain"),
    [("A", True), (", ", True), ("a.b", False), ("x+", False), ("{", False)],
)
def test_plain_text_detection(search, plain):
    assert safe_regex.is_plain_text(search) is plain


def test_replace_all_plain_and_regex_forms():
    ctx = ExecutionContext(limits=Limits())
    assert call_method(ctx, "banana", "replaceAll", ("a", "4")) == "b4n4n4"
    assert call_method(ctx, "banana", "replaceFirst", ("a", "4")) == "b4nana"
    assert call_method(ctx, "a.b.c", "replaceAll", (".", "-")) == "-----"
    assert call_method(ctx, "a.b.c", "replaceAll", (".", "-", True)) == "a-b-c"
    assert call_method(ctx, "abc", "replaceAll", ("b", "$0$0")) == "abbc"


def test_plain_replace_result_is_capped():
    ctx = ExecutionContext(limits=Limits(text_length=1000))
    with pytest.raises(LimitExceeded) as caught:
        call_method(ctx, "a" * 600, "replaceAll", ("a", "bb"))
    assert caught.value.limit == "text length"

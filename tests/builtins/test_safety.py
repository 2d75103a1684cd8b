"""Tests that built-ins stay within time and size limits on hostile input."""

import time
from pathlib import Path

import pytest

from runtime.context import ExecutionContext
from runtime.errors import DelugeError, LimitExceeded
from runtime.limits import Limits
from runtime.registry import call_method

BUILTINS_DIR = Path(__file__).resolve().parents[2] / "runtime" / "builtins"


def context(**limits) -> ExecutionContext:
    return ExecutionContext(limits=Limits(**limits))


def test_catastrophic_regex_times_out():
    ctx = context(wall_time_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        call_method(ctx, "a" * 40 + "b", "matches", ("(a|aa)+$",))
    assert caught.value.limit == "wall time"
    assert "regular expression" in caught.value.message
    assert time.monotonic() - started < 5


def test_regex_after_deadline_fails_fast():
    ctx = context(wall_time_seconds=0.0)
    with pytest.raises(LimitExceeded):
        call_method(ctx, "abc", "replaceAll", ("b+", "x"))


def test_replace_all_output_is_capped():
    ctx = context(text_length=1000)
    with pytest.raises(LimitExceeded) as caught:
        call_method(ctx, "a" * 100, "replaceAll", ("", "x" * 50))
    assert caught.value.limit == "text length"


def test_leftpad_huge_width_is_capped():
    ctx = context(text_length=1000)
    started = time.monotonic()
    with pytest.raises(LimitExceeded):
        call_method(ctx, "a", "leftpad", (10**15,))
    assert time.monotonic() - started < 1


def test_concat_past_limit():
    ctx = context(text_length=10)
    with pytest.raises(LimitExceeded):
        call_method(ctx, "a" * 8, "concat", ("b" * 8,))


def test_to_string_of_huge_list_is_capped():
    ctx = context(text_length=100)
    with pytest.raises(LimitExceeded):
        call_method(ctx, list(range(1000)), "toString", ())


def test_format_value_is_literal_text():
    ctx = ExecutionContext()
    text = "{0.__class__}{}"
    assert call_method(ctx, text, "concat", ("{x}",)) == text + "{x}"
    assert call_method(ctx, text, "replaceAll", ("x", "{0}")) == text


def test_no_format_calls_in_builtins():
    sources = [path.read_text() for path in BUILTINS_DIR.glob("*.py")]
    sources.append((BUILTINS_DIR.parent / "date_patterns.py").read_text())
    for source in sources:
        assert ".format(" not in source
        assert "format_map" not in source
        assert "Formatter" not in source


def test_to_string_of_repeated_long_text_is_capped():
    ctx = context(text_length=10_000)
    repeated = ["x" * 5_000] * 100_000
    started = time.monotonic()
    with pytest.raises(LimitExceeded):
        call_method(ctx, repeated, "toString", ())
    assert time.monotonic() - started < 1


def test_to_string_of_self_containing_list():
    ctx = context(text_length=10_000)
    items = [1]
    items.append(items)
    with pytest.raises(LimitExceeded):
        call_method(ctx, items, "toString", ())


def test_error_message_of_huge_list_is_short():
    ctx = ExecutionContext()
    with pytest.raises(DelugeError) as caught:
        call_method(ctx, ["x" * 10_000] * 1_000, "toDecimal", ())
    assert len(caught.value.message) < 200

"""Tests of the TEXT built-ins."""

import pytest

from runtime.context import ExecutionContext
from runtime.errors import DelugeError
from runtime.registry import call_method
from tests.builtins.deluge import error_of, value_of


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('return "abcdef".subString(2, 4);', "cd"),
        ('return "abcdef".subString(2, -1);', "cdef"),
        ('return "abcdef".subString(3, 3);', ""),
        ('return "abcdef".subString(6);', ""),
        ('return "abc".indexOf("");', 0),
        ('return "a-b-c".lastIndexOf("-");', 3),
        ('return "Zoho".left(-2);', "Zoho"),
        ('return "Zoho".left(0);', ""),
        ('return "Zoho".right(0);', ""),
    ],
)
def test_indexes_are_zero_based(script, expected):
    assert value_of(script) == expected


@pytest.mark.parametrize(
    "script",
    [
        'return "abc".subString(-1, 2);',
        'return "abc".subString(1, 4);',
        'return "abc".subString(2, 1);',
        'return "Zoho".left(5);',
        'return "Zoho".right(5);',
        'return "Zoho".right(-1);',
    ],
)
def test_out_of_range_is_error(script):
    assert error_of(script)


def test_substring_error_names_value():
    message = error_of('return "abc".subString(5);')
    assert "5" in message
    assert "length 3" in message


def test_replace_all_uses_regex():
    assert value_of('return "a.b.c".replaceAll(".", "x");') == "xxxxx"


def test_replace_all_literal_flag():
    assert value_of('return "a.b.c".replaceAll(".", "x", true);') == "axbxc"


def test_replace_all_false_flag_is_regex():
    assert value_of('return "a1b2".replaceAll("[0-9]", "", false);') == "ab"


def test_replace_group_reference():
    script = 'return "John Smith".replaceAll("(\\\\w+) (\\\\w+)", "$2, $1");'
    assert value_of(script) == "Smith, John"


def test_replace_escaped_dollar():
    assert value_of('return "5".replaceAll("5", "\\\\$5");') == "$5"


def test_replace_literal_keeps_dollar():
    assert value_of('return "x".replaceAll("x", "$1", true);') == "$1"


def test_replace_bad_group_is_error():
    assert "group" in error_of('return "x".replaceAll("x", "$3");')


def test_replace_first_ignore_case():
    assert value_of('return "aAa".replaceFirstIgnoreCase("A", "-");') == "-Aa"


def test_invalid_regex_is_error():
    assert "regular expression" in error_of('return "x".replaceAll("(", "y");')


def test_matches_whole_text():
    assert value_of('return "abc123".matches("[a-z]+");') is False
    assert value_of('return "abc".matches("[a-z]+");') is True


def test_matches_escaped_dollar():
    assert value_of('return "$250".matches("\\\\$[0-9]+");') is True


def test_trim_removes_tabs_and_newlines():
    assert value_of('return "\\t x \\n".trim();') == "x"


def test_equals_ignore_case_keeps_sharp_s():
    assert value_of('return "straße".equalsIgnoreCase("STRASSE");') is False


def test_get_prefix_ignore_case():
    assert value_of('return "Key=Value".getPrefixIgnoreCase("=VALUE");') == "Key"


def test_get_suffix_ignore_case_missing():
    assert value_of('return "abc".getSuffixIgnoreCase("X");') is None


def test_occurrence_count_does_not_overlap():
    assert value_of('return "aaaa".getOccurenceCount("aa");') == 2


def test_remove_takes_every_occurrence():
    assert value_of('return "a-b-c".remove("-");') == "abc"


def test_remove_is_literal():
    assert value_of('return "a.b".remove(".");') == "ab"


def test_letters_are_unicode():
    assert value_of('return "Café-42".getAlpha();') == "Café"
    assert value_of('return "Café-42".removeAllAlphaNumeric();') == "-"


def test_proper_lowers_rest_of_word():
    assert value_of('return "hELLO wORLD".proper();') == "Hello World"


def test_reverse_of_list_is_text():
    assert value_of("return reverse({1, 2, 3});") == "3,2,1"


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('return "ab".leftpad(5);', "   ab"),
        ('return "ab".rightpad(5);', "ab   "),
        ('return "abcdef".leftpad(3);', "abcdef"),
        ('return leftpad("ab", -4);', "ab"),
    ],
)
def test_padding_to_total_width(script, expected):
    assert value_of(script) == expected


def test_to_list_keeps_trailing_empty():
    assert value_of('return "a,b,".toList(",");') == ["a", "b", ""]


def test_to_list_without_separator_is_one_element():
    # Zoho's toList page: no separator gives the whole text as one element.
    assert value_of('return "a,b".toList();') == ["a,b"]


def test_to_list_string_of_list():
    assert value_of("return {1, true}.toListString();") == ["1", "true"]


def test_concat_number():
    assert value_of('return "n".concat(5);') == "n5"


def test_contains_empty_text():
    assert value_of('return "abc".contains("");') is True


def test_not_contains():
    assert value_of('return "abc".notContains("z");') is True


def test_java_quoted_pattern():
    assert value_of('return "a.b+c".replaceAll("\\\\Q.b+\\\\E", "-");') == "a-c"


def test_java_named_backreference():
    assert value_of('return "xx".matches("(?<n>x)\\\\k<n>");') is True


def test_posix_class_pattern():
    assert value_of('return "Abc".matches("\\\\p{Alpha}+");') is True


def test_get_suffix_ignore_case_dotted_capital():
    assert value_of('return "İx-KEY-rest".getSuffixIgnoreCase("key-");') == "rest"


def test_get_prefix_ignore_case_regex_characters():
    assert value_of('return "a.b".getPrefixIgnoreCase(".");') == "a"


def test_ignore_case_input_limit():
    ctx = ExecutionContext()
    big = "a" * (300 * 1024 + 1)
    with pytest.raises(DelugeError, match="300 KB"):
        call_method(ctx, big, "replaceAllIgnoreCase", ("a", "b"))
    with pytest.raises(DelugeError, match="300 KB"):
        call_method(ctx, big, "getPrefixIgnoreCase", ("b",))
    assert call_method(ctx, "a" * 1000, "getPrefixIgnoreCase", ("A",)) == ""

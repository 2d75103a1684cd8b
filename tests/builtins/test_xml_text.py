"""Tests of toXML and the Java HashMap key order it reproduces."""

from runtime.builtins.xml_text import hash_map_order, java_string_hash
from tests.builtins.deluge import error_of, run_script, value_of


def test_java_string_hash_matches_java():
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("") == 0
    # U+1F600 is the surrogate pair D83D DE00 in UTF-16.
    assert java_string_hash("\U0001f600") == 0xD83D * 31 + 0xDE00


def test_hash_map_order_of_doc_keys():
    assert hash_map_order(["Name", "OrderNo"]) == ["OrderNo", "Name"]


def test_hash_map_order_keeps_insertion_within_bucket():
    # "Aa" and "BB" have the same Java hash, so they share a bucket.
    assert java_string_hash("Aa") == java_string_hash("BB")
    assert hash_map_order(["BB", "Aa"]) == ["BB", "Aa"]
    assert hash_map_order(["Aa", "BB"]) == ["Aa", "BB"]


def test_hash_map_order_grows_the_table():
    keys = [f"key{number}" for number in range(40)]
    ordered = hash_map_order(keys)
    assert sorted(ordered) == sorted(keys)
    assert ordered != keys


def test_to_xml_of_empty_null_and_nested_values():
    script = 'm = {"a": "", "b": null, "c": {"d": 1.5}};\nreturn m.toXML();'
    assert value_of(script) == "<root><a/><b>null</b><c><d>1.5</d></c></root>"


def test_to_xml_of_nested_array():
    script = 'return "{a:[[1,2],3]}".toXML();'
    expected = "<root><a><array>1</array><array>2</array></a><a>3</a></root>"
    assert value_of(script) == expected


def test_to_xml_escapes_markup():
    script = 'return {"t": "<b>\'x\'\\"</b>"}.toXML();'
    assert value_of(script) == (
        "<root><t>&lt;b&gt;&apos;x&apos;&quot;&lt;/b&gt;</t></root>"
    )


def test_to_xml_rejects_json_array():
    assert "not a JSON object" in error_of('return "[1, 2]".toXML();')


def test_to_xml_of_self_containing_list_hits_nesting_limit():
    script = 'l = List();\nl.add(l);\nm = {"k": l};\nreturn m.toXML();'
    result = run_script(script)
    assert result.limit == "nesting depth"


def test_to_xml_checks_text_length():
    script = (
        'big = "x".leftpad(200000);\nl = List();\n'
        "for each i in {1,2,3,4,5,6,7,8,9,10}\n{\n\tl.add(big);\n}\n"
        'm = {"k": l};\nreturn m.toXML();'
    )
    result = run_script(script)
    assert result.limit == "text length"

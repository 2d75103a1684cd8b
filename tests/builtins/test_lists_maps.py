"""Tests of the LIST, KEY-VALUE and COLLECTION built-ins."""

import pytest

from tests.builtins.deluge import error_of, value_of


def test_distinct_keeps_number_and_text_apart():
    assert value_of('return {"1", 1, 1, 2, 2, 3}.distinct();') == ["1", 1, 2, 3]


def test_distinct_keeps_boolean_and_number_apart():
    assert value_of("return {1, true, 1, true}.distinct();") == [1, True]


def test_distinct_of_nested_lists():
    assert value_of("return {{1, 2}, {1, 2}, {2}}.distinct();") == [[1, 2], [2]]


def test_contains_compares_numbers_by_value():
    assert value_of("return {1, 2}.contains(2.0);") is True
    assert value_of('return {1, 2}.contains("2");') is False


def test_sort_descending():
    assert value_of("return {3, 1.5, 2}.sort(false);") == [3, 2, 1.5]


def test_sort_is_in_place():
    assert value_of("l = {3, 1, 2}; l.sort(); return l;") == [1, 2, 3]
    assert value_of("l = {3, 1, 2}; s = l.sort(false); return l;") == [3, 2, 1]


def test_sort_of_mixed_types_keeps_list():
    assert value_of('l = {3, "a", 1}; s = l.sort(); return {s, l};') == [
        None,
        [3, "a", 1],
    ]


def test_sort_of_dates():
    script = "return {'02-Jan-2020', '01-Jan-2020'}.sort().get(0).getDay();"
    assert value_of(script) == 1


def test_sort_of_maps_is_null():
    assert value_of('return {{"a": 1}, {"b": 2}}.sort();') is None


@pytest.mark.parametrize(
    "script",
    [
        "return {1, 2}.get(2);",
        "return {1, 2}.get(-1);",
        "return {1, 2}.subList(1, 0);",
        "return {1, 2}.subList(3);",
        'return {1, 2}.get("x");',
        "l = {1}; l.insert(5, 2); return l;",
    ],
)
def test_list_index_errors(script):
    assert error_of(script)


def test_get_error_names_index_and_size():
    message = error_of("return {1, 2}.get(2);")
    assert "index 2" in message
    assert "2 element" in message


def test_insert_at_index():
    assert value_of('l = {"a", "c"}; l.insert(1, "b"); return l;') == ["a", "b", "c"]


def test_remove_element_first_only():
    assert value_of("l = {1, 2, 1}; l.removeElement(1); return l;") == [2, 1]


def test_remove_all_elements():
    assert value_of("l = {1, 2, 1, 3}; l.removeAll({1, 3}); return l;") == [2]


def test_intersect_in_receiver_order():
    assert value_of("return {3, 1, 2, 1}.intersect({1, 3});") == [3, 1]


def test_typed_list_converts_on_add():
    assert value_of("l = List:String(); l.add(5); return l;") == ["5"]


def test_typed_list_rejects_on_add():
    assert "element" in error_of('l = List:Int(); l.add("x"); return l;')


def test_clear_and_size():
    assert value_of("l = {1, 2}; l.clear(); return l.size();") == 0


def test_aggregates():
    assert value_of('return {1, "2", 3.5}.largest();') == 3.5
    assert value_of("return {4, 2, 9}.smallest();") == 2
    assert value_of("return {1, 2, 3}.sum();") == 6
    assert value_of("return {1, 2}.average();") == 1.5
    assert value_of("return {5, 1, 3, 2}.median();") == 2.5
    assert value_of("return {5, 1, 3}.nthLargest(2);") == 3


def test_largest_of_empty_list():
    assert value_of("return List().largest();") is None


def test_largest_of_text_is_error():
    assert "number" in error_of('return {1, "a"}.largest();')


def test_map_put_keeps_first_position():
    script = 'm = Map(); m.put("a", 1); m.put("b", 2); m.put("a", 3); return m.keys();'
    assert value_of(script) == ["a", "b"]


def test_map_values_and_size():
    assert value_of('m = {"a": 1, "b": 2}; return m.values();') == [1, 2]
    assert value_of('m = {"a": 1, "b": 2}; return m.size();') == 2


def test_map_contain_value_by_equality():
    assert value_of('m = {"a": 2}; return m.containValue(2.0);') is True


def test_map_list_key_keeps_its_type():
    # Zoho's keys page: {{"Creator", "CRM"} : "Products"} has a list as key.
    script = 'm = Map(); m.put({1, {2}}, "x"); m.put({1, {2}}, "y"); return m;'
    assert value_of(script) == {"1,[2]": "y"}
    assert value_of('m = {{1, 2}: "x"}; return m.keys().get(0).size();') == 2
    assert value_of('m = {{1, 2}: "x"}; return m.get({1, 2});') == "x"
    assert value_of('m = {{1, 2}: "x"}; m.remove({1, 2}); return m;') == {}


def test_map_key_value_key_is_error():
    assert error_of('m = Map(); m.put({"a": 1}, 2); return m;')


def test_map_date_without_time_takes_midnight():
    # Zoho's create-map and put pages: 00:00:00 is added to a date.
    assert value_of("m = {\"d\": '01-Jan-2019'}; return m;") == {
        "d": "01-Jan-2019 00:00:00"
    }
    assert value_of("m = {'01-Jan-2019': 1}; return m.keys();") == [
        "01-Jan-2019 00:00:00"
    ]


def test_empty_braces_become_map_on_put():
    assert value_of('c = {}; c.put("k", 1); return c;') == {"k": 1}


def test_empty_braces_become_list_on_add():
    assert value_of("c = {}; c.add(1); return c;") == [1]


def test_collection_remove_by_kind():
    assert value_of('c = Collection("a": 1, "b": 2); c.remove("a"); return c;') == {
        "b": 2
    }
    assert value_of('c = Collection("x", "y"); c.remove(0); return c;') == ["y"]


def test_collection_get_out_of_range():
    assert "index 4" in error_of('c = Collection("a", "b", "c", "d"); return c.get(4);')


def test_collection_insert_value_into_key_collection():
    assert error_of('c = Collection("a": 1); c.insert("b"); return c;')


def test_collection_insert_all_pairs():
    script = 'c = Collection(); c.insertAll({"a": 1, "b": 2}); return c.get("b");'
    assert value_of(script) == 2


def test_collection_update_and_delete():
    script = (
        'c = Collection("a": 1, "b": 2); c.update("a", 5); c.deleteKey("b"); return c;'
    )
    assert value_of(script) == {"a": 5}


def test_collection_sort_key():
    script = 'c = Collection("b": 1, "a": 2); return c.sortKey().keys();'
    assert value_of(script) == ["a", "b"]


def test_collection_get_key_of_missing_value():
    assert value_of('c = Collection("a": 1); return c.getKey(9);') is None


def test_collection_size_and_empty():
    assert value_of("return Collection().isEmpty();") is True
    assert value_of('return Collection("x").size();') == 1


def test_date_list_reads_epoch_number():
    script = "l = List:Date(); l.add(1000); return l;"
    assert value_of(script, tz="America/Los_Angeles") == ["31-Dec-1969 16:00:01"]


def test_map_put_date_gets_time():
    assert value_of("m = Map(); m.put(\"d\", '01-Jan-2020'); return m;") == {
        "d": "01-Jan-2020 00:00:00"
    }


def test_date_list_takes_epoch_milliseconds():
    assert value_of("l = List:Date({0});\nreturn l.get(0);") == "01-Jan-1970 00:00:00"
    script = "l = List:Date();\nl.add(86400000);\nreturn l.get(0).getDay();"
    assert value_of(script) == 2


def test_date_list_rejects_other_text():
    assert "cannot be an element" in error_of('return List:Date({"soon"});')


def test_collection_sort_is_in_place():
    script = 'c = Collection("b": 2, "a": 3, "c": 1);\nc.sort();\nreturn c.keys();'
    assert value_of(script) == ["c", "b", "a"]
    script = 'c = Collection("b": 2, "a": 3);\nc.sortKey(false);\nreturn c.keys();'
    assert value_of(script) == ["b", "a"]


def test_collection_sort_of_mixed_values_is_null():
    script = 'c = Collection(1, "a");\nr = c.sort();\nreturn {r, c};'
    assert value_of(script) == [None, [1, "a"]]


def test_collection_delete_by_value():
    script = 'c = Collection("a": 1, "b": 2, "c": 1);\nc.delete(1);\nreturn c;'
    assert value_of(script) == {"b": 2}


def test_collection_duplicate_of_key_collection():
    script = 'c = Collection("a": 1, "b": 2, "c": 3);\nreturn c.duplicate(1, 3);'
    assert value_of(script) == [2, 3]


def test_collection_duplicate_bad_index_names_function():
    message = error_of('return Collection("a").duplicate(0, 5);')
    assert message.startswith("duplicate: end index 5")


def test_get_on_empty_list_says_empty():
    assert "the list is empty" in error_of("l = List();\nreturn l.get(0);")


def test_distinct_follows_equality_of_dates_and_maps():
    # '01-Jan-2019' == '01-Jan-2019 00:00:00', and maps compare by content.
    dates = "return {'01-Jan-2019', '01-Jan-2019 00:00:00'}.distinct().size();"
    assert value_of(dates) == 1
    maps = 'return {{"a": 1, "b": 2}, {"b": 2, "a": 1}}.distinct().size();'
    assert value_of(maps) == 1


def test_to_collection_kinds():
    assert value_of('return "{a:1, b:2}".toCollection().keys();') == ["a", "b"]
    assert value_of('return "{x, y}".toCollection().size();') == 2
    assert value_of('return "p,q,r".toCollection().get(2);') == "r"
    assert value_of("return {1, 2}.toCollection().size();") == 2


def test_get_as_string_renders_element():
    assert value_of("return {10, 2.5}.getAsString(0);") == "10"
    assert value_of('return Collection("k" : 7).getAsString(0);') == "7"
    assert "out of range" in error_of('return "a,b".getAsString(2);')

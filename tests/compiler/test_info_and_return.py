from tests.compiler.helpers import info_lines, output, run


def test_info_forms():
    assert info_lines('info "a";\ninfo ("b");\ninfo 3;') == ["a", "b", "3"]


def test_info_renders_values():
    source = (
        'info {1, 2, 3};\ninfo {"product": "Creator", "id": 2};\ninfo null;\ninfo true;'
    )
    assert info_lines(source) == [
        "1,2,3",
        '{"product":"Creator","id":2}',
        "null",
        "true",
    ]


def test_return_without_value_in_void():
    result = run("info 1;\nreturn;", return_type="void")
    assert result.error is None
    assert result.output is None


def test_return_type_mismatch_names_both_types():
    result = run(
        "return x;", arguments={"x": "a"}, parameters=[("x", None)], return_type="int"
    )
    assert "NUMBER" in result.error or "INT" in result.error
    assert "TEXT" in result.error


def test_int_widens_to_float():
    result = run("x = 2;\nreturn x;", return_type="float")
    assert result.output == 2.0
    assert isinstance(result.output, float)


def test_return_map_as_json():
    assert output('return {"a": [1, "b"], "c": null};') == {"a": [1, "b"], "c": None}


def test_wrong_return_type_names_return_line():
    result = run("x = 1;\nreturn '01-Jan-2024';", return_type="int")
    assert result.error.startswith("Invalid return type")
    assert result.error.endswith("(Line no: 2)")
    assert result.line == 2


def test_wrong_return_type_in_branch_names_its_line():
    source = 'x = 1;\nif (x > 0)\n{\n    return m;\n}\nreturn "ok";'
    result = run(
        source, {"m": {"a": 1}}, parameters=[("m", None)], return_type="string"
    )
    assert "KEY-VALUE" in result.error
    assert result.line == 4


def test_empty_braces_returned_as_map():
    result = run("x = {};\nreturn x;", return_type="map")
    assert result.error is None
    assert result.output == {}


def test_empty_braces_returned_as_list():
    result = run("x = {};\nreturn x;", return_type="list")
    assert result.error is None
    assert result.output == []


def test_key_collection_returned_as_map():
    result = run('c = Collection("a": 1);\nreturn c;', return_type="map")
    assert result.output == {"a": 1}

from tests.compiler.helpers import info_lines, output


def test_for_each_over_list_with_continue():
    source = """
tags = {"vpn", "email", "printer"};
for each t in tags
{
    if (t == "email")
    {
        continue;
    }
    info t;
}
return t;
"""
    assert info_lines(source) == ["vpn", "printer"]
    assert output(source) == "printer"


def test_for_each_over_text_splits_on_commas():
    assert info_lines('for each p in "a,b,c" { info p; }') == ["a", "b", "c"]


def test_for_each_index():
    source = """
names = {"Ann", "Bo"};
out = "";
for each index i in names
{
    out = out + i;
}
return out;
"""
    assert output(source) == "01"


def test_break_leaves_loop():
    source = """
n = 0;
for each x in {1, 2, 3, 4}
{
    if (x == 3) { break; }
    n = n + x;
}
return n;
"""
    assert output(source) == 3


def test_statement_count_per_iteration():
    # 1 assignment + 5 iterations of (header + 2 body statements), as in
    # Deluge's documented example of the statement limit.
    from tests.compiler.helpers import run

    source = """
l = {1, 2, 3, 4, 5};
for each x in l
{
    a = x;
    b = x;
}
"""
    assert run(source).statements == 1 + 5 * 3


def test_elements_added_in_body_not_visited():
    source = """
l = {1, 2, 3};
for each x in l
{
    l.add(x * 10);
    info x;
}
return l;
"""
    assert info_lines(source) == ["1", "2", "3"]
    assert output(source) == [1, 2, 3, 10, 20, 30]


def test_removing_in_body_skips_nothing():
    source = """
l = {1, 2, 3};
for each x in l
{
    l.remove(0);
    info x;
}
return l.size();
"""
    assert info_lines(source) == ["1", "2", "3"]
    assert output(source) == 0


def test_map_at_run_time_is_rejected_like_literal():
    from tests.compiler.helpers import errors, run

    assert errors('for each k in {"a": 1} { info k; }')
    result = run("for each k in m { info k; }", {"m": {"a": 1}}, [("m", None)])
    assert "cannot iterate a KEY-VALUE value" in result.error
    assert "keys()" in result.error
    assert result.error.endswith("(Line no: 1)")


def test_map_keys_iterate():
    assert info_lines('m = {"a": 1, "b": 2};\nfor each k in m.keys() { info k; }') == [
        "a",
        "b",
    ]


def test_loop_variable_after_empty_loop_names_variable():
    from tests.compiler.helpers import run

    result = run("for each x in List() { info x; }\nreturn x;")
    assert result.error.startswith("Variable 'x' is not defined")
    assert result.error.endswith("(Line no: 2)")

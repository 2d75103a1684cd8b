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

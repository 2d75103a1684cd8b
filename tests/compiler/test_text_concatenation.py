from tests.compiler.helpers import output


def test_text_plus_number():
    assert output('n = 3;\nreturn "Items: " + n;') == "Items: 3"


def test_number_plus_text():
    assert output('return 1 + "a";') == "1a"


def test_text_plus_list_and_map():
    assert output('l = {1, 2};\nreturn "l=" + l;') == "l=1,2"
    assert output('m = {"a": 1};\nreturn "m=" + m;') == 'm={"a":1}'


def test_text_plus_decimal_and_null():
    assert output('return "d=" + 2.0;') == "d=2.0"
    assert output('return "n=" + null;') == "n=null"

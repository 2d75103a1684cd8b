"""The one-expression lexer gives the tokens Lark's contextual lexer would."""

from compiler.parser import get_parser
from tests.compiler.helpers import compile_ok, errors, output


def test_lexer_covers_every_grammar_terminal():
    lexer = get_parser().lexer
    produced = set(lexer.names) | set(lexer.keywords.values()) | {"TASK_KEY"}
    lark = _lark_terminals()
    assert produced == lark


def _lark_terminals() -> set:
    from lark import Lark

    from compiler.parser import GRAMMAR_PATH

    grammar = Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr")
    return {t.name for t in grammar.terminals} - set(grammar.ignore_tokens)


def test_keyword_where_only_name_fits_is_variable():
    assert output("each = 2;\nreturn each + 1;") == 3


def test_keyword_in_any_case():
    assert output("x = TRUE;\nIF (x) { RETURN 1; }\nreturn 2;") == 1


def test_name_starting_with_keyword():
    assert output("iffy = 1;\ninfo_text = 2;\nreturn iffy + info_text;") == 3


def test_line_comment_at_end_of_text():
    assert output("x = 1;\nreturn x; // the end") == 1


def test_block_comment_at_end_of_text():
    assert output("x = 1;\nreturn x; /* the\nend */") == 1


def test_colon_key_in_map_is_expression():
    assert output('k = "a";\nm = {k: 1};\nreturn m;') == {"a": 1}


def test_task_keys_with_spaces_and_hyphens():
    source = (
        'r = invokeurl\n[\n    url: "https://example.test/"\n    type: POST\n'
        '    content type: "application/json"\n    response-format: JSON\n];'
    )
    assert compile_ok(source).blocking


def test_typed_list_literal():
    assert output('l = List:String({"a", "b"});\nreturn l;') == ["a", "b"]


def test_decimal_forms():
    assert output("return 1.5 + .5 + 2.;") == 4.0


def test_multiline_string_keeps_positions():
    found = errors('s = "a\nb";\nx = y;')
    assert [(d.line, d.column) for d in found] == [(3, 5)]


def test_insert_into_is_creator_only():
    found = errors('insert into Orders\n[\n    Name = "a"\n];')
    assert "Zoho Creator statement" in found[0].message

"""The lexer gives the tokens of Lark's contextual lexer on every known script.

Lark's LALR parser with its contextual lexer is the reference: each script of
the conformance cases, the examples and the benchmark corpus is lexed both
ways, feeding each parser its own tokens, and the token streams must match.
"""

import json
from pathlib import Path

import pytest
from lark import Lark
from lark.exceptions import UnexpectedInput

from benchmarks.compile_throughput import generate_corpus
from compiler.lalr import _Recovery
from compiler.parser import GRAMMAR_PATH, get_parser
from compiler.source import scan

REPOSITORY = Path(__file__).resolve().parents[2]
# Scripts where the token depends on the parser state or on priorities.
CONTEXT_CASES = [
    "each = 1;\nin = 2;\nfor each x in {each, in} { info x; }",
    "info = 1;",
    "x = info;",
    "return = 1;",
    'r = invokeurl [ url: "https://a.test/" type: GET content type: "x" ];',
    'r = invokeurl [ url :u response-format: JSON headers: {"a": 1} ];',
    'm = {a: 1, "b": list};',
    'l = List:String({"a"});\nlist = List();\nlistx = 1;',
    "x = 1.5 + .5 + 2. + 3.toString().length();",
    "insert into Form [ a = 1 ];",
    "insertinto = 1;\ninsert = 2;",
    "x = a.b.c;\ny = zoho.currentdate;",
    "x = 1; // comment\n/* block\ncomment */ y = 2; //",
    "if(x) {} else if (y) {} else {}",
    "x = TRUE && False || NULL;",
    "s = \"multi\nline\";\nt = 'x';",
]


def scripts() -> list[str]:
    found = []
    cases = REPOSITORY / "tests" / "data" / "conformance.jsonl"
    for line in cases.read_text(encoding="utf-8").splitlines():
        if line.strip():
            script = json.loads(line).get("script")
            if isinstance(script, str):
                found.append(script)
    for path in sorted((REPOSITORY / "examples").rglob("*.dg")):
        found.append(path.read_text(encoding="utf-8"))
    found.append(generate_corpus(200))
    return found + CONTEXT_CASES


@pytest.fixture(scope="module")
def reference() -> Lark:
    grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=True)


def reference_tokens(reference: Lark, text: str) -> tuple[list, tuple | None]:
    """Return the tokens the reference parser took and where it failed."""
    interactive = reference.parse_interactive(text)
    tokens = []
    try:
        for token in interactive.iter_parse():
            tokens.append((token.type, str(token), token.line, token.column))
    except UnexpectedInput as error:
        where = (error.line, error.column)
        if tokens and tokens[-1][2:] == where:
            tokens.pop()  # lexed, then rejected by the parser
        return tokens, where
    return tokens, None


def own_tokens(text: str) -> tuple[list, tuple | None]:
    run = _Recovery(get_parser(), text)
    tokens = []
    for token in run._tokens():
        if token is None:
            problem = run.problems[-1]
            return tokens, (problem.line, problem.column)
        if not run._feed(token):
            return tokens, (token.line, token.column)
        tokens.append((token.type, token.value, token.line, token.column))
    return tokens, None


def test_scripts_are_found():
    assert len(scripts()) > 100


def test_token_streams_match_reference(reference):
    compared = 0
    for script in scripts():
        scanned = scan(script, 100)
        if not scanned.ok:
            continue
        expected = reference_tokens(reference, scanned.text)
        assert own_tokens(scanned.text) == expected, script[:300]
        compared += 1
    assert compared > 100

"""The invoke path reads the query string as Starlette's QueryParams does."""

import json
import urllib.parse

from hypothesis import given
from hypothesis import strategies as st

from server.invoke import parse_query
from tests.server.live import create_callback

ECHO = {
    "name": "echo",
    "api_name": "echo",
    "return_type": "string",
    "parameters": [{"name": "text", "type": "string"}],
    "script": "return text;",
    "publish": True,
}


def base_query(live) -> str:
    record = create_callback(live, **ECHO).json()
    return record["url"].split("?", 1)[1]


def test_query_percent_encoded_utf8(live):
    query = base_query(live)
    arguments = "%7B%22text%22%3A%22caf%C3%A9%20%E2%9C%93%22%7D"
    response = live.client.get(f"/AppIntegrations?{query}&arguments={arguments}")
    assert response.status_code == 200
    assert response.json() == {"output": "café ✓"}


def test_query_repeated_name_last_wins(live):
    query = base_query(live)
    first = json.dumps({"text": "first"})
    last = json.dumps({"text": "last"})
    response = live.client.get(
        f"/AppIntegrations?{query}&arguments={first}&arguments={last}"
    )
    assert response.status_code == 200
    assert response.json() == {"output": "last"}


def test_query_blank_arguments_give_null(live):
    query = base_query(live)
    response = live.client.get(f"/AppIntegrations?{query}&arguments=")
    assert response.status_code == 200
    # A blank value is kept, read as no arguments, so the parameter is null.
    assert response.json() == {"output": None}


@given(st.text(alphabet="ab=&%+2F3C\u00e9 ;", max_size=40))
def test_parse_query_matches_parse_qsl(query):
    expected = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    assert parse_query(query) == expected

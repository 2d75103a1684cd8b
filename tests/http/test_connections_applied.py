"""Connections applied by invoke_url, and secrets kept out of messages."""

from __future__ import annotations

import base64
import logging

import pytest

from runtime.errors import DelugeError
from runtime.http import invoke_url
from runtime.http_auth import Connection
from tests.http.conftest import make_context

SECRET = "s3cr3t-Value-Never-Shown"

CONNECTIONS = {
    "jira_cloud": Connection(
        "jira_cloud", "basic", SECRET, username="bot@example.test"
    ),
    "helpdesk": Connection("helpdesk", "bearer", SECRET),
    "weather": Connection(
        "weather", "api_key", SECRET, location="query", parameter_name="appid"
    ),
    "crm": Connection(
        "crm", "api_key", SECRET, location="header", parameter_name="X-Api-Key"
    ),
}


@pytest.fixture
def ctx():
    return make_context(connections=CONNECTIONS.get)


def test_basic_connection(ctx, server):
    echo = invoke_url(ctx, {"url": server.url("/echo"), "connection": "jira_cloud"})
    expected = base64.b64encode(f"bot@example.test:{SECRET}".encode()).decode()
    assert echo["headers"]["authorization"] == f"Basic {expected}"


def test_bearer_connection_replaces_script_header(ctx, server):
    params = {
        "url": server.url("/echo"),
        "headers": {"authorization": "Bearer from-script"},
        "connection": "helpdesk",
    }
    echo = invoke_url(ctx, params)
    assert echo["headers"]["authorization"] == f"Bearer {SECRET}"


def test_api_key_in_query(ctx, server):
    params = {"url": server.url("/echo?city=Oslo"), "connection": "weather"}
    echo = invoke_url(ctx, params)
    assert echo["query"] == f"city=Oslo&appid={SECRET}"
    assert "authorization" not in echo["headers"]


def test_api_key_in_header(ctx, server):
    echo = invoke_url(ctx, {"url": server.url("/echo"), "connection": "crm"})
    assert echo["headers"]["x-api-key"] == SECRET


def test_unknown_connection_names_it(ctx, server):
    with pytest.raises(DelugeError, match="connection 'jira_clod' is not defined"):
        invoke_url(ctx, {"url": server.url("/echo"), "connection": "jira_clod"})


def test_no_connections_callable(server):
    ctx = make_context()
    with pytest.raises(DelugeError, match="connection 'crm' is not defined"):
        invoke_url(ctx, {"url": server.url("/echo"), "connection": "crm"})


def test_secret_not_in_error_or_log(ctx, server, caplog):
    caplog.set_level(logging.DEBUG)
    params = {"url": "http://127.0.0.1:9/echo", "connection": "weather"}
    with pytest.raises(DelugeError) as caught:
        invoke_url(ctx, params)
    assert SECRET not in str(caught.value)
    assert SECRET not in caplog.text
    assert "appid" not in str(caught.value)


def test_connection_repr_hides_secret():
    text = repr(CONNECTIONS["jira_cloud"]) + str(CONNECTIONS["crm"])
    assert SECRET not in text
    assert "jira_cloud" in text


def test_credentials_dropped_on_cross_origin_redirect(ctx, server):
    # 127.0.0.1 and localhost are different origins on the same server.
    target = server.url("/echo", host="localhost")
    params = {
        "url": server.url(f"/redirect?to={target}"),
        "connection": "crm",
        "headers": {"Authorization": "Bearer script", "X-Keep": "yes"},
    }
    ctx = make_context(allow=("127.0.0.1", "localhost"), connections=CONNECTIONS.get)
    echo = invoke_url(ctx, params)
    assert "x-api-key" not in echo["headers"]
    assert "authorization" not in echo["headers"]
    assert echo["headers"]["x-keep"] == "yes"


def test_credentials_kept_on_same_origin_redirect(ctx, server):
    params = {"url": server.url("/redirect?to=/echo"), "connection": "helpdesk"}
    echo = invoke_url(ctx, params)
    assert echo["headers"]["authorization"] == f"Bearer {SECRET}"


def test_secret_not_logged_on_success(ctx, server, caplog):
    caplog.set_level(logging.DEBUG)
    echo = invoke_url(ctx, {"url": server.url("/echo"), "connection": "weather"})
    assert echo["query"] == f"appid={SECRET}"
    assert SECRET not in caplog.text

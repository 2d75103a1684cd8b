import json

import httpx

from tests.server.live import create_callback, running_server

INVALID_URL = {"content": "Invalid callback function url"}

DOUBLE = {
    "name": "double",
    "api_name": "double_it",
    "return_type": "int",
    "parameters": [{"name": "n", "type": "int"}],
    "script": "result = n * 2;\nreturn result;",
}


def publish_double(live, **overrides) -> dict:
    response = create_callback(live, **{**DOUBLE, **overrides, "publish": True})
    assert response.status_code == 201, response.text
    return response.json()


def query_of(url: str) -> dict:
    return dict(httpx.URL(url).params)


def invoke(live, params: dict, arguments: object = None) -> httpx.Response:
    query = dict(params)
    if arguments is not None:
        query["arguments"] = json.dumps(arguments)
    return live.client.get("/AppIntegrations", params=query)


def test_get_returns_output(live):
    record = publish_double(live)
    response = invoke(live, query_of(record["url"]), {"n": 21})
    assert response.status_code == 200
    assert response.json() == {"output": 42}


def test_head_does_not_run_function(live):
    record = publish_double(live, script="info n;\nreturn n * 2;")
    query = {**query_of(record["url"]), "arguments": json.dumps({"n": 1})}
    response = live.client.head("/AppIntegrations", params=query)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    live.service.history.flush()
    executions = live.admin.get(
        f"/api/v1/portals/1/callbacks/{record['id']}/executions"
    )
    assert executions.status_code == 200
    assert executions.json()["executions"] == []


def test_numeric_string_converts_to_int(live):
    record = publish_double(live)
    response = invoke(live, query_of(record["url"]), {"n": "5"})
    assert response.json() == {"output": 10}


def test_post_json_with_charset(live):
    record = publish_double(live)
    response = live.client.post(
        "/AppIntegrations",
        content=json.dumps({**query_of(record["url"]), "arguments": {"n": 3}}),
        headers={"Content-Type": "application/json; charset=ISO-8859-1"},
    )
    assert response.status_code == 200
    assert response.json() == {"output": 6}


def test_post_plus_json_and_no_content_type(live):
    record = publish_double(live)
    body = json.dumps({"arguments": {"n": 4}})
    for headers in ({"Content-Type": "application/vnd.api+json"}, {}):
        response = live.client.post(
            "/AppIntegrations",
            params=query_of(record["url"]),
            content=body,
            headers=headers,
        )
        assert response.status_code == 200, headers
        assert response.json() == {"output": 8}


def test_post_multipart_form(live):
    record = publish_double(live)
    response = live.client.post(
        "/AppIntegrations",
        params=query_of(record["url"]),
        data={"arguments": '{"n": 7}'},
        files={"unused": ("a.txt", b"ignored")},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"output": 14}


def test_arguments_may_be_omitted(live):
    record = publish_double(live, script="return 1;", parameters=[])
    response = invoke(live, query_of(record["url"]))
    assert response.json() == {"output": 1}


def test_missing_argument_is_null(live):
    record = publish_double(live, return_type="bool", script="return isNull(n);")
    response = invoke(live, query_of(record["url"]), {})
    assert response.json() == {"output": True}


def test_syntax_error_blocks_publish(live):
    response = create_callback(
        live, **{**DOUBLE, "script": "x = 1;\ny = ;\nreturn x;", "publish": True}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "compile_error"
    [diagnostic] = error["diagnostics"]
    assert diagnostic["line"] == 2
    assert diagnostic["column"] == 5
    assert diagnostic["message"]
    listing = live.admin.get("/api/v1/portals/1/callbacks").json()
    assert listing["total"] == 0


def test_eleven_parameters_rejected(live):
    parameters = [{"name": f"p{i}", "type": "int"} for i in range(11)]
    response = create_callback(live, **{**DOUBLE, "parameters": parameters})
    assert response.status_code == 400
    assert "at most 10 parameters" in response.json()["error"]["message"]


def test_duplicate_api_name_conflicts(live):
    assert create_callback(live, **DOUBLE).status_code == 201
    response = create_callback(live, **{**DOUBLE, "name": "other"})
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "api_name"


def test_publish_without_api_name_rejected(live):
    created = create_callback(live, **{**DOUBLE, "api_name": None}).json()
    response = live.admin.post(f"/api/v1/portals/1/callbacks/{created['id']}/publish")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "api_name"


def test_malformed_arguments_json(live):
    record = publish_double(live)
    query = {**query_of(record["url"]), "arguments": '{"n": 1'}
    response = live.client.get("/AppIntegrations", params=query)
    assert response.status_code == 400
    assert "arguments is not valid JSON" in response.json()["errorMessage"]


def test_arguments_must_be_object(live):
    record = publish_double(live)
    response = invoke(live, query_of(record["url"]), [1, 2])
    assert response.status_code == 400
    assert "JSON object" in response.json()["errorMessage"]


def test_wrong_argument_type_names_parameter(live):
    record = publish_double(live)
    response = invoke(live, query_of(record["url"]), {"n": "five"})
    assert response.status_code == 400
    message = response.json()["errorMessage"]
    assert "'n'" in message
    assert "five" in message


def test_unknown_argument_name_rejected(live):
    record = publish_double(live)
    response = invoke(live, query_of(record["url"]), {"n": 1, "m": 2})
    assert response.status_code == 400
    assert "Unknown argument 'm'" in response.json()["errorMessage"]


def test_wrong_token_is_invalid_url(live):
    record = publish_double(live)
    query = {**query_of(record["url"]), "auth_token": "x" * 43}
    response = invoke(live, query, {"n": 1})
    assert response.status_code == 404
    assert response.json() == INVALID_URL


def test_wrong_portal_is_invalid_url(live):
    record = publish_double(live)
    other = live.admin.post("/api/v1/portals", json={"name": "Other"}).json()
    query = {**query_of(record["url"]), "PORTALID": str(other["id"])}
    response = invoke(live, query, {"n": 1})
    assert response.status_code == 404
    assert response.json() == INVALID_URL


def test_incomplete_url_is_invalid_url(live):
    record = publish_double(live)
    query = query_of(record["url"])
    for field in ("serviceName", "api_name", "auth_token", "PORTALID"):
        partial = {k: v for k, v in query.items() if k != field}
        response = invoke(live, partial, {"n": 1})
        assert response.status_code == 404, field
        assert response.json() == INVALID_URL
    response = invoke(live, {**query, "serviceName": "other"}, {"n": 1})
    assert response.json() == INVALID_URL


def test_unpublished_is_invalid_url(live):
    record = publish_double(live)
    live.admin.post(f"/api/v1/portals/1/callbacks/{record['id']}/unpublish")
    response = invoke(live, query_of(record["url"]), {"n": 1})
    assert response.status_code == 404
    assert response.json() == INVALID_URL


def test_old_token_stops_after_publish(live):
    record = publish_double(live)
    again = live.admin.post(f"/api/v1/portals/1/callbacks/{record['id']}/publish")
    assert again.status_code == 200
    old = invoke(live, query_of(record["url"]), {"n": 1})
    assert old.status_code == 404
    assert old.json() == INVALID_URL
    new = invoke(live, query_of(again.json()["url"]), {"n": 1})
    assert new.json() == {"output": 2}


def test_runtime_error_names_line(live):
    record = publish_double(live, script="a = 1;\nb = 0;\nreturn a / b;")
    response = invoke(live, query_of(record["url"]), {"n": 1})
    assert response.status_code == 500
    message = response.json()["errorMessage"]
    assert "Line no: 3" in message


def test_statement_limit_is_errormessage(live):
    record = publish_double(
        live,
        script=(
            'text = "' + "x," * 3000 + 'x";\n'
            "count = 0;\n"
            'for each item in text.toList(",")\n{\n\tcount = count + 1;\n}\n'
            "return count;"
        ),
    )
    response = invoke(live, query_of(record["url"]), {"n": 1})
    assert response.status_code == 500
    assert "statements" in response.json()["errorMessage"]
    healthy = publish_double(live, name="again", api_name="again")
    assert invoke(live, query_of(healthy["url"]), {"n": 2}).json() == {"output": 4}


def test_oversized_body_rejected(live):
    record = publish_double(live)
    padding = "x" * (1024 * 1024 + 1)
    response = live.client.post(
        "/AppIntegrations",
        params=query_of(record["url"]),
        data={"arguments": '{"n": 1}', "padding": padding},
    )
    assert response.status_code == 413
    assert "request body" in response.json()["errorMessage"]


def test_oversized_chunked_body_rejected(live):
    record = publish_double(live)

    def chunks():
        for _ in range(20):
            yield b" " * 65536

    response = live.client.post(
        "/AppIntegrations",
        params=query_of(record["url"]),
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_deep_json_rejected(live):
    record = publish_double(live)
    for depth in (150, 100_000):
        deep = "[" * depth + "]" * depth
        response = live.client.post(
            "/AppIntegrations",
            params=query_of(record["url"]),
            content='{"arguments": {"n": ' + deep + "}}",
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400, depth
        assert "nested deeper" in response.json()["errorMessage"]


def test_unsupported_content_type(live):
    record = publish_double(live)
    response = live.client.post(
        "/AppIntegrations",
        params=query_of(record["url"]),
        content=b"n=1",
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 400
    assert "Unsupported content type" in response.json()["errorMessage"]


def test_returned_map_stays_inside_output(live):
    record = publish_double(
        live,
        return_type="map",
        script='return {"status": 302, "headers": {"Location": "http://x"}};',
    )
    response = invoke(live, query_of(record["url"]), {"n": 1})
    assert response.status_code == 200
    assert response.json() == {
        "output": {"status": 302, "headers": {"Location": "http://x"}}
    }


def test_response_size_limit(tmp_path, monkeypatch):
    environment = {"DELUGE_CALLBACKS_LIMIT_RESPONSE_BYTES": "100"}
    with running_server(tmp_path / "data", monkeypatch, **environment) as live:
        record = create_callback(
            live,
            **{
                **DOUBLE,
                "parameters": [],
                "return_type": "string",
                "publish": True,
                "script": 'return "' + "x" * 200 + '";',
            },
        ).json()
        response = live.client.get("/AppIntegrations", params=query_of(record["url"]))
        assert response.status_code == 500
        assert "response size (100 bytes)" in response.json()["errorMessage"]


def test_huge_portal_id_is_invalid_url(live):
    record = publish_double(live)
    query = {**query_of(record["url"]), "PORTALID": "9" * 30}
    response = invoke(live, query, {"n": 1})
    assert response.status_code == 404
    assert response.json() == INVALID_URL
    admin = live.admin.get("/api/v1/portals/" + "9" * 30 + "/callbacks")
    assert admin.status_code == 404
    bulk = live.admin.post("/api/v1/portals/1/callbacks/delete", json={"ids": [10**30]})
    assert bulk.status_code == 400


def test_token_of_other_function_is_invalid_url(live):
    first = publish_double(live)
    second = publish_double(live, name="second", api_name="second")
    query = {**query_of(first["url"]), "api_name": "second"}
    response = invoke(live, query, {"n": 1})
    assert response.status_code == 404
    assert response.json() == INVALID_URL
    own = invoke(live, query_of(second["url"]), {"n": 1})
    assert own.json() == {"output": 2}

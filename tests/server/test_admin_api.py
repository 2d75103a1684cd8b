import httpx

from tests.server.live import create_callback

GREET = {
    "name": "greet",
    "api_name": "greet",
    "description": "Say hello",
    "return_type": "string",
    "parameters": [{"name": "who", "type": "string"}],
    "script": 'return "Hello " + who;',
}


def invoke_url(url: str, arguments: str) -> httpx.Response:
    return httpx.get(httpx.URL(url).copy_add_param("arguments", arguments))


def test_missing_admin_key_is_401(live):
    response = live.client.get("/api/v1/portals")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_wrong_admin_key_is_401(live):
    response = live.client.get(
        "/api/v1/portals", headers={"Authorization": "Bearer wrong"}
    )
    assert response.status_code == 401


def test_portal_one_exists(live):
    portals = live.admin.get("/api/v1/portals").json()["portals"]
    assert [p["id"] for p in portals] == [1]
    assert portals[0]["time_zone"] == "UTC"


def test_create_portal_and_reject_bad_zone(live):
    created = live.admin.post(
        "/api/v1/portals", json={"name": "Acme", "time_zone": "Europe/Berlin"}
    )
    assert created.status_code == 201
    assert created.json()["time_zone"] == "Europe/Berlin"
    duplicate = live.admin.post("/api/v1/portals", json={"name": "acme"})
    assert duplicate.status_code == 409
    bad = live.admin.post(
        "/api/v1/portals", json={"name": "Other", "time_zone": "Mars/Base"}
    )
    assert bad.status_code == 400


def test_create_returns_draft_record(live):
    response = create_callback(live, **GREET)
    assert response.status_code == 201
    record = response.json()
    assert record["status"] == "Draft"
    assert record["url"] is None
    assert record["version"] == 1
    assert record["portal_id"] == 1
    assert record["parameters"] == [{"name": "who", "type": "string"}]
    assert record["description"] == "Say hello"


def test_list_search_and_paging(live):
    for index in range(5):
        create_callback(
            live, **{**GREET, "name": f"greet_{index}", "api_name": f"greet_{index}"}
        )
    create_callback(live, **{**GREET, "name": "farewell", "api_name": "farewell"})
    page = live.admin.get(
        "/api/v1/portals/1/callbacks", params={"per_page": 2, "page": 2}
    ).json()
    assert page["total"] == 6
    # Sorted by name: farewell, greet_0, greet_1, greet_2, ...
    assert [c["name"] for c in page["callbacks"]] == ["greet_1", "greet_2"]
    assert all(c["status"] == "Draft" for c in page["callbacks"])
    found = live.admin.get(
        "/api/v1/portals/1/callbacks", params={"search": "fare"}
    ).json()
    assert [c["name"] for c in found["callbacks"]] == ["farewell"]
    underscore = live.admin.get(
        "/api/v1/portals/1/callbacks", params={"search": "t_"}
    ).json()
    assert underscore["total"] == 5
    bad = live.admin.get("/api/v1/portals/1/callbacks", params={"page": "zero"})
    assert bad.status_code == 400


def test_unknown_ids_are_404(live):
    assert live.admin.get("/api/v1/portals/1/callbacks/99").status_code == 404
    assert live.admin.get("/api/v1/portals/42/callbacks").status_code == 404
    assert live.admin.post("/api/v1/portals/1/callbacks/99/publish").status_code == 404


def test_callbacks_isolated_by_portal(live):
    other = live.admin.post("/api/v1/portals", json={"name": "Other"}).json()
    created = create_callback(live, **GREET).json()
    path = f"/api/v1/portals/{other['id']}/callbacks/{created['id']}"
    assert live.admin.get(path).status_code == 404
    assert live.admin.delete(path).status_code == 404
    same_name = create_callback(live, portal=other["id"], **GREET)
    assert same_name.status_code == 201


def test_edit_versions_only_code_changes(live):
    created = create_callback(live, **GREET).json()
    path = f"/api/v1/portals/1/callbacks/{created['id']}"
    renamed = live.admin.put(path, json={"description": "New text"}).json()
    assert renamed["version"] == 1
    assert renamed["description"] == "New text"
    edited = live.admin.put(path, json={"script": 'return "Hi " + who;'}).json()
    assert edited["version"] == 2
    assert edited["script"] == 'return "Hi " + who;'
    versions = live.admin.get(f"{path}/versions").json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    old = live.admin.get(f"{path}/versions/1").json()
    assert old["script"] == GREET["script"]
    assert old["parameters"] == GREET["parameters"]
    assert live.admin.get(f"{path}/versions/3").status_code == 404


def test_edit_of_published_keeps_token(live):
    record = create_callback(live, **GREET, publish=True).json()
    path = f"/api/v1/portals/1/callbacks/{record['id']}"
    edited = live.admin.put(path, json={"script": 'return "Hi " + who;'})
    assert edited.status_code == 200
    assert edited.json()["status"] == "Published"
    assert edited.json()["url"] == record["url"]
    assert edited.json()["live_version"] == 2
    response = invoke_url(record["url"], '{"who": "Ann"}')
    assert response.json() == {"output": "Hi Ann"}


def test_failed_edit_keeps_live_version(live):
    record = create_callback(live, **GREET, publish=True).json()
    path = f"/api/v1/portals/1/callbacks/{record['id']}"
    broken = live.admin.put(path, json={"script": "return ;;("})
    assert broken.status_code == 400
    assert broken.json()["error"]["diagnostics"]
    assert live.admin.get(path).json()["version"] == 1
    response = invoke_url(record["url"], '{"who": "Ann"}')
    assert response.json() == {"output": "Hello Ann"}


def test_published_edit_cannot_drop_api_name(live):
    record = create_callback(live, **GREET, publish=True).json()
    path = f"/api/v1/portals/1/callbacks/{record['id']}"
    response = live.admin.put(path, json={"api_name": None})
    assert response.status_code == 400


def test_delete_and_bulk_delete(live):
    ids = [
        create_callback(live, **{**GREET, "name": f"g{i}", "api_name": f"g{i}"}).json()[
            "id"
        ]
        for i in range(3)
    ]
    single = live.admin.delete(f"/api/v1/portals/1/callbacks/{ids[0]}")
    assert single.json() == {"deleted": [ids[0]]}
    bulk = live.admin.post(
        "/api/v1/portals/1/callbacks/delete", json={"ids": [ids[1], ids[2], 999]}
    )
    assert bulk.json() == {"deleted": [ids[1], ids[2]], "not_found": [999]}
    assert live.admin.get("/api/v1/portals/1/callbacks").json()["total"] == 0
    invalid = live.admin.post("/api/v1/portals/1/callbacks/delete", json={"ids": []})
    assert invalid.status_code == 400


def test_deleted_callback_url_is_invalid(live):
    record = create_callback(live, **GREET, publish=True).json()
    live.admin.delete(f"/api/v1/portals/1/callbacks/{record['id']}")
    response = invoke_url(record["url"], '{"who": "Ann"}')
    assert response.status_code == 404


def test_python_route_shows_generated_code(live):
    created = create_callback(live, **GREET).json()
    response = live.admin.get(f"/api/v1/portals/1/callbacks/{created['id']}/python")
    assert response.status_code == 200
    assert "def deluge_main" in response.json()["python"]


def test_execute_saved_callback(live):
    created = create_callback(
        live, **{**GREET, "script": 'info "greeting";\nreturn "Hello " + who;'}
    ).json()
    response = live.admin.post(
        f"/api/v1/portals/1/callbacks/{created['id']}/execute",
        json={"arguments": {"who": "Bo"}},
    )
    body = response.json()
    assert body["output"] == "Hello Bo"
    assert body["info"] == ["greeting"]
    assert body["statements"] >= 2
    assert body["duration_ms"] >= 0


def test_execute_unsaved_script(live):
    response = live.admin.post(
        "/api/v1/portals/1/execute",
        json={
            "script": "return a + 1;",
            "parameters": [{"name": "a", "type": "int"}],
            "arguments": {"a": "41"},
        },
    )
    assert response.json()["output"] == 42
    failing = live.admin.post(
        "/api/v1/portals/1/execute", json={"script": "x = 1;\nreturn 1 / 0;"}
    )
    assert "Line no: 2" in failing.json()["errorMessage"]
    broken = live.admin.post("/api/v1/portals/1/execute", json={"script": "return ("})
    assert broken.status_code == 400
    assert broken.json()["error"]["diagnostics"][0]["line"] == 1


def test_errors_are_json(live):
    missing = live.admin.get("/no/such/route")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong_method = live.client.put("/AppIntegrations")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    not_json = live.admin.post(
        "/api/v1/portals/1/callbacks",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert not_json.status_code == 400
    assert "not valid JSON" in not_json.json()["error"]["message"]


def test_header_must_agree_with_fields(live):
    script = 'string standalone.greet(string who)\n{\n\treturn "Hello " + who;\n}'
    agreeing = create_callback(live, **{**GREET, "script": script})
    assert agreeing.status_code == 201, agreeing.text
    for fields in (
        {"parameters": [{"name": "name", "type": "string"}]},
        {"parameters": [{"name": "who", "type": "int"}]},
        {"return_type": "map"},
    ):
        response = create_callback(
            live,
            **{
                **GREET,
                "name": "other",
                "api_name": "other",
                "script": script,
                **fields,
            },
        )
        assert response.status_code == 400, fields
        error = response.json()["error"]
        assert "header disagrees" in error["message"]
        assert error["diagnostics"][0]["line"] == 1

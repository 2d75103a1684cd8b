import httpx

from tests.server.live import create_callback

TAX = {
    "name": "addTax",
    "return_type": "float",
    "parameters": [{"name": "amount", "type": "float"}],
    "script": "return amount * 1.5;",
}


def create_global(live, **fields) -> httpx.Response:
    return live.admin.post("/api/v1/portals/1/global-functions", json=fields)


def invoke(live, url: str, arguments: str) -> httpx.Response:
    return live.client.get(httpx.URL(url).copy_add_param("arguments", arguments))


def publish_caller(live, function_id: int) -> dict:
    response = create_callback(
        live,
        name="total",
        api_name="total",
        return_type="float",
        parameters=[{"name": "amount", "type": "float"}],
        script=f"return global_function_{function_id}(amount);",
        publish=True,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_create_and_call_global(live):
    created = create_global(live, **TAX)
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["call_name"] == f"global_function_{record['id']}"
    caller = publish_caller(live, record["id"])
    assert invoke(live, caller["url"], '{"amount": 2}').json() == {"output": 3.0}


def test_global_edit_recompiles_published_callers(live):
    function_id = create_global(live, **TAX).json()["id"]
    caller = publish_caller(live, function_id)
    path = f"/api/v1/portals/1/global-functions/{function_id}"
    edited = live.admin.put(path, json={"script": "return amount * 2;"})
    assert edited.status_code == 200
    assert edited.json()["version"] == 2
    assert invoke(live, caller["url"], '{"amount": 2}').json() == {"output": 4.0}


def test_global_edit_that_breaks_caller_rejected(live):
    function_id = create_global(live, **TAX).json()["id"]
    caller = publish_caller(live, function_id)
    path = f"/api/v1/portals/1/global-functions/{function_id}"
    two_parameters = [
        {"name": "amount", "type": "float"},
        {"name": "rate", "type": "float"},
    ]
    response = live.admin.put(
        path,
        json={"parameters": two_parameters, "script": "return amount * rate;"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["callback_id"] == caller["id"]
    assert live.admin.get(path).json()["version"] == 1
    assert invoke(live, caller["url"], '{"amount": 2}').json() == {"output": 3.0}


def test_global_called_by_published_cannot_be_deleted(live):
    function_id = create_global(live, **TAX).json()["id"]
    publish_caller(live, function_id)
    path = f"/api/v1/portals/1/global-functions/{function_id}"
    assert live.admin.delete(path).status_code == 409


def test_unknown_global_blocks_publish(live):
    response = create_callback(
        live,
        name="broken",
        api_name="broken",
        return_type="float",
        script="return global_function_999(1);",
        publish=True,
    )
    assert response.status_code == 400
    assert response.json()["error"]["diagnostics"]


def test_global_with_compile_error_rejected(live):
    response = create_global(live, **{**TAX, "script": "return (;"})
    assert response.status_code == 400
    assert response.json()["error"]["diagnostics"][0]["line"] == 1
    listing = live.admin.get("/api/v1/portals/1/global-functions").json()
    assert listing["global_functions"] == []


def test_global_header_must_match(live):
    script = "float tax.add(string amount, int rate)\n{\n\treturn 1.0;\n}"
    created = create_global(live, **dict(TAX, script=script))
    assert created.status_code == 400, created.text
    error = created.json()["error"]
    assert error["code"] == "compile_error"
    assert "header declares parameters (amount, rate)" in error["message"]
    assert "the global function declares (amount)" in error["message"]
    assert error["diagnostics"][0]["line"] == 1


def test_global_header_edit_checked(live):
    created = create_global(live, **TAX)
    assert created.status_code == 201, created.text
    url = f"/api/v1/portals/1/global-functions/{created.json()['id']}"
    script = "int tax.add(float amount)\n{\n\treturn 1;\n}"
    edited = live.admin.put(url, json={"script": script})
    assert edited.status_code == 400, edited.text
    assert "the global function's return type is float" in edited.text


def test_global_matching_header_callable(live):
    script = "float tax.add(Float amount)\n{\n\treturn amount * 1.5;\n}"
    created = create_global(live, **dict(TAX, script=script))
    assert created.status_code == 201, created.text
    caller = publish_caller(live, created.json()["id"])
    response = invoke(live, caller["url"], '{"amount": 4}')
    assert response.status_code == 200, response.text
    assert response.json() == {"output": 6.0}

"""Page routes against the real server: sign-in, CSRF, messages, lists, editor."""

import html
import re
import stat
import time
import urllib.parse
import uuid

import httpx
import pytest

from tests.web.conftest import csrf_of, signed_in_client
from tests.web.live_server import start_server

SUM_SCRIPT = """total = 0;
for each item in items {
    total = total + item;
}
info "items: " + items.size();
return total;"""


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def create_via_api(server, **fields) -> dict:
    body = {
        "name": unique("fn"),
        "return_type": "string",
        "parameters": [],
        "script": 'return "ok";',
        **fields,
    }
    with server.api() as api:
        response = api.post("/api/v1/portals/1/callbacks", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def editor_form(client, path: str) -> dict:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return {"csrf_token": csrf_of(page.text)}


# Sign-in


def test_list_requires_sign_in(server):
    response = httpx.get(server.base_url + "/admin/portals/1/callbacks")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/sign-in?next=")
    assert "%2Fadmin%2Fportals%2F1%2Fcallbacks" in response.headers["location"]


def test_post_requires_sign_in(server):
    response = httpx.post(
        server.base_url + "/admin/portals/1/callbacks/delete", data={"ids": "1"}
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/sign-in")


def test_sign_in_wrong_key_rejected(server):
    with httpx.Client(base_url=server.base_url) as client:
        page = client.get("/admin/sign-in")
        response = client.post(
            "/admin/sign-in",
            data={"csrf_token": csrf_of(page.text), "admin_key": "not-the-key"},
        )
        assert response.status_code == 401
        assert "Wrong admin key" in response.text
        after = client.get("/admin/portals/1/callbacks")
        assert after.status_code == 303


def test_sign_in_without_csrf_rejected(server):
    with httpx.Client(base_url=server.base_url) as client:
        client.get("/admin/sign-in")
        response = client.post("/admin/sign-in", data={"admin_key": server.admin_key})
        assert response.status_code == 403
        assert "security token" in response.text
        assert client.get("/admin/portals/1/callbacks").status_code == 303


def test_sign_in_redirects_to_next(server):
    with httpx.Client(base_url=server.base_url) as client:
        page = client.get("/admin/sign-in?next=/admin/portals")
        response = client.post(
            "/admin/sign-in",
            data={
                "csrf_token": csrf_of(page.text),
                "admin_key": server.admin_key,
                "next": "/admin/portals",
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/portals"


@pytest.mark.parametrize(
    "target", ["//example.com/admin/", "https://example.com/", "/api/v1/portals"]
)
def test_sign_in_ignores_foreign_next(server, target):
    with httpx.Client(base_url=server.base_url) as client:
        page = client.get("/admin/sign-in")
        response = client.post(
            "/admin/sign-in",
            data={
                "csrf_token": csrf_of(page.text),
                "admin_key": server.admin_key,
                "next": target,
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/"


def test_sign_out_ends_session(server):
    client = signed_in_client(server)
    try:
        page = client.get("/admin/portals")
        assert page.status_code == 200
        response = client.post(
            "/admin/sign-out", data={"csrf_token": csrf_of(page.text)}
        )
        assert response.status_code == 303
        assert client.get("/admin/portals").status_code == 303
    finally:
        client.close()


def test_session_cookie_flags(server):
    with httpx.Client(base_url=server.base_url) as client:
        response = client.get("/admin/sign-in")
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=strict" in cookie


def test_session_secret_file_private(server):
    path = server.data_dir / "web-session.key"
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_sign_in_throttled_after_failures(tmp_path):
    live = start_server(tmp_path / "data", "throttle-test-key-0123456789")
    try:
        with httpx.Client(base_url=live.base_url) as client:
            token = csrf_of(client.get("/admin/sign-in").text)
            statuses = [
                client.post(
                    "/admin/sign-in", data={"csrf_token": token, "admin_key": "wrong"}
                ).status_code
                for _ in range(6)
            ]
            assert statuses[:5] == [401] * 5
            assert statuses[5] == 429
            blocked = client.post(
                "/admin/sign-in",
                data={"csrf_token": token, "admin_key": live.admin_key},
            )
            assert blocked.status_code == 429
            assert "Too many wrong admin keys" in blocked.text
    finally:
        live.stop()


def test_new_admin_key_ends_sessions(tmp_path):
    data_dir = tmp_path / "data"
    first = start_server(data_dir, "first-admin-key-0123456789")
    try:
        client = signed_in_client(first)
        assert client.get("/admin/portals").status_code == 200
        cookies = client.cookies
        client.close()
    finally:
        first.stop()
    second = start_server(data_dir, "second-admin-key-0123456789")
    try:
        with httpx.Client(base_url=second.base_url, cookies=cookies) as again:
            assert again.get("/admin/portals").status_code == 303
    finally:
        second.stop()


# CSRF


def test_create_without_csrf_rejected(server, client):
    name = unique("nocsrf")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={"name": name, "return_type": "string", "script": 'return "x";'},
    )
    assert response.status_code == 403
    assert "nothing was changed" in response.text
    with server.api() as api:
        listed = api.get("/api/v1/portals/1/callbacks", params={"search": name}).json()
    assert listed["total"] == 0


def test_wrong_csrf_token_rejected(server, client):
    record = create_via_api(server)
    response = client.post(
        "/admin/portals/1/callbacks/delete",
        data={"csrf_token": "forged", "ids": str(record["id"]), "confirmed": "1"},
    )
    assert response.status_code == 403
    with server.api() as api:
        assert api.get(f"/api/v1/portals/1/callbacks/{record['id']}").status_code == 200


def test_cross_origin_post_rejected(server, client):
    record = create_via_api(server)
    form = editor_form(client, "/admin/portals/1/callbacks")
    response = client.post(
        "/admin/portals/1/callbacks/delete",
        data={**form, "ids": str(record["id"]), "confirmed": "1"},
        headers={"Origin": "http://attacker.example"},
    )
    assert response.status_code == 403
    with server.api() as api:
        assert api.get(f"/api/v1/portals/1/callbacks/{record['id']}").status_code == 200


def test_csrf_token_of_other_session_rejected(server, client):
    record = create_via_api(server)
    other = signed_in_client(server)
    try:
        foreign = csrf_of(other.get("/admin/portals").text)
    finally:
        other.close()
    response = client.post(
        "/admin/portals/1/callbacks/delete",
        data={"csrf_token": foreign, "ids": str(record["id"]), "confirmed": "1"},
    )
    assert response.status_code == 403


# Bad input shown as messages


def test_invalid_api_name_message(client):
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={
            **form,
            "name": unique("badapi"),
            "api_name": "9starts_with_digit",
            "return_type": "string",
            "script": 'return "x";',
        },
    )
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "Not saved: Invalid API name '9starts_with_digit'" in text
    assert "Traceback" not in text
    assert 'value="9starts_with_digit"' in response.text


def test_publish_without_api_name_message(client):
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={
            **form,
            "name": unique("noapi"),
            "return_type": "string",
            "publish": "1",
            "script": 'return "x";',
        },
    )
    assert response.status_code == 400
    assert "A published callback needs an API name" in html.unescape(response.text)


def test_too_many_parameters_message(client):
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    data = {
        **form,
        "name": unique("params"),
        "return_type": "string",
        "script": 'return "x";',
        "param_name": [f"p{index}" for index in range(11)],
        "param_type": ["string"] * 11,
    }
    response = client.post("/admin/portals/1/callbacks/new", data=data)
    assert response.status_code == 400
    assert "at most 10 parameters; got 11" in response.text


def test_compile_error_shown_at_line(client):
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={
            **form,
            "name": unique("broken"),
            "api_name": unique("broken"),
            "return_type": "string",
            "publish": "1",
            "script": 'x = 1;\ny = ;\nreturn "x";',
        },
    )
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "does not compile" in text
    assert 'data-line="2"' in response.text
    assert "Line 2, column" in text
    assert '"line": 2' in text


def test_duplicate_name_message(server, client):
    record = create_via_api(server)
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={**form, "name": record["name"], "return_type": "string", "script": ""},
    )
    assert response.status_code == 409
    assert "already exists" in html.unescape(response.text)


def test_unknown_callback_page(client):
    response = client.get("/admin/portals/1/callbacks/999999")
    assert response.status_code == 404
    assert "Callback 999999 not found in portal 1" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_unknown_portal_page(client):
    response = client.get("/admin/portals/424242/callbacks")
    assert response.status_code == 404
    assert "Portal 424242 not found" in response.text


def test_unknown_path_page(client):
    response = client.get("/admin/no-such-page")
    assert response.status_code == 404
    assert "There is no page at /admin/no-such-page" in response.text


def test_invalid_map_argument_message(server, client):
    record = create_via_api(
        server, parameters=[{"name": "data", "type": "map"}], script='return "x";'
    )
    path = f"/admin/portals/1/callbacks/{record['id']}"
    form = editor_form(client, path)
    response = client.post(
        path,
        data={
            **form,
            "version": str(record["version"]),
            "name": record["name"],
            "return_type": "string",
            "param_name": "data",
            "param_type": "map",
            "script": record["script"],
            "arg:data": "{not json",
            "action": "save_execute",
        },
    )
    assert response.status_code == 200
    assert "Invalid JSON for map argument &#39;data&#39;" in response.text


def test_stale_form_version_conflict(server, client):
    record = create_via_api(server)
    path = f"/admin/portals/1/callbacks/{record['id']}"
    form = editor_form(client, path)
    with server.api() as api:
        api.put(
            f"/api/v1/portals/1/callbacks/{record['id']}",
            json={"script": "return 'b';"},
        )
    response = client.post(
        path,
        data={
            **form,
            "version": "1",
            "name": record["name"],
            "return_type": "string",
            "script": "return 'c';",
        },
    )
    assert response.status_code == 409
    assert "was saved by someone else (now version 2)" in response.text


def test_form_body_over_limit_rejected(client):
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={**form, "name": "big", "script": "x" * (1024 * 1024 + 10)},
    )
    assert response.status_code == 413
    assert "request body" in response.text


# Lists and editing


def test_save_execute_shows_result(server, client):
    record = create_via_api(
        server,
        parameters=[{"name": "items", "type": "list"}],
        return_type="int",
        script=SUM_SCRIPT,
    )
    path = f"/admin/portals/1/callbacks/{record['id']}"
    form = editor_form(client, path)
    response = client.post(
        path,
        data={
            **form,
            "version": str(record["version"]),
            "name": record["name"],
            "return_type": "int",
            "param_name": "items",
            "param_type": "list",
            "script": SUM_SCRIPT,
            "arg:items": "[1, 2, 3]",
            "action": "save_execute",
        },
    )
    assert response.status_code == 200, response.text
    assert '<pre id="run-output">6</pre>' in response.text
    assert "items: 3" in response.text
    assert 'id="run-statements"' in response.text
    assert " ms</dd>" in response.text


def test_publish_from_editor_gives_url(server, client):
    api_name = unique("pub")
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={
            **form,
            "name": unique("pub"),
            "api_name": api_name,
            "return_type": "string",
            "publish": "1",
            "script": 'return "published";',
        },
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "and published it." in page.text
    start = page.text.index('id="invocation-url" value="') + len(
        'id="invocation-url" value="'
    )
    url = html.unescape(page.text[start : page.text.index('"', start)])
    assert f"api_name={api_name}" in url
    invoked = httpx.get(url)
    assert invoked.status_code == 200
    assert invoked.json() == {"output": "published"}


def test_unpublish_from_editor_disables_url(server, client):
    record = create_via_api(
        server, api_name=unique("unpub"), publish=True, script='return "on";'
    )
    assert httpx.get(record["url"]).status_code == 200
    path = f"/admin/portals/1/callbacks/{record['id']}"
    form = editor_form(client, path)
    response = client.post(
        path,
        data={
            **form,
            "version": str(record["version"]),
            "name": record["name"],
            "api_name": record["api_name"],
            "return_type": "string",
            "script": record["script"],
        },
    )
    assert response.status_code == 303
    assert httpx.get(record["url"]).status_code == 404


def test_list_search_and_paging(server, client):
    prefix = unique("page")
    for index in range(12):
        create_via_api(server, name=f"{prefix}_{index:02d}")
    first = client.get("/admin/portals/1/callbacks", params={"search": prefix})
    assert first.status_code == 200
    assert first.text.count('class="row-select"') == 10
    assert "1–10 of 12" in first.text
    second = client.get(
        "/admin/portals/1/callbacks", params={"search": prefix, "page": 2}
    )
    assert second.text.count('class="row-select"') == 2
    assert "11–12 of 12" in second.text
    assert f"{prefix}_11" in second.text
    wide = client.get(
        "/admin/portals/1/callbacks", params={"search": prefix, "per_page": 25}
    )
    assert wide.text.count('class="row-select"') == 12
    odd = client.get(
        "/admin/portals/1/callbacks", params={"search": prefix, "per_page": 7}
    )
    assert odd.text.count('class="row-select"') == 10


def test_bulk_delete_asks_then_deletes(server, client):
    records = [create_via_api(server) for _ in range(3)]
    ids = [str(record["id"]) for record in records]
    form = editor_form(client, "/admin/portals/1/callbacks")
    data = {"csrf_token": form["csrf_token"], "ids": ids[:2]}
    asked = client.post("/admin/portals/1/callbacks/delete", data=data)
    assert asked.status_code == 200
    assert "Delete 2 callback functions?" in asked.text
    with server.api() as api:
        assert api.get(f"/api/v1/portals/1/callbacks/{ids[0]}").status_code == 200
    done = client.post(
        "/admin/portals/1/callbacks/delete", data={**data, "confirmed": "1"}
    )
    assert done.status_code == 303
    listed = client.get(done.headers["location"])
    assert "Deleted 2 callback functions." in listed.text
    with server.api() as api:
        assert api.get(f"/api/v1/portals/1/callbacks/{ids[0]}").status_code == 404
        assert api.get(f"/api/v1/portals/1/callbacks/{ids[1]}").status_code == 404
        assert api.get(f"/api/v1/portals/1/callbacks/{ids[2]}").status_code == 200


def test_history_shows_diff(server, client):
    record = create_via_api(server, script='a = 1;\nreturn "one";')
    with server.api() as api:
        api.put(
            f"/api/v1/portals/1/callbacks/{record['id']}",
            json={"script": 'a = 1;\nreturn "two";'},
        )
    page = client.get(f"/admin/portals/1/callbacks/{record['id']}/history")
    assert page.status_code == 200
    assert '<tr class="removed">' in page.text
    assert '<tr class="added">' in page.text
    assert "- return &#34;one&#34;;" in page.text
    assert "+ return &#34;two&#34;;" in page.text


def test_history_rejects_unknown_version(server, client):
    record = create_via_api(server)
    page = client.get(
        f"/admin/portals/1/callbacks/{record['id']}/history", params={"from": "9"}
    )
    assert page.status_code == 400
    assert "Invalid from version &#39;9&#39;" in page.text


def test_python_panel_links_lines(server, client):
    record = create_via_api(server, script='x = 1;\ny = x + 1;\nreturn "done";')
    page = client.get(f"/admin/portals/1/callbacks/{record['id']}")
    assert 'data-deluge-line="2"' in page.text
    assert 'data-deluge-line="3"' in page.text
    assert "v_y = op_add" in page.text or "v_y =" in page.text


def test_portal_create_and_switch(client):
    page = client.get("/admin/portals")
    name = unique("Portal")
    created = client.post(
        "/admin/portals",
        data={
            "csrf_token": csrf_of(page.text),
            "name": name,
            "time_zone": "Europe/Berlin",
        },
    )
    assert created.status_code == 303
    listing = client.get(created.headers["location"])
    assert name in listing.text
    portal_id = created.headers["location"].split("/")[3]
    switched = client.get(
        "/admin/switch-portal", params={"portal": "1", "section": "globals"}
    )
    assert switched.headers["location"] == "/admin/portals/1/global-functions"
    assert portal_id != "1"


def test_portal_bad_time_zone_message(client):
    page = client.get("/admin/portals")
    response = client.post(
        "/admin/portals",
        data={
            "csrf_token": csrf_of(page.text),
            "name": unique("tz"),
            "time_zone": "Mars/Base",
        },
    )
    assert response.status_code == 400
    assert "Unknown time zone &#39;Mars/Base&#39;" in response.text


def test_global_function_pages(server, client):
    form = editor_form(client, "/admin/portals/1/global-functions/new")
    name = unique("discount")
    created = client.post(
        "/admin/portals/1/global-functions/new",
        data={
            **form,
            "name": name,
            "return_type": "float",
            "param_name": "amount",
            "param_type": "float",
            "script": "return amount * 0.9;",
        },
    )
    assert created.status_code == 303, created.text
    editor = client.get(created.headers["location"])
    assert "global_function_" in editor.text
    listing = client.get("/admin/portals/1/global-functions", params={"search": name})
    assert name in listing.text
    function_id = created.headers["location"].rstrip("/").split("/")[-1]
    path = f"/admin/portals/1/global-functions/{function_id}"
    saved = client.post(
        path,
        data={
            "csrf_token": csrf_of(editor.text),
            "version": "1",
            "name": name,
            "return_type": "float",
            "param_name": "amount",
            "param_type": "float",
            "script": "return amount * 0.8;",
            "arg:amount": "10",
            "action": "save_execute",
        },
    )
    assert saved.status_code == 200, saved.text
    assert "Saved version 2." in saved.text
    assert '<pre id="run-output">8.0</pre>' in saved.text
    history = client.get(path + "/history")
    assert "+ return amount * 0.8;" in history.text


def test_static_files_served(server):
    response = httpx.get(server.base_url + "/admin/static/code-editor.js")
    assert response.status_code == 200
    assert "class CodeEditor" in response.text


def test_root_redirects_to_pages(server):
    response = httpx.get(server.base_url + "/")
    assert response.status_code == 307
    assert response.headers["location"] == "/admin/"


def test_pages_link_served_icon(client):
    page = client.get("/admin/portals")
    icon = re.search(r'<link rel="icon"[^>]* href="([^"]+)"', page.text)
    assert icon, "the pages link no icon, so browsers ask for /favicon.ico"
    response = client.get(html.unescape(icon.group(1)))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_pages_send_security_headers(client):
    response = client.get("/admin/portals")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"


def test_no_page_loads_other_hosts(client):
    page = client.get("/admin/portals/1/callbacks/new")
    sources = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert sources
    for source in sources:
        assert source.startswith("/admin/"), source


def test_history_restore_version(server, client):
    record = create_via_api(server, script='return "one";')
    with server.api() as api:
        api.put(
            f"/api/v1/portals/1/callbacks/{record['id']}",
            json={"script": 'return "two";'},
        )
    history_path = f"/admin/portals/1/callbacks/{record['id']}/history"
    page = client.get(history_path)
    response = client.post(
        history_path + "/restore",
        data={"csrf_token": csrf_of(page.text), "version": "1"},
    )
    assert response.status_code == 303
    editor = client.get(response.headers["location"])
    assert "Restored version 1 of" in editor.text
    assert "as version 3." in editor.text
    with server.api() as api:
        restored = api.get(f"/api/v1/portals/1/callbacks/{record['id']}").json()
    assert restored["version"] == 3
    assert restored["script"] == 'return "one";'


def test_history_restore_unknown_version(server, client):
    record = create_via_api(server)
    history_path = f"/admin/portals/1/callbacks/{record['id']}/history"
    page = client.get(history_path)
    response = client.post(
        history_path + "/restore",
        data={"csrf_token": csrf_of(page.text), "version": "7"},
    )
    assert response.status_code == 404
    assert f"Version 7 of callback {record['id']} not found" in response.text


def test_draft_compile_errors_reported(server, client):
    record = create_via_api(server, script="return missing_variable;")
    page = client.get(f"/admin/portals/1/callbacks/{record['id']}")
    assert page.status_code == 200
    assert "The saved script does not compile (1 error" in page.text
    assert "Variable &#39;missing_variable&#39; is not defined" in page.text


def test_secret_parameter_kept_on_save(server, client):
    record = create_via_api(
        server,
        parameters=[
            {"name": "user", "type": "string"},
            {"name": "password", "type": "string", "secret": True},
        ],
    )
    path = f"/admin/portals/1/callbacks/{record['id']}"
    page = client.get(path)
    assert page.text.count('name="param_secret" value="1"') == 1
    response = client.post(
        path,
        data={
            "csrf_token": csrf_of(page.text),
            "version": str(record["version"]),
            "name": record["name"],
            "return_type": "string",
            "param_name": ["user", "password"],
            "param_type": ["string", "string"],
            "param_secret": ["", "1"],
            "script": record["script"],
        },
    )
    assert response.status_code == 303
    with server.api() as api:
        saved = api.get(f"/api/v1/portals/1/callbacks/{record['id']}").json()
    assert saved["parameters"] == [
        {"name": "user", "type": "string"},
        {"name": "password", "type": "string", "secret": True},
    ]


def test_misaligned_parameter_fields_message(client):
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={
            **form,
            "name": unique("aligned"),
            "return_type": "string",
            "param_name": ["a", "b"],
            "param_type": ["string", "int"],
            "param_secret": [""],
            "script": "",
        },
    )
    assert response.status_code == 400
    assert "2 parameter names, 2 types and 1 secret flags" in response.text


def wait_for_executions(server, callback_id: int, count: int) -> list[dict]:
    """Poll the admin API until the history has ``count`` rows (it is written
    in the background)."""
    deadline = time.monotonic() + 10
    with server.api() as api:
        while True:
            body = api.get(
                f"/api/v1/portals/1/callbacks/{callback_id}/executions"
            ).json()
            if body["total"] >= count or time.monotonic() > deadline:
                return body["executions"]
            time.sleep(0.05)


def test_executions_pages(server, client):
    record = create_via_api(
        server,
        api_name=unique("history"),
        publish=True,
        parameters=[
            {"name": "n", "type": "int"},
            {"name": "token", "type": "string", "secret": True},
        ],
        return_type="int",
        script='info "n is " + n;\nreturn 10 / n;',
    )
    for arguments in ('{"n": 2, "token": "hunter2"}', '{"n": 0}', '{"n": "x"}'):
        httpx.get(f"{record['url']}&arguments={urllib.parse.quote(arguments)}")
    rows = wait_for_executions(server, record["id"], 3)
    assert len(rows) == 3

    path = f"/admin/portals/1/callbacks/{record['id']}/executions"
    page = client.get(path)
    assert page.status_code == 200
    assert page.text.count('<tr data-id="') == 3
    assert "Success" in page.text
    assert "Invalid arguments" in page.text
    assert "n is 2" in page.text

    failed = client.get(path, params={"status": "error"})
    assert failed.text.count('<tr data-id="') == 1

    success = next(row for row in rows if row["status"] == "success")
    detail = client.get(f"{path}/{success['id']}")
    assert detail.status_code == 200
    assert "[secret]" in detail.text
    assert "hunter2" not in detail.text
    assert "n is 2" in detail.text


def test_unknown_execution_page(server, client):
    record = create_via_api(server)
    response = client.get(f"/admin/portals/1/callbacks/{record['id']}/executions/99")
    assert response.status_code == 404
    assert f"Execution 99 of callback {record['id']} not found" in response.text


def test_run_without_saving(server, client):
    record = create_via_api(
        server,
        parameters=[{"name": "n", "type": "int"}],
        return_type="int",
        script="return n;",
    )
    path = f"/admin/portals/1/callbacks/{record['id']}"
    form = editor_form(client, path)
    response = client.post(
        path,
        data={
            **form,
            "version": str(record["version"]),
            "name": record["name"],
            "return_type": "int",
            "param_name": "n",
            "param_type": "int",
            "script": 'info "doubling";\nreturn n * 2;',
            "arg:n": "21",
            "action": "run",
        },
    )
    assert response.status_code == 200
    assert '<pre id="run-output">42</pre>' in response.text
    assert "doubling" in response.text
    assert "nothing was saved" in response.text
    assert "return n * 2;" in response.text
    with server.api() as api:
        stored = api.get(f"/api/v1/portals/1/callbacks/{record['id']}").json()
    assert stored["version"] == 1
    assert stored["script"] == "return n;"


def test_run_without_saving_compile_error(client):
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={
            **form,
            "name": unique("draft"),
            "return_type": "string",
            "script": 'x = 1;\ny = ;\nreturn "x";',
            "action": "run",
        },
    )
    assert response.status_code == 200
    assert 'id="run-error"' in response.text
    assert "does not compile" in response.text
    assert "Line 2, column" in response.text
    assert "The script does not compile; nothing was saved." in response.text
    assert "Ran the script as typed" not in response.text


def test_run_without_saving_runtime_error(client):
    form = editor_form(client, "/admin/portals/1/callbacks/new")
    response = client.post(
        "/admin/portals/1/callbacks/new",
        data={
            **form,
            "name": unique("draft"),
            "return_type": "int",
            "script": "return 1 / 0;",
            "action": "run",
        },
    )
    assert response.status_code == 200
    assert 'id="run-error"' in response.text
    assert "The script failed; nothing was saved." in response.text
    assert "Ran the script as typed" not in response.text


def test_run_global_without_saving(client):
    form = editor_form(client, "/admin/portals/1/global-functions/new")
    response = client.post(
        "/admin/portals/1/global-functions/new",
        data={
            **form,
            "name": unique("tax"),
            "return_type": "float",
            "param_name": "amount",
            "param_type": "float",
            "script": "return amount * 1.5;",
            "arg:amount": "2",
            "action": "run",
        },
    )
    assert response.status_code == 200
    assert '<pre id="run-output">3.0</pre>' in response.text


def test_session_shared_by_workers(tmp_path):
    live = start_server(tmp_path / "data", "workers-admin-key-0123456789", workers=2)
    try:
        client = signed_in_client(live)
        statuses = set()
        for _ in range(20):
            # A new connection each time, so requests spread over the workers.
            response = httpx.get(
                live.base_url + "/admin/portals", cookies=client.cookies
            )
            statuses.add(response.status_code)
        client.close()
        assert statuses == {200}
    finally:
        live.stop()

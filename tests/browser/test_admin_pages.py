"""The administrators' pages in headless Chromium against the real server."""

import json
import re
import urllib.parse
import uuid

import httpx
import pytest

pytestmark = pytest.mark.browser

JIRA_SCRIPT = """fields = issue.get("fields");
priority = fields.get("priority");
request = Map();
request.put("subject", fields.get("summary"));
level = "Medium";
if (priority == "Highest" || priority == "High") {
    level = "High";
}
request.put("priority", level);
info "Mapped priority " + priority + " to " + level;
return request;"""

SUM_SCRIPT = """total = 0;
for each item in items {
    total = total + item;
}
info "items: " + items.size();
return total;"""


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:6]}"


def create_portal(server, name: str) -> int:
    with server.api() as api:
        response = api.post("/api/v1/portals", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def create_callback(server, portal_id: int, **fields) -> dict:
    body = {
        "name": unique("fn"),
        "return_type": "string",
        "parameters": [],
        "script": 'return "ok";',
        **fields,
    }
    with server.api() as api:
        response = api.post(f"/api/v1/portals/{portal_id}/callbacks", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def row_names(page) -> list[str]:
    return page.locator("#function-list tbody a.name").all_inner_texts()


def test_create_publish_copy_invoke(page, server):
    name = unique("jira_issue_to_request")
    page.click("text=New callback function")
    page.fill("#fn-name", name)
    page.fill("#fn-api-name", name)
    page.select_option("#fn-return-type", "map")
    page.fill("#fn-description", "Turns a Jira issue into a service desk request")
    page.click("#add-param")
    page.fill("#params tbody tr:nth-child(1) input[name=param_name]", "issue")
    page.select_option("#params tbody tr:nth-child(1) select", "map")
    page.click("#add-param")
    page.fill("#params tbody tr:nth-child(2) input[name=param_name]", "api_key")
    page.check("#params tbody tr:nth-child(2) input.param-secret")
    page.fill("#fn-script", JIRA_SCRIPT)
    page.check("#fn-publish")
    page.click("button[value=save]")

    page.wait_for_url(re.compile(r".*/callbacks/\d+$"))
    assert "and published it." in page.inner_text(".message.success")
    assert page.inner_text(".badge") == "Published"
    url = page.input_value("#invocation-url")
    assert f"api_name={name}" in url

    page.click("#copy-url")
    page.wait_for_selector("#copy-status:has-text('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == url

    with server.api() as api:
        record_id = page.url.rsplit("/", 1)[-1]
        saved = api.get(f"/api/v1/portals/1/callbacks/{record_id}").json()
    assert saved["parameters"] == [
        {"name": "issue", "type": "map"},
        {"name": "api_key", "type": "string", "secret": True},
    ]
    assert page.is_checked("#params tbody tr:nth-child(2) input.param-secret")

    issue = {"fields": {"priority": "Highest", "summary": "Mail server down"}}
    arguments = urllib.parse.quote(json.dumps({"issue": issue}))
    response = httpx.get(f"{url}&arguments={arguments}")
    assert response.status_code == 200
    assert response.json() == {
        "output": {"subject": "Mail server down", "priority": "High"}
    }


def test_parameter_limit_of_ten(page):
    page.goto("/admin/portals/1/callbacks/new")
    for _ in range(10):
        page.click("#add-param")
    assert page.locator("#params tbody tr").count() == 10
    assert page.is_disabled("#add-param")
    assert page.is_visible("#param-limit")
    assert page.inner_text("#param-count") == "10 of 10"
    page.locator("#params tbody tr:nth-child(4) .remove-param").click()
    assert page.locator("#params tbody tr").count() == 9
    assert page.is_enabled("#add-param")
    assert page.is_hidden("#param-limit")
    assert page.inner_text("#param-count") == "9 of 10"


def test_arguments_follow_parameters(page):
    page.goto("/admin/portals/1/callbacks/new")
    page.click("#add-param")
    page.fill("#params tbody tr:nth-child(1) input[name=param_name]", "ticket_id")
    page.select_option("#params tbody tr:nth-child(1) select", "int")
    assert page.locator("#arguments input[name='arg:ticket_id']").count() == 1
    assert page.is_hidden("#no-arguments")
    page.locator("#params tbody tr:nth-child(1) .remove-param").click()
    assert page.locator("#arguments input").count() == 0
    assert page.is_visible("#no-arguments")


def test_inline_compile_error(page):
    name = unique("broken")
    page.goto("/admin/portals/1/callbacks/new")
    page.fill("#fn-name", name)
    page.fill("#fn-api-name", name)
    page.fill("#fn-script", 'a = 1;\nb = 2;\nc = ;\nreturn "x";')
    page.check("#fn-publish")
    page.click("button[value=save]")

    assert "Not saved" in page.inner_text(".message.error")
    assert page.inner_text(".code-gutter div.error") == "3"
    inline = page.locator(".code-line.error[data-line='3'] .inline-error")
    assert "column 5" in inline.inner_text()
    assert "Line 3, column 5" in page.inner_text("#diagnostics")
    # The submitted form comes back as typed, so nothing is lost.
    assert page.input_value("#fn-name") == name
    assert "c = ;" in page.input_value("#fn-script")

    page.fill("#fn-script", 'return "fixed";')
    assert page.locator(".code-line.error").count() == 0


def test_save_and_execute(page, server):
    record = create_callback(
        server,
        1,
        name=unique("sum_items"),
        return_type="int",
        parameters=[{"name": "items", "type": "list"}],
        script=SUM_SCRIPT,
    )
    page.goto(f"/admin/portals/1/callbacks/{record['id']}")
    page.fill("input[name='arg:items']", "[4, 5, 6]")
    page.click("#save-execute")

    page.wait_for_selector("#run-result")
    assert page.inner_text("#run-output") == "15"
    assert page.inner_text("#run-info") == "items: 3"
    assert int(page.inner_text("#run-statements")) > 3
    assert re.fullmatch(r"\d+\.\d\d ms", page.inner_text("#run-duration"))
    # The argument stays in its field for the next run.
    assert page.input_value("input[name='arg:items']") == "[4, 5, 6]"


def test_execute_shows_runtime_error(page, server):
    record = create_callback(
        server,
        1,
        name=unique("fails"),
        return_type="int",
        parameters=[{"name": "items", "type": "list"}],
        script="x = 1;\nreturn items.get(5);",
    )
    page.goto(f"/admin/portals/1/callbacks/{record['id']}")
    page.fill("input[name='arg:items']", "[1]")
    page.click("#save-execute")
    page.wait_for_selector("#run-result")
    error = page.inner_text("#run-error")
    assert "index 5 is out of range" in error
    assert "(Line no: 2)" in error


def test_python_panel_links_deluge_line(page, server):
    record = create_callback(
        server,
        1,
        name=unique("linked"),
        script=JIRA_SCRIPT,
        return_type="map",
        parameters=[{"name": "issue", "type": "map"}],
    )
    page.goto(f"/admin/portals/1/callbacks/{record['id']}")
    statement = page.locator(".python-line[data-deluge-line='6']").first
    assert "op_" in statement.inner_text() or "if" in statement.inner_text()
    statement.click()
    assert page.locator(".code-line.linked").get_attribute("data-line") == "6"
    assert page.inner_text(".code-gutter div.linked") == "6"
    caret = page.evaluate("document.getElementById('fn-script').selectionStart")
    assert caret == len("\n".join(JIRA_SCRIPT.split("\n")[:5])) + 1
    assert "active" in statement.get_attribute("class")


def test_list_search_paging_bulk_delete(page, server):
    portal_id = create_portal(server, unique("Paging portal"))
    prefix = unique("alert")
    for index in range(27):
        create_callback(server, portal_id, name=f"{prefix}_{index:02d}")
    create_callback(server, portal_id, name=unique("other"))

    page.goto(f"/admin/portals/{portal_id}/callbacks")
    assert page.locator("#function-list tbody tr").count() == 10
    page.fill("#search", prefix)
    page.press("#search", "Enter")
    page.wait_for_url(re.compile(r".*search=.*"))
    assert page.inner_text("[data-testid=range]") == "1–10 of 27"
    assert row_names(page)[0] == f"{prefix}_00"

    page.select_option("#per-page", "25")
    page.wait_for_url(re.compile(r".*per_page=25.*"))
    assert page.locator("#function-list tbody tr").count() == 25
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r".*page=2.*"))
    assert row_names(page) == [f"{prefix}_25", f"{prefix}_26"]
    assert page.inner_text("[data-testid=range]") == "26–27 of 27"

    page.select_option("#per-page", "10")
    page.wait_for_url(re.compile(r".*per_page=10.*"))
    page.check("#select-all")
    assert page.inner_text("#delete-selected") == "Delete selected (10)"
    page.click("#delete-selected")
    assert page.is_visible("#confirm-dialog")
    assert "Delete the selected" in page.inner_text("#confirm-text")
    page.click("#confirm-dialog button[value=cancel]")
    assert page.locator("#function-list tbody tr").count() == 10

    page.click("#delete-selected")
    page.click("#confirm-ok")
    page.wait_for_selector(".message.success")
    assert "Deleted 10 callback functions." in page.inner_text(".message.success")
    assert page.inner_text("[data-testid=range]") == "1–10 of 17"
    assert row_names(page)[0] == f"{prefix}_10"


def test_row_actions_edit_and_delete(page, server):
    portal_id = create_portal(server, unique("Actions portal"))
    first = create_callback(server, portal_id, name="first_function")
    create_callback(server, portal_id, name="second_function")
    page.goto(f"/admin/portals/{portal_id}/callbacks")

    row = page.locator(f"tr[data-id='{first['id']}']")
    row.locator("summary").click()
    row.locator("text=Edit").click()
    page.wait_for_url(re.compile(rf".*/callbacks/{first['id']}$"))
    assert page.input_value("#fn-name") == "first_function"

    page.go_back()
    row = page.locator(f"tr[data-id='{first['id']}']")
    row.locator("summary").click()
    row.locator("button:has-text('Delete')").click()
    assert '"first_function"' in page.inner_text("#confirm-text")
    page.click("#confirm-ok")
    page.wait_for_selector(".message.success")
    assert row_names(page) == ["second_function"]

    page.click("text=second_function")
    page.wait_for_url(re.compile(r".*/callbacks/\d+$"))
    assert page.input_value("#fn-name") == "second_function"


def test_portal_switcher(page, server):
    name = unique("Switch portal")
    portal_id = create_portal(server, name)
    page.goto("/admin/portals/1/callbacks")
    page.select_option("#portal-switcher", str(portal_id))
    page.wait_for_url(f"**/admin/portals/{portal_id}/callbacks")
    assert name in page.inner_text("h1")


def test_screenshots_of_list_and_editor(page, server, screenshot_dir):
    """Save the list and the editor as PNG files; with
    DELUGE_CALLBACKS_UPDATE_SCREENSHOTS=1 into docs/screenshots/."""
    portal_id = create_portal(server, "Acme IT")
    examples = [
        ("Jira issue to request", "jira_issue_to_request", True),
        ("Monitoring alert summary", "monitoring_alert_summary", True),
        ("Asset warranty check", "asset_warranty_check", False),
        ("Nightly backup report", "nightly_backup_report", True),
        ("Onboarding checklist", "onboarding_checklist", False),
    ]
    jira = None
    for name, api_name, publish in examples:
        record = create_callback(
            server,
            portal_id,
            name=name.replace(" ", "_"),
            api_name=api_name,
            description=f"{name}: maps the incoming payload to a request",
            publish=publish,
            return_type="map",
            parameters=[{"name": "issue", "type": "map"}],
            script=JIRA_SCRIPT,
        )
        jira = jira or record
    screenshot_dir.mkdir(parents=True, exist_ok=True)

    page.goto(f"/admin/portals/{portal_id}/callbacks")
    page.locator("#function-list tbody tr").nth(1).locator("summary").click()
    page.screenshot(path=str(screenshot_dir / "list.png"), full_page=True)

    page.goto(f"/admin/portals/{portal_id}/callbacks/{jira['id']}")
    page.fill(
        "input[name='arg:issue']",
        '{"fields": {"priority": "High", "summary": "VPN is down"}}',
    )
    page.click("#save-execute")
    page.wait_for_selector("#run-result")
    page.locator(".python-line[data-deluge-line='6']").first.click()
    page.screenshot(path=str(screenshot_dir / "editor.png"), full_page=True)

    assert (screenshot_dir / "list.png").stat().st_size > 10_000
    assert (screenshot_dir / "editor.png").stat().st_size > 10_000


def test_history_diff_page(page, server):
    record = create_callback(server, 1, name=unique("history"), script='return "a";')
    with server.api() as api:
        api.put(
            f"/api/v1/portals/1/callbacks/{record['id']}",
            json={"script": 'x = 1;\nreturn "b";'},
        )
    page.goto(f"/admin/portals/1/callbacks/{record['id']}")
    page.click("text=Version history")
    assert page.locator("#versions tbody tr").count() == 2
    assert page.locator("#diff tr.added").count() == 2
    assert page.locator("#diff tr.removed").count() == 1
    page.select_option("#diff-from", "2")
    page.click("button:has-text('Compare')")
    assert "are the same" in page.inner_text("#diff")


def test_editor_highlighting_and_gutter(page):
    page.goto("/admin/portals/1/callbacks/new")
    script = "// note\nif (x == 1) {\n    info \"one\";\n}\nreturn '01-Jan-2025';"
    page.fill("#fn-script", script)
    assert page.locator(".code-gutter div").count() == 5
    assert page.inner_text(".tok-comment") == "// note"
    keywords = page.locator(".tok-keyword").all_inner_texts()
    assert keywords == ["if", "info", "return"]
    assert page.inner_text(".tok-string") == '"one"'
    assert page.inner_text(".tok-date") == "'01-Jan-2025'"
    assert page.locator(".tok-number").all_inner_texts() == ["1"]
    # The highlighted copy has the same text as the textarea, character for
    # character, so the caret lines up with what is drawn.
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('.code-line'))"
        ".map((line) => line.textContent).join('\\n')"
    )
    assert drawn == script


def test_editor_scroll_stays_aligned(page):
    page.goto("/admin/portals/1/callbacks/new")
    script = "\n".join(f"line_{n} = {n};" for n in range(1, 81))
    page.fill("#fn-script", script)
    page.evaluate(
        "() => { const area = document.getElementById('fn-script');"
        " area.scrollTop = area.scrollHeight;"
        " area.dispatchEvent(new Event('scroll')); }"
    )
    positions = page.evaluate(
        "() => ({area: document.getElementById('fn-script').scrollTop,"
        " pre: document.querySelector('.code-area pre').scrollTop,"
        " gutter: document.querySelector('.code-gutter').scrollTop})"
    )
    assert positions["area"] > 0
    assert positions["pre"] == positions["area"]
    assert positions["gutter"] == positions["area"]


def test_tab_key_indents(page):
    page.goto("/admin/portals/1/callbacks/new")
    page.click("#fn-script")
    page.keyboard.type("if (a) {")
    page.keyboard.press("Enter")
    page.keyboard.type("b = 1;")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.input_value("#fn-script") == "if (a) {\n    b = 1;\n        "


def test_escape_releases_tab_key(page):
    page.goto("/admin/portals/1/callbacks/new")
    page.click("#fn-script")
    page.keyboard.type("a = 1;")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.input_value("#fn-script") == "a = 1;"
    assert page.evaluate("document.activeElement.id") != "fn-script"


def test_edit_published_keeps_url(page, server):
    record = create_callback(
        server,
        1,
        name=unique("greeting"),
        api_name=unique("greeting"),
        publish=True,
        parameters=[{"name": "who", "type": "string"}],
        script='return "Hello " + who;',
    )
    page.goto(f"/admin/portals/1/callbacks/{record['id']}")
    url = page.input_value("#invocation-url")
    page.fill("#fn-script", 'return "Good morning " + who;')
    page.click("button[value=save]")
    page.wait_for_selector(".message.success")
    assert "Saved version 2." in page.inner_text(".message.success")
    assert page.inner_text(".badge") == "Published"
    assert page.input_value("#invocation-url") == url

    arguments = urllib.parse.quote(json.dumps({"who": "Ana"}))
    response = httpx.get(f"{url}&arguments={arguments}")
    assert response.status_code == 200
    assert response.json() == {"output": "Good morning Ana"}

    page.uncheck("#fn-publish")
    page.click("button[value=save]")
    page.wait_for_selector(".message.success")
    assert page.inner_text(".badge") == "Draft"
    assert page.locator("#invocation-url").count() == 0
    assert httpx.get(f"{url}&arguments={arguments}").status_code == 404


def test_run_without_saving(page, server):
    record = create_callback(
        server,
        1,
        name=unique("unsaved_run"),
        return_type="string",
        parameters=[{"name": "who", "type": "string"}],
        script='return "Hi " + who;',
    )
    page.goto(f"/admin/portals/1/callbacks/{record['id']}")
    page.fill("#fn-script", 'return "Bye " + who;')
    page.fill("input[name='arg:who']", "Sam")
    page.click("#run-unsaved")
    page.wait_for_selector("#run-result")
    assert page.inner_text("#run-output") == '"Bye Sam"'
    assert page.input_value("#fn-script") == 'return "Bye " + who;'
    with server.api() as api:
        stored = api.get(f"/api/v1/portals/1/callbacks/{record['id']}").json()
    assert stored["script"] == 'return "Hi " + who;'


def test_ctrl_s_saves(page, server):
    record = create_callback(server, 1, name=unique("shortcut"), script='return "a";')
    page.goto(f"/admin/portals/1/callbacks/{record['id']}")
    page.fill("#fn-script", 'return "b";')
    page.press("#fn-script", "Control+s")
    page.wait_for_selector(".message.success")
    assert "Saved version 2." in page.inner_text(".message.success")
    with server.api() as api:
        stored = api.get(f"/api/v1/portals/1/callbacks/{record['id']}").json()
    assert stored["script"] == 'return "b";'

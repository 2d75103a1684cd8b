"""Publish pasted-style callbacks in a portal whose zone is not UTC.

Each script is created through the admin API, then invoked by GET, form POST
and JSON POST, and all three must return the same hand-worked body. The
portal runs in Asia/Kolkata (UTC+05:30), so a date-time read or rendered in
the wrong zone shows up as a 5.5 hour shift.
"""

import json
import time
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from tests.server.live import create_callback, loopback_http_server, running_server

ZONE = "Asia/Kolkata"


class DirectoryHandler(BaseHTTPRequestHandler):
    """Serve ``/users/<id>`` as JSON, with 404 for the id 404."""

    def do_GET(self):
        user_id = self.path.rsplit("/", 1)[-1]
        if user_id == "404":
            self.send_json(404, {"error": "no such user"})
            return
        self.send_json(
            200,
            {
                "id": int(user_id),
                "name": f"User {user_id}",
                "dept": {"name": "Finance", "floor": 3},
                "roles": ["agent", "approver"],
            },
        )

    def send_json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def directory():
    with loopback_http_server(DirectoryHandler) as base_url:
        yield base_url


@pytest.fixture
def live(tmp_path, monkeypatch):
    environment = {"DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST": "127.0.0.1"}
    with running_server(tmp_path / "data", monkeypatch, **environment) as server:
        yield server


@pytest.fixture
def portal(live) -> int:
    response = live.admin.post(
        "/api/v1/portals", json={"name": "Kolkata desk", "time_zone": ZONE}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def publish(live, portal: int, name: str, parameters, return_type, script) -> dict:
    response = create_callback(
        live,
        portal,
        name=name,
        api_name=name,
        return_type=return_type,
        parameters=[{"name": n, "type": t} for n, t in parameters],
        script=script,
        publish=True,
    )
    assert response.status_code == 201, response.text
    return response.json()


def invoke_three_ways(live, record: dict, arguments: dict) -> list[httpx.Response]:
    """Invoke by GET, form POST and JSON POST with the same arguments."""
    text = json.dumps(arguments)
    url = httpx.URL(record["url"])
    return [
        live.client.get(url.copy_add_param("arguments", text)),
        live.client.post(url, data={"arguments": text}),
        live.client.post(url, json={"arguments": arguments}),
    ]


def assert_all(responses, status: int, body: dict) -> None:
    for response in responses:
        method = response.request.method
        content_type = response.request.headers.get("content-type")
        assert response.status_code == status, (method, content_type, response.text)
        assert response.json() == body, (method, content_type)


SLA_DUE = """
hours = 24;
if(priority == "Urgent")
{
	hours = 4;
}
else if(priority == "High")
{
	hours = 8;
}
due = created.addHour(hours);
local = due.toString("yyyy-MM-dd'T'HH:mm:ss");
return due.toString("dd-MMM-yyyy HH:mm") + " | " + local;
"""


@pytest.mark.parametrize(
    ("created", "priority", "expected"),
    [
        ("2026-03-02T22:15:00", "Urgent", "03-Mar-2026 02:15 | 2026-03-03T02:15:00"),
        # 04:00 UTC is 09:30 in Kolkata, and High adds 8 hours.
        ("2026-03-02T04:00:00Z", "High", "02-Mar-2026 17:30 | 2026-03-02T17:30:00"),
        ("2026-03-02T06:00+02:00", "High", "02-Mar-2026 17:30 | 2026-03-02T17:30:00"),
        # Alertmanager and other Go services send nine fraction digits.
        (
            "2026-03-02T04:00:00.123456789Z",
            "High",
            "02-Mar-2026 17:30 | 2026-03-02T17:30:00",
        ),
        ("02-Mar-2026 09:30:00", "Low", "03-Mar-2026 09:30 | 2026-03-03T09:30:00"),
    ],
)
def test_sla_due_renders_in_portal_zone(live, portal, created, priority, expected):
    record = publish(
        live,
        portal,
        "sla_due",
        [("created", "date"), ("priority", "string")],
        "string",
        SLA_DUE,
    )
    arguments = {"created": created, "priority": priority}
    assert_all(invoke_three_ways(live, record, arguments), 200, {"output": expected})


ZONE_PROBE = """
opened = '02-Mar-2026 09:30:00';
return {"same": created == opened, "hours": hoursBetween(opened, created)};
"""


def test_date_argument_matches_literal(live, portal):
    parameters = [("created", "date")]
    record = publish(live, portal, "zone_probe", parameters, "map", ZONE_PROBE)
    for created in ("02-Mar-2026 09:30:00", "2026-03-02T09:30:00", "2026-03-02T04:00Z"):
        responses = invoke_three_ways(live, record, {"created": created})
        assert_all(responses, 200, {"output": {"same": True, "hours": 0}})


def test_test_runs_read_dates_in_portal_zone(live, portal):
    parameters = [("created", "date")]
    record = publish(live, portal, "zone_probe", parameters, "map", ZONE_PROBE)
    arguments = {"created": "2026-03-02T04:00:00Z"}
    saved = live.admin.post(
        f"/api/v1/portals/{portal}/callbacks/{record['id']}/execute",
        json={"arguments": arguments},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["output"] == {"same": True, "hours": 0}
    unsaved = live.admin.post(
        f"/api/v1/portals/{portal}/execute",
        json={
            "script": 'info created;\nreturn created.toString("HH:mm");',
            "parameters": [{"name": "created", "type": "date"}],
            "return_type": "string",
            "arguments": arguments,
        },
    )
    assert unsaved.status_code == 200, unsaved.text
    assert unsaved.json()["output"] == "09:30"
    assert unsaved.json()["info"] == ["02-Mar-2026 09:30:00"]


JIRA_MAP = """
issue = payload.get("issue");
fields = issue.get("fields");
result = Map();
result.put("key", issue.get("key"));
result.put("summary", fields.get("summary").trim());
prio = fields.get("priority").get("name");
if(prio == "Highest" || prio == "High")
{
	result.put("priority", "High");
}
else if(prio == "Medium")
{
	result.put("priority", "Normal");
}
else
{
	result.put("priority", "Low");
}
tags = List();
for each label in fields.get("labels")
{
	tag = label.toLowerCase().replaceAll(" ", "-");
	if(!tags.contains(tag))
	{
		tags.add(tag);
	}
}
result.put("tags", tags);
result.put("reporter", ifnull(fields.get("reporter"), Map()).get("displayName"));
result.put("comments", fields.get("comment").get("comments").size());
info "mapped " + issue.get("key");
return result;
"""


def test_jira_payload_mapping(live, portal):
    record = publish(live, portal, "jira_map", [("payload", "map")], "map", JIRA_MAP)
    fields = {
        "summary": "  Disk full on db-02  ",
        "priority": {"name": "Highest"},
        "labels": ["Storage", "On Call", "storage"],
        "comment": {"comments": [{"body": "df shows 100%"}]},
    }
    payload = {"issue": {"key": "OPS-77", "fields": fields}}
    expected = {
        "key": "OPS-77",
        "summary": "Disk full on db-02",
        "priority": "High",
        "tags": ["storage", "on-call"],
        "reporter": None,
        "comments": 1,
    }
    responses = invoke_three_ways(live, record, {"payload": payload})
    assert_all(responses, 200, {"output": expected})


ROUTE = """
queue = "General";
if(vip && priority >= 3)
{
	queue = "VIP Escalations";
}
else if(category.equalsIgnoreCase("network") || category.contains("VPN"))
{
	queue = "Network";
}
else if(category == "Hardware" && priority > 2)
{
	queue = "Field Service";
}
info "routed to " + queue;
return queue + " (P" + priority + ")";
"""


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"category": "vpn access", "priority": "2", "vip": "false"}, "General (P2)"),
        ({"category": "Hardware", "priority": 4, "vip": False}, "Field Service (P4)"),
        ({"category": "NETWORK", "priority": 3, "vip": True}, "VIP Escalations (P3)"),
        ({"category": "NETWORK", "priority": 1, "vip": "FALSE"}, "Network (P1)"),
    ],
)
def test_routing_chain(live, portal, arguments, expected):
    parameters = [("category", "string"), ("priority", "int"), ("vip", "bool")]
    record = publish(live, portal, "route", parameters, "string", ROUTE)
    assert_all(invoke_three_ways(live, record, arguments), 200, {"output": expected})


def test_routing_bad_argument_names_it(live, portal):
    parameters = [("category", "string"), ("priority", "int"), ("vip", "bool")]
    record = publish(live, portal, "route", parameters, "string", ROUTE)
    responses = invoke_three_ways(live, record, {"category": "x", "priority": "high"})
    message = "Argument 'priority': expected a whole number (got 'high')"
    assert_all(responses, 400, {"errorMessage": message})


TYPED = """
res = Map();
res.put("i", i + 1);
res.put("f", f * 2);
res.put("b", !b);
res.put("d", d.addDay(1).toString("dd/MM/yyyy"));
res.put("m", m.keys());
res.put("l", l.size());
res.put("s", s.length());
res.put("text", i + f + s);
return res;
"""


def test_every_parameter_type(live, portal):
    parameters = [
        ("i", "int"),
        ("f", "float"),
        ("b", "bool"),
        ("d", "date"),
        ("m", "map"),
        ("l", "list"),
        ("s", "string"),
    ]
    record = publish(live, portal, "typed", parameters, "map", TYPED)
    arguments = {
        "i": 41,
        "f": 1.25,
        "b": True,
        "d": "2026-12-31",
        "m": {"a": 1, "b": 2},
        "l": [1, 2, 3],
        "s": "héllo",
    }
    expected = {
        "i": 42,
        "f": 2.5,
        "b": False,
        "d": "01/01/2027",
        "m": ["a", "b"],
        "l": 3,
        "s": 5,
        "text": "42.25héllo",
    }
    assert_all(invoke_three_ways(live, record, arguments), 200, {"output": expected})


SAFE_RATIO = """
try
{
	n = amount_text.toDecimal();
	r = 100 / n;
	return "ok:" + r.round(1);
}
catch (e)
{
	info e;
	return "bad input: " + e.get("message");
}
return "unreachable";
"""


def test_try_catch_and_history(live, portal):
    record = publish(
        live, portal, "safe_ratio", [("amount_text", "string")], "string", SAFE_RATIO
    )
    eight = invoke_three_ways(live, record, {"amount_text": "8"})
    assert_all(eight, 200, {"output": "ok:12.5"})
    zero = invoke_three_ways(live, record, {"amount_text": "0"})
    assert_all(zero, 200, {"output": "bad input: Division by zero"})

    history_url = f"/api/v1/portals/{portal}/callbacks/{record['id']}/executions"
    deadline = time.monotonic() + 5
    while True:
        history = live.admin.get(history_url).json()
        if history["total"] == 6 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert history["total"] == 6
    newest = history["executions"][0]
    assert newest["status"] == "success"
    assert newest["info"] == ['{"message":"Division by zero","lineNo":5}']


USER_LOOKUP = """
resp = invokeurl
[
	url: "BASE/users/" + user_id
	type: GET
	detailed: true
];
code = resp.get("responseCode");
if(code != 200)
{
	return {"found": false, "code": code};
}
body = resp.get("responseText");
dept = body.get("dept").get("name");
return {"found": true, "dept": dept, "roles": body.get("roles").toString()};
"""


def test_invokeurl_detailed_lookup(live, portal, directory):
    script = USER_LOOKUP.replace("BASE", directory)
    record = publish(live, portal, "user_lookup", [("user_id", "int")], "map", script)
    found = {"found": True, "dept": "Finance", "roles": "agent,approver"}
    assert_all(invoke_three_ways(live, record, {"user_id": 7}), 200, {"output": found})
    missing = {"found": False, "code": 404}
    responses = invoke_three_ways(live, record, {"user_id": "404"})
    assert_all(responses, 200, {"output": missing})


def test_global_function_from_callback(live, portal):
    created = live.admin.post(
        f"/api/v1/portals/{portal}/global-functions",
        json={
            "name": "formatRequester",
            "return_type": "string",
            "parameters": [
                {"name": "first", "type": "string"},
                {"name": "last", "type": "string"},
            ],
            "script": 'full = first.trim() + " " + last.trim();\nreturn full.proper();',
        },
    )
    assert created.status_code == 201, created.text
    call = created.json()["call_name"]
    script = (
        f'who = {call}(requester.get("first"), requester.get("last"));\n'
        'email = ifnull(requester.get("email"), "").trim().toLowerCase();\n'
        "if(email.isEmpty())\n{\n\treturn who;\n}\n"
        'return who + " <" + email + ">";\n'
    )
    record = publish(live, portal, "label", [("requester", "map")], "string", script)
    requester = {"first": " ada", "last": "LOVELACE ", "email": " Ada@Example.COM"}
    responses = invoke_three_ways(live, record, {"requester": requester})
    assert_all(responses, 200, {"output": "Ada Lovelace <ada@example.com>"})


HELPER_FIRST = """
string util.clean(string s)
{
	return s.trim().replaceAll("\\\\s+", " ");
}
map util.main(list subjects)
{
	out = List();
	for each s in subjects
	{
		out.add(util.clean(s));
	}
	return {"subjects": out};
}
"""


def test_entry_definition_after_helper(live, portal):
    # The callback is named "main", so util.main runs, not the helper above it.
    parameters = [("subjects", "list")]
    record = publish(live, portal, "main", parameters, "map", HELPER_FIRST)
    responses = invoke_three_ways(live, record, {"subjects": ["  a   b ", "c\t\td"]})
    assert_all(responses, 200, {"output": {"subjects": ["a b", "c d"]}})


def test_entry_definition_header_checked(live, portal):
    # Under another name the first definition runs, and its header disagrees.
    response = create_callback(
        live,
        portal,
        name="clean_all",
        api_name="clean_all",
        return_type="map",
        parameters=[{"name": "subjects", "type": "list"}],
        script=HELPER_FIRST,
        publish=True,
    )
    assert response.status_code == 400, response.text
    assert "header declares parameters (s)" in response.json()["error"]["message"]


def test_unsaved_run_checks_header(live, portal):
    response = live.admin.post(
        f"/api/v1/portals/{portal}/execute",
        json={
            "script": HELPER_FIRST,
            "parameters": [{"name": "subjects", "type": "list"}],
            "return_type": "map",
            "arguments": {"subjects": [" x  y"]},
        },
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "compile_error"
    assert "header declares parameters (s)" in error["message"]
    assert error["diagnostics"][0]["line"] == 2

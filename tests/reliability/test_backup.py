"""Export of a portal and import into a fresh data directory or another portal."""

from __future__ import annotations

import json
import os
import stat

import httpx
import pytest

from server.cli import main
from tests.server.live import create_callback, running_server

API = "/api/v1/portals/1"


def invoke(live, url: str, arguments: str) -> httpx.Response:
    params = dict(httpx.URL(url).params)
    params["arguments"] = arguments
    return live.client.get("/AppIntegrations", params=params)


def build_portal(live) -> dict:
    """Create global functions, a draft and published callbacks with versions."""
    helper = live.admin.post(
        f"{API}/global-functions",
        json={
            "name": "vat",
            "return_type": "float",
            "parameters": [{"name": "amount", "type": "float"}],
            "script": "return amount * 0.2;",
        },
    ).json()
    live.admin.put(
        f"{API}/global-functions/{helper['id']}",
        json={"script": "return amount * 0.25;"},
    )
    call = helper["call_name"]
    specs = {
        "total": {
            "return_type": "map",
            "parameters": [{"name": "amount", "type": "float"}],
            "script": f'return {{"net": amount, "vat": {call}(amount)}};',
            "arguments": '{"amount": 100}',
        },
        "greet": {
            "return_type": "string",
            "parameters": [
                {"name": "who", "type": "string"},
                {"name": "key", "type": "string", "secret": True},
            ],
            "script": 'return "Hi " + who;',
            "arguments": '{"who": "Bo", "key": "k"}',
        },
    }
    urls = {}
    for name, spec in specs.items():
        body = {k: v for k, v in spec.items() if k != "arguments"}
        created = create_callback(live, name=name, api_name=name, publish=True, **body)
        assert created.status_code == 201, created.text
        urls[name] = created.json()["url"]
    greet_id = httpx.URL(urls["greet"]).params["api_name"]
    assert greet_id == "greet"
    # A second version of a published callback goes live with the same token.
    listed = live.admin.get(f"{API}/callbacks").json()["callbacks"]
    greet = next(row for row in listed if row["name"] == "greet")
    live.admin.put(
        f"{API}/callbacks/{greet['id']}", json={"script": 'return "Hello " + who;'}
    )
    create_callback(
        live,
        name="draft",
        api_name="draft",
        return_type="int",
        parameters=[],
        script="return 1;",
    )
    outputs = {
        name: invoke(live, urls[name], spec["arguments"]).json()
        for name, spec in specs.items()
    }
    assert outputs["greet"] == {"output": "Hello Bo"}
    return {"specs": specs, "urls": urls, "outputs": outputs}


def summary(live, portal: int = 1) -> dict:
    """Return each callback's status, version, versions and current fields."""
    rows = live.admin.get(f"/api/v1/portals/{portal}/callbacks").json()["callbacks"]
    return {
        row["name"]: (
            row["status"],
            row["version"],
            row["parameters"],
            row["return_type"],
        )
        for row in rows
    }


def test_export_import_into_fresh_directory(tmp_path, monkeypatch):
    export_file = tmp_path / "portal.json"
    with running_server(tmp_path / "source", monkeypatch) as live:
        built = build_portal(live)
        before = summary(live)
        assert (
            main(
                [
                    "export",
                    "--portal",
                    "1",
                    str(export_file),
                    "--data-dir",
                    str(live.data_dir),
                ]
            )
            == 0
        )
    assert stat.S_IMODE(os.stat(export_file).st_mode) == 0o600
    document = json.loads(export_file.read_text())
    assert document["format"] == "deluge-callbacks-portal"
    assert "token" not in json.dumps(document["callbacks"])
    greet = next(c for c in document["callbacks"] if c["name"] == "greet")
    assert [v["version"] for v in greet["versions"]] == [1, 2]
    assert greet["versions"][0]["parameters"][1]["secret"] is True

    target = tmp_path / "target"
    assert main(["import", str(export_file), "--data-dir", str(target)]) == 0
    with running_server(target, monkeypatch) as live:
        assert summary(live) == before
        listed = live.admin.get(f"{API}/callbacks").json()["callbacks"]
        urls = {row["name"]: row["url"] for row in listed}
        assert urls["draft"] is None
        for name, spec in built["specs"].items():
            # New tokens, the same outputs.
            assert urls[name] != built["urls"][name]
            answer = invoke(live, urls[name], spec["arguments"])
            assert answer.json() == built["outputs"][name]
        greet_id = next(row["id"] for row in listed if row["name"] == "greet")
        versions = live.service.storage.list_versions(1, greet_id)
        assert [v["version"] for v in versions] == [1, 2]
        old = live.service.storage.get_version(1, greet_id, 1)
        assert old["script"] == 'return "Hi " + who;'
        global_versions = live.service.storage.db.execute(
            "SELECT version, script FROM global_function_versions ORDER BY version"
        ).fetchall()
        assert global_versions == [
            (1, "return amount * 0.2;"),
            (2, "return amount * 0.25;"),
        ]


def test_export_with_tokens_keeps_urls(tmp_path, monkeypatch):
    with running_server(tmp_path / "source", monkeypatch) as live:
        built = build_portal(live)
        exported = live.admin.get(f"{API}/export", params={"tokens": "true"})
        assert exported.headers["cache-control"] == "no-store"
        document = exported.json()
    with running_server(tmp_path / "target", monkeypatch) as live:
        imported = live.admin.post(f"{API}/import", json=document)
        assert imported.status_code == 200, imported.text
        report = imported.json()
        assert report["conflicts"] == []
        assert sorted(c["status"] for c in report["callbacks"]) == [
            "Draft",
            "Published",
            "Published",
        ]
        for name, spec in built["specs"].items():
            answer = invoke(live, built["urls"][name], spec["arguments"])
            assert answer.json() == built["outputs"][name]


def test_import_reports_conflicts_and_changes_nothing(tmp_path, monkeypatch):
    with running_server(tmp_path / "data", monkeypatch) as live:
        build_portal(live)
        document = live.admin.get(f"{API}/export", params={"tokens": "true"}).json()
        before = summary(live)
        globals_before = live.admin.get(f"{API}/global-functions").json()
        response = live.admin.post(f"{API}/import", json=document)
        assert response.status_code == 409
        conflicts = response.json()["conflicts"]
        kinds = sorted({c["kind"] for c in conflicts})
        assert kinds == ["callback", "global_function", "token"]
        assert any(
            c["kind"] == "callback" and c["field"] == "api_name" for c in conflicts
        )
        assert summary(live) == before
        assert live.admin.get(f"{API}/global-functions").json() == globals_before


def test_import_into_other_portal_renames_global_calls(tmp_path, monkeypatch):
    with running_server(tmp_path / "data", monkeypatch) as live:
        built = build_portal(live)
        document = live.admin.get(f"{API}/export").json()
        portal = live.admin.post("/api/v1/portals", json={"name": "Second"}).json()
        response = live.admin.post(
            f"/api/v1/portals/{portal['id']}/import", json=document
        )
        assert response.status_code == 200, response.text
        report = response.json()
        [(old, new)] = report["renamed_global_functions"].items()
        assert old != new
        rows = live.admin.get(f"/api/v1/portals/{portal['id']}/callbacks").json()[
            "callbacks"
        ]
        total = next(row for row in rows if row["name"] == "total")
        assert new in total["script"]
        answer = invoke(live, total["url"], built["specs"]["total"]["arguments"])
        assert answer.json() == built["outputs"]["total"]


@pytest.mark.parametrize(
    "document, message",
    [
        ({"format": "other"}, "Not an export document"),
        (
            {"format": "deluge-callbacks-portal", "format_version": 99},
            "Unsupported export format_version",
        ),
        (
            {
                "format": "deluge-callbacks-portal",
                "format_version": 1,
                "portal": {"id": 1},
                "callbacks": [
                    {"id": 1, "name": "x", "current_version": 2, "versions": []}
                ],
            },
            "has no 'versions' list",
        ),
    ],
)
def test_import_rejects_invalid_documents(tmp_path, monkeypatch, document, message):
    with running_server(tmp_path / "data", monkeypatch) as live:
        response = live.admin.post(f"{API}/import", json=document)
        assert response.status_code == 400
        assert message in response.json()["error"]["message"]


def test_cli_import_conflict_exits_nonzero(tmp_path, monkeypatch, capsys):
    export_file = tmp_path / "portal.json"
    with running_server(tmp_path / "data", monkeypatch) as live:
        build_portal(live)
        before = summary(live)
        data_dir = str(live.data_dir)
        assert (
            main(["export", "--portal", "1", str(export_file), "--data-dir", data_dir])
            == 0
        )
        capsys.readouterr()
        assert main(["import", str(export_file), "--data-dir", data_dir]) == 1
        output = capsys.readouterr()
        report = json.loads(output.out)
        # One global function, and a name and an API name for each of three callbacks.
        assert len(report["conflicts"]) == 7
        assert "Nothing imported: 7 conflicts with portal 1" in output.err
        assert summary(live) == before


def test_cli_export_unknown_portal(tmp_path, capsys):
    code = main(
        [
            "export",
            "--portal",
            "9",
            str(tmp_path / "out.json"),
            "--data-dir",
            str(tmp_path / "data"),
        ]
    )
    assert code == 1
    assert "Portal 9 not found" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_import_rejects_duplicate_names(tmp_path, monkeypatch):
    with running_server(tmp_path / "data", monkeypatch) as live:
        build_portal(live)
        document = live.admin.get(f"{API}/export").json()
        copy = json.loads(json.dumps(document["callbacks"][0]))
        copy["id"] = 999
        copy["api_name"] = "other"
        copy["name"] = copy["name"].upper()
        document["callbacks"].append(copy)
        portal = live.admin.post("/api/v1/portals", json={"name": "Third"}).json()
        response = live.admin.post(
            f"/api/v1/portals/{portal['id']}/import", json=document
        )
        assert response.status_code == 400
        message = response.json()["error"]["message"]
        assert "two callbacks have the same name" in message
        listed = live.admin.get(f"/api/v1/portals/{portal['id']}/callbacks").json()
        assert listed["total"] == 0


def test_import_warns_about_missing_connections(tmp_path, monkeypatch):
    script = (
        'r = invokeurl\n[\n\turl: "https://crm.example.com/items"\n\ttype: GET\n'
        '\tconnection: "crm_link"\n];\nreturn "sent";'
    )
    with running_server(tmp_path / "source", monkeypatch) as live:
        created = create_callback(
            live,
            name="push",
            api_name="push",
            return_type="string",
            parameters=[],
            script=script,
            publish=True,
        )
        assert created.status_code == 201, created.text
        document = live.admin.get(f"{API}/export").json()
    with running_server(tmp_path / "target", monkeypatch) as live:
        report = live.admin.post(f"{API}/import", json=document).json()
        assert report["conflicts"] == []
        [warning] = report["warnings"]
        assert "'push' uses connection 'crm_link'" in warning
        assert "portal 1 does not have" in warning

"""Workers killed with SIGKILL in the middle of a publish or an edit.

The edits are of a published callback and of a global function that a
published callback calls.

The callback's script has thousands of statements in a branch that never
runs, so the statement limit is not reached. Compiling it takes a good
fraction of a second, so the kill delays below land before, during and
after the compile, the cache write and the transaction. Whatever the moment,
the database must pass ``PRAGMA integrity_check``, the callback must have
exactly one active token, and its URL must answer with the exact output of
the live version. The uvicorn supervisor starts new workers after the kill.
"""

from __future__ import annotations

import sqlite3
import threading

import httpx
import pytest

from tests.reliability.service import ServiceProcess, invocation_params

FILLER_STATEMENTS = 1500
KILL_DELAYS_SECONDS = (0.02, 0.1, 0.25, 0.6)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("kill") / "data"
    with ServiceProcess(data_dir, workers=2) as running:
        yield running


def script(label: str) -> str:
    """Return a script that is slow to compile but runs three statements."""
    filler = "\n".join(f"x{i} = id + {i};" for i in range(FILLER_STATEMENTS))
    return f'if (id < 0) {{\n{filler}\n}}\nreturn "{label}:" + id;'


def database_state(data_dir, callback_id: int) -> tuple[str, int]:
    connection = sqlite3.connect(data_dir / "callbacks.db")
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        active = connection.execute(
            "SELECT COUNT(*) FROM tokens WHERE callback_id = ? AND active = 1",
            [callback_id],
        ).fetchone()[0]
    finally:
        connection.close()
    return integrity, active


def test_kill_during_publish_keeps_state(service):
    api = "/api/v1/portals/1/callbacks"
    labels = {1: "v1"}
    created = service.admin.post(
        api,
        json={
            "name": "slow",
            "api_name": "slow",
            "return_type": "string",
            "parameters": [{"name": "id", "type": "int"}],
            "script": script("v1"),
            "publish": True,
        },
    )
    assert created.status_code == 201
    callback_id = created.json()["id"]
    kept_old_state = 0
    for round_number, delay in enumerate(KILL_DELAYS_SECONDS, start=2):
        before = service.admin.get(f"{api}/{callback_id}").json()
        label = f"v{round_number}"
        publish = round_number % 2 == 1
        # An edit makes a new version. A publish recompiles and rotates
        # the token.
        if not publish:
            labels[before["version"] + 1] = label
        outcome: dict[str, object] = {}

        def send(publish=publish, label=label, outcome=outcome):
            try:
                if publish:
                    response = service.admin.post(f"{api}/{callback_id}/publish")
                else:
                    response = service.admin.put(
                        f"{api}/{callback_id}", json={"script": script(label)}
                    )
                outcome["response"] = response
            except httpx.TransportError as exc:
                outcome["error"] = exc

        sender = threading.Thread(target=send)
        sender.start()
        killed = _kill_after(service, sender, delay)
        sender.join(60)
        service.wait_ready()
        assert not set(killed) & set(service.worker_pids())

        integrity, active = database_state(service.data_dir, callback_id)
        assert integrity == "ok"
        assert active == 1
        after = service.admin.get(f"{api}/{callback_id}").json()
        assert after["status"] == "Published"
        assert after["live_version"] == after["version"]
        answer = httpx.get(
            f"{service.base_url}/AppIntegrations",
            params=invocation_params(after["url"], '{"id": 7}'),
        )
        assert answer.json() == {"output": f"{labels[after['version']]}:7"}

        if "response" in outcome:
            # The call returned before the kill, so its change is live.
            assert outcome["response"].status_code == 200
            assert outcome["response"].json()["url"] == after["url"]
            assert outcome["response"].json()["version"] == after["version"]
        if after["url"] == before["url"] and after["version"] == before["version"]:
            kept_old_state += 1
            old = httpx.get(
                f"{service.base_url}/AppIntegrations",
                params=invocation_params(before["url"], '{"id": 8}'),
            )
            assert old.json() == {"output": f"{labels[before['version']]}:8"}
    # At least one kill landed before the commit, so the test exercised
    # an interrupted publish and not only finished ones.
    assert kept_old_state >= 1


def _kill_after(service: ServiceProcess, sender: threading.Thread, delay: float):
    sender.join(delay)
    return service.kill_workers()


def test_kill_during_global_edit_keeps_state(service):
    api = "/api/v1/portals/1"
    helper = service.admin.post(
        f"{api}/global-functions",
        json={
            "name": "tag",
            "return_type": "string",
            "parameters": [],
            "script": 'return "g1";',
        },
    ).json()
    call = helper["call_name"]
    body = script("cb").replace('"cb:" + id', f'{call}() + ":" + id')
    created = service.admin.post(
        f"{api}/callbacks",
        json={
            "name": "dependent",
            "api_name": "dependent",
            "return_type": "string",
            "parameters": [{"name": "id", "type": "int"}],
            "script": body,
            "publish": True,
        },
    ).json()
    kept_old_state = 0
    for number, delay in enumerate(KILL_DELAYS_SECONDS[:3], start=2):
        before = service.admin.get(f"{api}/global-functions/{helper['id']}")
        sender = threading.Thread(
            target=_send_quietly,
            args=(
                service,
                f"{api}/global-functions/{helper['id']}",
                {"script": f'return "g{number}";'},
            ),
        )
        sender.start()
        _kill_after(service, sender, delay)
        sender.join(60)
        service.wait_ready()

        integrity, active = database_state(service.data_dir, created["id"])
        assert integrity == "ok"
        assert active == 1
        current = service.admin.get(f"{api}/global-functions/{helper['id']}")
        version = current.json()["version"]
        # The callback serves the global function's current version.
        expected_label = current.json()["script"].split('"')[1]
        answer = httpx.get(
            f"{service.base_url}/AppIntegrations",
            params=invocation_params(created["url"], '{"id": 3}'),
        )
        assert answer.json() == {"output": f"{expected_label}:3"}
        if version == before.json()["version"]:
            kept_old_state += 1
    assert kept_old_state >= 1


def _send_quietly(service: ServiceProcess, path: str, body: dict) -> None:
    try:
        service.admin.put(path, json=body)
    except httpx.TransportError:
        pass

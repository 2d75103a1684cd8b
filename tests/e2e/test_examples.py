"""Publish each example through the admin API and invoke its URL three ways."""

import json
from pathlib import Path

import httpx
import pytest

from server.cli_source import read_source
from tests.server.live import create_callback

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(path.stem for path in EXAMPLES.glob("*.dg"))


def publish_example(live, name: str) -> tuple[dict, dict, dict]:
    source = read_source(EXAMPLES / f"{name}.dg", None, None)
    response = create_callback(
        live,
        name=source.name,
        api_name=name,
        description=f"Example {name}",
        return_type=source.return_type,
        parameters=source.parameters,
        script=source.script,
        publish=True,
    )
    assert response.status_code == 201, response.text
    arguments = json.loads((EXAMPLES / f"{name}.json").read_text())
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text())
    return response.json(), arguments, expected


def test_three_examples_exist():
    assert len(NAMES) >= 3


@pytest.mark.parametrize("name", NAMES)
def test_example_by_get(live, name):
    record, arguments, expected = publish_example(live, name)
    url = httpx.URL(record["url"]).copy_add_param("arguments", json.dumps(arguments))
    response = live.client.get(url)
    assert response.status_code == 200, response.text
    assert response.json() == expected


@pytest.mark.parametrize("name", NAMES)
def test_example_by_post_form(live, name):
    record, arguments, expected = publish_example(live, name)
    response = live.client.post(
        record["url"], data={"arguments": json.dumps(arguments)}
    )
    assert response.status_code == 200, response.text
    assert response.json() == expected


@pytest.mark.parametrize("name", NAMES)
def test_example_by_post_json(live, name):
    record, arguments, expected = publish_example(live, name)
    query = dict(httpx.URL(record["url"]).params)
    response = live.client.post(
        "/AppIntegrations",
        json={**query, "arguments": arguments},
    )
    assert response.status_code == 200, response.text
    assert response.json() == expected


@pytest.mark.parametrize("name", NAMES)
def test_example_test_run_matches(live, name):
    record, arguments, expected = publish_example(live, name)
    response = live.admin.post(
        f"/api/v1/portals/1/callbacks/{record['id']}/execute",
        json={"arguments": arguments},
    )
    assert response.json()["output"] == expected["output"]

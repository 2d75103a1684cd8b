import pytest

from tests.server.live import running_server


@pytest.fixture
def live(tmp_path, monkeypatch):
    with running_server(tmp_path / "data", monkeypatch) as server:
        yield server

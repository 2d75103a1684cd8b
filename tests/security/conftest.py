import pytest

from tests.server.live import running_server


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One real server per test module, on 127.0.0.1 with its data in tmp."""
    monkeypatch = pytest.MonkeyPatch()
    data_dir = tmp_path_factory.mktemp("security") / "data"
    try:
        with running_server(data_dir, monkeypatch) as server:
            yield server
    finally:
        monkeypatch.undo()

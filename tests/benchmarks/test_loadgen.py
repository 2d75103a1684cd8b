import pytest

from benchmarks.common import HOST, server_process
from benchmarks.invocation_overhead import EXPECTED_BODY, bare_command
from benchmarks.loadgen import UnexpectedResponse, generate_load


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    log = tmp_path_factory.mktemp("logs") / "bare.log"
    with server_process(bare_command(1), log) as server:
        yield server


def test_loadgen_counts_every_request(bare):
    result = generate_load(HOST, bare.port, "/AppIntegrations", EXPECTED_BODY, 50, 3)
    assert result.requests == 50
    assert len(result.latencies_ms) == 50
    assert result.requests_per_second > 0
    assert 0 < result.p50_ms <= result.p99_ms


def test_loadgen_rejects_other_body(bare):
    with pytest.raises(UnexpectedResponse, match="expected status 200"):
        generate_load(HOST, bare.port, "/AppIntegrations", b'{"output":1}', 5, 1)


def test_loadgen_rejects_error_status(bare):
    with pytest.raises(UnexpectedResponse, match="got 404"):
        generate_load(HOST, bare.port, "/missing", EXPECTED_BODY, 5, 1)

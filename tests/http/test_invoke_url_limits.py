"""The caps of outbound calls: timeout, deadline, response size, call count."""

from __future__ import annotations

import time

import pytest

from runtime.errors import DelugeError, LimitExceeded
from runtime.http import invoke_url
from runtime.limits import Limits
from tests.http.conftest import make_context


def test_slow_server_hits_timeout(server):
    ctx = make_context(limits=Limits(invokeurl_timeout_seconds=0.3))
    started = time.monotonic()
    with pytest.raises(DelugeError, match=r"timed out after 0\.3 s"):
        invoke_url(ctx, {"url": server.url("/slow?seconds=2")})
    assert time.monotonic() - started < 1.5


def test_slow_drip_body_hits_timeout(server):
    # Every read returns within 50 ms, so only a whole-call deadline stops it.
    ctx = make_context(limits=Limits(invokeurl_timeout_seconds=0.4))
    started = time.monotonic()
    with pytest.raises(DelugeError, match=r"timed out after 0\.4 s"):
        invoke_url(ctx, {"url": server.url("/drip?seconds=3")})
    assert time.monotonic() - started < 1.2


def test_policy_timeout_caps_the_limit(server):
    ctx = make_context(timeout_seconds=0.2)
    with pytest.raises(DelugeError, match=r"timed out after 0\.2 s"):
        invoke_url(ctx, {"url": server.url("/slow?seconds=2")})


def test_invocation_deadline_ends_the_call(server):
    ctx = make_context(limits=Limits(wall_time_seconds=0.3))
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        invoke_url(ctx, {"url": server.url("/slow?seconds=2")})
    assert caught.value.limit == "wall time"
    assert time.monotonic() - started < 1.5


def test_call_after_deadline_is_not_sent(server):
    ctx = make_context()
    ctx.deadline = time.monotonic() - 1
    before = len(server.hits)
    with pytest.raises(LimitExceeded, match="wall time"):
        invoke_url(ctx, {"url": server.url("/json")})
    assert len(server.hits) == before


def test_huge_streamed_response_hits_cap(server):
    ctx = make_context(limits=Limits(invokeurl_response_bytes=200_000))
    with pytest.raises(LimitExceeded) as caught:
        invoke_url(ctx, {"url": server.url("/huge?bytes=50000000")})
    assert caught.value.limit == "invokeurl response size"
    assert "200000 bytes" in str(caught.value)


def test_declared_length_over_cap_is_rejected_early(server):
    ctx = make_context(limits=Limits(invokeurl_response_bytes=1000))
    with pytest.raises(LimitExceeded, match="invokeurl response size"):
        invoke_url(ctx, {"url": server.url("/declared?bytes=1000000000")})


def test_response_at_cap_is_accepted(server):
    ctx = make_context(limits=Limits(invokeurl_response_bytes=131072))
    assert len(invoke_url(ctx, {"url": server.url("/huge?bytes=131072")})) == 131072


def test_gzip_bomb_hits_cap_on_decoded_size(server):
    ctx = make_context(limits=Limits(invokeurl_response_bytes=100_000))
    with pytest.raises(LimitExceeded, match="invokeurl response size"):
        invoke_url(ctx, {"url": server.url("/gzip?bytes=20000000")})


def test_gzip_body_is_decoded(ctx, server):
    assert invoke_url(ctx, {"url": server.url("/gzip?bytes=5000")}) == "0" * 5000


def test_policy_size_cap_applies(server):
    ctx = make_context(max_response_bytes=10_000)
    with pytest.raises(LimitExceeded, match="10000 bytes"):
        invoke_url(ctx, {"url": server.url("/huge?bytes=1000000")})


def test_call_count_cap(server):
    ctx = make_context(limits=Limits(invokeurl_calls=3))
    for _ in range(3):
        invoke_url(ctx, {"url": server.url("/text")})
    before = len(server.hits)
    with pytest.raises(LimitExceeded) as caught:
        invoke_url(ctx, {"url": server.url("/text")})
    assert caught.value.limit == "invokeurl calls"
    assert len(server.hits) == before


def test_failed_calls_count_too(server):
    ctx = make_context(allow=(), limits=Limits(invokeurl_calls=1))
    with pytest.raises(DelugeError):
        invoke_url(ctx, {"url": server.url("/text")})
    with pytest.raises(LimitExceeded, match="invokeurl calls"):
        invoke_url(ctx, {"url": server.url("/text")})


def test_slow_resolver_respects_timeout():
    import threading

    from runtime.context import ExecutionContext
    from runtime.http_transport import OutboundClient, OutboundPolicy
    from tests.http.conftest import RefusingBackend

    release = threading.Event()

    def hanging_resolver(host, port):
        release.wait(5)
        return ["192.0.2.1"]

    # The backend raises if the call ever tries to connect.
    policy = OutboundPolicy(
        resolver=hanging_resolver, network_backend=RefusingBackend()
    )
    ctx = ExecutionContext(
        limits=Limits(invokeurl_timeout_seconds=0.2), outbound=OutboundClient(policy)
    )
    started = time.monotonic()
    try:
        with pytest.raises(DelugeError, match="timed out after 0.2 s"):
            invoke_url(ctx, {"url": "http://slow-dns.test/"})
    finally:
        release.set()
    assert time.monotonic() - started < 1.0

import time

from server.log_limits import RepeatLimiter


def test_limiter_suppresses_after_quota():
    limiter = RepeatLimiter(per_window=2, window_seconds=3600)
    assert limiter.allow("k") == (True, 0)
    assert limiter.allow("k") == (True, 0)
    assert limiter.allow("k") == (False, 1)
    assert limiter.allow("k") == (False, 2)
    assert limiter.allow("other") == (True, 0)


def test_limiter_reports_suppressed_in_next_window():
    limiter = RepeatLimiter(per_window=1, window_seconds=0.05)
    assert limiter.allow("k") == (True, 0)
    assert limiter.allow("k") == (False, 1)
    time.sleep(0.06)
    assert limiter.allow("k") == (True, 1)
    assert limiter.allow("k") == (False, 1)

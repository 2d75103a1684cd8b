"""Execution limits of one invocation, with their defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    """Caps enforced while a script runs; each is configurable per service.

    Statement and call limits follow Deluge's documented 5,000 statements and
    75 nested calls; wall time follows Zoho CRM's one-minute function limit;
    the response size follows Zoho CRM's 10 MB. The size caps on values are
    this project's own choices, set well above what callback scripts need.
    ``memory_mb`` caps how far the service's resident memory may grow during
    one run, because the size caps bound each value but not their sum.
    """

    statements: int = 5_000
    nested_calls: int = 75
    wall_time_seconds: float = 60.0
    invokeurl_timeout_seconds: float = 40.0
    invokeurl_calls: int = 50
    invokeurl_response_bytes: int = 5 * 1024 * 1024
    response_bytes: int = 10 * 1024 * 1024
    request_body_bytes: int = 1024 * 1024
    text_length: int = 1_000_000
    collection_size: int = 100_000
    integer_digits: int = 4_000
    nesting_depth: int = 100
    info_bytes: int = 500 * 1024
    memory_mb: int = 512

    @classmethod
    def names(cls) -> list[str]:
        """List the limit names, as used in settings and messages."""
        return [f.name for f in fields(cls)]

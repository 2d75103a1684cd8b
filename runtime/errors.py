"""Errors raised while a Deluge script runs.

Generated code and built-ins raise only these. A ``DelugeError`` is what a
Deluge ``try``/``catch`` block catches; a ``LimitExceeded`` ends the
invocation and cannot be caught by the script.
"""


class DelugeError(Exception):
    """A Deluge runtime error: a message in Deluge terms and the Deluge line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def with_line(self, line: int) -> "DelugeError":
        """Set the Deluge line if no inner call has set it yet."""
        if self.line is None:
            self.line = line
        return self

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"{self.message} (Line no: {self.line})"


class LimitExceeded(BaseException):
    """An execution limit was hit; ``try``/``catch`` in Deluge does not catch it.

    It derives from ``BaseException`` so that a generated ``except DelugeError``
    can never swallow it.
    """

    def __init__(self, limit: str, value: object, line: int | None = None):
        super().__init__(limit)
        self.limit = limit
        self.value = value
        self.line = line

    @property
    def message(self) -> str:
        text = f"Execution limit exceeded: {self.limit} ({self.value})"
        if self.line is not None:
            text += f" (Line no: {self.line})"
        return text

    def __str__(self) -> str:
        return self.message

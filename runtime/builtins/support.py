"""Argument checks and conversions shared by the built-in modules."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from runtime.errors import DelugeError, LimitExceeded
from runtime.limits import Limits
from runtime.registry import BOTH
from runtime.registry import builtin as registry_builtin
from runtime.text import to_text
from runtime.value_size import rendered_size_exceeds
from runtime.values import (
    NUMBER_MAX,
    NUMBER_MIN,
    KeyValue,
    type_name,
)


def register(
    receiver_types: Iterable[str | None],
    name: str,
    *,
    accepts_pairs: bool = False,
    **options,
) -> Callable[[Callable], Callable]:
    """Register one function as the same built-in for several receiver types.

    Unless ``accepts_pairs`` is set, the registered function rejects a
    ``key: value`` argument (a ``KeyValue``) with a Deluge error, so only the
    collection built-ins ever see one.
    """
    options.setdefault("forms", BOTH)

    def wrap(func: Callable) -> Callable:
        target = func if accepts_pairs else _rejecting_pairs(func, name)
        for receiver_type in receiver_types:
            registry_builtin(receiver_type, name, **options)(target)
        return func

    return wrap


def builtin(receiver_type: str | None, name: str, **options):
    """Register a built-in for one receiver type, as ``register`` does."""
    return register((receiver_type,), name, **options)


def _rejecting_pairs(func: Callable, name: str) -> Callable:
    @functools.wraps(func)
    def checked(ctx, *args):
        for value in args:
            if type(value) is KeyValue:
                raise DelugeError(
                    f"Function '{name}' does not take a key: value pair; "
                    "pass the value alone"
                )
        return func(ctx, *args)

    return checked


# The text-length limit of the default Limits, for callers without a context.
DEFAULT_TEXT_LENGTH = Limits().text_length


def render(value: object, limit: int = DEFAULT_TEXT_LENGTH) -> str:
    """Render a value as Deluge text, as ``info`` and text joins do.

    A value whose text would pass ``limit`` raises ``LimitExceeded`` before
    any text is built, so a list holding one long text many times cannot
    exhaust memory.
    """
    if type(value) is not str and rendered_size_exceeds(value, limit):
        raise LimitExceeded("text length", f"{limit} characters")
    return to_text(value)


def text_arg(value: object, function: str, position: str = "argument") -> str:
    """Return a text argument, rendering numbers and other values as text.

    A null argument is an error because Deluge has no text for it here.
    """
    if type(value) is str:
        return value
    if value is None:
        raise DelugeError(f"{function}: the {position} is null; pass a text value")
    return render(value)


def int_arg(value: object, function: str, position: str = "argument") -> int:
    """Return a whole-number argument.

    NUMBER values pass as they are. A DECIMAL with no fraction and a text of
    digits are converted, and anything else is an error naming the value.
    """
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is str:
        stripped = value.strip()
        if stripped.lstrip("+-").isdigit() and len(stripped) <= 20:
            return int(stripped)
    raise DelugeError(
        f"{function}: the {position} must be a whole number, got {describe(value)}"
    )


def bool_arg(value: object, function: str, position: str = "argument") -> bool:
    """Return a BOOLEAN argument; the texts "true" and "false" are accepted."""
    if type(value) is bool:
        return value
    if type(value) is str and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise DelugeError(
        f"{function}: the {position} must be true or false, got {describe(value)}"
    )


def text_limit_error(ctx) -> LimitExceeded:
    """Build the error for a text that would pass the text-length limit.

    Callers raise it before building the text, so an oversized request costs
    nothing.
    """
    limit = ctx.limits.text_length
    return LimitExceeded("text length", f"{limit} characters")


def check_number(value: int, function: str) -> int:
    """Return ``value`` if it fits Deluge's signed 64-bit NUMBER."""
    if not NUMBER_MIN <= value <= NUMBER_MAX:
        raise DelugeError(
            f"{function}: the result is outside the NUMBER range "
            f"({NUMBER_MIN} to {NUMBER_MAX})"
        )
    return value


def describe(value: object, width: int = 60) -> str:
    """Describe a value for an error message: its type and a short text."""
    if value is None:
        return "null"
    if type(value) is KeyValue:
        return "a key: value pair"
    kind = type_name(value)
    if type(value) is not str and rendered_size_exceeds(value, 10 * width):
        return f"a {kind} value"
    text = render(value)
    if len(text) > width:
        text = text[: width - 3] + "..."
    if kind == "TEXT":
        return f'the text "{text}"'
    return f"the {kind} value {text}"

"""Argument checks of the service on top of the runtime's type conversion."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from runtime.arguments import ArgumentError, convert_arguments
from runtime.limits import Limits
from server.errors import InvalidInput


def convert_invocation_arguments(
    parameters: list[tuple[str, str]], raw: dict, limits: Limits, time_zone: str
) -> dict:
    """Convert ``raw`` to the declared types, rejecting unknown argument names.

    A name that matches no parameter is an error, so a typo in a caller's
    JSON does not pass silently as a null argument. Date-time arguments are
    read in ``time_zone``, the portal zone that the run uses. Raises
    ``InvalidInput``.
    """
    names = [name for name, _ in parameters]
    unknown = [key for key in raw if key not in names]
    if unknown:
        takes = ", ".join(names) if names else "no parameters"
        raise InvalidInput(
            f"Unknown argument '{unknown[0]}': the function takes {takes}"
        )
    try:
        return convert_arguments(parameters, raw, limits, tz=ZoneInfo(time_zone))
    except ArgumentError as exc:
        raise InvalidInput(str(exc)) from None

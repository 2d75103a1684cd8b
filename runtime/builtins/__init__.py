"""Deluge built-in functions, one module per Deluge type they act on.

Importing this package registers every built-in in ``runtime.registry``.
"""

from runtime.builtins import datetimes, text  # noqa: F401
from runtime.builtins import web  # noqa: F401

"""Connections: named credentials that ``invokeurl`` applies to a request.

The server stores connections encrypted and passes the execution context a
callable that returns a ``Connection`` for a link name. Scripts name the
connection (``connection: "jira_cloud"``) and never see the secret.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

API_KEY = "api_key"
BASIC = "basic"
BEARER = "bearer"
AUTH_TYPES = (API_KEY, BASIC, BEARER)

HEADER = "header"
QUERY = "query"
LOCATIONS = (HEADER, QUERY)


@dataclass(frozen=True, repr=False)
class Connection:
    """The decrypted credentials of one connection.

    For ``api_key``, ``location`` is ``header`` or ``query`` and
    ``parameter_name`` is the header or query parameter that carries
    ``secret``. For ``basic``, ``username`` and ``secret`` (the password) form
    the Basic credentials. For ``bearer``, ``secret`` is the token. The
    ``repr`` leaves the secret out, so a stray log line cannot show it.
    """

    link_name: str
    auth_type: str
    secret: str
    location: str = HEADER
    parameter_name: str = ""
    username: str = ""

    def __repr__(self) -> str:
        return f"Connection(link_name={self.link_name!r}, auth_type={self.auth_type!r})"

    def apply(
        self, headers: list[tuple[str, str]], query: list[tuple[str, str]]
    ) -> frozenset[str]:
        """Add the credentials to ``headers`` or ``query`` in place.

        A header or query parameter of the same name that the script set is
        replaced. Returns the names of the headers that now carry the secret.
        """
        if self.auth_type == API_KEY and self.location == QUERY:
            _replace(query, self.parameter_name, self.secret, case_sensitive=True)
            return frozenset()
        if self.auth_type == API_KEY:
            name, value = self.parameter_name, self.secret
        elif self.auth_type == BASIC:
            pair = f"{self.username}:{self.secret}".encode()
            name = "Authorization"
            value = "Basic " + base64.b64encode(pair).decode("ascii")
        elif self.auth_type == BEARER:
            name, value = "Authorization", f"Bearer {self.secret}"
        else:
            raise ValueError(f"unknown auth type {self.auth_type!r}")
        _replace(headers, name, value, case_sensitive=False)
        return frozenset({name.lower()})


def _replace(
    pairs: list[tuple[str, str]], name: str, value: str, *, case_sensitive: bool
) -> None:
    def same(key: str) -> bool:
        return key == name if case_sensitive else key.lower() == name.lower()

    pairs[:] = [(k, v) for k, v in pairs if not same(k)]
    pairs.append((name, value))

"""The parts of one running service, built from its settings."""

from __future__ import annotations

import logging

from cache import CodeCache
from runtime.http_transport import OutboundClient, OutboundPolicy
from server import connections
from server.log_limits import RepeatLimiter
from server.programs import ProgramLoader
from server.secret_files import admin_key, cache_signing_key, token_encryption_key
from server.settings import Settings, prepare_data_dir
from server.storage import Storage
from server.storage_tokens import TokenCipher

logger = logging.getLogger(__name__)


class Service:
    """Storage, compile cache, program loader, keys and outbound client."""

    def __init__(self, settings: Settings):
        self.settings = settings
        data_dir = settings.data_dir
        prepare_data_dir(data_dir)
        self.admin_key = admin_key(data_dir)
        self.storage = Storage(
            settings.database_path, TokenCipher(token_encryption_key(data_dir))
        )
        self.storage.migrate()
        self.code_cache = CodeCache(settings.cache_dir, cache_signing_key(data_dir))
        self.loader = ProgramLoader(
            self.storage, self.code_cache, settings.program_table_size
        )
        self.outbound = OutboundClient(
            OutboundPolicy.from_settings(settings.outbound_allow_list)
        )
        # Callers can send invalid URLs at any rate, so their log lines are limited.
        self.rejection_log = RepeatLimiter(per_window=5, window_seconds=60.0)
        # Sets self.connections: the portal connections that invokeurl uses.
        connections.attach(self)

    def close(self) -> None:
        self.code_cache.close()
        self.storage.close()

    def connections_for(self, portal_id: int):
        """Return the ``ctx.connections`` callable of a portal."""
        return self.connections.resolver(portal_id)

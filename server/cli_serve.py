"""The ``serve`` command: prepare the data directory, then run uvicorn."""

from __future__ import annotations

import logging
import os
import sys

import uvicorn

from server.logging_setup import configure_logging
from server.secret_files import ADMIN_KEY_FILE
from server.settings import ENV_PREFIX, load_settings

logger = logging.getLogger(__name__)


def serve(options) -> int:
    if options.workers < 1:
        print("deluge-callbacks: error: --workers must be at least 1", file=sys.stderr)
        return 2
    if options.timeout_graceful_shutdown < 0:
        print(
            "deluge-callbacks: error: --timeout-graceful-shutdown must be 0 or "
            f"more seconds, not {options.timeout_graceful_shutdown}",
            file=sys.stderr,
        )
        return 2
    settings = load_settings(
        options.data_dir,
        host=options.host,
        port=options.port,
        log_level=options.log_level,
    )
    configure_logging(settings.log_level)

    # Create the schema and the key files once, before any worker starts.
    from server.service import Service

    Service(settings).close()
    if os.environ.get(ENV_PREFIX + "ADMIN_KEY"):
        print("Admin API key: taken from DELUGE_CALLBACKS_ADMIN_KEY", file=sys.stderr)
    else:
        print(
            f"Admin API key: stored in {settings.data_dir / ADMIN_KEY_FILE} "
            "(mode 0600); send it as 'Authorization: Bearer <key>'",
            file=sys.stderr,
        )
    print(
        f"Serving on http://{settings.host}:{settings.port}/ "
        f"with {options.workers} worker(s)",
        file=sys.stderr,
    )

    if options.workers == 1:
        from server.app import create_app

        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            timeout_graceful_shutdown=options.timeout_graceful_shutdown,
        )
        return 0

    # Worker processes build their own app from the environment.
    os.environ[ENV_PREFIX + "DATA_DIR"] = str(settings.data_dir)
    os.environ[ENV_PREFIX + "LOG_LEVEL"] = settings.log_level
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=options.workers,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=options.timeout_graceful_shutdown,
    )
    return 0

"""Creation and checking of the private cache directory.

The cache holds executable code, so another local user must not be able to
plant entries in it. Like Jinja2's fix for CVE-2014-0012, the directory is
created with mode 0700 and then checked with ``lstat``: it must be a real
directory (not a symbolic link), owned by the current user, with mode 0700.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

PRIVATE_MODE = 0o700


class CacheDirectoryError(RuntimeError):
    """The cache directory is unsafe to use; the message says how to fix it."""


def ensure_private_directory(path: Path) -> Path:
    """Create ``path`` with mode 0700 if needed and check owner and mode."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(path, PRIVATE_MODE)
        logger.info("Created cache directory %s", path)
    except FileExistsError:
        pass

    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise CacheDirectoryError(
            f"Cache path {path} is not a directory (it may be a symbolic link); "
            "remove it so that the service can create a private directory"
        )
    if info.st_uid != os.getuid():
        raise CacheDirectoryError(
            f"Cache directory {path} is owned by uid {info.st_uid}, not by the "
            f"service user (uid {os.getuid()}); remove it or change its owner"
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode != PRIVATE_MODE:
        # mkdir applies the umask, and an operator may have widened the mode:
        # the owner is checked above, so tightening it is safe.
        os.chmod(path, PRIVATE_MODE)
        logger.warning(
            "Cache directory %s had mode %o; changed it to %o", path, mode, PRIVATE_MODE
        )
        if stat.S_IMODE(os.lstat(path).st_mode) != PRIVATE_MODE:
            raise CacheDirectoryError(
                f"Cannot set mode 0700 on cache directory {path}; fix its mode"
            )
    return path

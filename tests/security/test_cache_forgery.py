"""A compile-cache entry replaced on disk is recompiled, never executed.

Each forged entry contains code that would create a marker file if it ran.
After the forgery the in-process table is cleared, so the next invocation
must read the disk cache, reject the entry and compile the stored script.
"""

import hashlib
import hmac
import marshal
import pickle
import sqlite3

import pytest

from cache.signing import MAGIC
from tests.security.api import ECHO_SCRIPT, invoke, publish, query_of


def forged_code(marker) -> object:
    """Return a module code object that writes ``marker`` when executed."""
    source = (
        f"with open({str(marker)!r}, 'w') as file:\n"
        "    file.write('module ran')\n"
        "def deluge_main(ctx, v_text):\n"
        f"    with open({str(marker)!r}, 'w') as file:\n"
        "        file.write('function ran')\n"
        "    return 'forged'\n"
    )
    return compile(source, "<forged>", "exec")


def forged_payload(marker) -> bytes:
    return marshal.dumps({"code": forged_code(marker), "metadata": {"blocking": False}})


class Exploit:
    """Pickled, this object would create the marker file when unpickled."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def cache_rows(live) -> list:
    database = live.data_dir / "cache" / "cache.db"
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT key, value, mode FROM Cache").fetchall()


def write_row(live, key: str, value: bytes, mode: int) -> None:
    database = live.data_dir / "cache" / "cache.db"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE Cache SET value = ?, mode = ? WHERE key = ?", (value, mode, key)
        )


def entry_key_of(live, record: dict) -> str:
    prefix = f"callback-{record['id']}-v"
    keys = [row[0] for row in cache_rows(live) if row[0].startswith(prefix)]
    assert len(keys) == 1, keys
    return keys[0]


def forgeries(live, key: str, marker) -> dict:
    """Return the forged entries by name: (value bytes, diskcache mode)."""
    payload = forged_payload(marker)
    wrong_key = b"k" * 32
    wrong_signature = hmac.new(
        wrong_key, key.encode() + b"\0" + payload, hashlib.sha256
    ).digest()
    other_row = next(row for row in cache_rows(live) if row[0] != key)
    return {
        "unsigned marshal": (payload, 1),
        "signed with another key": (MAGIC + wrong_signature + payload, 1),
        "zeroed signature": (MAGIC + b"\0" * 32 + payload, 1),
        "valid entry of another key": (other_row[1], 1),
        "pickle row": (pickle.dumps(Exploit(marker)), 4),
        "truncated entry": (MAGIC + b"\1\2", 1),
        "empty entry": (b"", 1),
    }


FORGERY_NAMES = ["unsigned marshal", "signed with another key", "zeroed signature",
                 "valid entry of another key", "pickle row", "truncated entry",
                 "empty entry"]  # fmt: skip


@pytest.mark.parametrize("name", FORGERY_NAMES)
def test_forged_entry_is_recompiled(live, tmp_path, name):
    record = publish(live, ECHO_SCRIPT)
    publish(live, 'return "second " + text;')
    key = entry_key_of(live, record)
    marker = tmp_path / "marker"
    value, mode = forgeries(live, key, marker)[name]
    write_row(live, key, value, mode)
    live.service.loader.table.clear()
    rejected_before = live.service.code_cache.statistics.rejected
    compiles_before = live.service.loader.statistics.compiles

    response = invoke(live, query_of(record), {"text": "hi"})

    assert response.status_code == 200, response.text
    assert response.json() == {"output": "echo hi"}
    assert not marker.exists()
    assert live.service.code_cache.statistics.rejected == rejected_before + 1
    assert live.service.loader.statistics.compiles == compiles_before + 1
    # The recompiled code replaced the forged entry on disk.
    stored = {row[0]: row[1] for row in cache_rows(live)}
    assert stored[key] != value
    assert stored[key].startswith(MAGIC)


def test_genuine_entry_loads_from_disk(live):
    record = publish(live, ECHO_SCRIPT)
    live.service.loader.table.clear()
    hits_before = live.service.loader.statistics.disk_hits
    response = invoke(live, query_of(record), {"text": "disk"})
    assert response.json() == {"output": "echo disk"}
    assert live.service.loader.statistics.disk_hits == hits_before + 1


def test_cache_directory_is_private(live):
    cache_dir = live.data_dir / "cache"
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    signing_key = live.data_dir / "cache-signing.key"
    assert signing_key.exists()
    assert not (cache_dir / "cache-signing.key").exists()
    assert signing_key.stat().st_mode & 0o077 == 0


def test_forged_payload_would_run_if_loaded(tmp_path):
    # The check above is meaningful only if the payload really acts when
    # executed, so run it once outside the service.
    marker = tmp_path / "marker"
    record = marshal.loads(forged_payload(marker))
    exec(record["code"], {})  # noqa: S102
    assert marker.read_text() == "module ran"

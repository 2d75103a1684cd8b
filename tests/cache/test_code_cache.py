import os
import pickle
import sqlite3
import stat

import pytest

from cache import CacheDirectoryError, CodeCache, ProgramTable, cache_key

SIGNING_KEY = b"s" * 32


def compiled(source: str = "result = 41 + 1"):
    return compile(source, "<test>", "exec")


def run_code(code) -> object:
    namespace: dict = {}
    exec(code, namespace)
    return namespace["result"]


def rows(directory):
    connection = sqlite3.connect(directory / "cache.db")
    try:
        return connection.execute("SELECT key, mode, value FROM Cache").fetchall()
    finally:
        connection.close()


def update_value(directory, key, value, mode=1):
    connection = sqlite3.connect(directory / "cache.db")
    with connection:
        connection.execute(
            "UPDATE Cache SET value = ?, mode = ? WHERE key = ?", (value, mode, key)
        )
    connection.close()


def test_round_trip_returns_code_and_metadata(tmp_path):
    store = CodeCache(tmp_path / "cache", SIGNING_KEY)
    key = cache_key("callback", 1, 1, [], "1")
    assert store.get(key) is None
    assert store.put(key, compiled(), {"blocking": True})
    code, metadata = store.get(key)
    assert run_code(code) == 42
    assert metadata == {"blocking": True}
    assert store.statistics.as_dict() == {
        "hits": 1,
        "misses": 1,
        "rejected": 0,
        "stores": 1,
    }


def test_values_are_stored_as_raw_bytes(tmp_path):
    store = CodeCache(tmp_path / "cache", SIGNING_KEY)
    key = cache_key("callback", 1, 1, [], "1")
    store.put(key, compiled())
    [(stored_key, mode, value)] = rows(tmp_path / "cache")
    assert stored_key == key
    assert mode == 1  # diskcache MODE_RAW: not pickled
    assert bytes(value).startswith(b"DCC1")


def test_tampered_payload_is_rejected(tmp_path):
    directory = tmp_path / "cache"
    store = CodeCache(directory, SIGNING_KEY)
    key = cache_key("callback", 1, 1, [], "1")
    store.put(key, compiled())
    [(_, _, value)] = rows(directory)
    value = bytes(value)
    # Keep the header, swap the marshal payload for other valid code.
    import marshal

    evil = marshal.dumps({"code": compiled("result = 'tampered'"), "metadata": {}})
    update_value(directory, key, value[:36] + evil)
    assert store.get(key) is None
    assert store.statistics.rejected == 1
    assert rows(directory) == []  # the bad entry is deleted


def test_entry_signed_with_other_key_is_rejected(tmp_path):
    directory = tmp_path / "cache"
    key = cache_key("callback", 1, 1, [], "1")
    CodeCache(directory, b"o" * 32).put(key, compiled())
    assert CodeCache(directory, SIGNING_KEY).get(key) is None


def test_entry_copied_under_other_key_is_rejected(tmp_path):
    directory = tmp_path / "cache"
    store = CodeCache(directory, SIGNING_KEY)
    first = cache_key("callback", 1, 1, [], "1")
    second = cache_key("callback", 2, 1, [], "1")
    store.put(first, compiled("result = 'first'"))
    store.put(second, compiled("result = 'second'"))
    entries = {key: bytes(value) for key, _, value in rows(directory)}
    update_value(directory, second, entries[first])
    assert store.get(second) is None


def test_pickled_row_is_never_unpickled(tmp_path):
    directory = tmp_path / "cache"
    store = CodeCache(directory, SIGNING_KEY)
    key = cache_key("callback", 1, 1, [], "1")
    store.put(key, compiled())
    marker = tmp_path / "unpickled"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    update_value(directory, key, pickle.dumps(Exploit()), mode=4)
    assert store.get(key) is None
    assert not marker.exists()


def test_truncated_entry_is_rejected(tmp_path):
    directory = tmp_path / "cache"
    store = CodeCache(directory, SIGNING_KEY)
    key = cache_key("callback", 1, 1, [], "1")
    store.put(key, compiled())
    update_value(directory, key, b"DCC1")
    assert store.get(key) is None


def test_directory_is_created_with_mode_0700(tmp_path):
    directory = tmp_path / "cache"
    CodeCache(directory, SIGNING_KEY)
    assert stat.S_IMODE(os.lstat(directory).st_mode) == 0o700


def test_widened_directory_mode_is_tightened(tmp_path):
    directory = tmp_path / "cache"
    directory.mkdir()
    directory.chmod(0o777)
    CodeCache(directory, SIGNING_KEY)
    assert stat.S_IMODE(os.lstat(directory).st_mode) == 0o700


def test_symbolic_link_directory_is_rejected(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    (tmp_path / "cache").symlink_to(target)
    with pytest.raises(CacheDirectoryError, match="not a directory"):
        CodeCache(tmp_path / "cache", SIGNING_KEY)


def test_short_signing_key_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="at least 32 bytes"):
        CodeCache(tmp_path / "cache", b"short")


def test_key_changes_with_every_input():
    base = cache_key("callback", 1, 1, [(5, 2)], "1")
    assert cache_key("callback", 1, 1, [(5, 2)], "1") == base
    assert cache_key("global", 1, 1, [(5, 2)], "1") != base
    assert cache_key("callback", 2, 1, [(5, 2)], "1") != base
    assert cache_key("callback", 1, 2, [(5, 2)], "1") != base
    assert cache_key("callback", 1, 1, [(5, 3)], "1") != base
    assert cache_key("callback", 1, 1, [], "1") != base
    assert cache_key("callback", 1, 1, [(5, 2)], "2") != base
    assert cache_key("callback", 1, 1, [(5, 2)], "1", "digest") != base


def test_program_table_drops_least_recently_used():
    table = ProgramTable(max_entries=2)
    table.put("a", 1)
    table.put("b", 2)
    assert table.get("a") == 1
    table.put("c", 3)
    assert table.get("b") is None
    assert table.get("a") == 1
    assert table.get("c") == 3
    assert len(table) == 2


def test_damaged_cache_file_starts_empty(tmp_path):
    directory = tmp_path / "cache"
    key = cache_key("callback", 1, 1, [], "1")
    CodeCache(directory, SIGNING_KEY).put(key, compiled())
    (directory / "cache.db").write_bytes(b"not a sqlite file" * 100)
    for suffix in ("-wal", "-shm"):
        (directory / f"cache.db{suffix}").unlink(missing_ok=True)
    store = CodeCache(directory, SIGNING_KEY)
    assert store.get(key) is None
    assert store.put(key, compiled())
    assert run_code(store.get(key)[0]) == 42
    assert len(list(directory.glob("cache.db.damaged-*"))) == 1

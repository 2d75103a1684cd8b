import compiler
from server.programs import compiler_version


def test_compiler_version_prefers_declared(monkeypatch):
    compiler_version.cache_clear()
    monkeypatch.setattr(compiler, "COMPILER_VERSION", "7.1", raising=False)
    try:
        assert compiler_version() == "7.1"
    finally:
        compiler_version.cache_clear()


def test_compiler_version_hashes_sources(monkeypatch):
    compiler_version.cache_clear()
    monkeypatch.delattr(compiler, "COMPILER_VERSION", raising=False)
    try:
        version = compiler_version()
        assert version.startswith("source-")
        assert len(version) == len("source-") + 16
    finally:
        compiler_version.cache_clear()

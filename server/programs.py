"""Compiling, caching and loading callback programs.

A program is found by its cache key: first in the in-process table, then in
the signed disk cache, and only then compiled again from the stored script.
A cache miss or a rejected cache entry is never an error for the caller.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import compiler
import runtime.namespace as runtime_namespace
from cache import CodeCache, ProgramTable, cache_key
from runtime.program import load_program
from server.errors import CompileFailed, NotFound
from server.storage import Storage

logger = logging.getLogger(__name__)

GLOBAL_PREFIX = "global_function_"


@functools.cache
def compiler_version() -> str:
    """Return the compiler's version for cache keys.

    Without ``compiler.COMPILER_VERSION``, a digest of the compiler's source
    files and of the runtime namespace stands in, so that any change to the
    code generator gives new cache keys instead of loading stale code.
    """
    declared = getattr(compiler, "COMPILER_VERSION", None)
    if declared is not None:
        return str(declared)
    digest = hashlib.sha256()
    compiler_dir = Path(compiler.__file__).parent
    sources = sorted(compiler_dir.glob("*.py")) + sorted(compiler_dir.glob("*.lark"))
    sources.append(Path(runtime_namespace.__file__))
    for path in sources:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return "source-" + digest.hexdigest()[:16]


@dataclass(frozen=True)
class GlobalFunctionSource:
    """The source and signature of a global function, for the compiler's resolver."""

    id: int
    version: int
    name: str
    parameters: list[tuple[str, str]]
    return_type: str
    script: str


@dataclass
class LoadedProgram:
    """A runnable program with the signature of the version it was built from."""

    program: object
    parameters: list[tuple[str, str]]
    return_type: str
    blocking: bool
    cache_key: str
    # Parameters whose values the execution history never records.
    secret_parameters: frozenset[str] = frozenset()


@dataclass
class LoaderStatistics:
    compiles: int = 0
    memory_hits: int = 0
    disk_hits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict[str, int]:
        return {
            "compiles": self.compiles,
            "memory_hits": self.memory_hits,
            "disk_hits": self.disk_hits,
        }


def secret_names(parameters: list[dict]) -> frozenset[str]:
    return frozenset(p["name"] for p in parameters if p.get("secret"))


def cache_metadata(version: dict, blocking: bool) -> dict:
    """Return the metadata cached with a version's code.

    The parameters (with their secret flags) and the return type are inputs
    of the source digest in the cache key, so an entry never carries a stale
    signature, and a disk hit needs no read of the version row.
    """
    return {
        "blocking": blocking,
        "parameters": [
            [p["name"], p["type"], bool(p.get("secret"))] for p in version["parameters"]
        ],
        "return_type": version["return_type"],
    }


def signature_of(metadata: dict) -> tuple[list[dict], str] | None:
    """Return (parameters, return type) from cache metadata, or None if absent."""
    parameters = metadata.get("parameters")
    return_type = metadata.get("return_type")
    if not isinstance(parameters, list) or not isinstance(return_type, str):
        return None
    rows = []
    try:
        for name, type_, secret in parameters:
            row = {"name": name, "type": type_}
            if secret:
                row["secret"] = True
            rows.append(row)
    except (TypeError, ValueError):
        return None
    return rows, return_type


def diagnostics_of(result) -> list[dict]:
    """Convert compiler diagnostics to the JSON shape of the admin API.

    ``function`` names the global function whose script has the error, or is
    None for the callback's own script.
    """
    return [
        {
            "line": d.line,
            "column": d.column,
            "message": d.message,
            "kind": getattr(d, "kind", "semantic"),
            "severity": getattr(d, "severity", "error"),
            "function": getattr(d, "function", None),
        }
        for d in result.diagnostics
    ]


def compile_error_of(result, what: str) -> CompileFailed:
    errors = [d for d in diagnostics_of(result) if d["severity"] == "error"]
    first = errors[0] if errors else None
    summary = (
        f"{what} does not compile: {first['message']} "
        f"(line {first['line']}, column {first['column']})"
        if first
        else f"{what} does not compile"
    )
    return CompileFailed(summary, diagnostics=errors)


def global_resolver(storage: Storage, portal_id: int, overrides: dict | None = None):
    """Return the compiler's ``resolve_global`` callable for a portal's functions.

    ``overrides`` maps global function ids to unsaved versions to compile
    against instead of the stored ones.
    """

    def resolve(name: str) -> GlobalFunctionSource | None:
        if not name.lower().startswith(GLOBAL_PREFIX):
            return None
        suffix = name[len(GLOBAL_PREFIX) :]
        # Ids are SQLite integers (at most 19 digits), written in ASCII digits.
        if not (suffix.isascii() and suffix.isdigit()) or len(suffix) > 18:
            return None
        if overrides and int(suffix) in overrides:
            return overrides[int(suffix)]
        try:
            row = storage.get_global_function(portal_id, int(suffix))
        except NotFound:
            return None
        return GlobalFunctionSource(
            id=row["id"],
            version=row["current_version"],
            name=f"{GLOBAL_PREFIX}{row['id']}",
            parameters=[(p["name"], p["type"]) for p in row["parameters"]],
            return_type=row["return_type"],
            script=row["script"],
        )

    return resolve


class ProgramLoader:
    """Compiles versions, stores them in the cache and loads them for invocations."""

    def __init__(self, storage: Storage, code_cache: CodeCache, table_size: int):
        self.storage = storage
        self.code_cache = code_cache
        self.table: ProgramTable[LoadedProgram] = ProgramTable(table_size)
        self.statistics = LoaderStatistics()
        # Memoized because every invocation needs it: the inputs are values of
        # the stored row, and the compiler version is fixed for the process.
        self._live_key = functools.lru_cache(maxsize=65536)(self._compute_live_key)

    # Compiling

    def resolver(self, portal_id: int, overrides: dict | None = None):
        """Return the ``resolve_global`` callable of the compiler for a portal."""
        return global_resolver(self.storage, portal_id, overrides)

    def compile_source(
        self,
        portal_id: int,
        script: str,
        name: str,
        parameters: list[dict],
        return_type: str | None,
        filename: str,
        overrides: dict | None = None,
    ):
        """Run the compiler; return its result whether or not it succeeded."""
        self.statistics.add("compiles")
        started = time.perf_counter()
        result = compiler.compile_function(
            script,
            name=name,
            parameters=[(p["name"], p["type"]) for p in parameters],
            return_type=return_type,
            resolve_global=self.resolver(portal_id, overrides),
            filename=filename,
        )
        logger.debug(
            "Compiled %s in %.1f ms (ok: %s)",
            filename,
            (time.perf_counter() - started) * 1000,
            result.ok,
        )
        return result

    def build_version(
        self,
        portal_id: int,
        callback_id: int,
        version: dict,
        overrides: dict | None = None,
    ):
        """Compile one stored version, cache it and put it in the table.

        Returns ``(loaded program, dependencies)``; raises ``CompileFailed``.
        """
        result = self.compile_source(
            portal_id,
            version["script"],
            version["name"],
            version["parameters"],
            version["return_type"],
            filename=f"<callback {callback_id} version {version['version']}>",
            overrides=overrides,
        )
        if not result.ok:
            raise compile_error_of(result, f"Callback {callback_id}")
        dependencies = [[int(i), int(v)] for i, v in result.dependencies]
        key = self.key(callback_id, version["version"], dependencies, version)
        blocking = bool(getattr(result, "blocking", True))
        self.code_cache.put(key, result.code, cache_metadata(version, blocking))
        loaded = LoadedProgram(
            program=load_program(result.code),
            parameters=[(p["name"], p["type"]) for p in version["parameters"]],
            return_type=version["return_type"],
            blocking=blocking,
            cache_key=key,
            secret_parameters=secret_names(version["parameters"]),
        )
        self.table.put(key, loaded)
        return loaded, dependencies

    def key(self, callback_id: int, version: int, dependencies, version_row) -> str:
        digest = version_row.get("source_digest") or version_row.get("digest")
        return cache_key(
            "callback",
            callback_id,
            version,
            [tuple(d) for d in dependencies],
            compiler_version(),
            digest or "",
        )

    # Loading for the invoke path

    def _compute_live_key(
        self, callback_id: int, version: int, dependencies_json: str, digest: str
    ) -> tuple[str, list]:
        dependencies = json.loads(dependencies_json)
        key = self.key(callback_id, version, dependencies, {"digest": digest})
        return key, dependencies

    def live_in_memory(self, target: dict) -> LoadedProgram | None:
        """Return the live program of a target if this process has it loaded."""
        key, _ = self._live_key(
            target["callback_id"],
            target["version"],
            target["dependencies"],
            target["digest"],
        )
        loaded = self.table.get(key)
        if loaded is not None:
            self.statistics.add("memory_hits")
        return loaded

    def load_live(self, portal_id: int, target: dict) -> LoadedProgram:
        """Return the live program of an invocation target.

        Raises ``CompileFailed`` only if the stored script no longer compiles
        (for example after a compiler upgrade).
        """
        key, dependencies = self._live_key(
            target["callback_id"],
            target["version"],
            target["dependencies"],
            target["digest"],
        )
        loaded = self.table.get(key)
        if loaded is not None:
            self.statistics.add("memory_hits")
            return loaded

        cached = self.code_cache.get(key)
        if cached is not None:
            code, metadata = cached
            signature = signature_of(metadata)
            if signature is None:
                # An entry written before the signature went into the metadata.
                version = self.storage.get_version(
                    portal_id, target["callback_id"], target["version"]
                )
                signature = (version["parameters"], version["return_type"])
            parameters, return_type = signature
            self.statistics.add("disk_hits")
            loaded = LoadedProgram(
                program=load_program(code),
                parameters=[(p["name"], p["type"]) for p in parameters],
                return_type=return_type,
                blocking=bool(metadata.get("blocking", True)),
                cache_key=key,
                secret_parameters=secret_names(parameters),
            )
            self.table.put(key, loaded)
            return loaded

        version = self.storage.get_version(
            portal_id, target["callback_id"], target["version"]
        )

        logger.info(
            "Recompiling callback %d version %d of portal %d (not in the cache)",
            target["callback_id"],
            target["version"],
            portal_id,
        )
        loaded, new_dependencies = self.build_version(
            portal_id, target["callback_id"], version
        )
        self.table.put(key, loaded)
        if new_dependencies != dependencies:
            # NOTE: the global functions changed since the publish; the code
            # now runs against their current versions under its new key.
            logger.warning(
                "Callback %d version %d now reaches global functions %s "
                "(published with %s)",
                target["callback_id"],
                target["version"],
                new_dependencies,
                dependencies,
            )
        return loaded

"""The state of one running invocation, passed to every built-in as ``ctx``."""

from __future__ import annotations

import os
import threading
import time
from zoneinfo import ZoneInfo

from runtime.errors import LimitExceeded
from runtime.limits import Limits

UTC = ZoneInfo("UTC")
# Limits is frozen, so one default instance serves every run without limits.
DEFAULT_LIMITS = Limits()
# Statements between two wall-time checks in generated code.
TICK_INTERVAL = 200
# The file of the process's memory counters, opened once per process and read
# with pread (about 2 us, more inside a busy server) at each memory check.
# Without /proc (not Linux) memory is not checked.
_statm = {"pid": None, "fd": None}
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def resident_kb() -> int:
    """Return the resident memory of the service process in KiB, or 0 if unknown."""
    pid = os.getpid()
    if _statm["pid"] != pid:
        # A forked worker must not read its parent's counters.
        try:
            _statm["fd"] = os.open("/proc/self/statm", os.O_RDONLY)
        except OSError:
            _statm["fd"] = None
        _statm["pid"] = pid
    fd = _statm["fd"]
    if fd is None:
        return 0
    return int(os.pread(fd, 128, 0).split()[1]) * _PAGE_KB


# Elements or characters from which one built-in call's work may take about
# a millisecond. Such calls check the wall-time and memory limits when they
# finish.
LARGE_WORK = 1024
# The context of the run on each thread, for helpers called without one.
_running = threading.local()


def enter_run(ctx: ExecutionContext) -> ExecutionContext | None:
    """Make ``ctx`` the running context of this thread; return the previous one."""
    previous = getattr(_running, "ctx", None)
    _running.ctx = ctx
    return previous


def leave_run(previous: ExecutionContext | None) -> None:
    _running.ctx = previous


def check_running_deadline() -> None:
    """Check the wall-time limit of the run on this thread, if any.

    Operators get no context, so ``==`` on two large lists calls this after
    comparing them, as built-ins check their context when they return.
    """
    ctx = getattr(_running, "ctx", None)
    if ctx is not None and time.monotonic() > ctx.deadline:
        ctx.check_deadline()


def check_running_work(size: int) -> None:
    """Check the wall-time limit of this thread's run after work on ``size`` items."""
    if size >= LARGE_WORK:
        check_running_deadline()


class ExecutionContext:
    """Counters, limits, captured ``info`` lines and portal settings of one run.

    Built-ins use ``tz`` to read and render date-times, call
    ``check_deadline()`` inside any loop that can run long on one call, and
    pass every text or collection they build through ``check_text`` or
    ``check_size``.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        tz: ZoneInfo = UTC,
        date_order: str = "dd-MM",
        outbound=None,
        connections=None,
        time_slice: float | None = None,
    ):
        self.limits = limits or DEFAULT_LIMITS
        self.tz = tz
        self.date_order = date_order
        # The invokeurl client (runtime.http) and a callable that returns the
        # portal's connection for a link name, both supplied by the server.
        self.outbound = outbound
        self.connections = connections
        self.invokeurl_calls = 0
        self.info_lines: list[str] = []
        self.info_bytes = 0
        self.statements = 0
        self.depth = 0
        self.started = time.monotonic()
        # Read at the first memory check, so that a short run, which never
        # reaches one, costs no read of the memory counters.
        self.memory_base_kb: int | None = None
        self.wall_deadline = self.started + self.limits.wall_time_seconds
        # Every time check reads ``deadline``. A time slice moves it earlier,
        # so that a caller can stop a run early and resume it elsewhere.
        self.deadline = self.wall_deadline
        if time_slice is not None:
            self.deadline = min(self.wall_deadline, self.started + time_slice)
        # Generated code adds to ``statements`` once per straight-line run of
        # statements and calls ``tick()`` only when it passes ``next_check``,
        # so the statement and wall-time limits cost one comparison per run.
        self.next_check = min(self.limits.statements, TICK_INTERVAL)

    def tick(self) -> None:
        """Check the statement and wall-time limits; called by generated code."""
        if self.statements > self.limits.statements:
            raise LimitExceeded("statements", self.limits.statements)
        self.check_deadline()
        self.check_memory()
        self.next_check = min(self.limits.statements, self.statements + TICK_INTERVAL)

    @property
    def sliced(self) -> bool:
        """Tell whether a time slice ends this run before the wall-time limit."""
        return self.deadline < self.wall_deadline

    def check_deadline(self) -> None:
        """Raise ``LimitExceeded`` once the wall-time limit has passed."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded("wall time", f"{self.limits.wall_time_seconds:g} s")

    def check_work(self, size: int) -> None:
        """Check the wall-time and memory limits after work on ``size`` items.

        Generated code checks the time every 200 statements. One call on a
        value near the size caps can take tens of milliseconds, so without
        this a loop of such calls would run seconds past the limit or the time
        slice. The call itself is not interrupted.
        """
        if size >= LARGE_WORK:
            if time.monotonic() > self.deadline:
                self.check_deadline()
            self.check_memory()

    def check_memory(self) -> None:
        """Raise ``LimitExceeded`` once the process grew by ``memory_mb`` in this run.

        The service's resident memory is shared by the runs in progress, so a
        run that starts while another one is growing may be stopped with it.
        Memory freed by earlier runs but kept by the allocator is part of the
        base, so it never counts. The base is taken at the run's first check,
        within its first 200 statements, so what those statements allocated
        is not counted.
        """
        if self.memory_base_kb is None:
            self.memory_base_kb = resident_kb()
            return
        grown_kb = resident_kb() - self.memory_base_kb
        if grown_kb > self.limits.memory_mb * 1024:
            raise LimitExceeded("memory", f"{self.limits.memory_mb} MB")

    def check_text(self, text: str) -> str:
        """Return ``text`` if it is within the text-length limit."""
        if len(text) > self.limits.text_length:
            raise LimitExceeded("text length", f"{self.limits.text_length} characters")
        return text

    def check_size(self, size: int) -> None:
        """Raise if a list or map would grow past the collection-size limit."""
        if size > self.limits.collection_size:
            raise LimitExceeded(
                "collection size", f"{self.limits.collection_size} elements"
            )

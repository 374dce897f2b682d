"""Running a piece of reading work in a child process, under a hard time
limit, and measuring what it cost.

The child is forked, so it starts at once with everything the test process
has imported, and its memory is its own: the peak resident size it reports
is what the work added, not what earlier tests left behind. The work must
not touch the database: the child shares the parent's connection socket.
A child still busy at the deadline is killed and the test fails, so a hang
fails the test instead of hanging the run.
"""

import os
import pickle
import select
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from types import FrameType
from typing import Any

KILOBYTE = 1024
MEGABYTE = 1024 * KILOBYTE


@dataclass(frozen=True)
class Measured:
    """What the work returned (or raised) and what it cost."""

    result: Any
    error: str | None
    seconds: float
    # Peak resident memory of the child above what it started with, in
    # bytes: the Python objects made and what the reader libraries hold
    # outside Python. (tracemalloc would see only the former, and slows
    # the reading several times over.)
    rss_growth: int


class Overrun(AssertionError):
    """The work did not finish before the deadline."""


def _status_kilobytes(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _child(work: Callable[[], Any], out: int) -> None:
    try:
        # Start the peak resident size afresh at the child's current size.
        # A forked child starts its peak afresh anyway on Linux; resetting
        # it makes sure, where the kernel lets it.
        with suppress(OSError), open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        start = _status_kilobytes("VmRSS")
        started = time.perf_counter()
        error = None
        result: Any = None
        try:
            result = work()
        except Exception as raised:
            error = f"{type(raised).__name__}: {raised}"
        seconds = time.perf_counter() - started
        growth = (_status_kilobytes("VmHWM") - start) * KILOBYTE
        payload = pickle.dumps(Measured(result, error, seconds, growth))
    except BaseException as failure:
        payload = pickle.dumps(
            Measured(None, f"{type(failure).__name__}: {failure}", 0.0, 0)
        )
    with os.fdopen(out, "wb") as pipe:
        pipe.write(payload)


def run_isolated(work: Callable[[], Any], *, timeout: float) -> Measured:
    """Run ``work`` in a forked child and return what it returned and cost.

    ``work`` returns something picklable; an exception it raises comes back
    as ``error`` text. Raises :class:`Overrun` when the child is still busy
    after ``timeout`` seconds.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_end)
        try:
            _child(work, write_end)
        finally:
            # No cleanup of the parent's objects: closing the inherited
            # database connection would end the parent's session.
            os._exit(0)

    os.close(write_end)
    data = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise Overrun(f"still reading after {timeout:.0f} s")
            ready, _w, _x = select.select([read_end], [], [], left)
            if ready:
                chunk = os.read(read_end, 64 * KILOBYTE)
                if not chunk:
                    break
                data += chunk
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if not data:
        raise AssertionError("the child died without a word")
    measured = pickle.loads(bytes(data))  # noqa: S301 - from our own child
    assert isinstance(measured, Measured)
    return measured


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Overrun` in the test's own process after ``seconds``.

    Python code stops at once; code in a C library stops when it returns.
    The same reading already ran under :func:`run_isolated`, so a hang in it
    has failed before this guard is needed.
    """

    def overrun(signum: int, frame: FrameType | None) -> None:
        raise Overrun(f"still running after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

"""A worker the tests start is always ended, with every process it forked,
also when it was killed first and left its children behind."""

import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

import pytest

from conftest import die_with_parent, end_worker, wait_until


def group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs; a killed one may linger
    as a zombie until it is reaped, and a zombie runs nothing."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            # pid (comm) state ppid pgrp ...; comm may hold spaces.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_ending_a_killed_worker_also_kills_the_children_it_left() -> None:
    # A parent that forks a child in its process group and then waits, like
    # a worker rendering cards in forked processes.
    script = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    time.sleep(60)\n"
        "print('forked', flush=True)\n"
        "time.sleep(60)\n"
    )
    worker = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-c", script],
        start_new_session=True,
        preexec_fn=die_with_parent,
        stdout=subprocess.PIPE,
    )
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline() == b"forked\n"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        # The orphaned child still holds the group.
        assert group_alive(worker.pid)

        end_worker(worker)

        assert wait_until(lambda: not group_alive(worker.pid), 5)
    finally:
        end_worker(worker)
        if worker.stdout is not None:
            worker.stdout.close()

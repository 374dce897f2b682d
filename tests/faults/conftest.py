"""Fixtures of the fault tests: a Redis server of the test's own, which a
test may crash and restart without touching the shared one, and workers on
it that go slowly enough to be interrupted part-way through a job."""

import os
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol

import pytest
import redis
from django.db import connection
from kombu import pools

from balangan_pintar import celery_app
from balangan_pintar.jobs import stale_jobs
from balangan_pintar.models import Job
from conftest import StartWorker, die_with_parent, wait_until

ROOT = Path(__file__).resolve().parents[2]

# Short enough for a test to wait out, long enough for a live worker's
# heartbeat (every quarter of it) never to miss it.
STALE_SECONDS = 2


class RedisServer:
    """A redis-server on a free port, without persistence: a crash loses
    every queued and unacknowledged message, as a restart of an
    unpersisted Redis does."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [
                binary,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        client = redis.Redis.from_url(self.url)
        try:
            assert wait_until(lambda: self._answers(client), 10), "no redis-server"
        finally:
            client.close()

    def crash(self) -> None:
        """Kill the server; its data is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.crash()
        self.start()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        with suppress(redis.ConnectionError):
            return bool(client.ping())
        return False


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of the test's own. Every test using it starts workers, so it
    skips where they cannot run, before starting anything. Ask for it
    before ``start_celery_worker``: the workers must end first."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: no Redis for a real worker")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a shared database: set DATABASE_URL")
    if shutil.which("redis-server") is None and not os.path.exists(
        "/usr/bin/redis-server"
    ):
        pytest.skip("redis-server is not installed: no Redis of the test's own")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    yield server
    server.crash()


def _drop_broker_connections() -> None:
    # Celery keeps its producer connections in pools made on first use and
    # registered in kombu by broker URL; without dropping them, tasks would
    # still go to the broker they were made for, or to a closed pool.
    # (Celery does the same after a fork.)
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_server: RedisServer) -> Iterator[RedisServer]:
    """The test's own Redis as the broker of this process too, so that the
    tasks the test sends reach the workers it starts."""
    before = celery_app.conf.broker_url
    _drop_broker_connections()
    celery_app.conf.broker_url = redis_server.url
    yield redis_server
    _drop_broker_connections()
    celery_app.conf.broker_url = before


class StartFaultWorker(Protocol):
    def __call__(self, **env: str) -> subprocess.Popen[bytes]: ...


@pytest.fixture
def fault_worker(
    broker: RedisServer, start_celery_worker: StartWorker, settings: Any
) -> Iterator[StartFaultWorker]:
    """Start a worker on the test's own Redis that declares a job stale
    after ``STALE_SECONDS``, splits the district in six parts and pauses
    in its work (``tests.faults.pacing``); ``env`` adds to or replaces
    those settings.

    The workers are killed when the test ends, before the finaliser that
    would ask them to stop: a warm shutdown takes seconds, and nothing of
    the test's own Redis needs to be kept.
    """
    settings.JOB_STALE_SECONDS = STALE_SECONDS
    workers: list[subprocess.Popen[bytes]] = []

    def start(**env: str) -> subprocess.Popen[bytes]:
        environment = {
            "JOB_STALE_SECONDS": str(STALE_SECONDS),
            "DTKS_MATCH_PARTS": "6",
            "FAULTS_PAUSE_SECONDS": "0.5",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        worker = start_celery_worker(
            broker_url=broker.url, env=environment, include=["tests.faults.pacing"]
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        with suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)


def kill_9(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker process, as the kernel's OOM killer does: no
    shutdown, no acknowledgement, no message given back to the broker."""
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=10) == -signal.SIGKILL


def wait_until_stale(job: Job) -> None:
    """Wait until the killed worker's job has no sign of life left."""
    assert wait_until(
        lambda: stale_jobs().filter(pk=job.pk).exists(), STALE_SECONDS * 5
    ), Job.objects.get(pk=job.pk).state

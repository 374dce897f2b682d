"""Shared test data: a programme year, two schools and one named user per
role, among them an operator of each of the two schools."""

import ctypes
import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from balangan_pintar.models import Jenjang, Period
from balangan_pintar.roles import Role
from students.models import Kecamatan, School, SchoolOperator, Student

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # A fast hasher: the real one spends a third of a second per user on
    # purpose. Static files come from the finders, without a manifest.
    settings.SECURE_SSL_REDIRECT = False
    # Login throttling and two-factor sign-in have tests of their own; the
    # rest log in with the test client's plain login.
    settings.AXES_ENABLED = False
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A cache of its own for every test, so no rate-limit counter or report
    # outlives the test that made it; reports are computed afresh unless a
    # test asks for the cache.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    settings.REPORTS_CACHE_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def make_user(username: str, role: Role, school: School | None = None) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role.value))
    if school is not None:
        SchoolOperator.objects.create(user=user, school=school)
    return user


@pytest.fixture
def period(db: None) -> Period:
    return Period.objects.create(year=2026, name="KBP 2026", quota_per_school=None)


@pytest.fixture
def school_a(db: None) -> School:
    return School.objects.create(
        npsn="30304001",
        name="SDN 1 Paringin",
        jenjang=Jenjang.SD,
        status=School.Status.NEGERI,
        kecamatan=Kecamatan.objects.get(name="Paringin"),
    )


@pytest.fixture
def school_b(db: None) -> School:
    return School.objects.create(
        npsn="30304003",
        name="SMPN 1 Juai",
        jenjang=Jenjang.SMP,
        status=School.Status.NEGERI,
        kecamatan=Kecamatan.objects.get(name="Juai"),
    )


@pytest.fixture
def operator_a(school_a: School) -> User:
    return make_user("operator_a", Role.SCHOOL_OPERATOR, school_a)


@pytest.fixture
def operator_b(school_b: School) -> User:
    return make_user("operator_b", Role.SCHOOL_OPERATOR, school_b)


@pytest.fixture
def verifier(db: None) -> User:
    return make_user("verifier", Role.VERIFIER)


@pytest.fixture
def dinas_admin(db: None) -> User:
    return make_user("dinas_admin", Role.DINAS_ADMIN)


@pytest.fixture
def bank_officer(db: None) -> User:
    return make_user("bank_officer", Role.BANK_OFFICER)


@pytest.fixture
def kepala(db: None) -> User:
    return make_user("kepala", Role.KEPALA_DINAS)


def make_student(school: School, nisn: str, **fields: object) -> Student:
    values: dict[str, object] = {
        "name": "Siti Rahmah",
        "name_original": "SITI RAHMAH",
        "gender": "P",
        "birth_place": "Paringin",
        "birth_date": dt.date(2014, 5, 17),
        "nik": "6311065705140001",
    }
    values.update(fields)
    return Student.objects.create(school=school, nisn=nisn, **values)


@pytest.fixture
def student_a(school_a: School) -> Student:
    return make_student(school_a, "0123456789", name="Siti Rahmah")


@pytest.fixture
def student_b(school_b: School) -> Student:
    return make_student(
        school_b, "0098765432", name="Ahmad Fauzi", nik="6311011203110002"
    )


class StartWorker(Protocol):
    def __call__(
        self,
        *,
        broker_url: str | None = None,
        env: dict[str, str] | None = None,
        include: Sequence[str] = (),
    ) -> subprocess.Popen[bytes]: ...


def die_with_parent() -> None:
    """Run in the worker before it starts: the kernel kills it when the test
    process dies, even by SIGKILL, when no finaliser runs."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def end_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stop the worker, and kill what is left of its process group: the
    worker itself if it does not stop, and processes it forked to render
    cards, which outlive a worker killed before them."""
    if worker.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=10)
    with suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


@pytest.fixture
def start_celery_worker(request: pytest.FixtureRequest, tmp_path: Path) -> StartWorker:
    """Start real Celery workers, each in its own process group, on Redis
    and the test database; every one is ended when the test ends, also when
    it fails or the worker did not start. The worker sees only committed
    rows, so a test using it is marked ``django_db(transaction=True,
    serialized_rollback=True)``: the serialized rollback puts back the
    seeded groups, SOP and kecamatan.

    ``broker_url`` replaces ``REDIS_URL``, ``env`` adds to the environment
    and ``include`` names more modules for the worker to import. All
    workers of a test share ``VAR_DIR`` (tmp_path), so one finds the files
    another wrote.
    """
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: no Redis for a real worker")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a shared database: set DATABASE_URL")
    db = connection.settings_dict
    numbers = itertools.count(1)

    def start(
        *,
        broker_url: str | None = None,
        env: dict[str, str] | None = None,
        include: Sequence[str] = (),
    ) -> subprocess.Popen[bytes]:
        name = f"worker{next(numbers)}"
        environment = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            ),
            "REDIS_URL": broker_url or redis_url,
            "VAR_DIR": str(tmp_path),
            **(env or {}),
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "balangan_pintar",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={name}@%h",
        ]
        if include:
            command.append("--include=" + ",".join(include))
        log = tmp_path / f"{name}.log"
        with log.open("wb") as out:
            worker = subprocess.Popen(  # noqa: S603 - our own command line
                command,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        request.addfinalizer(lambda: end_worker(worker))
        deadline = time.monotonic() + 30
        while b"ready." not in log.read_bytes():
            if time.monotonic() > deadline or worker.poll() is not None:
                pytest.fail("worker did not start:\n" + log.read_text())
            time.sleep(0.1)
        return worker

    return start


@pytest.fixture
def celery_worker_process(
    start_celery_worker: StartWorker,
) -> subprocess.Popen[bytes]:
    """One real Celery worker in its own process, on REDIS_URL and the test
    database (see ``start_celery_worker``)."""
    return start_celery_worker()


def wait_until(predicate: Any, seconds: float = 30) -> bool:
    """Poll ``predicate`` until it is true or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that commits (``transaction=True``) also rolls back by
    serialization, so the seeded groups, SOP and kecamatan are back for the
    tests after it, and the flush never meets a half-restored database."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if marker.kwargs.get("serialized_rollback"):
            continue
        kwargs = {**marker.kwargs, "serialized_rollback": True}
        item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)

"""Time the SOP dashboard and the progress report on a large programme.

Usage, against a database of its own (the data is invented)::

    createdb -h 127.0.0.1 -U postgres kbp_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kbp_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py make_report_benchmark_data --candidates 100000
    .venv/bin/python benchmarks/reports_bench.py --repeat 7

Times the services that build each page (the database work and the Python
around it) and the whole pages through Django's test client (adding
sessions, templates and the charts), each several times after one warm-up,
and prints the best and the median with the number of queries. Pages are
timed computed afresh, as after a candidate has moved, and kept in the cache
(``reports.services.memo``), as when read again before the next move. The target
is 300 ms for each page with 100,000 candidates on PostgreSQL.

On a busy machine wall time says little. With ``--cpu`` (PostgreSQL on the
same Linux host) parallel query is switched off for the session and the CPU
time of the database backend (from /proc) plus that of this process is
printed too: about what the page takes on an idle machine with one core.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
TARGET_MS = 300


def backend_cpu_ms(pid: int | None) -> float:
    """User and system CPU time of a process so far, from /proc."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def measure(
    label: str, work: Callable[[], Any], repeat: int, backend: int | None = None
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work()
    times = []
    queries = 0
    cpu_before = backend_cpu_ms(backend) + time.process_time() * 1000
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            work()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    cpu = backend_cpu_ms(backend) + time.process_time() * 1000 - cpu_before
    best, median = min(times), statistics.median(times)
    verdict = "ok" if median <= TARGET_MS else "over target"
    line = (
        f"{label:<38} best {best:6.0f} ms  median {median:6.0f} ms  "
        f"{queries:3d} queries  {verdict}"
    )
    if backend is not None:
        line += f"  (CPU {cpu / repeat:5.0f} ms)"
    print(line)  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--exports", action="store_true", help="time xlsx and PDF")
    parser.add_argument(
        "--cpu", action="store_true", help="also CPU time, parallel query off"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    import django

    django.setup()

    from datetime import timedelta

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from balangan_pintar.models import Period
    from reports.services.dashboard import Measure, build_dashboard
    from reports.services.exports import progress_pdf, progress_workbook
    from reports.services.progress import build_progress
    from students.models import Candidate, StageEvent

    period = Period.objects.active()
    if period is None:
        sys.exit("No active period: run make_report_benchmark_data first.")
    started = time.perf_counter()
    events = StageEvent.objects.count()
    scan_ms = (time.perf_counter() - started) * 1000
    print(  # noqa: T201
        f"{connection.vendor}: {Candidate.objects.filter(period=period).count()} "
        f"candidates, {events} stage events; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
        f"calibration: counting the events took {scan_ms:.0f} ms "
        f"({scan_ms * 1e6 / max(events, 1):.0f} ns a row)"
    )

    backend = None
    if args.cpu and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

    today = timezone.localdate()
    first = today - timedelta(days=args.days)

    def dashboard(how: Measure) -> Callable[[], Any]:
        return lambda: build_dashboard(
            period, first, today, measure=how, now=timezone.now()
        )

    # Computed afresh each time: what a reader waits for after a candidate
    # has moved.
    with override_settings(REPORTS_CACHE_SECONDS=0):
        for how in Measure:
            measure(
                f"dashboard service ({how.label})", dashboard(how), args.repeat, backend
            )
        measure(
            "progress service",
            lambda: build_progress(period, now=timezone.now()),
            args.repeat,
            backend,
        )

    user, _ = User.objects.get_or_create(username="bench.kepala")
    user.groups.add(Group.objects.get(name="kepala_dinas"))
    client = Client()
    client.force_login(user)
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=False,
        STORAGES={"default": {}, "staticfiles": static},
    ):
        for label, name in [
            ("dashboard page", "reports:dashboard"),
            ("progress page", "reports:progress"),
        ]:
            url = reverse(name)
            with override_settings(REPORTS_CACHE_SECONDS=0):
                measure(label, partial(client.get, url), args.repeat, backend)
            # Read again while no candidate has moved: from the cache.
            with override_settings(REPORTS_CACHE_SECONDS=600):
                measure(
                    f"{label} (kept)", partial(client.get, url), args.repeat, backend
                )

    if args.exports:
        report = build_progress(period, now=timezone.now())
        measure("xlsx export", lambda: progress_workbook(report), args.repeat)
        measure("PDF export", lambda: progress_pdf(report), args.repeat)


if __name__ == "__main__":
    main()

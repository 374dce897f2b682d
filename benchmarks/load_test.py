"""Load test: people of four roles at their usual pages, on gunicorn and
PostgreSQL with 100,000 candidates.

The run, one command (after the data set-up below)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kbp_load \\
        .venv/bin/python benchmarks/load_test.py --duration 120 --users 50

Data set-up, once (about four minutes)::

    createdb -h 127.0.0.1 -U postgres kbp_load
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kbp_load
    export REDIS_URL=redis://127.0.0.1:6379/10
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_demo
    .venv/bin/python manage.py add_synthetic_candidates --total 100000

``load_demo`` makes a programme year through the services (uploads, DTKS
matches, submissions, bank batches, print runs, cards) and
``add_synthetic_candidates`` tops the same period up to 100,000 candidates
with invented schools and histories, sent in submissions of 40.

What the script does:

1. Collects the static files into var/load_test/static when they changed:
   with DEBUG off every page names its files through the manifest.
2. Starts gunicorn (balangan_pintar.wsgi, sync workers, 2 x cores + 1 by
   default) on a free port of 127.0.0.1 with DEBUG off, ALLOWED_HOSTS set,
   INSECURE_HTTP=1 and REDIS_URL, its access and error log in
   var/load_test/gunicorn-*.log.
3. Makes one account per role, and per school for the operators
   (``load.*``, no usable password), and a session for every virtual user
   straight in the session store, with the mark django-otp leaves after a
   two-factor sign-in for the bank officer. The login form is not used:
   passwords are hashed slowly on purpose and django-axes throttles logins.
4. Runs the virtual users, each a thread with its own http.client connection
   and session, picking its role's pages by weight with 1-3 s of thinking
   between them. Only pages are fetched: whitenoise serves the static files
   with long caching, so a browser would rarely ask for them. The first
   ``--warmup`` seconds are not counted (workers compiling templates, the
   reports' cache filling).
5. Prints count, errors, median, 95th percentile and maximum per page and
   overall (measured by the client, so including any wait for a free
   worker), the request rate, the load average, the CPU time gunicorn and
   PostgreSQL spent per page and the time in the worker from the access
   log; looks for the database's NIKs in gunicorn's log; ends the sessions
   and gunicorn. Exits 1 when a request failed, the overall 95th percentile
   is not under ``--p95-ms``, or a NIK is in the log.

On a shared machine the times say more about the neighbours than about the
application; the CPU per page does not depend on them. ``--skip TEXT``
leaves pages out (e.g. ``--skip recipients``) to see what one page costs
the others.
"""

import argparse
import http.client
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
ROLES = ("operator", "verifier", "bank", "kepala")
# Of the virtual users: many school operators, a room of Dinas verifiers,
# a few bank officers, and the Kepala Dinas with the staff reading the reports.
SHARES = {"operator": 0.56, "verifier": 0.24, "bank": 0.12, "kepala": 0.08}
NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
CURSOR = re.compile(r"setelah=(\d+-\d+)")
# The access log's time stamp and the worker's milliseconds (see --access-logformat).
SERVED = re.compile(r"\[(\d\d/\w+/\d{4}:[\d:]+ [+-]\d{4})\].* (\d+)ms$")


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# What the pages need to know of the data, read once before the run.


@dataclass
class SchoolData:
    school_id: int
    npsn: str
    student_pages: int
    student_ids: list[int]
    first_names: list[str]


@dataclass
class World:
    schools: list[SchoolData]
    open_submissions: list[int]
    candidates: list[int]
    kecamatan: list[int]
    jenjang: list[str]
    names: list[str]
    batches: list[tuple[int, int]]
    card_batches: list[int]
    print_runs: list[int]


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, str] | None = None


@dataclass
class VirtualUser:
    number: int
    role: str
    rng: random.Random
    school: SchoolData | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    next_cursor: str | None = None


Make = Callable[[VirtualUser, World], Request]


def get(path: str, **query: object) -> Request:
    return Request("GET", f"{path}?{urlencode(query)}" if query else path)


def school_of(user: VirtualUser) -> SchoolData:
    assert user.school is not None  # noqa: S101 - operators have a school
    return user.school


def student_page(user: VirtualUser, world: World) -> Request:
    pages = school_of(user).student_pages
    return (
        get("/siswa/", page=user.rng.randint(2, pages)) if pages > 1 else get("/siswa/")
    )


def student_search(user: VirtualUser, world: World) -> Request:
    # A first name only: the query string lands in the access log.
    return get("/siswa/", q=user.rng.choice(school_of(user).first_names))


def student_detail(user: VirtualUser, world: World) -> Request:
    return get(f"/siswa/{user.rng.choice(school_of(user).student_ids)}/")


def queue_next(user: VirtualUser, world: World) -> Request:
    if user.next_cursor is None:
        return get("/verifikasi/")
    return get("/verifikasi/", setelah=user.next_cursor)


def queue_filtered(user: VirtualUser, world: World) -> Request:
    return get(
        "/verifikasi/",
        kecamatan=user.rng.choice(world.kecamatan),
        jenjang=user.rng.choice(world.jenjang),
    )


def search(user: VirtualUser, world: World) -> Request:
    # POST, as the page does, so that what is searched never is in a URL.
    token = user.cookies.get("csrftoken", "")
    return Request(
        "POST",
        "/verifikasi/",
        {"q": user.rng.choice(world.names), "csrfmiddlewaretoken": token},
    )


def batch_detail(user: VirtualUser, world: World) -> Request:
    pk, pages = user.rng.choice(world.batches)
    return get(f"/bank/batch/{pk}/", page=user.rng.randint(1, pages))


PAGES: dict[str, list[tuple[str, float, Make]]] = {
    "operator": [
        ("operator: home", 2, lambda u, w: get("/")),
        ("operator: student list", 2, lambda u, w: get("/siswa/")),
        ("operator: student list, page n", 1, student_page),
        ("operator: student search", 1, student_search),
        ("operator: student detail", 1, student_detail),
        ("operator: selection", 2, lambda u, w: get("/siswa/usulan/")),
        ("operator: upload page", 1, lambda u, w: get("/siswa/unggah/")),
        ("operator: Dinas decisions", 1, lambda u, w: get("/verifikasi/sekolah/")),
        ("operator: handover", 1, lambda u, w: get("/kartu/penyerahan/")),
    ],
    "verifier": [
        ("verifier: home", 1, lambda u, w: get("/")),
        ("verifier: queue", 3, lambda u, w: get("/verifikasi/")),
        ("verifier: queue, next page", 1, queue_next),
        ("verifier: queue, filtered", 1, queue_filtered),
        ("verifier: search (POST)", 1, search),
        (
            "verifier: submission",
            3,
            lambda u, w: get(f"/verifikasi/usulan/{u.rng.choice(w.open_submissions)}/"),
        ),
        (
            "verifier: candidate",
            2,
            lambda u, w: get(f"/verifikasi/calon/{u.rng.choice(w.candidates)}/"),
        ),
        ("verifier: DTKS review", 1, lambda u, w: get("/verifikasi/tinjauan-dtks/")),
    ],
    "bank": [
        ("bank: home", 1, lambda u, w: get("/")),
        ("bank: batch list", 2, lambda u, w: get("/bank/")),
        ("bank: batch detail", 3, batch_detail),
        ("bank: card batches", 2, lambda u, w: get("/kartu/")),
        (
            "bank: batch cards",
            1,
            lambda u, w: get(f"/kartu/batch/{u.rng.choice(w.card_batches)}/"),
        ),
        (
            "bank: print run",
            1,
            lambda u, w: get(f"/kartu/cetak/{u.rng.choice(w.print_runs)}/"),
        ),
    ],
    "kepala": [
        ("kepala: home", 1, lambda u, w: get("/")),
        ("kepala: SOP dashboard", 3, lambda u, w: get("/laporan/dasbor-sop/")),
        ("kepala: progress report", 2, lambda u, w: get("/laporan/perkembangan/")),
        ("kepala: SOP", 1, lambda u, w: get("/sop/")),
        ("kepala: recipients", 0.5, lambda u, w: get("/verifikasi/penerima/")),
        ("kepala: reconciliation", 1, lambda u, w: get("/bank/rekonsiliasi/")),
    ],
}


# Set-up in the database: data to aim at, accounts, sessions.


def read_world(operators: int, rng: random.Random) -> World:
    from django.db.models import Count, Exists, OuterRef

    from balangan_pintar.models import Period
    from bank_exchange.models import BankBatch
    from cards.models import PrintRun
    from students.models import (
        Candidate,
        Kecamatan,
        School,
        Status,
        Student,
        Submission,
    )
    from verification.models import PeriodRules

    period = Period.objects.active()
    assert period is not None  # noqa: S101 - checked by the caller
    rules = PeriodRules.for_period(period)
    with_candidates = Candidate.objects.filter(period=period).values("school_id")
    covered = [
        school
        for school in School.objects.filter(pk__in=with_candidates).order_by("npsn")
        if rules.covers(school.jenjang)
    ]
    # Half the operators at schools of the demo year (uploads, submissions,
    # cards made through the services), half at invented larger ones.
    demo = [school for school in covered if not school.npsn.startswith("99")]
    invented = [school for school in covered if school.npsn.startswith("99")]
    rng.shuffle(demo)
    rng.shuffle(invented)
    chosen = demo[: (operators + 1) // 2]
    chosen += invented[: operators - len(chosen)]
    sizes = dict(
        Student.objects.filter(school__in=chosen)
        .values_list("school_id")
        .annotate(count=Count("pk"))
        .values_list("school_id", "count")
        .order_by()
    )
    schools = []
    for school in chosen:
        students = list(
            Student.objects.filter(school=school)
            .order_by("?")
            .values_list("pk", "name")[:200]
        )
        schools.append(
            SchoolData(
                school_id=school.pk,
                npsn=school.npsn,
                student_pages=max(1, math.ceil(sizes.get(school.pk, 0) / 50)),
                student_ids=[pk for pk, _ in students],
                first_names=sorted({name.split()[0] for _, name in students}),
            )
        )

    waiting = Candidate.objects.filter(
        submission=OuterRef("pk"), status=Status.SUBMITTED
    )
    open_submissions = list(
        Submission.objects.filter(period=period)
        .filter(Exists(waiting))
        .values_list("pk", flat=True)
    )
    candidates = list(
        Candidate.objects.filter(
            period=period, status=Status.SUBMITTED, submission__isnull=False
        )
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    names = list(
        Candidate.objects.filter(period=period)
        .order_by("?")
        .values_list("student__name", flat=True)[:200]
    )
    batches = [
        (batch.pk, max(1, math.ceil(batch.count / 100)))  # type: ignore[attr-defined]
        for batch in BankBatch.objects.filter(period=period).annotate(
            count=Count("rows")
        )
    ]
    card_batches = list(
        BankBatch.objects.filter(period=period, rows__candidate__cards__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    return World(
        schools=schools,
        open_submissions=open_submissions,
        candidates=candidates,
        kecamatan=list(Kecamatan.objects.values_list("pk", flat=True)),
        jenjang=list(rules.jenjang),
        names=names,
        batches=batches,
        card_batches=card_batches,
        print_runs=list(PrintRun.objects.values_list("pk", flat=True)),
    )


def account(role: str, school_id: int | None = None, npsn: str = "") -> Any:
    """The load test's account for a role (and school): made once, reused."""
    from django.contrib.auth.models import Group, User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from balangan_pintar.roles import Role
    from students.models import SchoolOperator

    group = {
        "operator": Role.SCHOOL_OPERATOR,
        "verifier": Role.VERIFIER,
        "bank": Role.BANK_OFFICER,
        "kepala": Role.KEPALA_DINAS,
    }[role]
    username = f"load.{role}.{npsn}" if npsn else f"load.{role}"
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": "Uji", "last_name": "Beban"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=group.value))
    if school_id is not None:
        SchoolOperator.objects.update_or_create(
            user=user, defaults={"school_id": school_id}
        )
    if role == "bank":
        TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "load test"}
        )
    return user


def open_session(user: Any) -> str:
    """A session as a sign-in leaves it, with the two-factor mark when the
    user has a confirmed device."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from balangan_pintar.security import SESSION_STARTED

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SESSION_STARTED] = int(time.time())
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    assert store.session_key is not None  # noqa: S101 - just created
    return store.session_key


def close_sessions(keys: list[str]) -> None:
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)
    for key in keys:
        engine.SessionStore(session_key=key).delete()


def role_counts(users: int) -> dict[str, int]:
    counts = {role: max(1, round(users * SHARES[role])) for role in ROLES}
    counts["operator"] = max(1, users - sum(counts.values()) + counts["operator"])
    return counts


# The server.


def collect_static(env: dict[str, str], root: Path) -> None:
    """collectstatic, unless the manifest is newer than every source file
    (it takes most of a minute: every file is compressed twice)."""
    manifest = root / "staticfiles.json"
    if manifest.exists():
        stamp = manifest.stat().st_mtime
        sources = (BASE_DIR / "static").rglob("*")
        if all(path.stat().st_mtime <= stamp for path in sources):
            return
    say("collecting static files ...")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    command = [
        str(VENV_BIN / "gunicorn"),
        "balangan_pintar.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--timeout=60",
        "--graceful-timeout=10",
        "--access-logfile=-",
        "--error-logfile=-",
        # The path without its query string (a search can hold a name or
        # NISN) and no referrer, for the same reason; then the time the
        # worker took, to tell work from waiting for a free worker.
        "--access-logformat=" + '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s "%(a)s" %(M)sms',
        # Else every gunicorn of the machine shares ~/.gunicorn/gunicorn.ctl.
        "--no-control-socket",
    ]
    with log.open("ab") as output:
        server = subprocess.Popen(  # noqa: S603 - gunicorn of this venv
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/sop/")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop(server)
    sys.exit(f"gunicorn did not answer within 60 s; see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the master: it stops its workers and waits for them."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# What the server's processes spent.


def cpu_ms(pid: int) -> float | None:
    """User and system CPU time of a process so far, from /proc; None when
    it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def children_of(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def database_backends() -> list[int]:
    """The PostgreSQL backends serving this database, but this script's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class CpuMeter:
    """CPU spent by gunicorn's workers and the database's backends since
    ``start``, sampled now and then. PostgreSQL backends come and go (a
    connection lives DATABASE_CONN_MAX_AGE seconds): what one spends after
    its last sample is missed, so the figure is a little low."""

    master: int
    base: dict[tuple[str, int], float] = field(default_factory=dict)
    last: dict[tuple[str, int], float] = field(default_factory=dict)
    started: bool = False

    def sample(self) -> None:
        pids = [("gunicorn", pid) for pid in children_of(self.master)]
        pids += [("postgres", pid) for pid in database_backends()]
        for key in pids:
            spent = cpu_ms(key[1])
            if spent is None:
                continue
            if key not in self.base:
                # Present at the start: count from here; born later: all.
                self.base[key] = spent if not self.started else 0.0
            self.last[key] = spent
        self.started = True

    def spent(self, kind: str) -> float:
        return sum(
            self.last[key] - self.base[key] for key in self.last if key[0] == kind
        )


# The run.


@dataclass
class Sample:
    page: str
    started: float
    ms: float
    ok: bool
    detail: str


def remember_cookies(user: VirtualUser, response: http.client.HTTPResponse) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            user.cookies[name] = morsel.value


def fetch(
    connection: http.client.HTTPConnection, user: VirtualUser, request: Request
) -> tuple[int, bytes]:
    headers = {
        "Cookie": "; ".join(f"{name}={value}" for name, value in user.cookies.items()),
        "User-Agent": "kbp-load-test",
    }
    body = None
    if request.form is not None:
        body = urlencode(request.form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(request.method, request.path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    remember_cookies(user, response)
    return response.status, content


def run_user(
    user: VirtualUser,
    world: World,
    port: int,
    start: float,
    end: float,
    think: tuple[float, float],
    samples: list[Sample],
) -> None:
    pages = PAGES[user.role]
    names = [name for name, _, _ in pages]
    weights = [weight for _, weight, _ in pages]
    makers = {name: make for name, _, make in pages}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    # People do not all click at the same moment.
    time.sleep(user.rng.uniform(0, think[1]))
    while time.monotonic() < end:
        name = user.rng.choices(names, weights)[0]
        request = makers[name](user, world)
        if request.method == "POST" and "csrftoken" not in user.cookies:
            # The queue page first, as in a browser: it sets the CSRF cookie.
            name, request = "verifier: queue", get("/verifikasi/")
        started = time.monotonic()
        try:
            status, content = fetch(connection, user, request)
            ok, detail = status == 200, str(status)
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            status, content = 0, b""
            ok, detail = False, type(error).__name__
        elapsed = (time.monotonic() - started) * 1000
        if ok and name in ("verifier: queue", "verifier: queue, next page"):
            found = CURSOR.search(content.decode(errors="replace"))
            user.next_cursor = found.group(1) if found else None
        if started >= start:
            samples.append(Sample(name, started, elapsed, ok, detail))
        time.sleep(user.rng.uniform(*think))
    connection.close()


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with ``share`` of all at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(samples: list[Sample], duration: float, target: float) -> bool:
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_page[sample.page].append(sample)
    say(f"{'page':34} {'count':>6} {'errors':>6} {'median':>7} {'p95':>7} {'max':>7}")
    rows = [(page, by_page[page]) for role in ROLES for page, *_ in PAGES[role]]
    rows.append(("all pages", samples))
    passed = True
    for page, found in rows:
        if not found:
            continue
        times = [sample.ms for sample in found]
        errors = [sample for sample in found if not sample.ok]
        p95 = percentile(times, 0.95)
        flag = " !" if p95 >= target else ""
        say(
            f"{page:34} {len(found):6} {len(errors):6} "
            f"{statistics.median(times):7.0f} {p95:7.0f} {max(times):7.0f}{flag}"
        )
        if errors:
            kinds = sorted({sample.detail for sample in errors})
            say(f"{'':34} errors: {', '.join(kinds)}")
        if page == "all pages":
            passed = not errors and p95 < target
    say(f"{len(samples) / duration:.1f} pages/s over {duration:.0f} s (ms columns)")
    return passed


def known_niks() -> set[str]:
    """Every NIK the database holds: pupils', parents' and the DTKS's."""
    from students.dtks.models import Person
    from students.models import Student

    niks: set[str] = set()
    for field_name in ("nik", "mother_nik", "father_nik"):
        niks.update(Student.objects.values_list(field_name, flat=True).distinct())
    niks.update(Person.objects.values_list("nik", flat=True).distinct())
    return {nik for nik in niks if nik}


def read_log(log: Path, offset: int, first: float) -> int:
    """Print what gunicorn logged during the run; return the number of NIKs
    of the database found in it."""
    lines = log.read_bytes()[offset:].decode(errors="replace").splitlines()
    numbers = [number for line in lines for number in NIK.findall(line)]
    niks = known_niks()
    leaked = sum(number in niks for number in numbers)
    errors = sum(" ERROR " in line for line in lines)
    searches = sum("?q=" in line or "&q=" in line for line in lines)
    say(
        f"gunicorn log {log}: {len(lines)} lines, {errors} ERROR lines, "
        f"{leaked} NIKs of the database ({len(numbers)} sixteen-digit numbers, "
        f"queue cursors among them), {searches} lines with a search term in "
        "the URL"
    )
    # The worker's own time of each counted request, from the access log.
    served = []
    for line in lines:
        match = SERVED.search(line)
        if match is None:
            continue
        # The stamp is when the response went out, to the second.
        ended = datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z")
        took = float(match.group(2))
        if ended.timestamp() + 1 - took / 1000 >= first:
            served.append(took)
    if served:
        say(
            f"time in the worker (access log, {len(served)} requests): "
            f"median {statistics.median(served):.0f} ms, "
            f"p95 {percentile(served, 0.95):.0f} ms, max {max(served):.0f} ms"
        )
    return leaked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=15, help="seconds")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--p95-ms", type=float, default=500)
    parser.add_argument("--min-candidates", type=int, default=100_000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="TEXT",
        help="leave out the pages whose name contains TEXT (repeatable)",
    )
    arguments = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL load-test database.")
    state = BASE_DIR / "var" / "load_test"
    state.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "balangan_pintar.settings",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "INSECURE_HTTP": "1",
            "REDIS_URL": arguments.redis_url,
            "STATIC_ROOT": str(state / "static"),
        }
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings

    from balangan_pintar.models import Period
    from students.models import Candidate

    period = Period.objects.active()
    count = Candidate.objects.filter(period=period).count() if period else 0
    if count < arguments.min_candidates:
        sys.exit(
            f"The active period has {count} candidates, fewer than "
            f"{arguments.min_candidates}: see the data set-up in this script."
        )

    for role in ROLES:
        PAGES[role] = [
            page
            for page in PAGES[role]
            if not any(text in page[0] for text in arguments.skip)
        ]
    rng = random.Random(arguments.seed)  # noqa: S311 - a load pattern, no secret
    counts = role_counts(arguments.users)
    world = read_world(counts["operator"], rng)
    missing = [name for name, value in vars(world).items() if not value]
    if missing:
        sys.exit(
            f"No {', '.join(missing)} in the database: see the data set-up in "
            "this script (load_demo makes them)."
        )
    users: list[VirtualUser] = []
    for role in ROLES:
        for index in range(counts[role]):
            school = None
            if role == "operator":
                school = world.schools[index % len(world.schools)]
                login = account(role, school.school_id, school.npsn)
            else:
                login = account(role)
            users.append(
                VirtualUser(
                    number=len(users),
                    role=role,
                    rng=random.Random(arguments.seed + len(users)),  # noqa: S311
                    school=school,
                    cookies={settings.SESSION_COOKIE_NAME: open_session(login)},
                )
            )
    from django.db import connections

    connections.close_all()

    env = dict(os.environ)
    collect_static(env, state / "static")
    port = free_port()
    log = state / f"gunicorn-{time.strftime('%Y%m%d-%H%M%S')}.log"
    log.touch()
    say(
        f"{count} candidates; {arguments.users} users "
        f"({', '.join(f'{role} {counts[role]}' for role in ROLES)}); "
        f"gunicorn {arguments.workers} workers on 127.0.0.1:{port}"
    )
    server = start_gunicorn(env, port, arguments.workers, log)
    samples: list[Sample] = []
    loads: list[float] = []
    meter = CpuMeter(server.pid)
    client_cpu = 0.0
    try:
        offset = log.stat().st_size
        now = time.monotonic()
        start = now + arguments.warmup
        first_counted = time.time() + arguments.warmup
        end = start + arguments.duration
        threads = [
            threading.Thread(
                target=run_user,
                args=(user, world, port, start, end, tuple(arguments.think), samples),
                daemon=True,
            )
            for user in users
        ]
        say(
            f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
            f"warm-up {arguments.warmup:.0f} s, then {arguments.duration:.0f} s"
        )
        for thread in threads:
            thread.start()
        next_load = start
        while time.monotonic() < end:
            now = time.monotonic()
            if now < start:
                time.sleep(min(2.0, start - now))
                continue
            time.sleep(2.0)
            if not meter.started:
                client_cpu = -time.process_time()
            meter.sample()
            if time.monotonic() >= next_load:
                loads.append(os.getloadavg()[0])
                next_load += 5
        meter.sample()
        client_cpu += time.process_time()
        for thread in threads:
            thread.join()
    finally:
        stop(server)
        close_sessions([user.cookies[settings.SESSION_COOKIE_NAME] for user in users])

    say(
        f"load average (1 min) during the run: mean {statistics.mean(loads):.2f}, "
        f"max {max(loads):.2f}; {os.cpu_count()} cores"
        if loads
        else "load average: not sampled (run too short)"
    )
    passed = report(samples, arguments.duration, arguments.p95_ms)
    workers, database = meter.spent("gunicorn"), meter.spent("postgres")
    pages = max(len(samples), 1)
    say(
        f"CPU per page: {(workers + database) / pages:.0f} ms (gunicorn "
        f"{workers / pages:.0f}, PostgreSQL {database / pages:.0f}); the server "
        f"kept {(workers + database) / 1000 / arguments.duration:.2f} cores "
        f"busy, this script {client_cpu / arguments.duration:.2f}"
    )
    leaked = read_log(log, offset, first_counted)
    if not passed or leaked:
        say(f"FAILED: errors, p95 >= {arguments.p95_ms:.0f} ms, or NIK in the log")
        sys.exit(1)
    say("passed")


if __name__ == "__main__":
    main()

"""Time the verifier's pages on a district of 100,000 candidates.

Usage (PostgreSQL; a scratch database, which the script fills)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kbp_bench \\
        .venv/bin/python benchmarks/verification_bench.py --candidates 100000

The first run migrates the database and makes the district (not timed):
schools with NPSN 99xxxxxx, their pupils, a DTKS snapshot with a person and
an automatic match for each pupil, and the candidates sent in submissions of
40. Later runs reuse it. Then the script asks each page several times as a
verifier, through Django's test client (URL routing, view, template), and
prints the median time and the number of SQL queries of each: the queue's
first and last pages, filtered, the search by name, NISN and NIK, a
submission's page, the bulk confirmation, and the Lampiran SK of every
approved recipient as .xlsx, and the work of the PDF job.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PER_SUBMISSION = 40
PER_SCHOOL = 400


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--approved", type=int, default=1_637)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    os.environ.setdefault("INSECURE_HTTP", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    # Pages name static files; without collectstatic's manifest, by name.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    made = build(arguments.candidates, arguments.approved)
    if made:
        # Fresh bulk inserts leave the planner without statistics; a live
        # database has them from autovacuum.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        say(f"district made in {time.perf_counter() - started:.0f} s")
    measure(arguments.repeat)


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def build(count: int, approved: int) -> bool:
    """Make the district unless it is there; True when it was made."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from balangan_pintar.models import Jenjang, Period
    from balangan_pintar.roles import Role
    from students.dtks.engine import Decision, Method
    from students.dtks.models import Match, Person, Snapshot
    from students.models import (
        Candidate,
        Kecamatan,
        School,
        StageEvent,
        Status,
        Student,
        Submission,
    )
    from verification.models import PeriodRules

    if Candidate.objects.filter(school__npsn__startswith="99").count() >= count:
        return False

    period, _created = Period.objects.get_or_create(
        year=2026, defaults={"name": "KBP 2026", "quota_per_school": 60}
    )
    PeriodRules.objects.get_or_create(period=period, defaults={"sktm_required": False})
    verifier, created = User.objects.get_or_create(username="bench_verifier")
    if created:
        verifier.groups.add(Group.objects.get(name=Role.VERIFIER))
    kecamatan = list(Kecamatan.objects.all())
    jenjang = [Jenjang.SD, Jenjang.SD, Jenjang.MI, Jenjang.SMP, Jenjang.MTS]
    schools = School.objects.bulk_create(
        School(
            npsn=f"99{number:06d}",
            name=f"Sekolah Uji {number:03d}",
            jenjang=jenjang[number % len(jenjang)],
            status=School.Status.NEGERI,
            kecamatan=kecamatan[number % len(kecamatan)],
        )
        for number in range(-(-count // PER_SCHOOL))
    )
    snapshot = Snapshot.objects.create(
        label="DTSEN uji", file_name="uji.csv", sha256="0" * 64, is_complete=True
    )

    now = timezone.now()
    born = dt.date(2014, 1, 1)
    number = 0
    for school in schools:
        size = min(PER_SCHOOL, count - number)
        if size <= 0:
            break
        pupils = Student.objects.bulk_create(
            Student(
                school=school,
                nisn=f"{number + index:010d}",
                nik=f"6311{number + index:012d}",
                name=f"Siswa Uji {number + index}",
                name_original=f"SISWA UJI {number + index}",
                gender="P",
                birth_date=born,
                kecamatan=school.kecamatan.name,
            )
            for index in range(size)
        )
        people = Person.objects.bulk_create(
            Person(
                snapshot=snapshot,
                row_number=number + index,
                dtks_id=f"U{number + index:09d}",
                nik=pupil.nik,
                name=pupil.name.upper(),
                birth_date=born,
                desil=1 + (number + index) % 6,
            )
            for index, pupil in enumerate(pupils)
        )
        Match.objects.bulk_create(
            Match(
                student=pupil,
                snapshot=snapshot,
                person=person,
                method=Method.NIK,
                score=30.0,
                decision=Decision.MATCHED,
                evidence={"nik": {"level": "agree"}, "name": {"level": "agree"}},
            )
            for pupil, person in zip(pupils, people, strict=True)
        )
        for start in range(0, size, PER_SUBMISSION):
            sent_at = now - dt.timedelta(minutes=number + start)
            submission = Submission.objects.create(
                school=school, period=period, submitted_at=sent_at
            )
            chunk = pupils[start : start + PER_SUBMISSION]
            candidates = Candidate.objects.bulk_create(
                Candidate(
                    student=pupil,
                    period=period,
                    school=school,
                    submission=submission,
                    status=Status.SUBMITTED,
                    status_changed_at=sent_at,
                )
                for pupil in chunk
            )
            StageEvent.objects.bulk_create(
                StageEvent(
                    candidate=candidate,
                    period=period,
                    step=2,
                    from_status=Status.DRAFT,
                    to_status=Status.SUBMITTED,
                    at=sent_at,
                )
                for candidate in candidates
            )
        number += size
        say(f"  {number} candidates")

    chosen = Candidate.objects.filter(school__npsn__startswith="99").order_by("pk")
    ids = list(chosen.values_list("pk", flat=True)[: approved * 3 : 3])
    Candidate.objects.filter(pk__in=ids).update(status=Status.APPROVED)
    return True


def measure(repeat: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from students.models import Candidate, Kecamatan, Status, Submission

    client = Client()
    client.force_login(User.objects.get(username="bench_verifier"))
    total = Candidate.objects.count()
    waiting = Submission.objects.filter(
        school__npsn__startswith="99", candidates__status=Status.SUBMITTED
    ).distinct()
    submission = waiting.order_by("-submitted_at", "-pk")[0]
    last = waiting.order_by("-submitted_at", "-pk")[1]
    micros = (last.submitted_at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // (
        dt.timedelta(microseconds=1)
    )
    some = Candidate.objects.select_related("student").order_by("-pk")[0]
    kecamatan = Kecamatan.objects.order_by("pk").values_list("pk", flat=True)[0]
    say(f"{total} candidates, {waiting.count()} submissions waiting")

    queue = reverse("verification:queue")
    pages = [
        ("queue, first page", "get", queue, {}),
        ("queue, last page (keyset)", "get", queue, {"setelah": f"{micros}-{last.pk}"}),
        (
            "queue, one kecamatan + SD",
            "get",
            queue,
            {"kecamatan": kecamatan, "jenjang": "SD"},
        ),
        ("queue, all states", "get", queue, {"keadaan": "semua"}),
        ("search by name (POST)", "post", queue, {"q": "Uji 9999"}),
        ("search by NISN (POST)", "post", queue, {"q": some.student.nisn}),
        ("search by NIK (POST)", "post", queue, {"q": some.student.nik}),
        (
            "submission page (40 candidates)",
            "get",
            reverse("verification:submission-detail", args=[submission.pk]),
            {},
        ),
        (
            "bulk approval confirmation",
            "get",
            reverse("verification:bulk-approve", args=[submission.pk]),
            {},
        ),
        ("review queue", "get", reverse("verification:review-queue"), {}),
        ("recipients page", "get", reverse("verification:recipients"), {}),
        ("Lampiran SK .xlsx", "get", reverse("verification:recipients-xlsx"), {}),
    ]
    say(f"{'page':36} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, method, url, data in pages:
        times = []
        queries = 0
        runs = 2 if "Lampiran" in name else repeat
        for _run in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = getattr(client, method)(url, data)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{name}: HTTP {response.status_code}")
            queries = len(captured.captured_queries)
        say(
            f"{name:36} {statistics.median(times):10.0f} {max(times):8.0f} {queries:8d}"
        )

    # The PDF is made by a worker (see services.lampiran.start_pdf); its
    # work is timed here, in this process.
    from balangan_pintar.models import Period
    from verification.services.lampiran import recipients, to_pdf

    started = time.perf_counter()
    lampiran = recipients(Period.objects.get(year=2026))
    pdf = to_pdf(lampiran)
    say(
        f"{'Lampiran SK PDF (worker job)':36} "
        f"{(time.perf_counter() - started) * 1000:10.0f}   "
        f"{lampiran.count} rows, {len(pdf) // 1024} KB"
    )


if __name__ == "__main__":
    main()

"""Time the exchange with Bank Kalsel for a batch of the programme's size.

Usage::

    .venv/bin/python benchmarks/bank_bench.py --rows 1637
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/bank_bench.py --rows 1637

Builds a throw-away test database (like the test runner does) with the given
number of approved candidates (not timed), then times each service on one
batch holding all of them: create_batch, send_batch (files, hashes, step 4
events), one download, storing a clean return file with a tenth rejected,
its preview, applying it (step 5 events, audit entries), applying it again,
and the period's reconciliation. The database is dropped at the end.
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

BASE_DIR = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def timed(label: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = work()
    print(f"{label:<34} {time.perf_counter() - started:7.2f} s")  # noqa: T201
    return result


def make_candidates(rows: int) -> Any:
    """Approved candidates spread over the district's schools, inserted in
    bulk with their approval events."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from balangan_pintar.demo import make_schools
    from balangan_pintar.models import Period
    from balangan_pintar.roles import Role
    from students.models import Candidate, StageEvent, Status, Student

    period = Period.objects.create(year=2026, name="KBP 2026")
    schools = make_schools(24)
    students = Student.objects.bulk_create(
        Student(
            school=schools[n % len(schools)],
            nisn=f"{n:010d}",
            nik=f"6311064501{n:06d}",
            name=f"Siswa {n}",
            name_original=f"SISWA {n}",
            gender="P" if n % 2 else "L",
            birth_place="Paringin",
            birth_date=timezone.localdate().replace(year=2013),
            mother_name=f"Ibu {n}",
            address="Jl. Ahmad Yani",
            rt="003",
            rw="001",
            desa="Batu Piring",
            kecamatan="Paringin",
        )
        for n in range(1, rows + 1)
    )
    candidates = Candidate.objects.bulk_create(
        Candidate(
            student=student,
            period=period,
            school_id=student.school_id,
            status=Status.APPROVED,
        )
        for student in students
    )
    StageEvent.objects.bulk_create(
        StageEvent(
            candidate=c,
            period=period,
            step=3,
            from_status=Status.SUBMITTED,
            to_status=Status.APPROVED,
        )
        for c in candidates
    )

    def user(name: str, role: Role) -> User:
        made = User.objects.create_user(name)
        made.groups.add(Group.objects.get(name=role.value))
        return made

    return period, user("admin", Role.DINAS_ADMIN), user("bank", Role.BANK_OFFICER)


def run(rows: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bank_exchange import services
    from bank_exchange.tests.factories import return_lines, xlsx_return

    period, admin, bank = make_candidates(rows)

    batch = timed("create_batch", lambda: services.create_batch(period, admin))
    batch = timed("send_batch", lambda: services.send_batch(batch, admin))
    timed(
        "record_download (.xlsx)", lambda: services.record_download(batch, "xlsx", bank)
    )
    rejected = range(1, rows + 1, 10)
    content = xlsx_return(return_lines(batch, rejected=rejected))
    upload = timed(
        "store_return_file (check included)",
        lambda: services.store_return_file(
            batch, SimpleUploadedFile("balasan.xlsx", content), bank
        ),
    )
    check = timed("preview_return_file", lambda: services.preview_return_file(upload))
    result = timed(
        "apply_return_file", lambda: services.apply_return_file(upload, bank)
    )
    again = timed(
        "apply_return_file again", lambda: services.apply_return_file(upload, bank)
    )
    timed("reconcile_period", lambda: services.reconcile_period(period))

    print(  # noqa: T201
        f"rows {rows}: {len(check.to_apply)} changes previewed, "
        f"{result.opened} opened, {result.rejected} rejected; "
        f"second apply already applied: {again.already_applied}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1637)
    arguments = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    import django

    django.setup()

    import logging

    from django.conf import settings
    from django.db import connection

    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        print(f"database: {connection.vendor}")  # noqa: T201
        name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            run(arguments.rows)
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()

"""Time the DTKS matching through the database, and report its quality.

Usage::

    createdb -h 127.0.0.1 -U postgres kbp_dtks_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kbp_dtks_bench
    .venv/bin/python benchmarks/dtks_match_db.py                  # both sizes
    .venv/bin/python benchmarks/dtks_match_db.py --size district  # 30,000 / 100,000
    .venv/bin/python benchmarks/dtks_match_db.py --size province  # 50,000 / 1,000,000
    .venv/bin/python benchmarks/dtks_match_db.py --students 2000 --parts 4

For each size, one process generates a labelled district with
``students.dtks.synthetic`` and writes it into the database: schools and
students, and the register through the real import (COPY on PostgreSQL).
None of that is timed. A second process, whose peak memory is the
matching's own, then times on the same data: the bare exact-NIK join (a SQL
join of the students with the snapshot's people on the NIK, pairs fetched),
``match_listed`` (load the students, their possible register people and the
decisions, match, store one Match each), and the same run again, which
finds every stored match unchanged. It prints wall and CPU seconds, their
ratio to the bare join, the peak memory of the process and the quality
report per kind of flaw read back from the stored matches.

The database is emptied of DTKS snapshots and of the generated schools
first: give it a database of its own, whose name ends in ``_bench``.

Goals (issue 4): 30,000 students against 100,000 people in at most 10 s;
50,000 against 1,000,000 in at most 90 s and 2 GB.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SIZES = {"district": (30_000, 100_000), "province": (50_000, 1_000_000)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=(*SIZES, "both"), default="both")
    parser.add_argument("--students", type=int)
    parser.add_argument("--people", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", type=int, default=1)
    parser.add_argument("--stage", choices=("prepare", "match"))
    parser.add_argument("--truth", type=Path)
    arguments = parser.parse_args()

    if arguments.stage == "prepare":
        prepare(arguments)
        return
    if arguments.stage == "match":
        match(arguments)
        return

    if arguments.students:
        sizes = [
            (arguments.students, arguments.people or int(arguments.students * 3.3))
        ]
    elif arguments.size == "both":
        sizes = list(SIZES.values())
    else:
        sizes = [SIZES[arguments.size]]
    for students, people in sizes:
        with tempfile.TemporaryDirectory() as directory:
            truth = Path(directory) / "truth.json"
            common = [
                "--students",
                str(students),
                "--people",
                str(people),
                "--seed",
                str(arguments.seed),
                "--parts",
                str(arguments.parts),
                "--truth",
                str(truth),
            ]
            for stage in ("prepare", "match"):
                subprocess.run(  # noqa: S603 - our own script
                    [sys.executable, __file__, "--stage", stage, *common], check=True
                )


def setup() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    import django

    django.setup()

    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if not name.endswith("_bench"):
        sys.exit(f"refusing to empty database {name!r}: its name must end in _bench")


def prepare(arguments: argparse.Namespace) -> None:
    setup()
    from django.core.management import call_command

    from students.dtks.models import Snapshot
    from students.dtks.services.importing import delete_snapshot
    from students.dtks.services.synthetic_district import (
        NPSN_PREFIX,
        import_people,
        store_students,
    )
    from students.dtks.synthetic import make_district
    from students.models import Student

    call_command("migrate", verbosity=0)
    for snapshot in Snapshot.objects.all():
        delete_snapshot(snapshot, user=None)
    Student.objects.filter(school__npsn__startswith=NPSN_PREFIX).delete()

    clock = Clock()
    district = make_district(arguments.students, arguments.people, seed=arguments.seed)
    say(
        f"== {len(district.students):,} students against {len(district.people):,} "
        f"register people ({len(district.kecamatan)} kecamatan), generated in "
        f"{clock.lap()[0]:.1f} s"
    )
    clock = Clock()
    student_ids = store_students(district)
    say(f"students stored in {clock.lap()[0]:.1f} s")
    clock = Clock()
    snapshot = import_people(district.people, label="bench")
    wall, cpu = clock.lap()
    say(
        f"register written as CSV and imported in {wall:.1f} s (cpu {cpu:.1f} s): "
        f"{snapshot.row_count:,} people, {snapshot.problem_count:,} problems"
    )
    truth = {
        str(student_ids[key]): [value.person_key, value.kind]
        for key, value in district.truth.items()
    }
    arguments.truth.write_text(json.dumps(truth))


def match(arguments: argparse.Namespace) -> None:
    setup()
    from django.db import connection

    from students.dtks.quality import quality_report
    from students.dtks.review import latest_snapshot
    from students.dtks.services.matching import match_listed
    from students.dtks.services.synthetic_district import (
        StoredDistrict,
        stored_results,
    )
    from students.dtks.synthetic import District

    snapshot = latest_snapshot()
    assert snapshot is not None  # noqa: S101 - made by the prepare stage
    say(f"peak memory before matching: {peak_rss_mb():.0f} MB")

    join = time_nik_join(snapshot.pk)
    say(f"bare exact-NIK SQL join:    {join:7.3f} s ({connection.vendor})")

    clock = Clock()
    counts = match_listed(snapshot=snapshot, parts=arguments.parts)
    wall, cpu = clock.lap()
    assert counts is not None  # noqa: S101
    say(
        f"match_listed ({arguments.parts} part(s)): {wall:7.2f} s (cpu {cpu:.2f} s), "
        f"{wall / join:,.0f} x the bare join; {counts.summary()}"
    )
    say(f"peak memory: {peak_rss_mb():.0f} MB")

    clock = Clock()
    match_listed(snapshot=snapshot, parts=arguments.parts)
    wall, cpu = clock.lap()
    say(f"again, nothing changed:     {wall:7.2f} s (cpu {cpu:.2f} s)")

    raw = json.loads(arguments.truth.read_text())
    truth = {int(pk): (person, kind) for pk, (person, kind) in raw.items()}
    keys = {pk: pk for pk in truth}
    stored = StoredDistrict(District([], [], {}), keys, snapshot)
    say(quality_report(stored_results(stored), truth).as_text())


def time_nik_join(snapshot_id: int) -> float:
    from django.db import connection

    from students.dtks.models import Person
    from students.models import Student

    quote = connection.ops.quote_name
    sql = (
        f"SELECT s.id, p.id FROM {quote(Student._meta.db_table)} s "  # noqa: S608
        f"JOIN {quote(Person._meta.db_table)} p "
        "ON p.snapshot_id = %s AND p.nik = s.nik "
        "WHERE s.is_listed AND s.nik <> ''"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [snapshot_id])
        pairs = cursor.fetchall()
    elapsed = time.perf_counter() - started
    say(f"(the join finds {len(pairs):,} student-person pairs by exact NIK)")
    return elapsed


class Clock:
    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

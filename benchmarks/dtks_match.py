"""Time the DTKS matching of a generated district, and report its quality.

Usage::

    .venv/bin/python benchmarks/dtks_match.py                 # both sizes
    .venv/bin/python benchmarks/dtks_match.py --size district # 30,000 / 100,000
    .venv/bin/python benchmarks/dtks_match.py --size province # 50,000 / 1,000,000
    .venv/bin/python benchmarks/dtks_match.py --students 2000 --people 8000 --parts 4

Generates a labelled district with ``students.dtks.synthetic`` (not timed),
then times, on the same data: the bare exact-NIK join (a dict from NIK to
person, one look-up per pupil), the whole ``match_students`` run, and, with
``--parts``, the same run split into parts by kecamatan, each part against
its own filtered register, checking that the results are identical. Prints
wall and CPU seconds, their ratio to the bare join, the peak memory of the
process and the quality report per kind of flaw. Each size runs in a process
of its own so that its peak memory is its own. The database is not involved.

Goals (issue 4): 30,000 pupils against 100,000 people in at most 10 s;
50,000 against 1,000,000 in at most 90 s and 2 GB.
"""

import argparse
import os
import resource
import subprocess
import sys
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
    parser.add_argument("--parts", type=int, default=0)
    arguments = parser.parse_args()

    if arguments.students:
        people = arguments.people or int(arguments.students * 3.3)
        run(arguments.students, people, arguments.seed, arguments.parts)
        return

    sizes = list(SIZES) if arguments.size == "both" else [arguments.size]
    for size in sizes:
        students, people = SIZES[size]
        command = [
            sys.executable,
            __file__,
            "--students",
            str(students),
            "--people",
            str(people),
            "--seed",
            str(arguments.seed),
            "--parts",
            str(arguments.parts),
        ]
        subprocess.run(command, check=True)  # noqa: S603 - our own script


def run(student_count: int, people_count: int, seed: int, parts: int) -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    import django

    django.setup()

    from students.dtks.engine import match_students, with_family_mothers
    from students.dtks.quality import quality_report
    from students.dtks.synthetic import make_district

    started = time.perf_counter()
    district = make_district(student_count, people_count, seed=seed)
    say(
        f"== {len(district.students):,} pupils against {len(district.people):,} "
        f"register people ({len(district.kecamatan)} kecamatan), generated in "
        f"{time.perf_counter() - started:.1f} s; "
        f"peak memory so far {peak_rss_mb():.0f} MB"
    )

    join = time_nik_join(district.students, district.people)
    say(f"bare exact-NIK dict join:   {join:7.3f} s")

    clock = Clock()
    people = with_family_mothers(district.people)
    district.people = []
    mothers = clock.lap()
    say(f"family mothers filled in:   {mothers[0]:7.2f} s (cpu {mothers[1]:.2f} s)")

    clock = Clock()
    results = match_students(district.students, people)
    wall, cpu = clock.lap()
    say(
        f"match_students:             {wall:7.2f} s (cpu {cpu:.2f} s), "
        f"{wall / join:,.0f} x the bare join"
    )
    say(f"peak memory: {peak_rss_mb():.0f} MB (the generated data included)")

    if parts:
        time_parts(district.students, people, results, parts)

    say(quality_report(results, district.truth).as_text())


def time_nik_join(students: list, people: list) -> float:
    started = time.perf_counter()
    by_nik = {person.nik: person.key for person in people if person.nik}
    found = sum(1 for student in students if by_nik.get(student.nik) is not None)
    elapsed = time.perf_counter() - started
    say(f"(the join finds {found:,} pupils by exact NIK)")
    return elapsed


def time_parts(students: list, people: list, whole: list, parts: int) -> None:
    from students.dtks.blocking import RegisterFilter, split_students
    from students.dtks.engine import match_students

    clock = Clock()
    results = {}
    sizes = []
    for part in split_students(students, parts, by="kecamatan"):
        wanted = RegisterFilter.for_students(part)
        register = [person for person in people if wanted.wants(person)]
        sizes.append(f"{len(part):,}/{len(register):,}")
        for result in match_students(part, register):
            results[result.student_key] = result
    wall, cpu = clock.lap()
    same = all(results[result.student_key] == result for result in whole)
    say(
        f"split in {parts} parts by kecamatan (pupils/people {', '.join(sizes)}): "
        f"{wall:.2f} s (cpu {cpu:.2f} s) in one process, results "
        f"{'identical' if same else 'DIFFERENT'}"
    )


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

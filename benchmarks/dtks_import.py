"""Time the import of a DTKS register extract into the database.

Usage::

    createdb -h 127.0.0.1 -U postgres kbp_dtks_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kbp_dtks_bench
    .venv/bin/python benchmarks/dtks_import.py                 # 1,000,000 rows
    .venv/bin/python benchmarks/dtks_import.py --rows 200000 --fmt xlsx

Writes a register of the given size to a temporary directory (not timed):
the people of a generated district, repeated with other IDs, NIKs and No KKs
until the size is reached, with one row in a thousand spoilt (a bad NIK, a
date that is no date, a missing name) so that problems are recorded too.
Then times, in the same process: the bare read of the file with
``open_register`` (what the database part is added to), and the whole
``import_register`` (file checks, reading, COPY on PostgreSQL or bulk_create
elsewhere, statistics), and prints wall and CPU seconds, rows per second and
the peak memory of the process. The database server's own CPU is not in the
process's CPU time; the wall time includes it.

Old snapshots are deleted first: give it a database of its own, whose name
ends in ``_bench``.

Goal (issue 4): 1,000,000 rows in at most 60 s on the 2-core machine, with
bounded memory.
"""

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SPOIL_EVERY = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--fmt", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--delimiter", default=",")
    arguments = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from students.dtks.models import Snapshot
    from students.dtks.reader import open_register
    from students.dtks.services.importing import (
        delete_snapshot,
        import_register,
        receive_register,
    )

    name = str(connection.settings_dict["NAME"])
    if not name.endswith("_bench"):
        sys.exit(f"refusing to empty database {name!r}: its name must end in _bench")
    call_command("migrate", verbosity=0)
    for snapshot in Snapshot.objects.all():
        delete_snapshot(snapshot, user=None)

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"dtks.{arguments.fmt}"
        clock = Clock()
        write_file(path, arguments)
        say(
            f"file: {arguments.rows:,} rows, {arguments.fmt}, "
            f"{path.stat().st_size / 1024 / 1024:.1f} MB, written in "
            f"{clock.lap()[0]:.1f} s; database {connection.vendor}"
        )
        rss_before = peak_rss_mb()

        clock = Clock()
        rows = problems = 0
        with open_register(path) as reader:
            for chunk in reader.chunks(20_000):
                rows += len(chunk.rows)
                problems += len(chunk.problems)
        wall, cpu = clock.lap()
        say(f"read only:      {wall:6.1f} s (cpu {cpu:.1f} s)")

        snapshot = receive_register(_chunks(path), path.name, user=None)
        clock = Clock()
        counts = import_register(snapshot)
        wall, cpu = clock.lap()
        say(
            f"import_register: {wall:5.1f} s (cpu {cpu:.1f} s), {counts.rows:,} "
            f"people, {counts.problems:,} problems; {counts.rows / wall:,.0f} rows/s"
        )
        say(
            f"peak memory: {peak_rss_mb():.0f} MB ({rss_before:.0f} MB before "
            "reading, the generated district included)"
        )


def register_rows(count: int) -> Iterator[list[str]]:
    from students.dtks.synthetic import make_district, register_row

    people = make_district(students=2000, people=min(count, 100_000), seed=7).people
    copy = 0
    written = 0
    while written < count:
        for person in people:
            if written == count:
                return
            row = register_row(person, copy)
            written += 1
            if written % SPOIL_EVERY == 0:
                spoil(row, written // SPOIL_EVERY)
            yield row
        copy += 1


def spoil(row: list[str], which: int) -> None:
    if which % 3 == 0:
        row[1] = row[1][:10]  # NIK too short
    elif which % 3 == 1:
        row[6] = "31-02-2011"  # no such date
    else:
        row[3] = ""  # no name: the row is left out, with a problem


def write_file(path: Path, arguments: argparse.Namespace) -> None:
    from students.dtks.synthetic import REGISTER_HEADER

    if arguments.fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, delimiter=arguments.delimiter)
            writer.writerow(REGISTER_HEADER)
            writer.writerows(register_rows(arguments.rows))
        return

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DTKS")
    sheet.append(REGISTER_HEADER)
    for row in register_rows(arguments.rows):
        sheet.append(row)
    workbook.save(path)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            yield chunk


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

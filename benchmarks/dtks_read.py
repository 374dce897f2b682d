"""Time the streaming read of a DTKS register extract.

Usage::

    .venv/bin/python benchmarks/dtks_read.py                  # 1,000,000 rows, CSV
    .venv/bin/python benchmarks/dtks_read.py --rows 200000 --fmt xlsx
    .venv/bin/python benchmarks/dtks_read.py --delimiter ";" --encoding cp1252

Writes a register of the given size to a temporary directory (not timed):
the people of a generated district, repeated with other IDs, NIKs and No KKs
until the size is reached. Then times the bare read of the file (the csv
module, or calamine for .xlsx: every row turned into Python values, nothing
else) and ``open_register(...).chunks()`` (header mapping, typing and
checking of every row), and prints both, their ratio, rows per second and
the peak memory of the process. The database insert of the import is not
part of this script.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--fmt", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--delimiter", default=",")
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--chunk-size", type=int, default=5000)
    arguments = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    import django

    django.setup()

    from students.dtks.reader import open_register

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"dtks.{arguments.fmt}"
        started = time.perf_counter()
        write_file(path, arguments)
        size = path.stat().st_size
        say(
            f"file: {arguments.rows} rows, {arguments.fmt}, "
            f"{size / 1024 / 1024:.1f} MB, written in "
            f"{time.perf_counter() - started:.1f} s"
        )
        rss_before = peak_rss_mb()

        bare = time_bare_read(path, arguments)
        say(f"bare read:      {bare:6.2f} s")

        started = time.perf_counter()
        cpu = time.process_time()
        rows = problems = fatal = 0
        with open_register(path) as reader:
            for chunk in reader.chunks(arguments.chunk_size):
                rows += len(chunk.rows)
                problems += len(chunk.problems)
                fatal += sum(1 for problem in chunk.problems if problem.fatal)
        whole = time.perf_counter() - started
        cpu = time.process_time() - cpu
        say(
            f"open_register:  {whole:6.2f} s (cpu {cpu:.2f} s), {rows} rows, "
            f"{problems} problems ({fatal} rows left out)"
        )
        say(f"rows per second: {rows / whole:,.0f} (cpu: {rows / cpu:,.0f})")
        say(f"ratio reader/bare: {whole / bare:.2f}")
        say(
            f"peak memory: {peak_rss_mb():.0f} MB "
            f"({rss_before:.0f} MB before reading, the generated district "
            "included)"
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
            yield register_row(person, copy)
            written += 1
        copy += 1


def write_file(path: Path, arguments: argparse.Namespace) -> None:
    from students.dtks.synthetic import REGISTER_HEADER

    if arguments.fmt == "csv":
        with path.open("w", encoding=arguments.encoding, newline="") as stream:
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


def time_bare_read(path: Path, arguments: argparse.Namespace) -> float:
    started = time.perf_counter()
    if arguments.fmt == "csv":
        with path.open(encoding=arguments.encoding, newline="") as stream:
            for _line in csv.reader(stream, delimiter=arguments.delimiter):
                pass
    else:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        for _row in workbook.get_sheet_by_index(0).iter_rows():
            pass
    return time.perf_counter() - started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()

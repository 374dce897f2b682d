"""Time the reading and validation of a generated Dapodik export.

Usage::

    .venv/bin/python benchmarks/dapodik_read.py --rows 5000
    .venv/bin/python benchmarks/dapodik_read.py --rows 50000 --openpyxl

Writes a made-up "Daftar Peserta Didik" of the given size to a temporary
directory (not timed), then times the bare read of the file by python-calamine
(every row turned into Python values, nothing else) and ``read_students``
(safety checks, reading, validation) on the same file, and prints both, their
ratio and the peak memory of the process. With ``--openpyxl`` it also times
openpyxl's read-only mode, the alternative the reader was chosen against.
The store step of the import is not part of this script.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--fmt", choices=("xlsx", "ods", "csv"), default="xlsx")
    parser.add_argument("--bad-rows", type=int, default=0)
    parser.add_argument("--resaved", action="store_true", help="simulate Excel")
    parser.add_argument("--openpyxl", action="store_true", help="time openpyxl too")
    arguments = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    import django

    django.setup()

    from students.dapodik.samples import make_dapodik_workbook
    from students.dapodik.validate import read_students

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"daftar-peserta-didik.{arguments.fmt}"
        started = time.perf_counter()
        make_dapodik_workbook(
            arguments.rows,
            path,
            fmt=arguments.fmt,
            bad_rows=arguments.bad_rows,
            resaved_by_excel=arguments.resaved,
        )
        generated = time.perf_counter() - started
        size = path.stat().st_size
        say(
            f"file: {arguments.rows} rows, {arguments.fmt}, "
            f"{size / 1024 / 1024:.1f} MB, generated in {generated:.2f} s"
        )

        bare = time_bare_read(path, arguments.fmt)
        library = "csv module" if arguments.fmt == "csv" else "calamine"
        say(f"bare read ({library}):{' ' * (14 - len(library))}{bare:6.2f} s")

        started = time.perf_counter()
        result = read_students(path, path.name, max_bytes=max(size, 1))
        whole = time.perf_counter() - started
        counts = result.counts
        say(
            f"read_students:            {whole:6.2f} s  ({counts.rows_read} rows, "
            f"{counts.valid} valid, {counts.error_rows} with errors, "
            f"{counts.warnings} warnings)"
        )
        say(f"ratio read_students/bare: {whole / bare:6.2f}")

        if arguments.openpyxl and arguments.fmt == "xlsx":
            say(f"openpyxl read-only read:  {time_openpyxl(path):6.2f} s")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"peak RSS of the process:  {peak:6.0f} MB")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def time_bare_read(path: Path, fmt: str) -> float:
    """Seconds to turn every row of the file into Python values."""
    started = time.perf_counter()
    if fmt == "csv":
        import csv

        with path.open(newline="", encoding="utf-8-sig") as handle:
            for _line in csv.reader(handle):
                pass
    else:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(path)
        for _row in workbook.get_sheet_by_index(0).iter_rows():
            pass
    return time.perf_counter() - started


def time_openpyxl(path: Path) -> float:
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    for _row in workbook.worksheets[0].iter_rows(values_only=True):
        pass
    workbook.close()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

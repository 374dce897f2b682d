"""Import a DTKS/DTSEN extract from the command line, by the same code path
as the import page, then match every listed student against it."""

from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from balangan_pintar.jobs import JobFailed, Progress, run_job
from balangan_pintar.models import Job
from students.dtks.models import Snapshot
from students.dtks.services.importing import (
    RegisterRefused,
    delete_snapshot,
    import_register,
    receive_register,
    summary_line,
)
from students.dtks.services.matching import match_listed
from students.dtks.services.overview import problem_kinds

CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import a DTKS/DTSEN extract (.csv or .xlsx) as a new snapshot, then "
        "match every listed student against it. Exit status 1 when the file is "
        "refused."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--label", default="", help="name of the snapshot")
        parser.add_argument(
            "--no-match", action="store_true", help="do not match the students"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("Berkas tidak ditemukan: %(path)s") % {"path": path})

        snapshot = receive_register(
            _chunks(path), path.name, user=None, label=options["label"]
        )
        assert snapshot.job is not None  # noqa: S101 - receive_register makes it

        def work(job: Job, progress: Progress) -> dict[str, Any]:
            try:
                import_register(snapshot, progress)
            except RegisterRefused as refusal:
                raise JobFailed(str(refusal)) from refusal
            return {"snapshot": snapshot.pk}

        run_job(str(snapshot.job.pk), work)
        snapshot = Snapshot.objects.select_related("job").get(pk=snapshot.pk)
        if not snapshot.is_complete:
            message = snapshot.job.message if snapshot.job else ""
            delete_snapshot(snapshot, user=None)
            raise CommandError(message)

        self.stdout.write(summary_line(snapshot))
        for message, count in problem_kinds(snapshot):
            self.stdout.write(f"  {count:>9} × {message}")
        if options["no_match"]:
            return
        counts = match_listed(snapshot=snapshot)
        if counts is not None:
            self.stdout.write(counts.summary())


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk

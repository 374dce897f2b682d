"""Import a school's pupil list from the command line, by the same code path
as the upload page, and print the same summary and row issues."""

from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from balangan_pintar.jobs import run_job
from balangan_pintar.models import Job
from students.models import School, Upload
from students.services.upload import receive_upload, run_upload_job, summary_line

CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Read, validate and store a Dapodik 'Daftar Peserta Didik' (or the "
        "school template) for one school. Exit status 1 when the file is refused."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--school", required=True, help="NPSN of the school")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(npsn=options["school"]).first()
        if school is None:
            raise CommandError(_("Sekolah dengan NPSN itu tidak ditemukan."))
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("Berkas tidak ditemukan: %(path)s") % {"path": path})

        upload = receive_upload(school, _chunks(path), path.name, user=None)
        assert upload.job is not None  # noqa: S101 - receive_upload makes it
        run_job(str(upload.job.pk), run_upload_job)

        upload = Upload.objects.select_related("job").get(pk=upload.pk)
        assert upload.job is not None  # noqa: S101
        if upload.job.state != Job.State.SUCCEEDED:
            raise CommandError(upload.refusal_message or upload.job.message)
        self.stdout.write(summary_line(upload))
        for issue in upload.issue_list():
            where = (
                _("Baris %(row)s") % {"row": issue.row} if issue.row else _("Berkas")
            )
            self.stdout.write(
                f"{where} | {issue.column or '-'} | {issue.severity.label} | "
                f"{issue.value} | {issue.message}"
            )
        if upload.issues_truncated:
            self.stdout.write(
                _("Daftar dipotong; semua keterangan ada di berkas %(path)s")
                % {"path": upload.annotated_path}
            )


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk

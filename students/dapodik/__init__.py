"""Reading the pupil list a school uploads: Dapodik's "Daftar Peserta Didik",
the plain template for madrasahs, and files like them in .xlsx, .xls, .ods
and .csv.

``read_students`` is the single entry point of the web upload, the
management command and the benchmark; ``write_annotated_workbook`` and
``write_template`` produce the files the operator downloads.
"""

from students.dapodik.annotate import write_annotated_workbook
from students.dapodik.safety import FileKind, RefusalCode, UploadRefused
from students.dapodik.template import write_template
from students.dapodik.validate import (
    Issue,
    IssueCode,
    ReadCounts,
    ReadResult,
    StudentRow,
    read_students,
)

__all__ = [
    "FileKind",
    "Issue",
    "IssueCode",
    "ReadCounts",
    "ReadResult",
    "RefusalCode",
    "StudentRow",
    "UploadRefused",
    "read_students",
    "write_annotated_workbook",
    "write_template",
]

"""Data for the bank exchange tests: approved candidates with every field the
bank gets, and the return files the bank would send back."""

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import openpyxl
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from balangan_pintar.models import Period
from conftest import make_student
from students.models import Candidate, School, Status
from students.services.pipeline import move_candidate

from ..models import BankBatch

RETURN_HEADER = ["NOMOR_BATCH", "NO", "NIK", "NOMOR_REKENING", "STATUS", "ALASAN"]
Line = Sequence[Any]


def approved(
    school: School, period: Period, verifier: User, count: int, start: int = 1
) -> list[Candidate]:
    """``count`` approved candidates of ``school``, with an approval event
    like the verification step writes."""
    # Identifiers from the NPSN, not the primary key: PostgreSQL does not
    # reset its sequences between tests.
    code = school.npsn[-2:]
    candidates = []
    for number in range(start, start + count):
        student = make_student(
            school,
            f"00{code}{number:06d}",
            name=f"Siswa {code}-{number:03d}",
            nik=f"6311{code}{number:010d}",
            mother_name=f"Ibu {number}",
            address="Jl. Ahmad Yani Km 2",
            rt="003",
            rw="001",
            desa="Batu Piring",
            kecamatan=school.kecamatan.name,
            father_name="AYAH RAHASIA",
            father_nik="6311990101800099",
            no_kk="6311990101800001",
            kip_number="KIP-RAHASIA-1",
        )
        candidate = Candidate.objects.create(
            student=student, period=period, school=school, status=Status.SUBMITTED
        )
        candidates.append(
            move_candidate(candidate, Status.APPROVED, actor=verifier, note="valid")
        )
    return candidates


def account(row_number: int) -> str:
    """A ten-digit account number with leading zeros."""
    return f"00120{row_number:05d}"


def return_lines(
    batch: BankBatch, rejected: Sequence[int] = (), skip: Sequence[int] = ()
) -> list[list[Any]]:
    """A clean answer for every row of ``batch``: opened, except the row
    numbers in ``rejected``."""
    lines: list[list[Any]] = []
    for row in batch.rows.order_by("row_number"):
        if row.row_number in skip:
            continue
        if row.row_number in rejected:
            lines.append(
                [batch.number, row.row_number, row.nik, "", "REJECTED", "NIK tidak ada"]
            )
        else:
            lines.append(
                [
                    batch.number,
                    row.row_number,
                    row.nik,
                    account(row.row_number),
                    "OPENED",
                    "",
                ]
            )
    return lines


def xlsx_return(lines: Sequence[Line], header: Line = RETURN_HEADER) -> bytes:
    """A return workbook whose cells are all text, as the bank is asked."""
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(header))
    for line in lines:
        sheet.append(
            [value if isinstance(value, str) else str(value) for value in line]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value is not None:
                cell.data_type = "s"
                cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_return(lines: Sequence[Line], header: Line = RETURN_HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(lines)
    return out.getvalue().encode("utf-8")


def upload(content: bytes, name: str = "balasan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def today() -> date:
    return timezone.localdate()

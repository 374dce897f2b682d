"""The matches of a snapshot as a CSV file, one row per student."""

import csv
from typing import TextIO

from students.models import Student

from ..models import Match, Snapshot

EXPORT_COLUMNS = ("npsn", "nisn", "nik", "dtks_id", "decision", "method", "score")


def write_matches_csv(snapshot: Snapshot, stream: TextIO) -> int:
    """Write every listed student with its match against ``snapshot``.

    ``decision`` is matched, review or unmatched, and empty for a student
    not matched against this snapshot yet; ``dtks_id`` is the matched
    person's (empty unless matched); ``method`` and ``score`` describe the
    match, or for review the best candidate. Returns the rows written.
    """
    matches = {
        student_id: (dtks_id, decision, method, score)
        for student_id, dtks_id, decision, method, score in Match.objects.filter(
            snapshot=snapshot
        )
        .values_list("student_id", "person__dtks_id", "decision", "method", "score")
        .iterator(chunk_size=10_000)
    }
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    students = (
        Student.objects.filter(is_listed=True)
        .order_by("school__npsn", "nisn", "pk")
        .values_list("pk", "school__npsn", "nisn", "nik")
    )
    written = 0
    for pk, npsn, nisn, nik in students.iterator(chunk_size=10_000):
        dtks_id, decision, method, score = matches.get(pk, ("", "", "", None))
        writer.writerow(
            [
                npsn,
                nisn,
                nik,
                dtks_id or "",
                decision,
                method,
                "" if score is None else f"{score:.1f}",
            ]
        )
        written += 1
    return written

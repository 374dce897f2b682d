"""The school picks its candidates and sends them to the Dinas (end of SOP
step 1 and step 2).

A student can be chosen while they have no candidate in the period, or
their candidate is still with the school (listed, draft, withdrawn) or was
returned by the Dinas. Once sent, the candidate is locked for the school
until the Dinas returns it. Choosing a student whom the DTKS matching did
not confirm needs a reason.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balangan_pintar import audit
from balangan_pintar.models import Period

from ..dtks.choices import Decision
from ..dtks.status import StatusInfo, dtks_status_for, with_decision
from ..models import Candidate, School, StageEvent, Status, Student, Submission
from .pipeline import TransitionRefused, propose_student, submit_to_dinas

logger = logging.getLogger(__name__)

# Statuses in which the school still decides about the candidate.
WITH_SCHOOL = frozenset({Status.LISTED, Status.DRAFT, Status.WITHDRAWN})
SELECTABLE = WITH_SCHOOL | {Status.RETURNED}
# Statuses that hold one of the school's places in the period's quota.
HOLDS_PLACE = frozenset(
    {
        Status.SUBMITTED,
        Status.APPROVED,
        Status.SENT_TO_BANK,
        Status.BANK_REJECTED,
        Status.ACCOUNT_OPENED,
        Status.CARD_PRINTED,
        Status.DELIVERED,
        Status.UNDELIVERED,
    }
)


class SelectionRefused(TransitionRefused):
    """The school's choice cannot be sent; the message says why."""


@dataclass(frozen=True)
class DtksStatus:
    """What the DTKS matching says about one student, for lists and forms.

    ``matched`` is true only when the register confirms the student; such
    students are preselected and need no reason. ``tone`` is the colour of
    the badge (a Bootstrap contextual name).
    """

    code: str
    label: str | Promise
    matched: bool = False
    tone: str = "secondary"


NOT_MATCHED_YET = DtksStatus("unchecked", gettext_lazy("belum dicocokkan"))

# The choices of the student list's DTKS filter.
DTKS_FILTERS = (
    ("matched", gettext_lazy("Cocok DTKS")),
    ("unmatched", gettext_lazy("Belum/tidak cocok")),
)


TONES = {
    Decision.MATCHED: "success",
    Decision.REVIEW: "warning",
    Decision.UNMATCHED: "danger",
}


def _status_from(info: StatusInfo) -> DtksStatus:
    label = str(Decision(info.decision).label)
    if info.decision == Decision.MATCHED and info.desil is not None:
        label = _("%(label)s, desil %(desil)s") % {
            "label": label,
            "desil": info.desil,
        }
    return DtksStatus(
        code=info.decision,
        label=label,
        matched=info.decision == Decision.MATCHED,
        tone=TONES.get(Decision(info.decision), "secondary"),
    )


def dtks_statuses(students: Iterable[Student]) -> dict[int, DtksStatus]:
    """The DTKS match of many students at once, by student id, against the
    newest complete snapshot; "belum dicocokkan" where none is stored."""
    ids = [student.pk for student in students]
    found = dtks_status_for(ids)
    return {
        pk: _status_from(found[pk]) if pk in found else NOT_MATCHED_YET for pk in ids
    }


def dtks_status(student: Student) -> DtksStatus:
    """The DTKS match of one student."""
    return dtks_statuses([student])[student.pk]


def filter_by_dtks(students: QuerySet[Student], choice: str) -> QuerySet[Student]:
    """Narrow a student queryset by one of ``DTKS_FILTERS``."""
    matched = with_decision(students, Decision.MATCHED)
    if choice == "matched":
        return matched
    return students.exclude(pk__in=matched.values("pk"))


@dataclass
class SelectionRow:
    """One student on the selection page, with their candidate this period."""

    student: Student
    candidate: Candidate | None
    dtks: DtksStatus
    return_note: str = ""

    @property
    def status(self) -> str | None:
        return self.candidate.status if self.candidate is not None else None

    @property
    def status_label(self) -> str:
        if self.candidate is None:
            return str(Status.LISTED.label)
        return str(Status(self.candidate.status).label)

    @property
    def selectable(self) -> bool:
        return self.student.is_listed and (
            self.candidate is None or self.candidate.status in SELECTABLE
        )

    @property
    def preselected(self) -> bool:
        if not self.selectable:
            return False
        return self.dtks.matched or self.status in (Status.DRAFT, Status.RETURNED)

    @property
    def needs_reason(self) -> bool:
        return not self.dtks.matched

    @property
    def reason(self) -> str:
        return self.candidate.proposal_note if self.candidate is not None else ""


def selection_rows(school: School, period: Period) -> list[SelectionRow]:
    """The school's listed students and every student with a candidate in
    the period, returned candidates first, then by class and name."""
    students = list(
        Student.objects.filter(school=school)
        .filter(Q(is_listed=True) | Q(candidates__period=period))
        .distinct()
        .order_by("rombel", "name", "pk")
    )
    candidates = {
        c.student_id: c
        for c in Candidate.objects.filter(period=period, student__school=school)
    }
    notes = return_notes(c for c in candidates.values() if c.status == Status.RETURNED)
    dtks = dtks_statuses(students)
    rows = [
        SelectionRow(
            student=student,
            candidate=candidates.get(student.pk),
            dtks=dtks[student.pk],
            return_note=notes.get(candidates[student.pk].pk, "")
            if student.pk in candidates
            else "",
        )
        for student in students
    ]
    rows.sort(key=lambda row: row.status != Status.RETURNED)
    return rows


def return_notes(candidates: Iterable[Candidate]) -> dict[int, str]:
    """The Dinas's note of the latest return of each candidate, by id."""
    ids = [c.pk for c in candidates]
    if not ids:
        return {}
    events = StageEvent.objects.filter(
        candidate_id__in=ids, to_status=Status.RETURNED
    ).order_by("candidate_id", "at", "pk")
    return {event.candidate_id: event.note for event in events}


def places_used(school: School, period: Period) -> int:
    """How many of the school's quota places its candidates hold."""
    return Candidate.objects.filter(
        school=school, period=period, status__in=HOLDS_PLACE
    ).count()


def send_to_dinas(
    school: School,
    period: Period,
    choices: Mapping[int, str],
    *,
    actor: Any,
) -> Submission:
    """Propose the chosen students and send them to the Dinas, all or none.

    ``choices`` maps each chosen student's id to the reason for choosing
    them (empty when the DTKS confirms them). Raises
    :class:`SelectionRefused` (or the pipeline's ``TransitionRefused``)
    with a message for the operator; nothing is changed then.
    """
    if not choices:
        raise SelectionRefused(_("Pilih minimal satu siswa."))

    with transaction.atomic():
        students = list(
            Student.objects.filter(school=school, pk__in=list(choices))
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        if len(students) != len(choices):
            raise SelectionRefused(_("Sebagian siswa yang dipilih tidak ditemukan."))
        existing = {
            c.student_id: c
            for c in Candidate.objects.filter(period=period, student__in=students)
        }
        dtks = dtks_statuses(students)
        for student in students:
            _check_choice(student, existing.get(student.pk), dtks[student.pk], choices)
        _check_quota(school, period, len(students))

        chosen = [
            _proposed(student, existing.get(student.pk), period, choices, actor)
            for student in students
        ]
        submission = submit_to_dinas(chosen, actor=actor)
        audit.record(actor, "submission.send", submission, candidates=len(chosen))
    logger.info(
        "school %s sent submission %s with %s candidates",
        school.pk,
        submission.pk,
        len(chosen),
    )
    return submission


def _check_choice(
    student: Student,
    candidate: Candidate | None,
    dtks: DtksStatus,
    choices: Mapping[int, str],
) -> None:
    if candidate is not None and candidate.status not in SELECTABLE:
        raise SelectionRefused(
            _(
                "%(name)s sudah “%(status)s”; sekolah tidak dapat "
                "mengubahnya kecuali Dinas mengembalikannya."
            )
            % {"name": student.first_name, "status": Status(candidate.status).label}
        )
    if not student.is_listed:
        raise SelectionRefused(
            _(
                "%(name)s tidak tercantum di unggahan Dapodik terakhir dan tidak "
                "dapat diusulkan."
            )
            % {"name": student.first_name}
        )
    if not dtks.matched and not choices[student.pk].strip():
        raise SelectionRefused(
            _("Alasan wajib diisi untuk %(name)s karena tidak cocok dengan DTKS.")
            % {"name": student.first_name}
        )


def _check_quota(school: School, period: Period, chosen: int) -> None:
    quota = period.quota_per_school
    if quota is None:
        return
    used = places_used(school, period)
    if used + chosen > quota:
        raise SelectionRefused(
            _(
                "Kuota sekolah %(quota)s siswa; %(used)s sudah terpakai, sehingga "
                "hanya %(left)s lagi yang dapat dikirim."
            )
            % {"quota": quota, "used": used, "left": max(quota - used, 0)}
        )


def _proposed(
    student: Student,
    candidate: Candidate | None,
    period: Period,
    choices: Mapping[int, str],
    actor: Any,
) -> Candidate:
    reason = choices[student.pk].strip()
    if candidate is None or candidate.status in (Status.LISTED, Status.WITHDRAWN):
        return propose_student(student, period, actor=actor, note=reason)

    # A draft or a returned candidate goes on as it is; a reason typed anew
    # replaces the old one.
    if reason and reason != candidate.proposal_note:
        candidate.proposal_note = reason
        candidate.save(update_fields=["proposal_note"])
    return candidate

"""The expected answer of every URL of the URLconf for every role: the data
of tests/test_access_matrix.py. A URL without a row here fails that test.

The objects in the URLs belong to school A, so school B's operator meets
them only as "not found". A view that only accepts POST is asked by GET
(405 once the role is let in) and by an empty POST; for the other views a
GET is enough.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"  # 200, or a redirect to a page of the application
    LOGIN = "login"  # a redirect to the sign-in page
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not_found"  # 404
    NOT_ALLOWED = "not_allowed"  # 405
    PUBLIC = "public"  # 200, whoever asks


OK = Outcome.OK
LOGIN = Outcome.LOGIN
FORBIDDEN = Outcome.FORBIDDEN
NOT_FOUND = Outcome.NOT_FOUND
NOT_ALLOWED = Outcome.NOT_ALLOWED
PUBLIC = Outcome.PUBLIC

ANONYMOUS = "anonymous"
OPERATOR_A = "operator_a"
OPERATOR_B = "operator_b"
VERIFIER = "verifier"
DINAS_ADMIN = "dinas_admin"
BANK_OFFICER = "bank_officer"
KEPALA = "kepala"

# The names are the root conftest's fixtures, except the anonymous visitor.
ROLES = (
    ANONYMOUS,
    OPERATOR_A,
    OPERATOR_B,
    VERIFIER,
    DINAS_ADMIN,
    BANK_OFFICER,
    KEPALA,
)

Answers = dict[str, Outcome]


@dataclass(frozen=True)
class Const:
    """A URL argument given as it is, not read from the test's world."""

    value: str | int


@dataclass(frozen=True)
class Row:
    get: Answers
    # Only for views that accept nothing but POST: the answer to an empty
    # POST.
    post: Answers | None = None
    # URL argument -> dotted attribute of the test's world, or a Const.
    kwargs: tuple[tuple[str, str | Const], ...] = ()


def answers(*allowed: str, others: Outcome = FORBIDDEN, **special: Outcome) -> Answers:
    """OK for the allowed roles, ``others`` for the rest, the sign-in page
    for the anonymous visitor, then the exceptions named by role."""
    result = {role: OK if role in allowed else others for role in ROLES}
    result[ANONYMOUS] = LOGIN
    result.update(special)
    return result


def get_only(
    *allowed: str, kwargs: Mapping[str, str | Const] | None = None, **special: Outcome
) -> Row:
    return Row(get=answers(*allowed, **special), kwargs=tuple((kwargs or {}).items()))


def post_only(
    *allowed: str, kwargs: Mapping[str, str | Const] | None = None, **special: Outcome
) -> Row:
    """A POST-only view behind role_required: the role check comes first,
    so a GET by an allowed role is 405; ``special`` applies to the POST."""
    return Row(
        get=answers(*allowed, others=FORBIDDEN) | {r: NOT_ALLOWED for r in allowed},
        post=answers(*allowed, **special),
        kwargs=tuple((kwargs or {}).items()),
    )


EVERYONE = ROLES[1:]
STUDENT_ROLES = (OPERATOR_A, OPERATOR_B, VERIFIER, DINAS_ADMIN)
OPERATORS = (OPERATOR_A, OPERATOR_B)
DINAS_READERS = (VERIFIER, DINAS_ADMIN)
EXPORTERS = (VERIFIER, DINAS_ADMIN, KEPALA)
BATCH_ROLES = (DINAS_ADMIN, BANK_OFFICER)
HANDOVER_ROLES = (OPERATOR_A, OPERATOR_B, DINAS_ADMIN)
REPORT_READERS = (DINAS_ADMIN, KEPALA)

# School B's operator asking for school A's object.
OTHER_SCHOOL: dict[str, Outcome] = {OPERATOR_B: NOT_FOUND}

BATCH = {"pk": "batch.pk"}

MATRIX: dict[str, Row] = {
    # balangan_pintar
    "home": get_only(*EVERYONE),
    # A signed-in user is sent on to the home page.
    "login": get_only(*EVERYONE, anonymous=OK),
    # Django's LogoutView answers POST only; anyone may sign out and is then
    # sent to the sign-in page.
    "logout": Row(
        get={role: NOT_ALLOWED for role in ROLES},
        post={role: LOGIN for role in ROLES},
    ),
    "two-factor": get_only(*EVERYONE),
    # A job is its creator's (school A's operator) alone.
    "job-detail": get_only(OPERATOR_A, others=NOT_FOUND, kwargs={"pk": "job.pk"}),
    # Only the sign-in comes before the method check here.
    "job-retry": Row(
        get=answers(others=NOT_ALLOWED),
        post=answers(OPERATOR_A, others=NOT_FOUND),
        kwargs=(("pk", "job.pk"),),
    ),
    "sop": Row(get={role: PUBLIC for role in ROLES}),
    # Nobody in the roles is staff: the admin's own sign-in page.
    "admin:index": Row(get={role: LOGIN for role in ROLES}),
    # students
    "students:student-list": get_only(*STUDENT_ROLES),
    "students:student-detail": get_only(
        *STUDENT_ROLES, kwargs={"pk": "student.pk"}, **OTHER_SCHOOL
    ),
    "students:upload": get_only(*OPERATORS),
    "students:upload-template": get_only(*STUDENT_ROLES),
    "students:upload-list": get_only(*STUDENT_ROLES),
    "students:upload-detail": get_only(
        *STUDENT_ROLES, kwargs={"pk": "upload.pk"}, **OTHER_SCHOOL
    ),
    "students:upload-annotated": get_only(
        *STUDENT_ROLES, kwargs={"pk": "upload.pk"}, **OTHER_SCHOOL
    ),
    "students:selection": get_only(*OPERATORS),
    # verification
    "verification:queue": get_only(*DINAS_READERS),
    "verification:submission-detail": get_only(
        *DINAS_READERS, kwargs={"pk": "submission.pk"}
    ),
    "verification:bulk-approve": get_only(VERIFIER, kwargs={"pk": "submission.pk"}),
    "verification:candidate-detail": get_only(
        *DINAS_READERS, kwargs={"pk": "candidate.pk"}
    ),
    "verification:decide": post_only(VERIFIER, kwargs={"pk": "candidate.pk"}),
    "verification:review-queue": get_only(*DINAS_READERS),
    "verification:review-decide": post_only(VERIFIER, kwargs={"pk": "match.pk"}),
    "verification:school-decisions": get_only(*OPERATORS),
    "verification:resend": post_only(*OPERATORS),
    "verification:document-upload": get_only(
        OPERATOR_A, OPERATOR_B, kwargs={"pk": "candidate.pk"}, **OTHER_SCHOOL
    ),
    "verification:document-file": get_only(
        *STUDENT_ROLES, kwargs={"pk": "document.pk"}, **OTHER_SCHOOL
    ),
    "verification:rules": get_only(DINAS_ADMIN),
    "verification:quota-save": post_only(DINAS_ADMIN),
    "verification:quota-delete": post_only(DINAS_ADMIN, kwargs={"pk": "quota.pk"}),
    "verification:recipients": get_only(*EXPORTERS),
    "verification:recipients-xlsx": get_only(*EXPORTERS),
    "verification:recipients-pdf": post_only(*EXPORTERS),
    # A rendered annex is kept for the verifier who asked for it.
    "verification:lampiran-download": get_only(
        VERIFIER,
        kwargs={"pk": "lampiran.pk"},
        dinas_admin=NOT_FOUND,
        kepala=NOT_FOUND,
    ),
    # bank_exchange: the world's batch is sent, so the bank sees it.
    "bank_exchange:batch-list": get_only(*BATCH_ROLES),
    "bank_exchange:batch-create": get_only(DINAS_ADMIN),
    "bank_exchange:batch-detail": get_only(*BATCH_ROLES, kwargs=BATCH),
    "bank_exchange:batch-send": get_only(DINAS_ADMIN, kwargs=BATCH),
    "bank_exchange:batch-discard": post_only(DINAS_ADMIN, kwargs=BATCH),
    "bank_exchange:batch-download": get_only(
        *BATCH_ROLES, kwargs={**BATCH, "kind": Const("xlsx")}
    ),
    "bank_exchange:row-answer": get_only(
        BANK_OFFICER, kwargs={**BATCH, "row_number": "pending_row.row_number"}
    ),
    "bank_exchange:return-upload": get_only(BANK_OFFICER, kwargs=BATCH),
    "bank_exchange:return-preview": get_only(
        *BATCH_ROLES, kwargs={**BATCH, "upload_pk": "return_upload.pk"}
    ),
    "bank_exchange:return-apply": post_only(
        BANK_OFFICER, kwargs={**BATCH, "upload_pk": "return_upload.pk"}
    ),
    "bank_exchange:rejected-list": get_only(DINAS_ADMIN),
    "bank_exchange:reconciliation": get_only(*REPORT_READERS),
    "bank_exchange:reconciliation-download": get_only(*REPORT_READERS),
    # cards: handover
    "cards:handover-list": get_only(*HANDOVER_ROLES),
    "cards:handover-card": get_only(
        *HANDOVER_ROLES, kwargs={"pk": "card.pk"}, **OTHER_SCHOOL
    ),
    "cards:handover-lookup": post_only(*HANDOVER_ROLES),
    # The Dinas names the school in the form; an empty form names none.
    "cards:handover-arrived": post_only(*HANDOVER_ROLES, dinas_admin=NOT_FOUND),
    "cards:handover-register-new": post_only(*HANDOVER_ROLES, dinas_admin=NOT_FOUND),
    "cards:handover-register-pdf": get_only(
        *HANDOVER_ROLES, kwargs={"pk": "register.pk"}, **OTHER_SCHOOL
    ),
    "cards:handover-register-upload": post_only(
        *HANDOVER_ROLES, kwargs={"pk": "register.pk"}, **OTHER_SCHOOL
    ),
    "cards:handover-register-scan": get_only(
        *HANDOVER_ROLES, kwargs={"pk": "register.pk"}, **OTHER_SCHOOL
    ),
    # cards: the public pages
    "cards:status": Row(get={role: PUBLIC for role in ROLES}),
    "cards:verify": Row(
        get={role: PUBLIC for role in ROLES}, kwargs=(("token", "card_token"),)
    ),
    # cards: the bank's printing
    "cards:card-list": get_only(BANK_OFFICER),
    "cards:batch-cards": get_only(BANK_OFFICER, kwargs=BATCH),
    "cards:batch-issue": post_only(BANK_OFFICER, kwargs=BATCH),
    "cards:batch-render": post_only(BANK_OFFICER, kwargs=BATCH),
    "cards:print-run": get_only(BANK_OFFICER, kwargs={"pk": "print_run.pk"}),
    "cards:print-run-download": get_only(BANK_OFFICER, kwargs={"pk": "print_run.pk"}),
    "cards:print-run-confirm": post_only(BANK_OFFICER, kwargs={"pk": "print_run.pk"}),
    "cards:card-reissue": post_only(BANK_OFFICER, kwargs={"pk": "card.pk"}),
    # DTKS
    "dtks:snapshot-list": get_only(*DINAS_READERS),
    "dtks:snapshot-import": get_only(DINAS_ADMIN),
    "dtks:match-district": post_only(DINAS_ADMIN),
    "dtks:snapshot-detail": get_only(
        *DINAS_READERS, kwargs={"pk": "match.snapshot_id"}
    ),
    "dtks:snapshot-delete": get_only(DINAS_ADMIN, kwargs={"pk": "match.snapshot_id"}),
    "dtks:school-summary": get_only(*DINAS_READERS, kwargs={"pk": "match.snapshot_id"}),
    # reports
    "reports:dashboard": get_only(*REPORT_READERS),
    "reports:progress": get_only(*REPORT_READERS),
    "reports:progress-xlsx": get_only(*REPORT_READERS),
    "reports:progress-pdf": get_only(*REPORT_READERS),
    # audit trail: the Dinas administrator alone; a pupil by id, never NIK
    "audit:search": get_only(DINAS_ADMIN),
    "audit:person-find": get_only(DINAS_ADMIN),
    "audit:trail": get_only(DINAS_ADMIN, kwargs={"pk": "student.pk"}),
    "audit:trail-xlsx": get_only(DINAS_ADMIN, kwargs={"pk": "student.pk"}),
    "audit:trail-pdf": get_only(DINAS_ADMIN, kwargs={"pk": "student.pk"}),
}

# Pages an anonymous visitor may keep in a cache: they show no one's data.
CACHEABLE_WHEN_ANONYMOUS = frozenset({"login", "sop"})

"""Demo data for `make run`: the district's schools, a programme year, one
user per role, and the year in progress (``load_programme``) made through
the application's own services. Safe to run again: it creates only what is
missing, and the year's history only into a period without candidates."""

import heapq
import logging
import random
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, partial
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from balangan_pintar.jobs import run_job
from balangan_pintar.models import Jenjang, Period
from balangan_pintar.roles import Role
from bank_exchange.models import BatchRow
from bank_exchange.services import (
    BankExchangeRefused,
    create_batch,
    open_account,
    reject_row,
    requeue_bank_rejected,
    send_batch,
)
from cards.handover.models import (
    HandedByRole,
    HandoverOutcome,
    Receiver,
    UndeliveredReason,
)
from cards.handover.services import HandoverDetails, record_handovers
from cards.models import PrintLayout, PrintRun
from cards.services import (
    confirm_print_run,
    issue_cards,
    render_print_run_job,
    start_print_run,
)
from students.dapodik import samples
from students.dtks.choices import Decision as MatchDecision
from students.dtks.engine import Person as EnginePerson
from students.dtks.models import Match
from students.dtks.reader import CHILD, HEAD, SPOUSE
from students.dtks.services.matching import match_listed
from students.dtks.services.synthetic_district import import_people
from students.models import (
    Candidate,
    Kecamatan,
    School,
    SchoolOperator,
    Status,
    Student,
    Submission,
)
from students.services.pipeline import propose_student
from students.services.selection import send_to_dinas
from students.services.upload import import_upload, receive_upload
from verification.models import Outcome, PeriodRules, Reason
from verification.services.decisions import decide
from verification.services.rules import evaluate

logger = logging.getLogger(__name__)

# The password of every demo account; long enough for the validators.
DEMO_PASSWORD = "balangan-pintar-demo"  # noqa: S105
# The authenticator key of the demo accounts that must use two-factor
# sign-in (hex, as django-otp stores it; in base32 for an authenticator app:
# JBSWY3DPEHPK3PXPJBSWY3DPEE).
DEMO_TOTP_KEY = "48656c6c6f21deadbeef48656c6c6f21"

SCHOOL_NAMES = [
    (Jenjang.SD, "SDN {n} {kec}"),
    (Jenjang.MI, "MIN {n} Balangan"),
    (Jenjang.SMP, "SMPN {n} {kec}"),
    (Jenjang.MTS, "MTsN {n} Balangan"),
    (Jenjang.SMA, "SMAN {n} {kec}"),
    (Jenjang.SMK, "SMKN {n} Balangan"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    npsn: str | None = None


DEMO_USERS = [
    DemoUser(
        "operator.sdn1",
        "Rina Operator SDN 1 Paringin",
        Role.SCHOOL_OPERATOR,
        "30304001",
    ),
    DemoUser(
        "operator.smpn1",
        "Ahmad Operator SMPN 1 Paringin",
        Role.SCHOOL_OPERATOR,
        "30304003",
    ),
    DemoUser("verifikator", "Siti Verifikator Dinas", Role.VERIFIER),
    DemoUser("admin.dinas", "Budi Administrator Dinas", Role.DINAS_ADMIN),
    DemoUser("bank.kalsel", "Dewi Petugas Bank Kalsel", Role.BANK_OFFICER),
    DemoUser("kepala.dinas", "Kepala Dinas Pendidikan", Role.KEPALA_DINAS),
]


def make_schools(count: int = 24) -> list[School]:
    """About three schools per kecamatan, every jenjang represented. NPSNs
    are invented in Balangan's 303xxxxx range."""
    rng = random.Random(2026)
    schools = []
    kecamatan = list(Kecamatan.objects.order_by("code"))
    paringin = next(k for k in kecamatan if k.name == "Paringin")
    fixed = [
        ("30304001", "SDN 1 Paringin", Jenjang.SD, paringin),
        ("30304002", "MIN 1 Balangan", Jenjang.MI, paringin),
        ("30304003", "SMPN 1 Paringin", Jenjang.SMP, paringin),
    ]
    for npsn, name, jenjang, kec in fixed:
        school, _ = School.objects.get_or_create(
            npsn=npsn,
            defaults={
                "name": name,
                "jenjang": jenjang,
                "status": School.Status.NEGERI,
                "kecamatan": kec,
            },
        )
        schools.append(school)

    for i in range(count - len(fixed)):
        jenjang, pattern = SCHOOL_NAMES[i % len(SCHOOL_NAMES)]
        kec = kecamatan[i % len(kecamatan)]
        npsn = f"3030{4100 + i:04d}"
        school, _ = School.objects.get_or_create(
            npsn=npsn,
            defaults={
                "name": pattern.format(n=i // len(SCHOOL_NAMES) + 2, kec=kec.name),
                "jenjang": jenjang,
                "status": rng.choice(list(School.Status)),
                "kecamatan": kec,
            },
        )
        schools.append(school)
    return schools


def make_users() -> list[DemoUser]:
    for demo in DEMO_USERS:
        first, _, last = demo.full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=demo.username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = demo.role == Role.DINAS_ADMIN
        user.save()
        user.groups.add(Group.objects.get(name=demo.role.value))
        if demo.role in (Role.DINAS_ADMIN, Role.BANK_OFFICER):
            TOTPDevice.objects.get_or_create(
                user=user,
                confirmed=True,
                defaults={"name": "demo", "key": DEMO_TOTP_KEY},
            )
        if demo.npsn:
            SchoolOperator.objects.update_or_create(
                user=user, defaults={"school": School.objects.get(npsn=demo.npsn)}
            )
    return DEMO_USERS


@transaction.atomic
def load_demo() -> list[DemoUser]:
    Period.objects.get_or_create(
        year=2026, defaults={"name": "KBP 2026", "quota_per_school": None}
    )
    make_schools()
    return make_users()


# The programme year in progress.
#
# Everything below goes through the services the pages call, as the people
# of the programme would, in the order it would have happened: schools
# upload their Dapodik files, the Dinas imports the DTKS register, schools
# send candidates, the verifier decides, the Dinas sends bank batches, the
# bank answers and prints cards, schools hand them over. The actions run
# from a queue ordered by their time; an action may plan later ones, and
# one planned after the present does not happen (its items stay waiting).
# Services without an ``at`` argument read the time under ``demo_clock``.

# Days before today on which the year's fixed events fall.
UPLOAD_DAYS = (63, 59)
DTKS_DAY = 57
SEND_DAYS = (52, 4)
BANK_BATCH_DAYS = (33, 19, 10, 3)
PRINT_DAYS = (20, 9)
# Every n-th item takes the less common road, so that even the small demo
# has each status. Of the items sent back (returned, rejected by the bank,
# not handed over), the first of each group stays where it is and every
# second one of the others is dealt with later.
RETURN_EVERY = 9
DRAFTING_EVERY = 10
REJECT_EVERY = 13
BANK_REJECT_EVERY = 11
UNDELIVERED_EVERY = 7

RETURN_NOTES = (
    "NIK ibu kandung tidak sama dengan Kartu Keluarga; mohon diperiksa.",
    "Nama siswa berbeda dengan akta kelahiran; mohon perbaiki di Dapodik.",
    "Lampirkan SKTM dari desa yang masih berlaku.",
)
PROPOSAL_REASONS = (
    "Orang tua buruh harian, penghasilan tidak tetap.",
    "Yatim, tinggal bersama nenek.",
    "Keluarga petani karet dengan empat anak usia sekolah.",
    "Orang tua tidak bekerja sejak sakit.",
)
BANK_REASONS = (
    "NIK tidak ditemukan di Dukcapil",
    "Nama ibu kandung tidak sesuai data kependudukan",
    "Data tanggal lahir berbeda dengan KTP orang tua",
)

_REAL_NOW = timezone.now


@dataclass(frozen=True)
class DemoSize:
    """How much of the district the programme year fills."""

    schools: int
    students: tuple[int, int]
    # Share of a school's students it proposes.
    proposed: float
    printed_cards: int


FULL = DemoSize(schools=24, students=(60, 150), proposed=0.4, printed_cards=40)
SMALL = DemoSize(schools=4, students=(25, 30), proposed=0.7, printed_cards=16)


@cache
def _fields_defaulting_to_now() -> list[Any]:
    return [
        model_field
        for model in apps.get_models()
        for model_field in model._meta.concrete_fields
        if model_field.default is _REAL_NOW
    ]


@contextmanager
def demo_clock(moment: datetime) -> Iterator[None]:
    """Make ``timezone.now()`` and every model field defaulting to it answer
    ``moment``, for the services that take no ``at``.

    A field's default is the function itself, bound when the model was
    defined, so replacing the module's function alone would leave it at the
    real time. Plain functions rather than ``unittest.mock``: the demo sets
    the clock some thousand times, and a mock costs a millisecond each.
    """

    def frozen() -> datetime:
        return moment

    fields = _fields_defaulting_to_now()
    saved_now = timezone.now
    saved_defaults = [model_field.__dict__.get("get_default") for model_field in fields]
    setattr(timezone, "now", frozen)  # noqa: B010 - the module's attribute
    for model_field in fields:
        model_field.get_default = frozen
    try:
        yield
    finally:
        setattr(timezone, "now", saved_now)  # noqa: B010
        for model_field, saved in zip(fields, saved_defaults, strict=True):
            if saved is None:
                del model_field.get_default
            else:
                model_field.get_default = saved


Action = Callable[[datetime], None]


@dataclass
class Programme:
    """The state of one run of the demo year: who acts, what is planned."""

    period: Period
    size: DemoSize
    now: datetime
    rng: random.Random
    admin: User
    verifier: User
    bank: User
    operators: dict[int, User]
    queue: list[tuple[datetime, int, Action]] = field(default_factory=list)
    counter: int = 0
    cards_left: int = 0
    account_serial: int = 0

    def plan(self, moment: datetime | None, action: Action) -> None:
        """Run ``action`` at ``moment``, unless that is still to come."""
        if moment is None or moment >= self.now - timedelta(minutes=30):
            return
        self.counter += 1
        heapq.heappush(self.queue, (moment, self.counter, action))

    def run(self) -> None:
        while self.queue:
            moment, _number, action = heapq.heappop(self.queue)
            with demo_clock(moment):
                action(moment)

    def day(self, days_ago: int, *, late: bool = False) -> datetime:
        """A moment in working hours ``days_ago`` days before today (the
        Friday before when that falls on a weekend); ``late`` puts it after
        the day's decisions and answers, which all end by 16:00."""
        local = timezone.localtime(self.now).date() - timedelta(days=days_ago)
        while local.weekday() >= 5:
            local -= timedelta(days=1)
        if late:
            minute = self.rng.randint(16 * 60 + 5, 16 * 60 + 40)
            return self._at(local, minute)
        return self._in_hours(local)

    def later(self, moment: datetime, low: int, high: int) -> datetime:
        """A moment in working hours ``low``..``high`` working days after
        ``moment``."""
        local = timezone.localtime(moment).date()
        days = self.rng.randint(low, high)
        while days:
            local += timedelta(days=1)
            if local.weekday() < 5:
                days -= 1
        return max(self._in_hours(local), moment + timedelta(minutes=5))

    def _in_hours(self, local: date) -> datetime:
        return self._at(local, self.rng.randint(8 * 60, 15 * 60 + 30))

    def _at(self, local: date, minute: int) -> datetime:
        return datetime.combine(
            local,
            time(minute // 60, minute % 60),
            tzinfo=timezone.get_current_timezone(),
        )


@dataclass(frozen=True)
class ProgrammeSummary:
    students: int
    candidates: int
    by_status: dict[str, int]


@transaction.atomic
def load_programme(*, small: bool = False) -> ProgrammeSummary | None:
    """Fill the demo period with a programme year in progress. Returns None,
    changing nothing, when the period already has candidates."""
    period = Period.objects.get(year=2026)
    if Candidate.objects.filter(period=period).exists():
        return None

    size = SMALL if small else FULL
    schools = make_schools()[: size.schools]
    programme = Programme(
        period=period,
        size=size,
        now=_REAL_NOW(),
        rng=random.Random(2026),
        admin=User.objects.get(username="admin.dinas"),
        verifier=User.objects.get(username="verifikator"),
        bank=User.objects.get(username="bank.kalsel"),
        operators=_school_operators(schools),
        cards_left=size.printed_cards,
    )
    with tempfile.TemporaryDirectory() as directory:
        for school in schools:
            programme.plan(
                programme.day(programme.rng.randint(*sorted(UPLOAD_DAYS))),
                partial(_upload, programme, school, Path(directory)),
            )
        programme.run()

    programme.plan(programme.day(DTKS_DAY), partial(_import_dtks, programme, schools))
    for number, school in enumerate(schools):
        programme.plan(
            programme.day(programme.rng.randint(*sorted(SEND_DAYS))),
            partial(_send, programme, school, number % DRAFTING_EVERY == 3),
        )
    for days_ago in BANK_BATCH_DAYS:
        programme.plan(
            programme.day(days_ago, late=True), partial(_bank_batch, programme)
        )
    for days_ago in PRINT_DAYS:
        programme.plan(
            programme.day(days_ago, late=True), partial(_print_cards, programme)
        )
    programme.run()

    candidates = Candidate.objects.filter(period=period)
    counts = dict(
        candidates.order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    summary = ProgrammeSummary(
        students=Student.objects.filter(school__in=schools).count(),
        candidates=candidates.count(),
        by_status=counts,
    )
    logger.info(
        "demo programme loaded: %s students, %s candidates",
        summary.students,
        summary.candidates,
    )
    return summary


def _school_operators(schools: list[School]) -> dict[int, User]:
    """The operator of each school: the demo accounts where they exist, else
    an account that cannot sign in and only acts in the demo's history."""
    operators: dict[int, User] = {}
    group = Group.objects.get(name=Role.SCHOOL_OPERATOR.value)
    for school in schools:
        link = SchoolOperator.objects.filter(school=school).select_related("user")
        found = link.first()
        if found is not None:
            operators[school.pk] = found.user
            continue
        user, created = User.objects.get_or_create(
            username=f"operator.{school.npsn}",
            defaults={"first_name": "Operator", "last_name": school.name},
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        SchoolOperator.objects.update_or_create(user=user, defaults={"school": school})
        operators[school.pk] = user
    return operators


def _upload(
    programme: Programme, school: School, directory: Path, at: datetime
) -> None:
    """SOP step 1 begins: the school's Dapodik export, uploaded and imported."""
    rng = programme.rng
    count = rng.randint(*programme.size.students)
    pupils = samples.make_students(
        count,
        seed=int(school.npsn),
        jenjang="SD" if school.jenjang in (Jenjang.SD, Jenjang.MI) else "SMP",
        reference=timezone.localdate(at),
    )
    path = directory / f"{school.npsn}.xlsx"
    samples.make_dapodik_workbook(
        pupils,
        path,
        school=samples.School(
            name=school.name.upper(),
            kecamatan=school.kecamatan.name,
            jenjang=str(school.jenjang),
            downloaded_at=timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"),
        ),
    )
    upload = receive_upload(
        school,
        [path.read_bytes()],
        "Daftar Peserta Didik.xlsx",
        user=programme.operators[school.pk],
    )
    import_upload(upload)


def _import_dtks(programme: Programme, schools: list[School], at: datetime) -> None:
    """The Dinas imports a DTKS register holding most of the pupils'
    families, and matches every listed student against it."""
    rng = programme.rng
    people: list[EnginePerson] = []
    students = Student.objects.filter(school__in=schools, is_listed=True).order_by("pk")
    for number, student in enumerate(students.iterator(), start=1):
        if rng.random() > 0.75:
            continue
        # Most families fall within the programme's desil limit.
        desil = rng.choice((1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 7))
        kecamatan = student.kecamatan.upper().removeprefix("KEC. ")
        family = [
            (HEAD, student.father_name, student.father_nik, "L", None, ""),
            (SPOUSE, student.mother_name, student.mother_nik, "P", None, ""),
            (
                CHILD,
                student.name,
                student.nik,
                student.gender,
                student.birth_date,
                student.mother_name,
            ),
        ]
        for member, (relationship, name, nik, gender, born, mother) in enumerate(
            family
        ):
            if not name:
                continue
            people.append(
                EnginePerson(
                    key=number * 10 + member,
                    dtks_id=f"DTKS{number * 10 + member:09d}",
                    nik=nik or None,
                    name=name.upper(),
                    gender=gender or None,
                    birth_date=born,
                    birth_place=student.birth_place.upper() if born else "",
                    relationship=relationship,
                    mother_name=mother.upper(),
                    no_kk=student.no_kk or None,
                    desa=student.desa.upper(),
                    kecamatan=kecamatan,
                    desil=desil,
                )
            )
    import_people(people, user=programme.admin, label="DTKS Januari 2026")
    match_listed()


def _send(
    programme: Programme, school: School, drafts_only: bool, at: datetime
) -> None:
    """SOP steps 1 and 2: the school picks its candidates and sends them.

    The operator picks mostly pupils the DTKS confirmed and who have no KIP;
    a few others go with a reason. With ``drafts_only`` the school has only
    begun its list.
    """
    # Upper secondary schools are the province's; the period covers the
    # others, and only their operators propose anyone.
    if not PeriodRules.for_period(programme.period).covers(school.jenjang):
        return

    rng = programme.rng
    matched = set(
        Match.objects.filter(
            student__school=school, decision=MatchDecision.MATCHED
        ).values_list("student_id", flat=True)
    )
    students = list(Student.objects.filter(school=school, is_listed=True))
    rng.shuffle(students)
    wanted = round(len(students) * programme.size.proposed)
    good = [s for s in students if s.pk in matched and not s.kip_recipient]
    others = [s for s in students if s.pk not in matched or s.kip_recipient]
    chosen = good[: wanted - wanted // 8] + others[: wanted // 8]
    if not chosen:
        return
    choices = {s.pk: rng.choice(PROPOSAL_REASONS) for s in chosen}

    # The list is drawn up first and sent a while later; a school that has
    # only begun has drafts and nothing sent. Some pupils follow in a second
    # sending, days later.
    first = dict(list(choices.items())[: max(len(choices) * 3 // 4, 1)])
    rest = {pk: reason for pk, reason in choices.items() if pk not in first}
    _propose(programme, school, first, at)
    if drafts_only:
        return

    programme.plan(
        at + timedelta(minutes=rng.randint(20, 150)),
        partial(_submit, programme, school, first),
    )
    if rest:
        programme.plan(
            programme.later(at, 5, 12),
            partial(_propose_and_submit, programme, school, rest),
        )


def _propose(
    programme: Programme, school: School, choices: dict[int, str], at: datetime
) -> None:
    """End of SOP step 1: the operator picks the students, with reasons."""
    operator = programme.operators[school.pk]
    for student in Student.objects.filter(pk__in=list(choices)).order_by("pk"):
        propose_student(
            student, programme.period, actor=operator, note=choices[student.pk]
        )


def _propose_and_submit(
    programme: Programme, school: School, choices: dict[int, str], at: datetime
) -> None:
    _propose(programme, school, choices, at)
    programme.plan(
        at + timedelta(minutes=programme.rng.randint(20, 150)),
        partial(_submit, programme, school, choices),
    )


def _submit(
    programme: Programme, school: School, choices: dict[int, str], at: datetime
) -> None:
    submission = send_to_dinas(
        school, programme.period, choices, actor=programme.operators[school.pk]
    )
    programme.plan(
        programme.later(at, 1, 6),
        lambda moment: _review(programme, submission, moment),
    )


def _review(programme: Programme, submission: Submission, at: datetime) -> None:
    """SOP step 3: the verifier decides every candidate of a submission,
    a few minutes apart."""
    rng = programme.rng
    waiting = list(
        Candidate.objects.filter(submission=submission, status=Status.SUBMITTED)
        .select_related("student", "school")
        .order_by("pk")
    )
    evaluations = evaluate(waiting, programme.period)
    returned: list[Candidate] = []
    # Every decision of the review within half an hour of its start.
    spacing = min(timedelta(minutes=3), timedelta(minutes=30) / max(len(waiting), 1))
    for number, candidate in enumerate(waiting):
        evaluation = evaluations[candidate.pk]
        moment = at + spacing * number
        failed = [result.label for result in evaluation.failed]
        outcome, reason, note = Outcome.APPROVE, "", ""
        if not evaluation.passes_hard_rules:
            suggested = evaluation.suggested_reason
            if suggested is None:
                outcome, note = Outcome.RETURN, rng.choice(RETURN_NOTES)
            else:
                outcome, reason = Outcome.REJECT, suggested.value
        elif number % RETURN_EVERY == 1:
            outcome, note = Outcome.RETURN, rng.choice(RETURN_NOTES)
        elif number % REJECT_EVERY == 2:
            outcome, reason = Outcome.REJECT, Reason.DATA_WRONG.value
        elif failed:
            note = "SKTM diperiksa langsung di Dinas."
        with demo_clock(moment):
            decide(
                candidate,
                outcome,
                actor=programme.verifier,
                token=uuid.uuid4(),
                reason=reason,
                note=note,
                submission_id=submission.pk,
            )
        if outcome == Outcome.RETURN:
            returned.append(candidate)

    corrected = {c.student_id: c.proposal_note or "-" for c in returned[1::2]}
    if corrected:
        school = submission.school
        programme.plan(
            programme.later(at, 2, 5),
            lambda moment: _submit(programme, school, corrected, moment),
        )


def _bank_batch(programme: Programme, at: datetime) -> None:
    """SOP step 4: the Dinas sends every approved candidate to the bank."""
    try:
        batch = create_batch(programme.period, programme.admin)
    except BankExchangeRefused:
        return
    batch = send_batch(batch, programme.admin, at=at)
    rows = list(batch.rows.order_by("row_number"))
    programme.rng.shuffle(rows)
    # The bank answers in portions over the following days.
    for start in range(0, len(rows), 25):
        portion = rows[start : start + 25]
        programme.plan(
            programme.later(at, 1, 6),
            partial(_bank_answers, programme, portion),
        )


def _bank_answers(programme: Programme, rows: list[BatchRow], at: datetime) -> None:
    """SOP step 5: accounts opened, some rejected; the Dinas corrects half
    of the rejected and puts them in a later batch."""
    rejected: list[int] = []
    length: int = settings.BANK_ACCOUNT_LENGTH
    for number, row in enumerate(rows):
        with demo_clock(at + timedelta(seconds=30 * number)):
            if number % BANK_REJECT_EVERY == 3:
                reject_row(row, programme.rng.choice(BANK_REASONS), programme.bank)
                rejected.append(row.candidate_id)
                continue
            programme.account_serial += 1
            open_account(
                row,
                f"{programme.account_serial:0{length}d}",
                timezone.localdate(at),
                programme.bank,
            )
    if rejected[1::2]:
        programme.plan(
            programme.later(at, 1, 3), partial(_requeue, programme, rejected[1::2])
        )


def _requeue(programme: Programme, candidate_ids: list[int], at: datetime) -> None:
    requeue_bank_rejected(candidate_ids, programme.admin)


def _print_cards(programme: Programme, at: datetime) -> None:
    """SOP step 6 for one school: cards issued, rendered and printed.

    Only a small share of the opened accounts gets a card, so that loading
    the demo stays quick (each print run takes seconds to render); the rest
    wait at step 6.
    """
    wanted = min(programme.cards_left, programme.size.printed_cards // len(PRINT_DAYS))
    opened = Candidate.objects.filter(
        period=programme.period, status=Status.ACCOUNT_OPENED, cards__isnull=True
    )
    # The schools of the demo operators first, so that signing in as one
    # shows cards to hand over; else the school with most accounts.
    demo_npsns = [user.npsn for user in DEMO_USERS if user.npsn]
    waiting = dict(
        opened.order_by()
        .values_list("school__npsn")
        .annotate(count=Count("pk"))
        .values_list("school__npsn", "count")
    )
    npsns = [npsn for npsn in demo_npsns if npsn in waiting]
    npsns += sorted(waiting, key=lambda npsn: (-waiting[npsn], npsn))
    if wanted <= 0 or not npsns:
        return
    school = School.objects.get(npsn=npsns[0])
    take = list(
        opened.filter(school=school).order_by("pk").values_list("pk", flat=True)
    )[:wanted]
    programme.cards_left -= len(take)
    issue_cards(take, programme.bank)
    run = start_print_run(
        school, PrintLayout.A4_SHEETS, programme.bank, programme.period
    )
    # Rendered here rather than by the worker, so that the run is ready to
    # confirm; the queued task finds the job done and leaves it.
    run_job(str(run.job_id), render_print_run_job)
    programme.plan(
        programme.later(at, 1, 2),
        partial(_confirm_print, programme, run),
    )


def _confirm_print(programme: Programme, run: PrintRun, at: datetime) -> None:
    confirm_print_run(run, spoiled=0, reprinted=0, user=programme.bank)
    programme.plan(
        programme.later(at, 2, 6),
        partial(_hand_over, programme, run),
    )


def _hand_over(programme: Programme, run: PrintRun, at: datetime) -> None:
    """SOP step 7: the school hands the cards over; a few pupils cannot be
    reached, and some of them get their card a few days later."""
    assert run.school is not None  # noqa: S101 - runs are made per school
    operator = programme.operators[run.school.pk]
    cards = list(run.cards.order_by("pk").values_list("pk", flat=True))
    missed = cards[3::UNDELIVERED_EVERY]
    # The last few cards of the run are still at the school.
    handed = [pk for pk in cards[: max(len(cards) - 2, 1)] if pk not in missed]
    on = timezone.localdate(at)
    if handed:
        record_handovers(
            handed,
            HandoverDetails(
                outcome=HandoverOutcome.DELIVERED,
                handed_on=on,
                handed_by_name="Kepala Sekolah",
                handed_by_role=HandedByRole.PRINCIPAL,
                received_by=Receiver.PARENT,
                receiver_name="Orang tua siswa",
            ),
            actor=operator,
        )
    if missed:
        record_handovers(
            missed,
            HandoverDetails(
                outcome=HandoverOutcome.UNDELIVERED,
                handed_on=on,
                handed_by_name="Wali kelas",
                handed_by_role=HandedByRole.TEACHER,
                reason=UndeliveredReason.MOVED_AWAY,
            ),
            actor=operator,
        )
    if missed[1::2]:
        programme.plan(
            programme.later(at, 2, 4),
            partial(_deliver_late, missed[1::2], operator),
        )


def _deliver_late(card_ids: list[int], operator: User, at: datetime) -> None:
    record_handovers(
        card_ids,
        HandoverDetails(
            outcome=HandoverOutcome.DELIVERED,
            handed_on=timezone.localdate(at),
            handed_by_name="Operator sekolah",
            handed_by_role=HandedByRole.SCHOOL_OPERATOR,
            received_by=Receiver.STUDENT,
        ),
        actor=operator,
    )

"""The programme's eligibility rules, evaluated for many candidates at once.

``evaluate`` answers, for each candidate, every rule as pass, fail or not
applicable with its reason in words, and the reject reason a failure points
to. It reads everything it needs in a fixed number of queries, however many
candidates it is given, so that a page of fifty costs what a page of five
does.

The quota rule ranks a school's waiting candidates together, so the school's
other waiting candidates of the period are read as well: whether a candidate
is within the quota depends on them.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balangan_pintar.models import Jenjang, Period
from students.dtks.engine import Decision as MatchDecision
from students.dtks.engine import Method
from students.dtks.models import Match, Person, ReviewDecision, Snapshot
from students.dtks.review import latest_snapshot
from students.dtks.scoring import usable_nik
from students.models import Candidate, Status

from ..models import PeriodRules, Reason, SchoolQuota, SupportingDocument
from .evidence import method_label

# Candidates that hold a place in the programme: a second school proposing
# the same pupil is caught against these.
ACTIVE_STATUSES = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.APPROVED,
        Status.SENT_TO_BANK,
        Status.BANK_REJECTED,
        Status.ACCOUNT_OPENED,
        Status.CARD_PRINTED,
        Status.DELIVERED,
        Status.UNDELIVERED,
    }
)
# Approved by the Dinas and not rejected since: these use a quota place.
APPROVED_STATUSES = frozenset(
    {
        Status.APPROVED,
        Status.SENT_TO_BANK,
        Status.BANK_REJECTED,
        Status.ACCOUNT_OPENED,
        Status.CARD_PRINTED,
        Status.DELIVERED,
        Status.UNDELIVERED,
    }
)
AUTOMATIC_METHODS = frozenset({Method.NIK, Method.KK, Method.FUZZY})
# Desil runs from 1 (poorest) to 10; a person without one ranks after all.
NO_DESIL = 11


class Rule(models.TextChoices):
    """The rules, in the order the page shows them."""

    ACTIVE = "active", gettext_lazy("Siswa aktif")
    DTKS = "dtks", gettext_lazy("Terdaftar di DTKS/DTSEN")
    KIP = "kip", gettext_lazy("Bukan penerima KIP/PIP")
    JENJANG = "jenjang", gettext_lazy("Jenjang dicakup")
    DUPLICATE = "duplicate", gettext_lazy("Hanya diusulkan satu sekolah")
    QUOTA = "quota", gettext_lazy("Dalam kuota sekolah")
    SKTM = "sktm", gettext_lazy("SKTM")


# Rules whose failure no correction by the school mends in this round; a
# candidate failing one takes no quota place.
HARD_RULES = (Rule.ACTIVE, Rule.DTKS, Rule.KIP, Rule.JENJANG, Rule.DUPLICATE)


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    passed: bool | None
    message: str
    reason: Reason | None = None

    @property
    def label(self) -> str:
        return str(self.rule.label)

    @property
    def state(self) -> str:
        return {True: "pass", False: "fail", None: "na"}[self.passed]


@dataclass(frozen=True)
class Duplicate:
    candidate_id: int
    school_name: str
    status: str
    by: str

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass
class Evaluation:
    """Every rule for one candidate, with what they were read from."""

    candidate: Candidate
    match: Match | None
    person: Person | None
    confirmed_by_review: bool
    duplicates: list[Duplicate]
    documents: list[SupportingDocument]
    results: dict[Rule, RuleResult] = field(default_factory=dict)
    rank: int | None = None

    @property
    def rules(self) -> list[RuleResult]:
        return [self.results[rule] for rule in Rule if rule in self.results]

    @property
    def failed(self) -> list[RuleResult]:
        return [result for result in self.rules if result.passed is False]

    @property
    def passes_all(self) -> bool:
        return not self.failed

    @property
    def passes_hard_rules(self) -> bool:
        return all(self.results[rule].passed is not False for rule in HARD_RULES)

    @property
    def desil(self) -> int | None:
        return self.person.desil if self.person is not None else None

    @property
    def score(self) -> float:
        return self.match.score if self.match is not None else 0.0

    @property
    def auto_matched(self) -> bool:
        """Matched by the engine alone, not by a verifier's review."""
        return (
            self.match is not None
            and self.match.decision == MatchDecision.MATCHED
            and self.match.method in AUTOMATIC_METHODS
            and not self.confirmed_by_review
        )

    @property
    def bulk_approvable(self) -> bool:
        return (
            self.candidate.status == Status.SUBMITTED
            and self.passes_all
            and self.auto_matched
        )

    @property
    def suggested_reason(self) -> Reason | None:
        return next((r.reason for r in self.failed if r.reason), None)

    @property
    def latest_document(self) -> SupportingDocument | None:
        return self.documents[0] if self.documents else None


@dataclass
class _Context:
    """Everything the rules read, loaded once for all candidates."""

    period: Period
    rules: PeriodRules
    candidates: dict[int, Candidate]
    snapshot: Snapshot | None = None
    matches: dict[int, Match] = field(default_factory=dict)
    reviews: dict[int, dict[str, bool]] = field(default_factory=dict)
    reviewed_people: dict[str, Person] = field(default_factory=dict)
    duplicates: dict[int, list[Duplicate]] = field(default_factory=dict)
    documents: dict[int, list[SupportingDocument]] = field(default_factory=dict)
    quotas: dict[int, int] = field(default_factory=dict)
    approved: dict[int, int] = field(default_factory=dict)


def evaluate(candidates: Iterable[Candidate], period: Period) -> dict[int, Evaluation]:
    """The evaluation of each candidate, by candidate id.

    The candidates must belong to ``period`` and come with ``student`` and
    ``school`` loaded (``select_related("student", "school")``).
    """
    given = list(candidates)
    context = _load(given, period)

    evaluations = {pk: _evaluate(c, context) for pk, c in context.candidates.items()}
    _rank(evaluations, context)
    return {candidate.pk: evaluations[candidate.pk] for candidate in given}


def _load(given: Sequence[Candidate], period: Period) -> _Context:
    school_ids = {candidate.school_id for candidate in given}
    quotas = SchoolQuota.objects.quotas(period, school_ids)
    # The quota rule ranks each school's waiting candidates together, so a
    # school with a quota brings all of them; one without brings none.
    ranked = {
        school_id
        for school_id in school_ids
        if quotas.get(school_id, period.quota_per_school) is not None
    }
    others = (
        Candidate.objects.filter(
            period=period, school_id__in=ranked, status=Status.SUBMITTED
        )
        .exclude(pk__in=[candidate.pk for candidate in given])
        .select_related("student", "school")
        .order_by()
    )
    context = _Context(
        period=period,
        rules=PeriodRules.for_period(period),
        candidates={c.pk: c for c in [*given, *others]},
        quotas=quotas,
    )
    students = {c.student_id for c in context.candidates.values()}

    _load_dtks(context, students)
    _load_duplicates(context)
    _load_approved(context, ranked)
    for document in SupportingDocument.objects.filter(
        candidate_id__in=context.candidates
    ):
        context.documents.setdefault(document.candidate_id, []).append(document)
    return context


def _load_dtks(context: _Context, students: set[int]) -> None:
    context.snapshot = latest_snapshot()
    if context.snapshot is None:
        return

    matches = Match.objects.filter(
        snapshot=context.snapshot, student_id__in=students
    ).select_related("person")
    context.matches = {match.student_id: match for match in matches}

    reviews = ReviewDecision.objects.filter(student_id__in=students)
    for student_id, dtks_id, same in reviews.values_list(
        "student_id", "dtks_id", "same_person"
    ):
        context.reviews.setdefault(student_id, {})[dtks_id] = same

    # A verifier's "same person" holds even before matching has run against
    # the newest snapshot: find that person in it by the id kept.
    wanted = {
        dtks_id
        for student_id, decided in context.reviews.items()
        for dtks_id, same in decided.items()
        if same and not _is_matched(context.matches.get(student_id))
    }
    if wanted:
        people = Person.objects.filter(snapshot=context.snapshot).filter(
            Q(dtks_id__in=wanted) | Q(nik__in=wanted)
        )
        for person in people:
            context.reviewed_people[person.dtks_id or person.nik] = person
            context.reviewed_people.setdefault(person.nik, person)


def _is_matched(match: Match | None) -> bool:
    return match is not None and match.decision == MatchDecision.MATCHED


def _load_duplicates(context: _Context) -> None:
    """Other schools' candidates of the period with the same NISN or NIK."""
    students = [c.student for c in context.candidates.values()]
    nisns = {student.nisn for student in students if student.nisn}
    niks = {usable_nik(student.nik) for student in students} - {None}
    rows = (
        Candidate.objects.filter(period=context.period, status__in=ACTIVE_STATUSES)
        .filter(Q(student__nisn__in=nisns) | Q(student__nik__in=niks))
        .values_list(
            "pk", "school_id", "school__name", "status", "student__nisn", "student__nik"
        )
        .order_by("pk")
    )
    by_nisn: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    by_nik: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for pk, school_id, school_name, status, nisn, nik in rows:
        by_nisn[nisn].append((pk, school_id, school_name, status))
        if usable_nik(nik):
            by_nik[nik].append((pk, school_id, school_name, status))

    for candidate in context.candidates.values():
        found: dict[int, Duplicate] = {}
        own_nik = usable_nik(candidate.student.nik)
        hits = [(_("NISN"), row) for row in by_nisn.get(candidate.student.nisn, [])]
        if own_nik:
            hits += [(_("NIK"), row) for row in by_nik.get(own_nik, [])]
        for by, (pk, school_id, school_name, status) in hits:
            if school_id != candidate.school_id and pk not in found:
                found[pk] = Duplicate(pk, school_name, status, by)
        if found:
            context.duplicates[candidate.pk] = list(found.values())


def _load_approved(context: _Context, school_ids: set[int]) -> None:
    approved = (
        Candidate.objects.filter(
            period=context.period,
            school_id__in=school_ids,
            status__in=APPROVED_STATUSES,
        )
        .values("school_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    context.approved = {row["school_id"]: row["count"] for row in approved}


def _evaluate(candidate: Candidate, context: _Context) -> Evaluation:
    match = context.matches.get(candidate.student_id)
    person, confirmed = _person(candidate, match, context)
    evaluation = Evaluation(
        candidate=candidate,
        match=match,
        person=person,
        confirmed_by_review=confirmed,
        duplicates=context.duplicates.get(candidate.pk, []),
        documents=context.documents.get(candidate.pk, []),
    )
    student = candidate.student
    rules = context.rules

    evaluation.results = {
        Rule.ACTIVE: RuleResult(
            Rule.ACTIVE, True, _("Ada di unggahan Dapodik terakhir.")
        )
        if student.is_listed
        else RuleResult(
            Rule.ACTIVE,
            False,
            _("Tidak ada lagi di unggahan Dapodik terakhir sekolah."),
            Reason.NOT_ACTIVE,
        ),
        Rule.DTKS: _dtks_rule(evaluation, context),
        Rule.KIP: RuleResult(
            Rule.KIP,
            False,
            _("Tercatat sebagai penerima KIP di Dapodik."),
            Reason.KIP_RECIPIENT,
        )
        if student.kip_recipient
        else RuleResult(Rule.KIP, True, _("Tidak tercatat menerima KIP.")),
        Rule.JENJANG: _jenjang_rule(candidate, rules),
        Rule.DUPLICATE: _duplicate_rule(evaluation.duplicates),
        Rule.SKTM: _sktm_rule(evaluation.documents, rules),
    }
    return evaluation


def _person(
    candidate: Candidate, match: Match | None, context: _Context
) -> tuple[Person | None, bool]:
    """The register person the candidate is, and whether a verifier's
    review (rather than the engine) says so."""
    if match is not None and match.decision == MatchDecision.MATCHED:
        return match.person, match.method == Method.MANUAL
    for dtks_id, same in context.reviews.get(candidate.student_id, {}).items():
        if same and dtks_id in context.reviewed_people:
            return context.reviewed_people[dtks_id], True
    return None, False


def _dtks_rule(evaluation: Evaluation, context: _Context) -> RuleResult:
    match, person = evaluation.match, evaluation.person
    max_desil = context.rules.max_desil
    if context.snapshot is None:
        return RuleResult(Rule.DTKS, False, _("Belum ada data DTKS yang diimpor."))

    if person is not None:
        how = _("dikonfirmasi verifikator")
        if match is not None and not evaluation.confirmed_by_review:
            how = _("%(method)s, skor %(score)s") % {
                "method": method_label(match.method),
                "score": number_format(match.score, 1),
            }
        if person.desil is None:
            return RuleResult(
                Rule.DTKS,
                True,
                _("Cocok (%(how)s); desil tidak tercatat.") % {"how": how},
            )
        values = {"how": how, "desil": person.desil, "max": max_desil}
        if person.desil <= max_desil:
            return RuleResult(
                Rule.DTKS,
                True,
                _("Cocok (%(how)s); desil %(desil)s, batas %(max)s.") % values,
            )
        return RuleResult(
            Rule.DTKS,
            False,
            _("Cocok (%(how)s), tetapi desil %(desil)s di atas batas %(max)s.")
            % values,
            Reason.DESIL_ABOVE_LIMIT,
        )

    if match is None:
        return RuleResult(
            Rule.DTKS,
            False,
            _("Belum dicocokkan dengan DTKS terbaru (%(snapshot)s).")
            % {"snapshot": context.snapshot},
        )
    if match.decision == MatchDecision.REVIEW:
        return RuleResult(
            Rule.DTKS,
            False,
            _("Perlu tinjauan DTKS: %(count)s kemungkinan orang.")
            % {"count": len(match.candidates) or 1},
        )
    if any(not same for same in context.reviews.get(match.student_id, {}).values()):
        return RuleResult(
            Rule.DTKS,
            False,
            _("Verifikator menyatakan bukan orang yang sama dengan data DTKS."),
            Reason.NOT_SAME_PERSON,
        )
    return RuleResult(
        Rule.DTKS,
        False,
        _("Tidak ditemukan di DTKS (%(snapshot)s).") % {"snapshot": context.snapshot},
        Reason.NOT_IN_DTKS,
    )


def _jenjang_rule(candidate: Candidate, rules: PeriodRules) -> RuleResult:
    jenjang = candidate.school.jenjang
    label = Jenjang(jenjang).label if jenjang in Jenjang.values else jenjang
    if rules.covers(jenjang):
        return RuleResult(Rule.JENJANG, True, _("%(j)s dicakup.") % {"j": label})
    return RuleResult(
        Rule.JENJANG,
        False,
        _("%(j)s tidak dicakup periode ini (%(list)s).")
        % {"j": label, "list": ", ".join(rules.jenjang_labels)},
        Reason.JENJANG_NOT_COVERED,
    )


def _duplicate_rule(duplicates: list[Duplicate]) -> RuleResult:
    if not duplicates:
        return RuleResult(Rule.DUPLICATE, True, _("Tidak diusulkan sekolah lain."))
    others = "; ".join(
        _("%(school)s (%(by)s sama, %(status)s)")
        % {"school": d.school_name, "by": d.by, "status": d.status_label}
        for d in duplicates
    )
    return RuleResult(
        Rule.DUPLICATE,
        False,
        _("Juga diusulkan oleh %(others)s.") % {"others": others},
        Reason.OTHER_SCHOOL,
    )


def _sktm_rule(documents: list[SupportingDocument], rules: PeriodRules) -> RuleResult:
    if not rules.sktm_required:
        return RuleResult(Rule.SKTM, None, _("Tidak diwajibkan periode ini."))
    if documents:
        return RuleResult(Rule.SKTM, True, _("SKTM sudah diunggah sekolah."))
    return RuleResult(Rule.SKTM, False, _("SKTM belum diunggah sekolah."))


def _rank_key(evaluation: Evaluation) -> tuple[int, float, datetime, int]:
    desil = evaluation.desil
    return (
        desil if desil is not None else NO_DESIL,
        -evaluation.score,
        evaluation.candidate.status_changed_at,
        evaluation.candidate.pk,
    )


def _rank(evaluations: dict[int, Evaluation], context: _Context) -> None:
    """The quota rule: rank each school's waiting candidates that pass the
    hard rules by desil (poorest first), then by the match score, then by
    who was sent first; the places left after those already approved go
    to the best ranked."""
    period_quota = context.period.quota_per_school
    pools: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in evaluations.values():
        candidate = evaluation.candidate
        if candidate.status == Status.SUBMITTED and evaluation.passes_hard_rules:
            pools[candidate.school_id].append(evaluation)

    for evaluation in evaluations.values():
        school_id = evaluation.candidate.school_id
        quota = context.quotas.get(school_id, period_quota)
        evaluation.results[Rule.QUOTA] = _quota_unranked(evaluation, quota)

    for school_id, pool in pools.items():
        quota = context.quotas.get(school_id, period_quota)
        if quota is None:
            continue
        taken = context.approved.get(school_id, 0)
        places = max(quota - taken, 0)
        pool.sort(key=_rank_key)
        for rank, evaluation in enumerate(pool, start=1):
            evaluation.rank = rank
            values = {
                "rank": rank,
                "count": len(pool),
                "quota": quota,
                "taken": taken,
            }
            if rank <= places:
                result = RuleResult(
                    Rule.QUOTA,
                    True,
                    _(
                        "Peringkat %(rank)s dari %(count)s usulan; kuota "
                        "%(quota)s, %(taken)s sudah disetujui."
                    )
                    % values,
                )
            else:
                result = RuleResult(
                    Rule.QUOTA,
                    False,
                    _(
                        "Peringkat %(rank)s dari %(count)s usulan; kuota "
                        "%(quota)s sudah terisi (%(taken)s sudah disetujui)."
                    )
                    % values,
                    Reason.OVER_QUOTA,
                )
            evaluation.results[Rule.QUOTA] = result


def _quota_unranked(evaluation: Evaluation, quota: int | None) -> RuleResult:
    if quota is None:
        return RuleResult(Rule.QUOTA, None, _("Periode ini tanpa kuota per sekolah."))
    if evaluation.candidate.status in APPROVED_STATUSES:
        return RuleResult(Rule.QUOTA, None, _("Sudah disetujui; memakai satu tempat."))
    if evaluation.candidate.status != Status.SUBMITTED:
        return RuleResult(Rule.QUOTA, None, _("Tidak sedang menunggu verifikasi."))
    return RuleResult(Rule.QUOTA, None, _("Tidak diperingkat: ada aturan lain gagal."))

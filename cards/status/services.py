"""The public status check: where a pupil's Kartu Balangan Pintar stands,
for the pupil or a parent who knows the NISN and the date of birth.

The answer names the pupil by first name only and says nothing else about
them: not the school, not the card number. A NISN that does not exist and a
birth date that does not match get the same answer from the same single
query, so the page cannot tell anyone who is enrolled.

"Ready at the school" is the day the card was marked as arrived at the place
of handover (the school, or the Dinas when the period has the Dinas hand the
cards over). A card merely printed is still at the bank or on its way, and
the family is told so rather than sent to a school that does not have it.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balangan_pintar.audit import record
from balangan_pintar.models import Period
from students.models import Candidate, StageEvent, Status
from verification.models import Decision, Outcome

from ..models import Card, CardState
from . import throttle

logger = logging.getLogger(__name__)

CLIENT_LIMIT = throttle.Limit("client", attempts=20, seconds=10 * 60)
# Failed look-ups only: a family checking the status again is not limited.
NISN_LIMIT = throttle.Limit("nisn", attempts=5, seconds=60 * 60)

# Statuses the school has not sent to the Dinas: the page answers as if the
# pupil were not proposed, which they are not yet.
UNSENT = (Status.LISTED, Status.DRAFT, Status.WITHDRAWN)

DONE = "done"
CURRENT = "current"
WAITING = "waiting"
FAILED = "failed"

# Rejection reasons of the verification, said to a family: what happened
# and, where there is one, what they can do.
PUBLIC_REASONS = {
    "not_in_dtks": gettext_lazy(
        "Keluarga belum terdaftar di data kesejahteraan sosial (DTKS/DTSEN). "
        "Pendaftaran dapat ditanyakan ke kantor desa atau kelurahan."
    ),
    "not_same_person": gettext_lazy(
        "Data siswa tidak cocok dengan data keluarga di DTKS/DTSEN. Silakan "
        "periksa data kependudukan bersama sekolah."
    ),
    "desil_above_limit": gettext_lazy(
        "Tingkat kesejahteraan keluarga di atas batas yang ditetapkan program."
    ),
    "kip_recipient": gettext_lazy(
        "Siswa sudah menerima bantuan PIP/KIP, sedangkan program ini untuk "
        "siswa yang belum menerima bantuan lain."
    ),
    "other_school": gettext_lazy("Siswa sudah diusulkan oleh sekolah lain."),
    "not_active": gettext_lazy("Siswa tercatat bukan siswa aktif di sekolah."),
    "jenjang_not_covered": gettext_lazy(
        "Jenjang sekolah siswa tidak termasuk program pada periode ini."
    ),
    "over_quota": gettext_lazy("Kuota penerima untuk sekolah sudah penuh."),
    "data_wrong": gettext_lazy(
        "Data siswa yang dikirim sekolah tidak benar. Silakan hubungi sekolah "
        "untuk memperbaikinya."
    ),
}


@dataclass(frozen=True)
class Step:
    """One of the six steps; ``note`` says what is happening at the step
    under way, or why it failed."""

    title: str
    state: str
    reached_on: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class StatusAnswer:
    """What the page shows: a greeting by first name, one sentence of where
    things stand, what to do next, and the steps with their dates."""

    first_name: str
    period_name: str
    tone: str
    headline: str
    advice: str
    steps: list[Step]
    reason: str = ""


@dataclass(frozen=True)
class Lookup:
    answer: StatusAnswer | None
    limited: bool = False


def look_up(nisn: str, birth_date: dt.date) -> Lookup:
    """The status for a NISN and birth date, if they match a proposed pupil.

    Failed look-ups count against the NISN; once it has used up its
    attempts the page refuses to look, whether or not the NISN exists.
    """
    if throttle.is_exhausted(NISN_LIMIT, nisn):
        return Lookup(None, limited=True)

    candidate = find_candidate(nisn, birth_date)
    if candidate is None:
        throttle.hit(NISN_LIMIT, nisn)
        return Lookup(None)

    record(None, "card_status.check", candidate, student_id=candidate.student_id)
    return Lookup(status_of(candidate))


def find_candidate(nisn: str, birth_date: dt.date) -> Candidate | None:
    """The pupil's newest proposal. One query, the same whether the NISN is
    unknown or the date wrong."""
    return (
        Candidate.objects.filter(student__nisn=nisn, student__birth_date=birth_date)
        .exclude(status__in=UNSENT)
        .select_related("student", "period")
        .order_by("-period__year", "-status_changed_at", "-pk")
        .first()
    )


def status_of(candidate: Candidate) -> StatusAnswer:
    reached = _first_reached(candidate)
    card = (
        Card.objects.filter(candidate=candidate)
        .exclude(state=CardState.VOID)
        .select_related("arrival")
        .order_by("-issued_at", "-pk")
        .first()
    )
    by_dinas = candidate.period.handover_by == Period.HandoverBy.DINAS
    ready_on = _ready_on(card, reached)
    status = Status(candidate.status)

    dates = [
        reached.get(Status.SUBMITTED),
        reached.get(Status.APPROVED),
        reached.get(Status.ACCOUNT_OPENED),
        reached.get(Status.CARD_PRINTED),
        ready_on,
        reached.get(Status.DELIVERED),
    ]
    titles = [
        _("Diusulkan oleh sekolah"),
        _("Diverifikasi dan disetujui Dinas"),
        _("Rekening Bank Kalsel dibuka"),
        _("Kartu dicetak"),
        _("Kartu siap diserahkan Dinas")
        if by_dinas
        else _("Kartu siap diambil di sekolah"),
        _("Kartu diterima"),
    ]
    at, failed = _position(candidate, status, ready_on)
    note = _note(status, at, failed, ready_on is not None, by_dinas)
    steps = [
        Step(
            title,
            _step_state(index, at, failed),
            date if index < at else None,
            note if index == at else "",
        )
        for index, (title, date) in enumerate(zip(titles, dates, strict=True))
    ]
    tone, headline, advice = _words(status, ready_on is not None, by_dinas)
    return StatusAnswer(
        first_name=candidate.student.first_name,
        period_name=candidate.period.name,
        tone=tone,
        headline=headline,
        advice=advice,
        steps=steps,
        reason=rejection_reason(candidate) if status == Status.REJECTED else "",
    )


def rejection_reason(candidate: Candidate) -> str:
    """Why the proposal was refused, in words for a family. The verifier's
    own note is never shown: it is written for the school."""
    last = (
        StageEvent.objects.filter(candidate=candidate, to_status=Status.REJECTED)
        .order_by("-at", "-pk")
        .first()
    )
    if last is not None and last.from_status == Status.BANK_REJECTED:
        return _("Rekening tidak dapat dibuka oleh Bank Kalsel.")

    decision = (
        Decision.objects.filter(candidate=candidate, outcome=Outcome.REJECT)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if decision is not None and decision.reason in PUBLIC_REASONS:
        return str(PUBLIC_REASONS[decision.reason])
    return _(
        "Usulan tidak memenuhi syarat program. Keterangan lebih lanjut dapat "
        "ditanyakan ke sekolah."
    )


def _first_reached(candidate: Candidate) -> dict[str, dt.date]:
    """The local day each status was first reached."""
    reached: dict[str, dt.date] = {}
    events = StageEvent.objects.filter(candidate=candidate).order_by("at", "pk")
    for to_status, at in events.values_list("to_status", "at"):
        reached.setdefault(to_status, timezone.localdate(at))
    return reached


def _ready_on(card: Card | None, reached: dict[str, dt.date]) -> dt.date | None:
    """The day the card was ready to hand over: its arrival, else its first
    handover attempt, which proves it was there."""
    if card is not None:
        arrival = getattr(card, "arrival", None)
        if arrival is not None:
            return arrival.arrived_on
        first_attempt = card.handovers.order_by("handed_on", "pk").first()
        if first_attempt is not None:
            return first_attempt.handed_on
    return reached.get(Status.UNDELIVERED) or reached.get(Status.DELIVERED)


def _position(
    candidate: Candidate, status: Status, ready_on: dt.date | None
) -> tuple[int, bool]:
    """The index of the step under way (six when all are done), and whether
    that step failed."""
    if status == Status.REJECTED:
        after_bank = StageEvent.objects.filter(
            candidate=candidate, from_status=Status.BANK_REJECTED
        ).exists()
        return (2 if after_bank else 1), True
    return {
        Status.SUBMITTED: 1,
        Status.RETURNED: 1,
        Status.APPROVED: 2,
        Status.SENT_TO_BANK: 2,
        Status.BANK_REJECTED: 2,
        Status.ACCOUNT_OPENED: 3,
        Status.CARD_PRINTED: 5 if ready_on else 4,
        Status.UNDELIVERED: 5,
        Status.DELIVERED: 6,
    }.get(status, 0), False


def _step_state(index: int, at: int, failed: bool) -> str:
    if index < at:
        return DONE
    if index == at:
        return FAILED if failed else CURRENT
    return WAITING


def _note(status: Status, at: int, failed: bool, ready: bool, by_dinas: bool) -> str:
    """What is happening at the step under way, in a few words."""
    if failed:
        return _("Tidak disetujui") if at == 1 else _("Tidak dapat dibuka")
    if status == Status.CARD_PRINTED and ready:
        return _("Menunggu diserahkan") if by_dinas else _("Menunggu diambil")
    if status == Status.CARD_PRINTED:
        return _("Sedang disiapkan") if by_dinas else _("Dalam pengiriman ke sekolah")
    notes = {
        Status.SUBMITTED: _("Sedang diperiksa"),
        Status.RETURNED: _("Dikembalikan ke sekolah untuk dilengkapi"),
        Status.APPROVED: _("Menunggu dikirim ke bank"),
        Status.SENT_TO_BANK: _("Sedang diproses bank"),
        Status.BANK_REJECTED: _("Perlu tindak lanjut"),
        Status.ACCOUNT_OPENED: _("Sedang dicetak"),
        Status.UNDELIVERED: _("Belum dapat diserahkan"),
    }
    return notes.get(status, "")


def _words(status: Status, ready: bool, by_dinas: bool) -> tuple[str, str, str]:
    """The tone, the headline and the advice for where the pupil stands."""
    nothing_to_do = _("Belum ada yang perlu dilakukan. Silakan cek lagi nanti.")
    if status == Status.CARD_PRINTED and ready and by_dinas:
        return (
            "success",
            _("Kartu sudah siap diserahkan oleh Dinas."),
            _("Ikuti pengumuman sekolah tentang waktu dan tempat penyerahan kartu."),
        )
    if status == Status.CARD_PRINTED and ready:
        return (
            "success",
            _("Kartu sudah siap diambil di sekolah."),
            _(
                "Silakan ambil kartu di sekolah. Kartu diserahkan kepada siswa "
                "sendiri atau kepada orang tua/wali."
            ),
        )
    words = {
        Status.SUBMITTED: (
            "info",
            _("Usulan sedang diperiksa Dinas Pendidikan dan Kebudayaan."),
            nothing_to_do,
        ),
        Status.RETURNED: (
            "warning",
            _("Usulan sedang dilengkapi oleh sekolah."),
            _(
                "Dinas meminta sekolah melengkapi data usulan. Bila sekolah "
                "meminta dokumen, misalnya SKTM dari desa, bantu sekolah "
                "melengkapinya."
            ),
        ),
        Status.REJECTED: (
            "danger",
            _("Usulan tidak disetujui."),
            _("Bila ada pertanyaan, silakan hubungi sekolah."),
        ),
        Status.APPROVED: (
            "success",
            _("Usulan disetujui. Rekening tabungan sedang disiapkan."),
            nothing_to_do,
        ),
        Status.SENT_TO_BANK: (
            "info",
            _("Usulan disetujui. Rekening sedang dibuka oleh Bank Kalsel."),
            nothing_to_do,
        ),
        Status.BANK_REJECTED: (
            "warning",
            _("Rekening belum dapat dibuka."),
            _(
                "Dinas sedang memeriksa data bersama Bank Kalsel. Bila ada data "
                "yang perlu diperbaiki, sekolah akan menghubungi Anda."
            ),
        ),
        Status.ACCOUNT_OPENED: (
            "info",
            _("Rekening sudah dibuka. Kartu sedang dicetak."),
            nothing_to_do,
        ),
        Status.CARD_PRINTED: (
            "info",
            _("Kartu sudah dicetak dan sedang disiapkan untuk diserahkan.")
            if by_dinas
            else _("Kartu sudah dicetak dan sedang dikirim ke sekolah."),
            _("Tunggu pemberitahuan dari sekolah."),
        ),
        Status.UNDELIVERED: (
            "warning",
            _("Kartu belum dapat diserahkan."),
            _("Silakan hubungi sekolah untuk mengambil kartu."),
        ),
        Status.DELIVERED: (
            "success",
            _("Kartu Balangan Pintar sudah diterima. Selamat!"),
            _(
                "Simpan kartu baik-baik. Bila kartu hilang atau rusak, "
                "laporkan ke sekolah."
            ),
        ),
    }
    return words.get(status, ("info", str(status.label), nothing_to_do))

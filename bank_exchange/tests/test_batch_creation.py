"""Making a batch: which candidates it takes, and its number."""

import pytest
from django.contrib.auth.models import User

from balangan_pintar.models import Level, Period
from bank_exchange.models import BankBatch, BatchState
from bank_exchange.services import (
    BankExchangeRefused,
    available_candidates,
    create_batch,
    discard_batch,
    send_batch,
)
from students.models import Candidate, Kecamatan, School, Status

from .factories import approved


def test_a_batch_takes_every_approved_candidate_once(
    candidates: list[Candidate], period: Period, dinas_admin: User
) -> None:
    batch = create_batch(period, dinas_admin)

    assert batch.state == BatchState.DRAFT
    assert batch.number is None
    assert batch.can_change()
    assert sorted(batch.rows.values_list("candidate_id", flat=True)) == sorted(
        c.pk for c in candidates
    )
    assert list(batch.rows.values_list("row_number", flat=True)) == [1, 2, 3]
    assert not available_candidates(period).exists()
    with pytest.raises(BankExchangeRefused):
        create_batch(period, dinas_admin)


def test_candidates_not_yet_approved_stay_out(
    school_a: School, period: Period, verifier: User, dinas_admin: User
) -> None:
    ready = approved(school_a, period, verifier, 1)
    waiting = approved(school_a, period, verifier, 1, start=2)[0]
    Candidate.objects.filter(pk=waiting.pk).update(status=Status.SUBMITTED)

    batch = create_batch(period, dinas_admin)

    assert list(batch.rows.values_list("candidate_id", flat=True)) == [ready[0].pk]


def test_a_batch_can_be_narrowed_to_a_kecamatan_or_jenjang(
    candidates: list[Candidate],
    school_b: School,
    period: Period,
    dinas_admin: User,
) -> None:
    juai = Kecamatan.objects.get(name="Juai")

    by_kecamatan = create_batch(period, dinas_admin, kecamatan=juai)
    by_jenjang = create_batch(period, dinas_admin, jenjang=Level.SD_MI)

    assert [r.candidate.school for r in by_kecamatan.rows.all()] == [school_b]
    assert by_jenjang.rows.count() == 2
    assert set(by_jenjang.rows.values_list("jenjang", flat=True)) == {"SD"}
    assert by_kecamatan.kecamatan == juai
    assert by_jenjang.jenjang == Level.SD_MI


def test_the_snapshot_holds_what_the_bank_needs(
    draft: BankBatch, candidates: list[Candidate], period: Period
) -> None:
    row = draft.rows.get(candidate=candidates[2])
    student = candidates[2].student

    assert (row.nik, row.nisn, row.name) == (student.nik, student.nisn, student.name)
    assert row.mother_name == student.mother_name
    assert (row.street, row.rt, row.rw) == ("Jl. Ahmad Yani Km 2", "003", "001")
    assert (row.npsn, row.jenjang, row.amount) == ("30304003", "SMP", 1_500_000)


def test_numbers_are_given_at_sending_without_gaps(
    school_a: School, period: Period, verifier: User, dinas_admin: User
) -> None:
    approved(school_a, period, verifier, 1)
    first = create_batch(period, dinas_admin)
    approved(school_a, period, verifier, 1, start=2)
    thrown_away = create_batch(period, dinas_admin)
    discard_batch(thrown_away, dinas_admin)
    approved(school_a, period, verifier, 1, start=3)
    second = create_batch(period, dinas_admin)

    send_batch(second, dinas_admin)
    send_batch(first, dinas_admin)

    numbers = dict(BankBatch.objects.values_list("pk", "number"))
    assert numbers == {second.pk: "KBP/2026/001", first.pk: "KBP/2026/002"}


def test_each_year_counts_from_one(
    school_a: School, period: Period, verifier: User, dinas_admin: User
) -> None:
    approved(school_a, period, verifier, 1)
    send_batch(create_batch(period, dinas_admin), dinas_admin)
    next_year = Period.objects.create(year=2027, name="KBP 2027")
    approved(school_a, next_year, verifier, 1, start=2)

    batch = send_batch(create_batch(next_year, dinas_admin), dinas_admin)

    assert batch.number == "KBP/2027/001"


def test_discarding_a_draft_frees_its_candidates(
    draft: BankBatch, period: Period, dinas_admin: User
) -> None:
    discard_batch(draft, dinas_admin)

    assert not BankBatch.objects.exists()
    assert available_candidates(period).count() == 3

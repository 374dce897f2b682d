from django.contrib.auth.models import Group

from balangan_pintar.models import SOP, Executor
from balangan_pintar.roles import Role


def test_sop_in_force_is_the_2022_document(db: None) -> None:
    sop = SOP.objects.in_force()

    assert sop.number == "067.2/31/DIDIKBUD"
    assert str(sop.made_on) == str(sop.approved_on) == "2022-03-31"
    assert sop.revised_on is None
    assert len(sop.legal_basis_lines) == 3


def test_sop_has_seven_steps_with_their_targets(db: None) -> None:
    steps = list(SOP.objects.in_force().steps.all())

    assert [s.minutes for s in steps] == [15, 5, 15, 10, 10, 10, 5]
    assert [s.executor for s in steps[:2]] == [Executor.SCHOOL_OPERATOR] * 2
    assert {s.executor for s in steps[4:6]} == {Executor.BANK}
    assert all(s.requirement == "Data dan Informasi" for s in steps)


def test_a_revision_keeps_the_old_sop(db: None) -> None:
    original = SOP.objects.in_force()

    revision = original.make_revision(original.made_on.replace(year=2026))

    assert revision.steps.count() == 7
    assert SOP.objects.in_force() == original
    revision.approved_on = revision.revised_on
    revision.save()
    assert SOP.objects.in_force() == revision
    assert SOP.objects.filter(pk=original.pk).exists()


def test_every_role_has_its_group(db: None) -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_balangan_has_its_eight_kecamatan(db: None) -> None:
    from students.models import Kecamatan

    assert list(Kecamatan.objects.values_list("code", "name"))[:2] == [
        ("63.11.01", "Juai"),
        ("63.11.02", "Halong"),
    ]
    assert Kecamatan.objects.count() == 8

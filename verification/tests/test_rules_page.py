"""The Dinas administrator sets a period's rules and moves quota places."""

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import AuditEntry, Period
from students.models import School

from ..models import PeriodRules, SchoolQuota
from . import factories


def test_the_administrator_changes_the_rules_of_a_period(
    period: Period, dinas_admin: User, client: Client
) -> None:
    factories.login(client, dinas_admin)

    response = client.post(
        reverse("verification:rules"),
        {"max_desil": "5", "jenjang": ["SD", "MI", "SMP", "MTs", "SMA"]},
    )

    assert response.status_code == 302
    rules = PeriodRules.objects.get(period=period)
    assert (rules.max_desil, rules.sktm_required) == (5, False)
    assert rules.jenjang == ["SD", "MI", "SMP", "MTs", "SMA"]
    assert rules.updated_by == dinas_admin
    assert AuditEntry.objects.filter(action="verification.rules_change").exists()


def test_rules_out_of_range_are_refused(
    period: Period, dinas_admin: User, client: Client
) -> None:
    factories.login(client, dinas_admin)

    response = client.post(
        reverse("verification:rules"), {"max_desil": "11", "jenjang": []}
    )

    assert response.status_code == 200
    assert not PeriodRules.objects.exists()


def test_a_school_gets_its_own_quota_and_loses_it_again(
    period: Period, school_a: School, dinas_admin: User, client: Client
) -> None:
    period.quota_per_school = 2
    period.save()
    factories.login(client, dinas_admin)

    client.post(
        reverse("verification:quota-save"),
        {"school": school_a.pk, "quota": "4", "note": "2 tempat dari SDN 3"},
    )
    quota = SchoolQuota.objects.get(period=period, school=school_a)
    page = client.get(reverse("verification:rules"))
    client.post(reverse("verification:quota-delete", args=[quota.pk]))

    assert quota.quota == 4
    assert "2 tempat dari SDN 3" in page.content.decode()
    assert not SchoolQuota.objects.exists()


def test_a_verifier_cannot_change_the_rules(
    period: Period, verifier: User, client: Client
) -> None:
    factories.login(client, verifier)

    response = client.post(reverse("verification:rules"), {"max_desil": "9"})

    assert response.status_code == 403

"""Changing a period's rules and the schools' quotas, and the overview of
places per school that the Dinas uses to move unused places."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from balangan_pintar.audit import record
from balangan_pintar.models import Period
from students.models import Candidate, School, Status

from ..models import PeriodRules, SchoolQuota
from .rules import APPROVED_STATUSES


def save_rules(rules: PeriodRules, *, actor: Any, request: HttpRequest) -> None:
    rules.updated_by = actor
    rules.updated_at = timezone.now()
    with transaction.atomic():
        rules.save()
        record(
            request,
            "verification.rules_change",
            rules,
            period=rules.period_id,
            max_desil=rules.max_desil,
            jenjang=list(rules.jenjang),
            sktm_required=rules.sktm_required,
        )


def save_quota(
    period: Period,
    school: School,
    quota: int,
    *,
    note: str,
    actor: Any,
    request: HttpRequest,
) -> SchoolQuota:
    with transaction.atomic():
        saved, _created = SchoolQuota.objects.update_or_create(
            period=period,
            school=school,
            defaults={
                "quota": quota,
                "note": note,
                "updated_by": actor,
                "updated_at": timezone.now(),
            },
        )
        record(
            request,
            "verification.quota_change",
            saved,
            period=period.pk,
            school=school.pk,
            quota=quota,
        )
    return saved


def delete_quota(quota: SchoolQuota, *, request: HttpRequest) -> None:
    with transaction.atomic():
        record(
            request,
            "verification.quota_delete",
            quota,
            period=quota.period_id,
            school=quota.school_id,
        )
        quota.delete()


@dataclass
class QuotaRow:
    school: School
    quota: int | None
    override: SchoolQuota | None
    waiting: int = 0
    approved: int = 0

    @property
    def unused(self) -> int | None:
        """Places neither used nor asked for by a waiting candidate."""
        if self.quota is None:
            return None
        return max(self.quota - self.approved - self.waiting, 0)

    @property
    def over(self) -> int:
        """Waiting candidates beyond the places left."""
        if self.quota is None:
            return 0
        return max(self.waiting - max(self.quota - self.approved, 0), 0)


def quota_overview(period: Period) -> list[QuotaRow]:
    """Each school that proposed candidates or has its own quota: its quota,
    the places used and the candidates waiting."""
    overrides = {q.school_id: q for q in SchoolQuota.objects.filter(period=period)}
    counts = (
        Candidate.objects.filter(
            period=period, status__in=[Status.SUBMITTED, *APPROVED_STATUSES]
        )
        .values("school_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows: dict[int, QuotaRow] = {}
    schools = School.objects.filter(
        pk__in={row["school_id"] for row in counts} | set(overrides)
    ).select_related("kecamatan")
    for school in schools.order_by("kecamatan__code", "name"):
        override = overrides.get(school.pk)
        quota = override.quota if override else period.quota_per_school
        rows[school.pk] = QuotaRow(school, quota, override)
    for row in counts:
        if row["status"] == Status.SUBMITTED:
            rows[row["school_id"]].waiting += row["count"]
        else:
            rows[row["school_id"]].approved += row["count"]
    return list(rows.values())

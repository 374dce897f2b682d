"""Reconciliation with Bank Kalsel: per batch and per period, what was sent,
opened, rejected and is still open, and how long steps 4 and 5 took against
the SOP in force."""

import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.utils import timezone

from balangan_pintar.models import SOP, Period
from students.models import Candidate, StageEvent, Status

from ..formats import (
    STEP4_TARGET,
    STEP5_TARGET,
    BatchReconciliation,
    ReconciliationSummary,
    RowState,
    write_reconciliation_xlsx,
)
from ..models import BankBatch, BatchState
from .batches import available_candidates


@dataclass(frozen=True)
class ReconciliationLine:
    """One batch's figures as the page shows them."""

    batch: BankBatch
    figures: BatchReconciliation
    step4_minutes: float | None
    step5_minutes: float | None
    step4_on_target: bool | None
    step5_on_target: bool | None
    reasons: list[tuple[str, int]]


@dataclass(frozen=True)
class PeriodReconciliation:
    summary: ReconciliationSummary
    lines: list[ReconciliationLine]
    # Candidates of the period that have not reached the bank (yet).
    approved_waiting: int
    in_draft: int
    bank_rejected_waiting: int

    @property
    def step4_target_minutes(self) -> int:
        return int(self.summary.step4_target.total_seconds() // 60)

    @property
    def step5_target_minutes(self) -> int:
        return int(self.summary.step5_target.total_seconds() // 60)


def step_targets() -> tuple[timedelta, timedelta]:
    """The times the SOP in force gives steps 4 and 5."""
    minutes = dict(
        SOP.objects.in_force()
        .steps.filter(number__in=(4, 5))
        .values_list("number", "minutes")
    )
    step4 = timedelta(minutes=minutes[4]) if 4 in minutes else STEP4_TARGET
    step5 = timedelta(minutes=minutes[5]) if 5 in minutes else STEP5_TARGET
    return step4, step5


def reconcile_batch(batch: BankBatch) -> BatchReconciliation:
    """Step 4 runs from the last approval of a candidate in the batch (when
    its data was complete) to sending; step 5 from sending to the bank's last
    answer."""
    states = dict(
        batch.rows.values_list("state").annotate(count=Count("pk")).order_by()
    )
    reasons = Counter(
        dict(
            batch.rows.filter(state=RowState.REJECTED)
            .values_list("reason")
            .annotate(count=Count("pk"))
            .order_by()
        )
    )
    approvals = StageEvent.objects.filter(
        candidate__bank_rows__batch=batch, to_status=Status.APPROVED
    )
    if batch.sent_at is not None:
        approvals = approvals.filter(at__lte=batch.sent_at)
    last_approval = approvals.aggregate(last=Max("at"))["last"]

    pending = states.get(RowState.PENDING, 0)
    finished = None
    if batch.is_sent and pending == 0:
        finished = batch.rows.aggregate(last=Max("answered_at"))["last"]
    return BatchReconciliation(
        batch_number=batch.label,
        period_year=batch.year,
        rows_sent=sum(states.values()),
        rows_opened=states.get(RowState.OPENED, 0),
        rows_rejected=states.get(RowState.REJECTED, 0),
        rejection_reasons=dict(reasons.most_common()),
        step4_started_at=last_approval or batch.created_at,
        sent_at=batch.sent_at,
        step5_finished_at=finished,
    )


def _minutes(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 60, 1)


def _line(
    batch: BankBatch, figures: BatchReconciliation, summary: ReconciliationSummary
) -> ReconciliationLine:
    step4 = figures.step4_duration
    step5 = figures.step5_duration(summary.generated_at)
    return ReconciliationLine(
        batch=batch,
        figures=figures,
        step4_minutes=_minutes(step4),
        step5_minutes=_minutes(step5),
        step4_on_target=None if step4 is None else step4 <= summary.step4_target,
        step5_on_target=None if step5 is None else step5 <= summary.step5_target,
        reasons=sorted(figures.rejection_reasons.items(), key=lambda r: (-r[1], r[0])),
    )


def reconcile_period(
    period: Period, now: datetime | None = None
) -> PeriodReconciliation:
    """Every batch of ``period`` sent to the bank, with the period's totals
    and the candidates still on the Dinas side."""
    batches = list(
        BankBatch.objects.filter(period=period)
        .exclude(state=BatchState.DRAFT)
        .order_by("sequence")
    )
    figures = [reconcile_batch(batch) for batch in batches]
    step4, step5 = step_targets()
    summary = ReconciliationSummary(
        period_year=period.year,
        generated_at=now or timezone.now(),
        batches=figures,
        step4_target=step4,
        step5_target=step5,
    )

    approved = available_candidates(period).count()
    return PeriodReconciliation(
        summary=summary,
        lines=[_line(b, f, summary) for b, f in zip(batches, figures, strict=True)],
        approved_waiting=approved,
        in_draft=Candidate.objects.filter(
            period=period,
            status=Status.APPROVED,
            bank_rows__batch__state=BatchState.DRAFT,
        ).count(),
        bank_rejected_waiting=Candidate.objects.filter(
            period=period, status=Status.BANK_REJECTED
        ).count(),
    )


def reconciliation_xlsx(period: Period, now: datetime | None = None) -> bytes:
    """The period's reconciliation as an .xlsx workbook."""
    out = io.BytesIO()
    write_reconciliation_xlsx(reconcile_period(period, now).summary, out)
    return out.getvalue()

"""A submission's candidates with their evidence and rules, and the
verifier's decisions on them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balangan_pintar.audit import record
from balangan_pintar.roles import has_role, role_required
from students.models import Candidate, Submission

from ..forms import BulkApproveForm, DecisionForm
from ..models import Decision, Outcome, Reason
from ..services.decisions import (
    DecisionRefused,
    bulk_approve,
    bulk_candidates,
    decide,
)
from ..services.pages import candidate_cards, timeline
from ..services.queue import step_target_minutes
from ..services.rules import evaluate
from .common import DECIDE_ROLES, READ_ROLES, user_of


def _submission(pk: int) -> Submission:
    found = Submission.objects.select_related(
        "school__kecamatan", "period", "submitted_by"
    )
    return get_object_or_404(found, pk=pk)


@role_required(*READ_ROLES)
@require_GET
@never_cache
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    candidates = (
        Candidate.objects.for_user(request.user)
        .filter(submission=submission)
        .select_related("student", "school")
        .order_by("student__name", "pk")
    )
    evaluations = evaluate(candidates, submission.period)
    cards = candidate_cards(list(evaluations.values()))
    record(request, "submission.view", submission, candidates=len(cards))

    return render(
        request,
        "verification/submission_detail.html",
        {
            "submission": submission,
            "cards": cards,
            "waiting": sum(card.is_waiting for card in cards),
            "bulk_count": sum(e.bulk_approvable for e in evaluations.values()),
            "target_minutes": step_target_minutes(),
            "reasons": Reason.choices,
            "can_decide": has_role(request.user, *DECIDE_ROLES),
        },
    )


@role_required(*READ_ROLES)
@require_GET
@never_cache
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = Candidate.objects.for_user(request.user).select_related(
        "student", "school__kecamatan", "period", "submission"
    )
    candidate = get_object_or_404(found, pk=pk)
    evaluation = evaluate([candidate], candidate.period)[candidate.pk]
    record(request, "candidate.view", candidate, student_id=candidate.student_id)

    return render(
        request,
        "verification/candidate_detail.html",
        {
            "candidate": candidate,
            "card": candidate_cards([evaluation])[0],
            "events": timeline(candidate),
            "decisions": Decision.objects.filter(candidate=candidate).select_related(
                "decided_by"
            ),
            "reasons": Reason.choices,
            "can_decide": has_role(request.user, *DECIDE_ROLES),
        },
    )


def _back(request: HttpRequest, candidate: Candidate) -> HttpResponseRedirect:
    if request.POST.get("back") == "candidate":
        return redirect("verification:candidate-detail", pk=candidate.pk)
    given = request.POST.get("submission", "")
    submission = int(given) if given.isdigit() else candidate.submission_id
    if submission is None:
        return redirect("verification:candidate-detail", pk=candidate.pk)
    url = reverse("verification:submission-detail", args=[submission])
    return redirect(f"{url}#calon-{candidate.pk}")


@role_required(*DECIDE_ROLES)
@require_POST
def decide_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.for_user(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Formulir keputusan tidak lengkap; coba lagi."))
        return _back(request, candidate)

    data = form.cleaned_data
    try:
        applied = decide(
            candidate,
            Outcome(data["outcome"]),
            actor=user_of(request),
            token=data["token"],
            reason=data["reason"],
            note=data["note"],
            submission_id=data["submission"],
            request=request,
        )
    except DecisionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if applied.replayed:
            messages.info(request, _("Keputusan ini sudah tercatat sebelumnya."))
        else:
            messages.success(request, _("Keputusan tercatat."))
    return _back(request, candidate)


@role_required(*DECIDE_ROLES)
@require_http_methods(["GET", "POST"])
@never_cache
def bulk_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows what would be approved and asks to confirm the count; POST
    approves exactly that list, or nothing if it has changed."""
    submission = _submission(pk)
    form = BulkApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applied = bulk_approve(
                submission,
                form.cleaned_data["candidates"],
                actor=user_of(request),
                token=form.cleaned_data["token"],
                request=request,
            )
        except DecisionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            message = _("%(count)s calon disetujui.") % {"count": applied.count}
            if applied.replayed:
                message = _("Persetujuan massal ini sudah tercatat sebelumnya.")
            messages.success(request, message)
            return redirect("verification:submission-detail", pk=submission.pk)

    chosen = bulk_candidates(submission)
    return render(
        request,
        "verification/bulk_confirm.html",
        {
            "submission": submission,
            "chosen": chosen,
            "ids": ",".join(str(e.candidate.pk) for e in chosen),
        },
    )

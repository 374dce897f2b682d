"""The DTKS review queue: "same person" or "not this person"."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from balangan_pintar.audit import record
from balangan_pintar.models import Period
from balangan_pintar.roles import has_role, role_required

from ..forms import ReviewFilterForm, ReviewForm
from ..services.review_queue import (
    ReviewRefused,
    ReviewScope,
    decide_review,
    review_matches,
    review_page,
)
from .common import DECIDE_ROLES, READ_ROLES, user_of, without


@role_required(*READ_ROLES)
@require_GET
@never_cache
def review_queue(request: HttpRequest) -> HttpResponse:
    form = ReviewFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    period = Period.objects.active()
    found = review_matches(
        period,
        scope=data.get("cakupan") or ReviewScope.PROPOSED,
        kecamatan=data.get("kecamatan"),
        school=data.get("sekolah"),
        student_id=data.get("siswa"),
    )
    after = request.GET.get("setelah", "")
    items, next_after = review_page(
        found, period, after=int(after) if after.isdigit() else None
    )
    # Each comparison shows the pupil's identifiers beside the register's.
    for item in items:
        record(request, "dtks_review.view", item.match, student_id=item.student.pk)

    return render(
        request,
        "verification/review_queue.html",
        {
            "form": form,
            "items": items,
            "total": found.count(),
            "next_after": next_after,
            "is_first": not after,
            "can_decide": has_role(request.user, *DECIDE_ROLES),
            "query": without(request.GET, "setelah"),
        },
    )


@role_required(*DECIDE_ROLES)
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Formulir tinjauan tidak lengkap; coba lagi."))
    else:
        same = form.cleaned_data["same"] == "ya"
        try:
            decide_review(
                pk,
                form.cleaned_data["person"],
                same_person=same,
                user=user_of(request),
                note=form.cleaned_data["note"],
            )
        except ReviewRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Dicatat: orang yang sama.")
                if same
                else _("Dicatat: bukan orang ini."),
            )
    return redirect(_queue_url(request.POST.get("query", "")))


def _queue_url(query: str) -> str:
    """Back to the queue with its filters, keeping only the known ones."""
    given = QueryDict(query)
    kept = QueryDict(mutable=True)
    for name in ("cakupan", "kecamatan", "sekolah", "siswa", "setelah"):
        if given.get(name, "").isalnum():
            kept[name] = given[name]
    url = reverse("verification:review-queue")
    return f"{url}?{kept.urlencode()}" if kept else url

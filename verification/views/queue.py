"""The verifier's queue of submissions, and the search for a candidate."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from balangan_pintar.models import Period
from balangan_pintar.roles import role_required

from ..forms import QueueFilterForm, SearchForm
from ..services.queue import (
    SEARCH_LIMIT,
    QueueFilters,
    QueueState,
    queue_page,
    search,
    status_counts,
    submissions,
)
from .common import READ_ROLES, period_of, without


def _form(request: HttpRequest) -> QueueFilterForm:
    data = request.GET.copy()
    if not data.get("periode"):
        active = Period.objects.active()
        data["periode"] = str(active.year) if active else ""
    return QueueFilterForm(data)


def _filters(form: QueueFilterForm) -> QueueFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return QueueFilters(
        period=period_of(data.get("periode")),
        kecamatan=data.get("kecamatan"),
        jenjang=data.get("jenjang", ""),
        school=data.get("sekolah"),
        state=QueueState(data.get("keadaan") or QueueState.OPEN),
    )


@role_required(*READ_ROLES)
@require_http_methods(["GET", "POST"])
@never_cache
def queue(request: HttpRequest) -> HttpResponse:
    """GET lists submissions; POST searches, so that a NIK never lands in a
    URL."""
    form = _form(request)
    filters = _filters(form)
    found = submissions(filters)
    page = queue_page(
        found, after=request.GET.get("setelah"), before=request.GET.get("sebelum")
    )

    search_form = SearchForm(request.POST if request.method == "POST" else None)
    results = None
    if search_form.is_valid():
        results = search(request.user, filters.period, search_form.cleaned_data["q"])

    return render(
        request,
        "verification/queue.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "total": found.count(),
            "counts": status_counts(filters),
            "search_form": search_form,
            "results": results[:SEARCH_LIMIT] if results is not None else None,
            "more_results": results is not None and len(results) > SEARCH_LIMIT,
            "query": without(request.GET, "setelah", "sebelum"),
        },
    )

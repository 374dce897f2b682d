"""The public status page: no login, answers by POST only, never cached."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from balangan_pintar.audit import client_ip

from . import services, throttle
from .forms import StatusForm
from .services import CLIENT_LIMIT, NISN_LIMIT, StatusAnswer


@require_http_methods(["GET", "POST"])
@never_cache
def status_check(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, StatusForm())
    if not throttle.allow(CLIENT_LIMIT, client_ip(request) or "unknown"):
        return _page(request, StatusForm(), limited=CLIENT_LIMIT)

    form = StatusForm(request.POST)
    if not form.is_valid():
        form.renew_challenge()
        return _page(request, form)

    found = services.look_up(form.cleaned_data["nisn"], form.cleaned_data["birth_date"])
    if found.limited:
        return _page(request, StatusForm(), limited=NISN_LIMIT)
    if found.answer is None:
        form.renew_challenge()
        return _page(request, form, not_found=True)
    return _page(request, StatusForm(), answer=found.answer)


def _page(
    request: HttpRequest,
    form: StatusForm,
    *,
    answer: StatusAnswer | None = None,
    limited: throttle.Limit | None = None,
    not_found: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "answer": answer,
        "limited": limited,
        "not_found": not_found,
        "per_nisn": limited == NISN_LIMIT,
    }
    status = 429 if limited else 200
    return render(request, "cards/status/check.html", context, status=status)

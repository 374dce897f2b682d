"""The Dinas administrator's page for a period's rules and school quotas."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from balangan_pintar.models import Period
from balangan_pintar.roles import Role, role_required

from ..forms import PeriodRulesForm, SchoolQuotaForm
from ..models import PeriodRules, SchoolQuota
from ..services.period_rules import (
    delete_quota,
    quota_overview,
    save_quota,
    save_rules,
)
from .common import period_of, user_of


def _period(request: HttpRequest) -> Period:
    year = request.GET.get("periode", "")
    if year.isdigit():
        return get_object_or_404(Period, year=int(year))
    return period_of(None)


def _rules_url(period: Period) -> str:
    return f"{reverse('verification:rules')}?periode={period.year}"


@role_required(Role.DINAS_ADMIN)
@require_http_methods(["GET", "POST"])
@never_cache
def rules(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    form = PeriodRulesForm(
        request.POST or None, instance=PeriodRules.for_period(period)
    )
    if form.is_valid():
        save_rules(form.instance, actor=user_of(request), request=request)
        messages.success(request, _("Aturan periode tersimpan."))
        return redirect(_rules_url(period))

    return render(
        request,
        "verification/rules.html",
        {
            "period": period,
            "periods": Period.objects.all(),
            "form": form,
            "quota_form": SchoolQuotaForm(),
            "quotas": quota_overview(period),
        },
    )


@role_required(Role.DINAS_ADMIN)
@require_POST
def quota_save(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    form = SchoolQuotaForm(request.POST)
    if form.is_valid():
        save_quota(
            period,
            form.cleaned_data["school"],
            form.cleaned_data["quota"],
            note=form.cleaned_data["note"],
            actor=user_of(request),
            request=request,
        )
        messages.success(request, _("Kuota sekolah tersimpan."))
    else:
        messages.error(request, _("Kuota tidak tersimpan: periksa isian."))
    return redirect(_rules_url(period))


@role_required(Role.DINAS_ADMIN)
@require_POST
def quota_delete(request: HttpRequest, pk: int) -> HttpResponse:
    quota = get_object_or_404(SchoolQuota.objects.select_related("period"), pk=pk)
    delete_quota(quota, request=request)
    messages.success(request, _("Kuota sekolah kembali ke kuota periode."))
    return redirect(_rules_url(quota.period))

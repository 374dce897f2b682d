"""The SOP dashboard and the progress report: read-only pages for the Dinas
administrator and the Kepala Dinas."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from balangan_pintar.roles import Role, role_required

from .forms import DashboardFilter, ProgressFilter
from .services import exports
from .services.dashboard import build_dashboard
from .services.progress import build_progress, report_charts

READERS = (Role.DINAS_ADMIN, Role.KEPALA_DINAS)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(*READERS)
@require_GET
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilter(request.GET, today=timezone.localdate())
    choice = form.choice()
    data = None
    if choice.period is not None:
        data = build_dashboard(
            choice.period,
            choice.first_day,
            choice.last_day,
            measure=choice.measure,
            now=timezone.now(),
        )
    return render(request, "reports/dashboard.html", {"form": form, "dashboard": data})


@role_required(*READERS)
@require_GET
@never_cache
def progress(request: HttpRequest) -> HttpResponse:
    form = ProgressFilter(request.GET)
    period = form.period()
    report = build_progress(period, now=timezone.now()) if period else None
    return render(
        request,
        "reports/progress.html",
        {
            "form": form,
            "report": report,
            "charts": report_charts(report) if report else {},
            "query": request.GET.urlencode(),
        },
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*READERS)
@require_GET
@never_cache
def progress_xlsx(request: HttpRequest) -> HttpResponse:
    period = ProgressFilter(request.GET).period()
    if period is None:
        raise Http404(_("Belum ada periode program."))
    report = build_progress(period, now=timezone.now())
    return _download(
        exports.progress_workbook(report), XLSX, exports.filename(report, "xlsx")
    )


@role_required(*READERS)
@require_GET
@never_cache
def progress_pdf(request: HttpRequest) -> HttpResponse:
    period = ProgressFilter(request.GET).period()
    if period is None:
        raise Http404(_("Belum ada periode program."))
    report = build_progress(period, now=timezone.now())
    return _download(
        exports.progress_pdf(report), "application/pdf", exports.filename(report, "pdf")
    )

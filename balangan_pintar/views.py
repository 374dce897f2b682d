from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .jobs import retry_job
from .models import SOP, Job, Period
from .roles import primary_role, school_id_of
from .worklist import submissions_waiting, waiting_work


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    period = Period.objects.active()
    school = None
    if school_id_of(request.user) is not None:
        school = request.user.school_operator.school  # type: ignore[union-attr]

    return render(
        request,
        "balangan_pintar/home.html",
        {
            "period": period,
            "role": primary_role(request.user),
            "school": school,
            "work": waiting_work(request.user, period),
            "submissions": submissions_waiting(request.user, period),
        },
    )


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """The job's progress page; htmx asks for the progress fragment alone."""
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    template = "balangan_pintar/job_detail.html"
    if request.headers.get("HX-Request"):
        template = "snippets/job_progress.html"
    response = render(request, template, {"job": job})
    if job.is_finished and job.result_url and request.headers.get("HX-Request"):
        response["HX-Redirect"] = job.result_url
    return response


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: str) -> HttpResponse:
    """Send a failed job again, e.g. after the job queue was unreachable."""
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    if retry_job(job):
        messages.success(request, _("Pekerjaan dikirim ulang."))
    else:
        messages.info(request, _("Pekerjaan ini tidak dapat diulang."))
    return redirect("job-detail", pk=job.pk)


@require_GET
def sop_document(request: HttpRequest) -> HttpResponse:
    """The SOP as the district wrote it; public like the printed document."""
    sop = SOP.objects.in_force()
    return render(request, "balangan_pintar/sop.html", {"sop": sop})

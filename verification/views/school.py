"""The school's side of verification: decisions and reasons on its own
candidates, the SKTM upload, and sending returned candidates again."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balangan_pintar.audit import record
from balangan_pintar.models import Period
from balangan_pintar.roles import Role, role_required
from students.models import Candidate, Status
from students.services.pipeline import TransitionRefused

from ..forms import DocumentForm, ResendForm
from ..models import SupportingDocument
from ..services.documents import DocumentRefused, store_document
from ..services.school import (
    resend,
    school_candidates,
    school_counts,
    school_rows,
)
from .common import READ_ROLES, period_of, user_of


@role_required(Role.SCHOOL_OPERATOR)
@require_GET
@never_cache
def school_decisions(request: HttpRequest) -> HttpResponse:
    period = period_of(Period.objects.active())
    candidates = school_candidates(request.user, period)
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    counts = school_counts(request.user, period)

    return render(
        request,
        "verification/school_decisions.html",
        {
            "period": period,
            "page": page,
            "rows": school_rows(list(page.object_list)),
            "counts": counts,
            "count_labels": [(Status(s).label, n) for s, n in counts.items()],
        },
    )


@role_required(Role.SCHOOL_OPERATOR)
@require_POST
def resend_candidates(request: HttpRequest) -> HttpResponse:
    period = period_of(Period.objects.active())
    ids = [int(pk) for pk in request.POST.getlist("candidates") if pk.isdigit()]
    form = ResendForm(request.POST, choices=ids)
    if not form.is_valid():
        messages.error(request, _("Pilih calon yang akan dikirim ulang."))
        return redirect("verification:school-decisions")

    try:
        submission = resend(request.user, period, form.cleaned_data["candidates"])
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        count = submission.candidates.count()
        record(request, "submission.resend", submission, candidates=count)
        messages.success(
            request,
            _("%(count)s calon dikirim ulang ke Dinas.") % {"count": count},
        )
    return redirect("verification:school-decisions")


@role_required(Role.SCHOOL_OPERATOR)
@require_http_methods(["GET", "POST"])
@never_cache
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    found = Candidate.objects.for_user(request.user).select_related("student")
    candidate = get_object_or_404(found, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            store_document(
                candidate,
                form.cleaned_data["file"],
                actor=user_of(request),
                request=request,
            )
        except DocumentRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            messages.success(request, _("SKTM tersimpan."))
            return redirect("verification:school-decisions")

    return render(
        request,
        "verification/document_upload.html",
        {
            "candidate": candidate,
            "form": form,
            "documents": SupportingDocument.objects.filter(candidate=candidate),
        },
    )


@role_required(Role.SCHOOL_OPERATOR, *READ_ROLES)
@require_GET
@never_cache
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, to its school and the Dinas only, never cached, always as a
    download: an uploaded PDF is not opened inside the application."""
    allowed = Candidate.objects.for_user(request.user)
    found = SupportingDocument.objects.filter(candidate__in=allowed)
    document = get_object_or_404(found.select_related("candidate"), pk=pk)
    record(
        request,
        "document.view",
        document,
        student_id=document.candidate.student_id,
    )

    with document.file.open("rb") as file:
        response = HttpResponse(file.read(), content_type=document.content_type)
    name = f"{document.kind}-{document.candidate_id}.{document.extension}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store, private"
    return response

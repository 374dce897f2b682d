import io
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from balangan_pintar import audit
from balangan_pintar.jobs import enqueue
from balangan_pintar.roles import Role, role_required, school_id_of
from students.dapodik import write_template

from ..forms import UploadForm
from ..models import Upload
from ..services.upload import receive_upload
from ..tasks import process_upload
from .access import STUDENT_ROLES, operator_school

ISSUES_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(Role.SCHOOL_OPERATOR)
@require_http_methods(["GET", "POST"])
def upload_students(request: HttpRequest) -> HttpResponse:
    """The school's upload page; a sent file is read by a background job."""
    school = operator_school(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
    else:
        form = UploadForm()
    if form.is_bound and form.is_valid():
        sent = form.cleaned_data["file"]
        upload = receive_upload(
            school, sent.chunks(), sent.name or "", user=request.user
        )
        with transaction.atomic():
            audit.record(request, "upload.create", upload, size=upload.size)
            assert upload.job is not None  # noqa: S101 - receive_upload makes it
            enqueue(upload.job, process_upload)
        return redirect("job-detail", pk=upload.job.pk)

    recent = Upload.objects.filter(school=school).select_related("job")[:5]
    return render(
        request,
        "students/upload.html",
        {
            "form": form,
            "school": school,
            "recent": recent,
            "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


@role_required(*STUDENT_ROLES)
@require_GET
def upload_list(request: HttpRequest) -> HttpResponse:
    uploads = Upload.objects.for_user(request.user).select_related("school", "job")
    page = Paginator(uploads, 50).get_page(request.GET.get("page"))
    return render(request, "students/upload_list.html", {"page": page})


@role_required(*STUDENT_ROLES)
@require_GET
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What reading the file found: counts, and the issues row by row."""
    upload = get_object_or_404(
        Upload.objects.for_user(request.user).select_related("school", "job"), pk=pk
    )
    issues = Paginator(upload.issue_list(), ISSUES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # The issues quote the cells as read: pupils' identifiers among them.
    audit.record(request, "upload.view", upload, page=issues.number)
    return render(
        request,
        "students/upload_detail.html",
        {
            "upload": upload,
            "issues": issues,
            "own_school": school_id_of(request.user) == upload.school_id,
        },
    )


@role_required(*STUDENT_ROLES)
@require_GET
@never_cache
def upload_annotated(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file back with its "Keterangan" column."""
    upload = get_object_or_404(
        Upload.objects.for_user(request.user).select_related("school"), pk=pk
    )
    path = upload.annotated_path
    if path is None or not path.exists():
        raise Http404
    audit.record(request, "upload.download_annotated", upload)
    # The name from the school's computer goes back only to the school.
    stem = f"daftar-peserta-didik-{upload.school.npsn}"
    if school_id_of(request.user) == upload.school_id:
        stem = Path(upload.original_name).stem or stem
    return _xlsx(path.read_bytes(), f"{stem}-keterangan.xlsx")


@role_required(*STUDENT_ROLES)
@require_GET
@never_cache
def upload_template(request: HttpRequest) -> HttpResponse:
    """The empty pupil-list template for madrasahs and other schools."""
    out = io.BytesIO()
    write_template(out)
    return _xlsx(out.getvalue(), "templat-daftar-peserta-didik.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

"""The approved recipients as the annex of the Kepala Dinas's decree."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from balangan_pintar.audit import record
from balangan_pintar.roles import role_required

from ..forms import RecipientsForm
from ..models import LampiranExport
from ..services.lampiran import Lampiran, recipients, start_pdf, to_xlsx
from .common import EXPORT_ROLES, period_of, user_of, without

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The page previews this many rows; the downloads hold them all.
PREVIEW_ROWS = 100


def _lampiran(
    request: HttpRequest, first: int | None = None
) -> tuple[RecipientsForm, Lampiran]:
    form = RecipientsForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    lampiran = recipients(
        period_of(data.get("periode")),
        school=data.get("sekolah"),
        kecamatan=data.get("kecamatan"),
        first=first,
    )
    return form, lampiran


def _file_name(request: HttpRequest, lampiran: Lampiran, extension: str) -> str:
    parts = ["lampiran-sk-kbp", str(lampiran.period.year)]
    for name in ("kecamatan", "sekolah"):
        value = request.GET.get(name, "")
        if value.isdigit():
            parts.append(f"{name}-{value}")
    return "-".join(parts) + "." + extension


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


@role_required(*EXPORT_ROLES)
@require_GET
@never_cache
def recipients_page(request: HttpRequest) -> HttpResponse:
    form, lampiran = _lampiran(request, first=PREVIEW_ROWS)
    return render(
        request,
        "verification/recipients.html",
        {"form": form, "lampiran": lampiran, "query": without(request.GET)},
    )


@role_required(*EXPORT_ROLES)
@require_GET
def recipients_xlsx(request: HttpRequest) -> HttpResponse:
    form, lampiran = _lampiran(request)
    data = form.cleaned_data if form.is_valid() else {}
    school, kecamatan = data.get("sekolah"), data.get("kecamatan")
    # The scope says whose names the file lists, for a pupil's audit trail.
    record(
        request,
        "recipients.export",
        lampiran.period,
        format="xlsx",
        school=school.pk if school else None,
        kecamatan=kecamatan.pk if kecamatan and not school else None,
    )
    return _download(to_xlsx(lampiran), XLSX, _file_name(request, lampiran, "xlsx"))


@role_required(*EXPORT_ROLES)
@require_POST
def recipients_pdf(request: HttpRequest) -> HttpResponse:
    """A district's list takes the renderer longer than a request should:
    a worker makes the PDF while the job page shows its progress."""
    form = RecipientsForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    job = start_pdf(
        period_of(data.get("periode")),
        school=data.get("sekolah"),
        kecamatan=data.get("kecamatan"),
        user=user_of(request),
    )
    return redirect("job-detail", pk=job.pk)


@role_required(*EXPORT_ROLES)
@require_GET
def lampiran_download(request: HttpRequest, pk: int) -> HttpResponse:
    found = LampiranExport.objects.for_user(request.user).exclude(file="")
    export = get_object_or_404(found.select_related("period"), pk=pk)
    record(
        request,
        "recipients.export",
        export.period,
        format="pdf",
        school=export.school_id,
        kecamatan=export.kecamatan_id if export.school_id is None else None,
    )

    with export.file.open("rb") as file:
        content = file.read()
    name = f"lampiran-sk-kbp-{export.period.year}-{export.pk}.pdf"
    return _download(content, "application/pdf", name)

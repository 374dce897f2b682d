"""The audit trail for the Dinas administrator: a search over every entry,
and the trail of one pupil with its Excel and PDF exports.

These pages sit in reports, the top layer, because a pupil's trail is found
through every app's models (candidacies, decisions, bank rows, cards,
handovers); the base app, which writes the entries, knows none of them.
Entries are only read here: the model refuses changes and deletion.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from balangan_pintar.audit import record
from balangan_pintar.roles import Role, role_required
from students.models import Student

from .audit_forms import AuditSearchForm, PersonFindForm
from .services import audit_exports
from .services.audit_trail import (
    FIND_LIMIT,
    entry_page,
    find_students,
    same_person,
    search,
    trail,
)

TRAIL_PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in ("setelah", "sebelum"):
        query.pop(name, None)
    return query.urlencode()


@role_required(Role.DINAS_ADMIN)
@require_GET
@never_cache
def search_page(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET)
    page = None
    if form.is_valid():
        filters = form.filters()
        for student in filters.students or []:
            # Reading a pupil's entries is reading about the pupil.
            record(request, "audit.search", student, student_id=student.pk)
        page = entry_page(
            search(filters),
            after=request.GET.get("setelah"),
            before=request.GET.get("sebelum"),
        )
    return render(
        request,
        "reports/audit/search.html",
        {
            "form": form,
            "page": page,
            "rows": audit_exports.entry_rows(page.entries) if page else [],
            "students": form.cleaned_data.get("nisn") if page else None,
            "query": _query_without_cursor(request),
        },
    )


@role_required(Role.DINAS_ADMIN)
@require_http_methods(["GET", "POST"])
@never_cache
def person_find(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST searches, so that a NIK never lands in a
    URL. The results link to the trail by the pupil's id."""
    form = PersonFindForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid():
        kind, results = find_students(form.cleaned_data["q"])
        # What was searched for is not kept, only how, and how many came up.
        record(request, "audit.person_search", kind=kind, found=len(results))
    return render(
        request,
        "reports/audit/person_find.html",
        {
            "form": form,
            "results": results[:FIND_LIMIT] if results is not None else None,
            "more_results": results is not None and len(results) > FIND_LIMIT,
        },
    )


def _student(pk: int) -> Student:
    return get_object_or_404(Student.objects.select_related("school"), pk=pk)


@role_required(Role.DINAS_ADMIN)
@require_GET
@never_cache
def trail_page(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(pk)
    # Written first, so that the page shows its own viewing too.
    record(request, "audit.trail_view", student, student_id=student.pk)
    about, entries = trail(student)
    page = Paginator(entries, TRAIL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/audit/trail.html",
        {
            "student": student,
            "page": page,
            "rows": audit_exports.entry_rows(page.object_list, about),
            "others": same_person(student),
        },
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    student = _student(pk)
    record(
        request,
        "audit.trail_export",
        student,
        student_id=student.pk,
        format=file_format,
    )
    about, entries = trail(student)
    rows = audit_exports.entry_rows(entries, about)
    made_at = timezone.now()
    name = audit_exports.filename(student, made_at, file_format)
    if file_format == "xlsx":
        content = audit_exports.trail_workbook(student, rows, made_at)
        return _download(content, XLSX, name)
    content = audit_exports.trail_pdf(student, rows, made_at)
    return _download(content, "application/pdf", name)


@role_required(Role.DINAS_ADMIN)
@require_GET
@never_cache
def trail_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "xlsx")


@role_required(Role.DINAS_ADMIN)
@require_GET
@never_cache
def trail_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "pdf")

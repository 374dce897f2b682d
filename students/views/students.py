from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from balangan_pintar.audit import record
from balangan_pintar.roles import role_required, school_id_of

from ..forms import StudentFilterForm
from ..models import Student
from ..services.selection import dtks_status, dtks_statuses, filter_by_dtks
from .access import STUDENT_ROLES


@role_required(*STUDENT_ROLES)
@require_GET
def student_list(request: HttpRequest) -> HttpResponse:
    students: QuerySet[Student] = Student.objects.for_user(request.user)
    students = students.select_related("school")
    filters = StudentFilterForm(request.GET)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    query = wanted.get("q", "").strip()
    if query:
        students = students.filter(Q(name__icontains=query) | Q(nisn=query))
    if wanted.get("listed"):
        students = students.filter(is_listed=wanted["listed"] == "yes")
    if wanted.get("dtks"):
        students = filter_by_dtks(students, wanted["dtks"])

    page = Paginator(students.order_by("name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    shown = list(page)
    statuses = dtks_statuses(shown)
    return render(
        request,
        "students/student_list.html",
        {
            "page": page,
            "rows": [(student, statuses[student.pk]) for student in shown],
            "filters": filters,
            "filtered": bool(query or wanted.get("listed") or wanted.get("dtks")),
            "user_is_operator": school_id_of(request.user) is not None,
        },
    )


@role_required(*STUDENT_ROLES)
@require_GET
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(Student.objects.for_user(request.user), pk=pk)
    record(request, "student.view", student, student_id=student.pk)
    candidates = student.candidates.select_related("period").prefetch_related("events")
    return render(
        request,
        "students/student_detail.html",
        {"student": student, "candidates": candidates, "dtks": dtks_status(student)},
    )

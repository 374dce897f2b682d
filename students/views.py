from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from balangan_pintar.roles import Role, role_required

from .models import Student

STUDENT_ROLES = (Role.SCHOOL_OPERATOR, Role.VERIFIER, Role.DINAS_ADMIN)


@role_required(*STUDENT_ROLES)
@require_GET
def student_list(request: HttpRequest) -> HttpResponse:
    students = Student.objects.for_user(request.user).select_related("school")
    query = request.GET.get("q", "").strip()
    if query:
        students = students.filter(
            Q(name__icontains=query) | Q(nisn=query) | Q(nik=query)
        )
    page = Paginator(students.order_by("name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "students/student_list.html", {"page": page, "q": query})


@role_required(*STUDENT_ROLES)
@require_GET
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(Student.objects.for_user(request.user), pk=pk)
    candidates = student.candidates.select_related("period").prefetch_related("events")
    return render(
        request,
        "students/student_detail.html",
        {"student": student, "candidates": candidates},
    )

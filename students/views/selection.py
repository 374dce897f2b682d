from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from balangan_pintar.models import Period
from balangan_pintar.roles import Role, role_required

from ..forms import SelectionForm
from ..models import Submission
from ..services.pipeline import TransitionRefused
from ..services.selection import places_used, selection_rows, send_to_dinas
from .access import operator_school


@role_required(Role.SCHOOL_OPERATOR)
@require_http_methods(["GET", "POST"])
def selection(request: HttpRequest) -> HttpResponse:
    """The school chooses its candidates and sends them to the Dinas."""
    school = operator_school(request)
    period = Period.objects.active()
    if period is None:
        return render(request, "students/selection.html", {"school": school})

    data = request.POST if request.method == "POST" else None
    form = SelectionForm(selection_rows(school, period), data)
    if form.is_bound and form.is_valid():
        try:
            submission = send_to_dinas(
                school, period, form.choices(), actor=request.user
            )
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            count = submission.candidates.count()
            messages.success(
                request,
                _("%(count)s calon penerima terkirim ke Dinas.") % {"count": count},
            )
            return redirect("students:selection")

    submissions = Submission.objects.filter(school=school, period=period).annotate(
        count=Count("candidates")
    )
    return render(
        request,
        "students/selection.html",
        {
            "school": school,
            "period": period,
            "form": form,
            "entries": form.entries(),
            "places_used": places_used(school, period),
            "submissions": submissions,
        },
    )

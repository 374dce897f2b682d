"""The DTKS pages: the snapshots with their counts and problems, the import,
the district's matching and a summary per school. Dinas administrators
manage them; verifiers read them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balangan_pintar import audit
from balangan_pintar.jobs import enqueue
from balangan_pintar.roles import Role, has_role, role_required

from . import conf
from .forms import ImportForm
from .models import Snapshot
from .review import latest_snapshot
from .services.importing import can_delete, delete_snapshot, receive_register
from .services.matching import start_district_match
from .services.overview import (
    latest_match_job,
    problem_kinds,
    school_rows,
    snapshot_counts,
    snapshot_rows,
)
from .tasks import import_register

READERS = (Role.DINAS_ADMIN, Role.VERIFIER)
PROBLEMS_PER_PAGE = 100


@role_required(*READERS)
@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dtks/snapshot_list.html",
        {
            "rows": snapshot_rows(),
            "can_manage": has_role(request.user, Role.DINAS_ADMIN),
            "match_job": latest_match_job(),
        },
    )


@role_required(*READERS)
@require_GET
@never_cache
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A snapshot's counts and its problems row by row; the problems show
    the cells as read, personal data among them."""
    snapshot = get_object_or_404(Snapshot.objects.select_related("job"), pk=pk)
    problems = Paginator(
        snapshot.problems.order_by("row_number", "pk"), PROBLEMS_PER_PAGE
    )
    current = latest_snapshot()
    return render(
        request,
        "dtks/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "is_current": current is not None and current.pk == snapshot.pk,
            "counts": snapshot_counts(snapshot),
            "kinds": problem_kinds(snapshot),
            "problems": problems.get_page(request.GET.get("page")),
            "can_manage": has_role(request.user, Role.DINAS_ADMIN),
            "can_delete": can_delete(snapshot),
        },
    )


@role_required(Role.DINAS_ADMIN)
@require_http_methods(["GET", "POST"])
def snapshot_import(request: HttpRequest) -> HttpResponse:
    """The import form; the file is read by a background job."""
    form = (
        ImportForm(request.POST, request.FILES)
        if request.method == "POST"
        else ImportForm()
    )
    if form.is_bound and form.is_valid():
        sent = form.cleaned_data["file"]
        with transaction.atomic():
            snapshot = receive_register(
                sent.chunks(),
                sent.name or "",
                user=request.user,
                label=form.cleaned_data["label"],
            )
            audit.record(request, "dtks.upload", snapshot, size=sent.size)
            assert snapshot.job is not None  # noqa: S101 - receive_register makes it
            enqueue(snapshot.job, import_register)
        return redirect("job-detail", pk=snapshot.job.pk)

    return render(
        request,
        "dtks/snapshot_import.html",
        {"form": form, "max_mb": conf.upload_max_bytes() // conf.MEGABYTE},
    )


@role_required(Role.DINAS_ADMIN)
@require_http_methods(["GET", "POST"])
def snapshot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then remove a snapshot with its people, problems and matches."""
    snapshot = get_object_or_404(Snapshot.objects.select_related("job"), pk=pk)
    if not can_delete(snapshot):
        messages.error(request, _("Snapshot ini masih diimpor; tunggu sampai selesai."))
        return redirect("dtks:snapshot-detail", pk=snapshot.pk)
    if request.method == "POST":
        label = snapshot.label
        delete_snapshot(snapshot, user=request.user)
        messages.success(request, _("Snapshot %(label)s dihapus.") % {"label": label})
        return redirect("dtks:snapshot-list")
    return render(request, "dtks/snapshot_delete.html", {"snapshot": snapshot})


@role_required(Role.DINAS_ADMIN)
@require_POST
def match_district(request: HttpRequest) -> HttpResponse:
    """Match every listed student against the newest snapshot, in a job."""
    if latest_snapshot() is None:
        messages.error(request, _("Belum ada snapshot DTKS yang selesai diimpor."))
        return redirect("dtks:snapshot-list")
    with transaction.atomic():
        job = start_district_match(user=request.user)
        audit.record(request, "dtks.match_district", job)
    return redirect("job-detail", pk=job.pk)


@role_required(*READERS)
@require_GET
def school_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Per school: its listed students and how they matched the snapshot."""
    snapshot = get_object_or_404(Snapshot, pk=pk, is_complete=True)
    return render(
        request,
        "dtks/school_summary.html",
        {"snapshot": snapshot, "rows": school_rows(snapshot)},
    )

"""Pages of the exchange with Bank Kalsel. The Dinas administrator makes and
sends batches and follows them up; the bank officer sees only sent batches,
only the fields sent, and records the bank's answers."""

from datetime import date
from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balangan_pintar.audit import record
from balangan_pintar.models import Period
from balangan_pintar.roles import Role, has_role, role_required

from . import services
from .formats import ChangeKind, RowState
from .forms import (
    BatchCreateForm,
    OpenAccountForm,
    RejectForm,
    RequeueForm,
    ReturnUploadForm,
)
from .models import BankBatch, BatchRow, FileKind, ReturnUpload

BATCH_ROLES = (Role.DINAS_ADMIN, Role.BANK_OFFICER)
ROWS_PER_PAGE = 100
FILE_ORDER = [FileKind.XLSX, FileKind.CSV, FileKind.CONTROL]


def _user(request: HttpRequest) -> User:
    # role_required has let only signed-in users through.
    return cast(User, request.user)


def _batch(request: HttpRequest, pk: int) -> BankBatch:
    """The batch if the user may see it; a bank officer asking for a draft
    gets the same 404 as for a batch that does not exist."""
    batches = BankBatch.objects.for_user(request.user).select_related(
        "period", "kecamatan", "created_by", "sent_by"
    )
    return get_object_or_404(batches, pk=pk)


def _period(request: HttpRequest) -> Period:
    year = request.GET.get("periode", "")
    period = Period.objects.filter(year=year).first() if year.isdigit() else None
    period = period or Period.objects.active() or Period.objects.first()
    if period is None:
        raise Http404
    return period


def _attachment(name: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*BATCH_ROLES)
@require_GET
@never_cache
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = (
        BankBatch.objects.for_user(request.user)
        .select_related("period", "kecamatan")
        .annotate(
            row_count=Count("rows"),
            pending=Count("rows", filter=Q(rows__state=RowState.PENDING)),
        )
        .order_by("-created_at", "-pk")
    )
    period = Period.objects.active()
    is_dinas = has_role(_user(request), Role.DINAS_ADMIN)
    return render(
        request,
        "bank_exchange/batch_list.html",
        {
            "page": Paginator(batches, 50).get_page(request.GET.get("page")),
            "is_dinas": is_dinas,
            "period": period,
            "available": services.availability(period) if is_dinas and period else None,
        },
    )


@role_required(Role.DINAS_ADMIN)
@require_http_methods(["GET", "POST"])
@never_cache
def batch_create(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    form = BatchCreateForm(request.POST or None, initial={"period": period})
    if form.is_valid():
        period = form.cleaned_data["period"]
        try:
            batch = services.create_batch(
                period,
                _user(request),
                form.cleaned_data["kecamatan"],
                form.cleaned_data["jenjang"],
            )
        except services.BankExchangeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Draf batch dibuat."))
            return redirect("bank_exchange:batch-detail", pk=batch.pk)

    return render(
        request,
        "bank_exchange/batch_create.html",
        {
            "form": form,
            "period": period,
            "periods": Period.objects.all(),
            "available": services.availability(period),
        },
    )


@role_required(*BATCH_ROLES)
@require_GET
@never_cache
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    rows = batch.rows.select_related("account", "candidate").order_by("row_number")
    shown = request.GET.get("jawaban", "")
    if shown in RowState.values:
        rows = rows.filter(state=shown)

    pending = batch.rows.filter(state=RowState.PENDING).order_by("row_number")
    is_bank = has_role(_user(request), Role.BANK_OFFICER)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    # The rows show the pupils' NIKs and accounts.
    record(request, "bank_batch.view", batch, page=page.number, shown=shown)
    return render(
        request,
        "bank_exchange/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "shown": shown,
            "first_pending": pending.values_list("row_number", flat=True).first(),
            "states": RowState.choices,
            "totals": services.batch_totals(batch),
            "answers": dict(
                batch.rows.values_list("state").annotate(n=Count("pk")).order_by()
            ),
            "files": sorted(batch.files.all(), key=lambda f: FILE_ORDER.index(f.kind)),
            "downloads": batch.downloads.select_related("file", "user")[:20],
            "uploads": batch.return_uploads.select_related("uploaded_by")[:20],
            "is_bank": is_bank,
            "is_dinas": has_role(_user(request), Role.DINAS_ADMIN),
            "upload_form": ReturnUploadForm() if is_bank else None,
        },
    )


@role_required(Role.DINAS_ADMIN)
@require_http_methods(["GET", "POST"])
@never_cache
def batch_send(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if not batch.can_change():
        messages.info(request, _("Batch ini sudah dikirim."))
        return redirect("bank_exchange:batch-detail", pk=batch.pk)

    if request.method == "POST":
        try:
            sent = services.send_batch(batch, _user(request))
        except services.BankExchangeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Batch %(batch)s dikirim ke Bank Kalsel.") % {"batch": sent.number},
            )
            return redirect("bank_exchange:batch-detail", pk=sent.pk)

    return render(
        request,
        "bank_exchange/batch_send.html",
        {"batch": batch, "totals": services.batch_totals(batch)},
    )


@role_required(Role.DINAS_ADMIN)
@require_POST
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        services.discard_batch(batch, _user(request))
    except services.BankExchangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("bank_exchange:batch-detail", pk=batch.pk)

    messages.success(request, _("Draf batch dihapus."))
    return redirect("bank_exchange:batch-list")


@role_required(*BATCH_ROLES)
@require_GET
@never_cache
def batch_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    batch = _batch(request, pk)
    if kind not in FileKind.values:
        raise Http404

    try:
        download = services.record_download(batch, kind, _user(request))
    except services.BankExchangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("bank_exchange:batch-detail", pk=batch.pk)

    response = _attachment(download.name, download.content, download.content_type)
    response["X-Content-SHA256"] = download.sha256
    return response


@role_required(Role.BANK_OFFICER)
@require_http_methods(["GET", "POST"])
@never_cache
def row_answer(request: HttpRequest, pk: int, row_number: int) -> HttpResponse:
    batch = _batch(request, pk)
    rows = batch.rows.select_related("account", "candidate")
    row = get_object_or_404(rows, row_number=row_number)

    action = request.POST.get("action")
    open_form = OpenAccountForm(request.POST if action == "open" else None)
    reject_form = RejectForm(request.POST if action == "reject" else None)
    form = open_form if action == "open" else reject_form

    if request.method == "POST" and form.is_valid():
        try:
            _record_answer(request, row, action, form.cleaned_data)
        except services.BankExchangeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            following = _next_pending(row)
            if following is not None:
                return redirect(
                    "bank_exchange:row-answer", pk=batch.pk, row_number=following
                )
            return redirect("bank_exchange:batch-detail", pk=batch.pk)

    record(request, "bank_row.view", row, student_id=row.candidate.student_id)
    return render(
        request,
        "bank_exchange/row_answer.html",
        {
            "batch": batch,
            "row": row,
            "open_form": open_form,
            "reject_form": reject_form,
        },
    )


def _record_answer(
    request: HttpRequest, row: BatchRow, action: str | None, data: dict[str, object]
) -> None:
    user = _user(request)
    if action == "open":
        opened_on = cast(date, data["opened_on"])
        account_number = str(data["account_number"])
        services.open_account(row, account_number, opened_on, user)
        messages.success(
            request, _("Rekening baris %(row)s dicatat.") % {"row": row.row_number}
        )
    else:
        services.reject_row(row, str(data["reason"]), user)
        messages.success(
            request, _("Penolakan baris %(row)s dicatat.") % {"row": row.row_number}
        )


def _next_pending(row: BatchRow) -> int | None:
    following = (
        BatchRow.objects.filter(batch_id=row.batch_id, state=RowState.PENDING)
        .order_by("row_number")
        .values_list("row_number", flat=True)
    )
    return following.filter(row_number__gt=row.row_number).first() or following.first()


@role_required(Role.BANK_OFFICER)
@require_http_methods(["GET", "POST"])
@never_cache
def return_upload(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    form = ReturnUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.store_return_file(
                batch, form.cleaned_data["file"], _user(request)
            )
        except services.BankExchangeRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect(
                "bank_exchange:return-preview", pk=batch.pk, upload_pk=upload.pk
            )

    return render(
        request, "bank_exchange/return_upload.html", {"batch": batch, "form": form}
    )


@role_required(*BATCH_ROLES)
@require_GET
@never_cache
def return_preview(request: HttpRequest, pk: int, upload_pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    upload = get_object_or_404(
        ReturnUpload.objects.select_related("uploaded_by", "applied_by"),
        batch=batch,
        pk=upload_pk,
    )
    try:
        check = services.preview_return_file(upload)
    except services.BankExchangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("bank_exchange:batch-detail", pk=batch.pk)

    names = dict(batch.rows.values_list("row_number", "name"))
    record(request, "bank_return.view", upload, batch=batch.number)
    problems = [
        (p, names.get(p.row_number, "") if p.row_number else "") for p in check.problems
    ]
    return render(
        request,
        "bank_exchange/return_preview.html",
        {
            "batch": batch,
            "upload": upload,
            "check": check,
            "changes": [(c, names.get(c.row_number, "")) for c in check.changes],
            "problems": problems,
            "has_dates": any(c.opened_on for c in check.changes),
            "counts": {
                "open": check.count(ChangeKind.OPEN),
                "reject": check.count(ChangeKind.REJECT),
                "unchanged": check.count(ChangeKind.UNCHANGED),
            },
            "is_bank": has_role(_user(request), Role.BANK_OFFICER),
        },
    )


@role_required(Role.BANK_OFFICER)
@require_POST
def return_apply(request: HttpRequest, pk: int, upload_pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    upload = get_object_or_404(ReturnUpload, batch=batch, pk=upload_pk)
    try:
        result = services.apply_return_file(upload, _user(request))
    except services.BankExchangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(
            "bank_exchange:return-preview", pk=batch.pk, upload_pk=upload.pk
        )

    if result.already_applied:
        messages.info(
            request, _("Berkas ini sudah diterapkan sebelumnya; tidak ada yang diubah.")
        )
    else:
        messages.success(
            request,
            _(
                "Berkas diterapkan: %(opened)s rekening dibuka, %(rejected)s ditolak, "
                "%(unchanged)s tidak berubah."
            )
            % {
                "opened": result.opened,
                "rejected": result.rejected,
                "unchanged": result.unchanged,
            },
        )
    return redirect("bank_exchange:batch-detail", pk=batch.pk)


@role_required(Role.DINAS_ADMIN)
@require_http_methods(["GET", "POST"])
@never_cache
def rejected_list(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    candidates = services.bank_rejected(period)
    form = RequeueForm(request.POST or None, choices=[c.pk for c in candidates])
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.requeue_bank_rejected(
                form.cleaned_data["candidates"],
                _user(request),
                note=form.cleaned_data["note"],
            )
        except services.BankExchangeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(count)s siswa akan masuk batch berikutnya.") % {"count": moved},
            )
            return redirect(f"{request.path}?periode={period.year}")

    return render(
        request,
        "bank_exchange/rejected_list.html",
        {
            "period": period,
            "periods": Period.objects.all(),
            "candidates": candidates,
            "form": form,
        },
    )


@role_required(Role.DINAS_ADMIN, Role.KEPALA_DINAS)
@require_GET
@never_cache
def reconciliation(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    return render(
        request,
        "bank_exchange/reconciliation.html",
        {
            "period": period,
            "periods": Period.objects.all(),
            "result": services.reconcile_period(period),
        },
    )


@role_required(Role.DINAS_ADMIN, Role.KEPALA_DINAS)
@require_GET
@never_cache
def reconciliation_download(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    content = services.reconciliation_xlsx(period)
    record(request, "reconciliation.export", period, format="xlsx")
    return _attachment(
        f"rekonsiliasi-bank-{period.year}.xlsx",
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

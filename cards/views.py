"""The bank's card pages (SOP step 6) and the public verification page.

The bank officer issues the cards of a sent batch whose accounts are open,
renders them to PDF in the background, downloads and prints the PDF, and
confirms the printing. The verification page is public and shows only
whether a card is valid, its holder's masked name, school and year.
"""

import logging
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

from balangan_pintar.audit import client_ip, record
from balangan_pintar.roles import Role, role_required
from bank_exchange.formats import RowState
from bank_exchange.models import BankBatch
from students.models import Status

from . import services
from .forms import ConfirmPrintForm, PrintRunForm, ReissueForm
from .models import Card, CardState, PrintRun
from .status import throttle

logger = logging.getLogger(__name__)

VERIFY_LIMIT = throttle.Limit("verify", attempts=30, seconds=10 * 60)
CARDS_PER_PAGE = 100


def _user(request: HttpRequest) -> User:
    # role_required has let only signed-in users through.
    return cast(User, request.user)


def _batch(request: HttpRequest, pk: int) -> BankBatch:
    """A sent batch the user may see; a draft gets the same 404 as a batch
    that does not exist."""
    batches = BankBatch.objects.for_user(request.user).sent()
    return get_object_or_404(batches.select_related("period"), pk=pk)


def _run(request: HttpRequest, pk: int) -> PrintRun:
    runs = PrintRun.objects.for_user(request.user).select_related("bank_batch", "job")
    return get_object_or_404(runs, pk=pk)


@role_required(Role.BANK_OFFICER)
@require_GET
@never_cache
def card_list(request: HttpRequest) -> HttpResponse:
    valid = ~Q(cards__state=CardState.VOID) & Q(cards__isnull=False)
    batches = (
        BankBatch.objects.for_user(request.user)
        .sent()
        .annotate(
            opened=Count("rows", filter=Q(rows__state=RowState.OPENED), distinct=True),
            issued=Count("cards", filter=valid, distinct=True),
            printed=Count(
                "cards", filter=Q(cards__state=CardState.PRINTED), distinct=True
            ),
        )
        .filter(opened__gt=0)
        .select_related("period")
        .order_by("-sent_at", "-pk")
    )
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    return render(request, "cards/card_list.html", {"page": page})


@role_required(Role.BANK_OFFICER)
@require_GET
@never_cache
def batch_cards(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    cards = (
        Card.objects.filter(bank_batch=batch)
        .select_related("candidate__student", "candidate__school")
        .order_by("number")
    )
    context = {
        "batch": batch,
        "page": Paginator(cards, CARDS_PER_PAGE).get_page(request.GET.get("page")),
        "runs": PrintRun.objects.filter(bank_batch=batch).select_related("job"),
        "waiting": batch.rows.filter(
            candidate__status=Status.ACCOUNT_OPENED, candidate__cards__isnull=True
        ).count(),
        "render_form": PrintRunForm(),
        "reissue_form": ReissueForm(),
    }
    return render(request, "cards/batch_cards.html", context)


@role_required(Role.BANK_OFFICER)
@require_POST
def batch_issue(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    result = services.issue_cards(batch, _user(request))
    messages.success(
        request,
        _("%(issued)s kartu diterbitkan; %(already)s siswa sudah memiliki kartu.")
        % {"issued": len(result.issued), "already": result.already},
    )
    return redirect("cards:batch-cards", pk=batch.pk)


@role_required(Role.BANK_OFFICER)
@require_POST
def batch_render(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    form = PrintRunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih tata letak cetak."))
        return redirect("cards:batch-cards", pk=batch.pk)
    try:
        run = services.start_print_run(
            batch, form.cleaned_data["layout"], _user(request)
        )
    except services.CardRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("cards:batch-cards", pk=batch.pk)
    assert run.job_id is not None  # noqa: S101 - start_print_run always makes one
    # The PDF will hold every card's holder, number and account.
    record(request, "print_run.create", run, layout=run.layout, cards=run.card_count)
    return redirect("job-detail", pk=run.job_id)


@role_required(Role.BANK_OFFICER)
@require_GET
@never_cache
def print_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    context = {"run": run, "confirm_form": ConfirmPrintForm()}
    return render(request, "cards/print_run.html", context)


@role_required(Role.BANK_OFFICER)
@require_GET
@never_cache
def print_run_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not run.is_rendered:
        raise Http404
    services.record_download(run, _user(request))
    with run.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kartu-kbp-{run.pk}.pdf"'
    return response


@role_required(Role.BANK_OFFICER)
@require_http_methods(["POST"])
def print_run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    form = ConfirmPrintForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi jumlah kartu rusak dan dicetak ulang."))
        return redirect("cards:print-run", pk=run.pk)
    try:
        moved = services.confirm_print_run(
            run,
            form.cleaned_data["spoiled"],
            form.cleaned_data["reprinted"],
            _user(request),
        )
    except services.CardRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("Pencetakan dikonfirmasi: %(n)s kartu dicetak.") % {"n": moved}
        )
    return redirect("cards:print-run", pk=run.pk)


@role_required(Role.BANK_OFFICER)
@require_POST
def card_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(
        Card.objects.for_user(request.user).filter(bank_batch__isnull=False), pk=pk
    )
    form = ReissueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan penerbitan ulang wajib diisi."))
    else:
        try:
            new = services.reissue_card(
                card, form.cleaned_data["reason"], _user(request)
            )
        except services.CardRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, _("Kartu baru %(number)s diterbitkan.") % {"number": new}
            )
    return redirect("cards:batch-cards", pk=card.bank_batch_id)


@require_GET
@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The page a card's QR code opens: public, no login."""
    attempts = throttle.hit(VERIFY_LIMIT, client_ip(request) or "unknown")
    if attempts > VERIFY_LIMIT.attempts:
        logger.warning("card verification refused: client limit reached")
        context = {"limited": True, "minutes": VERIFY_LIMIT.minutes}
        return render(request, "cards/verify.html", context, status=429)

    answer = services.verify_card(token)
    status = 200 if answer is not None else 404
    return render(request, "cards/verify.html", {"answer": answer}, status=status)

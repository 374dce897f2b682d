"""Pages of the handover (SOP step 7) for the school operator, who hands out
their own school's cards, and the Dinas administrator, who follows every
school and may record for any of them."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
)
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balangan_pintar.audit import record
from balangan_pintar.models import Period
from balangan_pintar.roles import Role, role_required, school_id_of
from students.models import School

from ..models import Card, CardQuerySet, CardState
from . import register as registers
from . import services
from .forms import (
    ArrivalForm,
    BulkHandoverForm,
    HandoverForm,
    ListFilterForm,
    LookupForm,
    ScanForm,
)
from .lookup import CardNotFound, find_card
from .models import HandedByRole, HandoverRegister

HANDOVER_ROLES = (Role.SCHOOL_OPERATOR, Role.DINAS_ADMIN)


@role_required(*HANDOVER_ROLES)
@require_http_methods(["GET", "POST"])
@never_cache
def handover_list(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    filters = ListFilterForm(request.GET)
    school = _school(request, filters)
    if school is None:
        progress = services.school_progress(period)
        context = {"period": period, "filters": filters, "schools": progress}
        return render(request, "cards/handover/schools.html", context)

    cards = services.handover_cards(request.user, period, school)
    form = BulkHandoverForm(
        request.POST or None,
        card_ids=_posted_ids(request, cards.filter(state__in=services.OPEN_STATES)),
        initial=_initial(request),
    )
    if form.is_valid():
        try:
            done = services.record_handovers(
                form.cleaned_data["cards"], form.details(), actor=_user(request)
            )
        except services.HandoverRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, _("%(count)s penyerahan dicatat.") % {"count": len(done)}
            )
            return redirect(_list_url(request, school))

    state = filters.state()
    return render(
        request,
        "cards/handover/list.html",
        _list_context(request, period, school, cards, state, form),
    )


@role_required(*HANDOVER_ROLES)
@require_http_methods(["GET", "POST"])
@never_cache
def handover_card(request: HttpRequest, pk: int) -> HttpResponse:
    found = Card.objects.for_user(request.user).filter(state__in=services.LISTED_STATES)
    card = get_object_or_404(
        found.select_related("candidate__student", "candidate__school", "period"),
        pk=pk,
    )
    form = HandoverForm(request.POST or None, initial=_initial(request))
    if form.is_valid():
        try:
            services.record_handover(card, form.details(), actor=_user(request))
        except services.HandoverRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Penyerahan kartu %(number)s dicatat.") % {"number": card.number},
            )
            return redirect(_list_url(request, card.candidate.school))

    record(request, "card.view", card, student_id=card.candidate.student_id)
    return render(
        request,
        "cards/handover/card.html",
        {
            "card": card,
            "student": card.candidate.student,
            "attempts": card.handovers.select_related("recorded_by"),
            "registers": card.handover_registers.select_related("school", "period"),
            "is_open": card.state in services.OPEN_STATES,
            "by_dinas": card.period.handover_by == Period.HandoverBy.DINAS,
            "form": form,
            "list_url": _list_url(request, card.candidate.school),
        },
    )


@role_required(*HANDOVER_ROLES)
@require_POST
def handover_lookup(request: HttpRequest) -> HttpResponse:
    """The card a typed number or a scanned code names, among the user's
    own; answers JSON to the page's camera script, else redirects."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = LookupForm(request.POST)
    cards = Card.objects.for_user(request.user).filter(state__in=services.LISTED_STATES)
    try:
        if not form.is_valid():
            raise CardNotFound(_("Tulis nomor kartu."))
        card = find_card(form.cleaned_data["code"], cards)
    except CardNotFound as missing:
        if wants_json:
            return JsonResponse({"error": str(missing)}, status=404)
        messages.error(request, str(missing))
        return redirect(_back(request))

    url = reverse("cards:handover-card", args=[card.pk])
    return JsonResponse({"url": url}) if wants_json else redirect(url)


@role_required(*HANDOVER_ROLES)
@require_POST
def handover_arrived(request: HttpRequest) -> HttpResponse:
    school = _posted_school(request)
    printed = Card.objects.for_user(request.user).filter(
        candidate__school=school, state=CardState.PRINTED
    )
    form = ArrivalForm(request.POST, card_ids=_posted_ids(request, printed))
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(_list_url(request, school))

    try:
        arrived = services.mark_arrived(
            form.cleaned_data["cards"],
            form.cleaned_data["arrived_on"],
            actor=_user(request),
        )
    except services.HandoverRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(count)s kartu dicatat sudah tiba dan siap diserahkan.")
            % {"count": len(arrived)},
        )
    return redirect(_list_url(request, school))


@role_required(*HANDOVER_ROLES)
@require_POST
def register_new(request: HttpRequest) -> HttpResponse:
    school = _posted_school(request)
    try:
        register = registers.prepare_register(
            school, _period(request), actor=_user(request)
        )
    except registers.RegisterRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_list_url(request, school))
    return redirect("cards:handover-register-pdf", pk=register.pk)


@role_required(*HANDOVER_ROLES)
@require_GET
@never_cache
def register_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    register = _register(request, pk)
    pdf = registers.render_register_pdf(register)
    record(request, "handover_register.download", register)

    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"berita-acara-{register.school.npsn}-{register.sequence:02d}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name) or ""
    return response


@role_required(*HANDOVER_ROLES)
@require_POST
def register_upload(request: HttpRequest, pk: int) -> HttpResponse:
    register = _register(request, pk)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(_list_url(request, register.school))

    try:
        registers.store_register_scan(
            register, form.cleaned_data["file"], actor=_user(request)
        )
    except registers.RegisterRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Pindaian berita acara %(number)s disimpan.")
            % {"number": register.number},
        )
    return redirect(_list_url(request, register.school))


@role_required(*HANDOVER_ROLES)
@require_GET
@never_cache
def register_scan(request: HttpRequest, pk: int) -> HttpResponse:
    register = _register(request, pk)
    if not register.is_signed:
        raise Http404
    record(request, "handover_register.scan_view", register)

    with register.scan.open("rb") as scan:
        response = HttpResponse(scan.read(), content_type=register.scan_content_type)
    name = (
        f"berita-acara-{register.school.npsn}-{register.sequence:02d}"
        f"-ttd.{register.scan_extension}"
    )
    response["Content-Disposition"] = content_disposition_header(False, name) or ""
    return response


def _user(request: HttpRequest) -> User:
    # role_required has let only signed-in users through.
    return cast(User, request.user)


def _period(request: HttpRequest) -> Period:
    """The period asked for (by year), else the active one, else the newest."""
    year = request.POST.get("periode") or request.GET.get("periode") or ""
    period = Period.objects.filter(year=year).first() if year.isdigit() else None
    period = period or Period.objects.active() or Period.objects.first()
    if period is None:
        raise Http404
    return period


def _school(request: HttpRequest, filters: ListFilterForm) -> School | None:
    """A school operator's own school; for the Dinas the school chosen in
    the filter, or None for the overview of every school."""
    school_id = school_id_of(request.user)
    if school_id is not None:
        return get_object_or_404(School, pk=school_id)
    return filters.cleaned_data.get("sekolah") if filters.is_valid() else None


def _posted_school(request: HttpRequest) -> School:
    school_id = school_id_of(request.user) or request.POST.get("sekolah", "")
    if not str(school_id).isdigit():
        raise Http404
    return get_object_or_404(School.objects.for_user(request.user), pk=school_id)


def _posted_ids(request: HttpRequest, allowed: CardQuerySet) -> list[int]:
    """The ticked cards the user may act on; any other id fails the form."""
    ids = [int(pk) for pk in request.POST.getlist("cards") if pk.isdigit()]
    return list(allowed.filter(pk__in=ids).values_list("pk", flat=True))


def _back(request: HttpRequest) -> str:
    """The page the lookup was sent from, if it is one of this site's."""
    back = request.POST.get("back", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("cards:handover-list")


def _register(request: HttpRequest, pk: int) -> HandoverRegister:
    found = HandoverRegister.objects.for_user(request.user)
    return get_object_or_404(found.select_related("school", "period"), pk=pk)


def _initial(request: HttpRequest) -> dict[str, object]:
    user = _user(request)
    is_school = school_id_of(user) is not None
    return {
        "handed_by_name": user.get_full_name() or user.get_username(),
        "handed_by_role": HandedByRole.SCHOOL_OPERATOR
        if is_school
        else HandedByRole.DINAS_OFFICER,
    }


def _list_url(request: HttpRequest, school: School) -> str:
    url = reverse("cards:handover-list")
    if school_id_of(request.user) is None:
        url += f"?sekolah={school.pk}"
    return url


def _first_error(form: HandoverForm | ArrivalForm | ScanForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Periksa isian formulir.")


def _list_context(
    request: HttpRequest,
    period: Period,
    school: School,
    cards: CardQuerySet,
    state: CardState | None,
    form: BulkHandoverForm,
) -> dict[str, object]:
    shown = cards.filter(state=state) if state else cards
    school_registers = HandoverRegister.objects.for_user(request.user).filter(
        school=school, period=period
    )
    return {
        "period": period,
        "school": school,
        "is_dinas": school_id_of(request.user) is None,
        "by_dinas": period.handover_by == Period.HandoverBy.DINAS,
        "filters": ListFilterForm(request.GET),
        "cards": shown,
        "counts": services.state_counts(cards),
        "open_states": services.OPEN_STATES,
        "form": form,
        "checked": set(request.POST.getlist("cards")),
        "arrival_form": ArrivalForm(card_ids=[]),
        "lookup_form": LookupForm(),
        "scan_form": ScanForm(),
        "registers": school_registers.prefetch_related("cards"),
        "to_register": registers.register_cards(school, period).count(),
    }

"""Two-factor sign-in: setting up an authenticator app and entering its code."""

from base64 import b32encode

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import record
from .forms import TokenForm


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up TOTP when the user has no confirmed device, else ask its code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if device is None:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        device = device or TOTPDevice.objects.create(
            user=request.user, name="authenticator", confirmed=False
        )

    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(request, "account.two_factor_enabled", device)
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Kode salah atau sudah kedaluwarsa."))

    context = {
        "form": form,
        "setting_up": setting_up,
        "verified": request.user.is_verified(),  # type: ignore[union-attr]
        "next": _next_url(request),
    }
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url).svg_inline(scale=4)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "registration/two_factor.html", context)

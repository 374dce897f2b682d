"""Middleware that protects the children's data: the absolute session limit,
two-factor sign-in for the roles that need it, and no caching of pages."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .roles import Role, has_role

Handler = Callable[[HttpRequest], HttpResponse]
SESSION_STARTED = "kbp_session_started"


@receiver(user_logged_in)
def remember_login_time(request: HttpRequest, **kwargs: Any) -> None:
    request.session[SESSION_STARTED] = int(time.time())


class SessionLimitMiddleware:
    """Ends a session that is older than SESSION_MAX_SECONDS, however active.

    The idle limit is the session cookie's age, renewed on every request.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED, 0)
            if time.time() - started > settings.SESSION_MAX_SECONDS:
                logout(request)
                return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)


def two_factor_required(user: Any) -> bool:
    roles = [Role(name) for name in settings.TWO_FACTOR_REQUIRED_ROLES]
    return bool(roles) and has_role(user, *roles)


class RequireTwoFactorMiddleware:
    """Sends users of the roles that must use two-factor sign-in to set it up
    or to enter their code before any other page."""

    ALLOWED_PREFIXES = ("/static/", "/i18n/")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and two_factor_required(user)
            and not self._is_exempt(request.path)
        ):
            return redirect(f"{reverse('two-factor')}?next={request.path}")
        return self.get_response(request)

    def _is_exempt(self, path: str) -> bool:
        exempt = {reverse("two-factor"), reverse("logout")}
        return path in exempt or path.startswith(self.ALLOWED_PREFIXES)


class NoStoreMiddleware:
    """Pages for signed-in users may show personal data: no browser or proxy
    keeps a copy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response

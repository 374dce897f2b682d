from typing import cast

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, QueryDict

from balangan_pintar.models import Period
from balangan_pintar.roles import Role

# Verifiers decide; the Dinas administrator may read the same pages.
READ_ROLES = (Role.VERIFIER, Role.DINAS_ADMIN)
DECIDE_ROLES = (Role.VERIFIER,)
EXPORT_ROLES = (Role.VERIFIER, Role.DINAS_ADMIN, Role.KEPALA_DINAS)


def user_of(request: HttpRequest) -> User:
    # role_required has let only signed-in users through.
    return cast(User, request.user)


def period_of(period: Period | None) -> Period:
    """The chosen period, else the active one, else the newest."""
    period = period or Period.objects.active() or Period.objects.first()
    if period is None:
        raise Http404
    return period


def without(query: QueryDict, *names: str) -> str:
    """The query string less the given parameters, for links that keep the
    filters and change one thing."""
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()

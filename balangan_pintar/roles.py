"""The five roles of the programme, held as Django groups, and the checks that
views use to let a user in."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

AnyUser = AbstractBaseUser | AnonymousUser
View = TypeVar("View", bound=Callable[..., HttpResponse])


class Role(models.TextChoices):
    """Each value is also the name of the group that grants the role."""

    SCHOOL_OPERATOR = "school_operator", _("Operator sekolah")
    VERIFIER = "dinas_verifier", _("Verifikator Dinas")
    DINAS_ADMIN = "dinas_admin", _("Administrator Dinas")
    BANK_OFFICER = "bank_officer", _("Petugas Bank Kalsel")
    KEPALA_DINAS = "kepala_dinas", _("Kepala Dinas")


DINAS_ROLES = (Role.VERIFIER, Role.DINAS_ADMIN, Role.KEPALA_DINAS)


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The user's roles, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()

    cached = getattr(user, "_kbp_roles", None)
    if cached is not None:
        return cached

    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    roles = frozenset(role for role in Role if role.value in names)
    if getattr(user, "is_superuser", False):
        roles = roles | {Role.DINAS_ADMIN}
    user._kbp_roles = roles  # type: ignore[attr-defined]
    return roles


def has_role(user: AnyUser, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def primary_role(user: AnyUser) -> Role | None:
    """The role whose home page the user sees, in order of the SOP."""
    held = roles_of(user)
    order = [
        Role.SCHOOL_OPERATOR,
        Role.VERIFIER,
        Role.DINAS_ADMIN,
        Role.BANK_OFFICER,
        Role.KEPALA_DINAS,
    ]
    return next((role for role in order if role in held), None)


def school_id_of(user: AnyUser) -> int | None:
    """The id of the school a school operator works for, else None."""
    if not has_role(user, Role.SCHOOL_OPERATOR):
        return None
    assignment = getattr(user, "school_operator", None)
    return assignment.school_id if assignment is not None else None


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let in signed-in users holding one of the roles; others get 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator

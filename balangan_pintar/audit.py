"""The business audit trail: who did what to which record, and who looked at
personal data. Separate from the technical log, and never holding NIK or
account numbers themselves."""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest

from .models import AuditEntry
from .roles import AnyUser

# The address of the request being served, so that services called without
# the request still record where a change came from.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


def record(
    who: HttpRequest | AnyUser | None,
    action: str,
    obj: models.Model | None = None,
    *,
    student_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Write one audit entry. ``action`` is a stable dotted code such as
    ``candidate.approve``; ``details`` must not hold identifiers' values."""
    request = who if isinstance(who, HttpRequest) else None
    user = who.user if isinstance(who, HttpRequest) else who
    actor = user if isinstance(user, User) and user.is_authenticated else None

    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        student_id=student_id,
        ip_address=client_ip(request) if request is not None else current_ip.get(),
        details=details,
    )

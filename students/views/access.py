from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from balangan_pintar.roles import Role, school_id_of

from ..models import School

STUDENT_ROLES = (Role.SCHOOL_OPERATOR, Role.VERIFIER, Role.DINAS_ADMIN)


def operator_school(request: HttpRequest) -> School:
    """The school the signed-in operator works for; 403 for an operator
    account not yet bound to a school."""
    school_id = school_id_of(request.user)
    if school_id is None:
        raise PermissionDenied
    return School.objects.get(pk=school_id)

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory

from balangan_pintar.audit import AuditContextMiddleware, record
from balangan_pintar.models import AuditEntry
from students.models import Student


def test_an_entry_names_who_what_and_from_where(
    rf: RequestFactory, verifier: User, student_a: Student
) -> None:
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = verifier

    entry = record(request, "student.view", student_a, student_id=student_a.pk)

    assert entry.actor == verifier
    assert entry.actor_name == "verifier"
    assert entry.ip_address == "10.1.2.3"
    assert (entry.object_type, entry.object_id) == (
        "students.Student",
        str(student_a.pk),
    )


def test_services_called_with_a_user_still_record_the_address(
    rf: RequestFactory, verifier: User
) -> None:
    def view(request: object) -> AuditEntry:
        return record(verifier, "job.start")

    entry = AuditContextMiddleware(view)(rf.get("/", REMOTE_ADDR="10.9.8.7"))

    assert entry.ip_address == "10.9.8.7"


def test_entries_cannot_be_changed_or_deleted(verifier: User) -> None:
    entry = record(verifier, "job.start")

    entry.action = "something.else"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "job.start"

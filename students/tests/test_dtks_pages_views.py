"""The DTKS pages: administrators import, match and remove; verifiers read;
everyone else is refused. No personal data in any URL."""

import csv
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse

from balangan_pintar.models import Job
from balangan_pintar.urls import urlpatterns as project_urlpatterns
from conftest import PASSWORD, make_student
from students.dtks.models import Match, Person, Snapshot
from students.dtks.services.importing import import_register, receive_register
from students.models import School, Student

# The project's URLs, with the DTKS pages under /dtks/ until the project's
# urlconf includes them itself.
urlpatterns: list[Any] = [*project_urlpatterns]
if not any(getattr(p, "namespace", None) == "dtks" for p in urlpatterns):
    urlpatterns.append(path("dtks/", include("students.dtks.urls")))
pytestmark = pytest.mark.urls(__name__)

HEADER = ["IDDTKS", "NIK", "NOKK", "NAMA", "JENIS_KELAMIN", "TGL_LAHIR", "DESIL"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


def extract(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "dtks.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def snapshot(db: None, tmp_path: Path) -> Snapshot:
    path = extract(
        tmp_path,
        [
            ["D1", "6311065705140001", "", "SITI RAHMAH", "P", "17-05-2014", "2"],
            ["D2", "12345", "", "AHMAD", "L", "bukan tanggal", "3"],
        ],
    )
    made = receive_register([path.read_bytes()], path.name, user=None, label="Uji")
    import_register(made)
    made.refresh_from_db()
    return made


def login(client: Client, user: User) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def test_the_list_shows_snapshots_with_their_counts(
    client: Client, dinas_admin: User, snapshot: Snapshot, student_a: Student
) -> None:
    Match.objects.create(
        student=student_a,
        snapshot=snapshot,
        person=Person.objects.get(dtks_id="D1"),
        decision="matched",
        method="nik",
        score=30.0,
    )
    login(client, dinas_admin)

    response = client.get(reverse("dtks:snapshot-list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Uji" in page
    assert reverse("dtks:snapshot-import") in page
    assert reverse("dtks:match-district") in page


def test_a_verifier_reads_but_cannot_manage(
    client: Client, verifier: User, snapshot: Snapshot
) -> None:
    login(client, verifier)

    listing = client.get(reverse("dtks:snapshot-list"))
    detail = client.get(reverse("dtks:snapshot-detail", args=[snapshot.pk]))

    assert listing.status_code == detail.status_code == 200
    assert reverse("dtks:snapshot-import") not in listing.content.decode()
    assert client.get(reverse("dtks:snapshot-import")).status_code == 403
    assert client.post(reverse("dtks:match-district")).status_code == 403
    delete = reverse("dtks:snapshot-delete", args=[snapshot.pk])
    assert client.post(delete).status_code == 403
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


@pytest.mark.parametrize("role", ["operator_a", "bank_officer", "kepala"])
def test_other_roles_are_refused(
    client: Client, request: pytest.FixtureRequest, role: str, snapshot: Snapshot
) -> None:
    login(client, request.getfixturevalue(role))

    for name, args in [
        ("dtks:snapshot-list", []),
        ("dtks:snapshot-detail", [snapshot.pk]),
        ("dtks:school-summary", [snapshot.pk]),
        ("dtks:snapshot-import", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403


def test_the_detail_lists_the_problems_and_is_not_cached(
    client: Client, dinas_admin: User, snapshot: Snapshot
) -> None:
    login(client, dinas_admin)

    response = client.get(reverse("dtks:snapshot-detail", args=[snapshot.pk]))

    page = response.content.decode()
    assert "bukan tanggal" in page
    assert "12345" in page
    assert "no-store" in response["Cache-Control"]


def test_an_administrator_imports_an_extract_in_the_background(
    client: Client,
    dinas_admin: User,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, dinas_admin)
    path = extract(tmp_path, [["D1", "", "", "SITI", "P", "17-05-2014", "1"]])

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        path.open("rb") as handle,
    ):
        response = client.post(
            reverse("dtks:snapshot-import"), {"file": handle, "label": "Maret"}
        )

    snapshot = Snapshot.objects.get()
    assert snapshot.job is not None
    assert response.status_code == 302
    assert response["Location"] == reverse("job-detail", args=[snapshot.job.pk])
    assert (snapshot.label, snapshot.is_complete) == ("Maret", False)
    assert snapshot.imported_by == dinas_admin
    assert len(callbacks) == 1


def test_a_too_large_file_is_refused_by_the_form(
    client: Client, dinas_admin: User, tmp_path: Path, settings: Any
) -> None:
    settings.DTKS_UPLOAD_MAX_BYTES = 10
    login(client, dinas_admin)
    path = extract(tmp_path, [["D1", "", "", "SITI", "P", "17-05-2014", "1"]])

    with path.open("rb") as handle:
        response = client.post(reverse("dtks:snapshot-import"), {"file": handle})

    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
    assert not Snapshot.objects.exists()


def test_removing_a_snapshot_asks_first(
    client: Client, dinas_admin: User, snapshot: Snapshot
) -> None:
    login(client, dinas_admin)
    url = reverse("dtks:snapshot-delete", args=[snapshot.pk])

    asked = client.get(url)
    assert asked.status_code == 200
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()

    response = client.post(url)

    assert response.status_code == 302
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()
    assert not Person.objects.exists()


def test_a_snapshot_being_imported_cannot_be_removed(
    client: Client, dinas_admin: User, tmp_path: Path
) -> None:
    path = extract(tmp_path, [["D1", "", "", "SITI", "P", "17-05-2014", "1"]])
    pending = receive_register([path.read_bytes()], "dtks.csv", user=dinas_admin)
    assert pending.job is not None
    Job.objects.filter(pk=pending.job.pk).update(state=Job.State.RUNNING)
    login(client, dinas_admin)

    client.post(reverse("dtks:snapshot-delete", args=[pending.pk]))

    assert Snapshot.objects.filter(pk=pending.pk).exists()


def test_matching_the_district_starts_a_job(
    client: Client,
    dinas_admin: User,
    snapshot: Snapshot,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, dinas_admin)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("dtks:match-district"))

    job = Job.objects.get(kind=Job.Kind.DTKS_MATCH)
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert client.get(reverse("dtks:match-district")).status_code == 405
    listing = client.get(reverse("dtks:snapshot-list")).content.decode()
    assert reverse("job-detail", args=[job.pk]) in listing


@pytest.mark.django_db
def test_matching_without_a_snapshot_says_so(client: Client, dinas_admin: User) -> None:
    login(client, dinas_admin)

    response = client.post(reverse("dtks:match-district"), follow=True)

    assert "Belum ada snapshot" in response.content.decode()
    assert not Job.objects.filter(kind=Job.Kind.DTKS_MATCH).exists()


def test_the_school_summary_counts_each_school(
    client: Client,
    verifier: User,
    snapshot: Snapshot,
    school_a: School,
    school_b: School,
) -> None:
    first = make_student(school_a, "0000000001")
    make_student(school_a, "0000000002", nik="")
    make_student(school_b, "0000000003", nik="")
    Match.objects.create(
        student=first, snapshot=snapshot, decision="matched", method="nik", score=30
    )
    login(client, verifier)

    response = client.get(reverse("dtks:school-summary", args=[snapshot.pk]))

    rows = {row.school.npsn: row for row in response.context["rows"]}
    assert (rows[school_a.npsn].listed, rows[school_a.npsn].matches.matched) == (2, 1)
    assert rows[school_a.npsn].not_matched_yet == 1
    assert rows[school_b.npsn].not_matched_yet == 1


def test_no_url_carries_more_than_an_id() -> None:
    resolver = get_resolver(__name__)
    dtks = next(
        entry
        for entry in resolver.url_patterns
        if getattr(entry, "namespace", None) == "dtks"
    )
    assert isinstance(dtks, URLResolver)
    for entry in dtks.url_patterns:
        assert isinstance(entry, URLPattern)
        converters = entry.pattern.converters  # type: ignore[attr-defined]
        assert set(converters) <= {"pk"}

"""The corpus of broken and hostile files, through every import that takes a
file from outside: the school's Dapodik upload (SOP step 1), the Dinas's
DTKS register import and the bank's return file (SOP step 5).

Each file is first read in a forked child under a hard time limit, where
the memory the reading takes is measured; then it goes through the same
entry as in production (the Celery task's function, the bank's service),
and the test checks the one message the user is shown and that no table
changed but the record of the received file itself.

The files come from :data:`students.dapodik.hostile.CORPUS`, made afresh
by each test; none is kept in the repository.
"""

import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from balangan_pintar.models import Job, Period
from bank_exchange.formats import parse_return_file
from bank_exchange.models import BankBatch, ReturnUpload
from bank_exchange.services import (
    BankExchangeRefused,
    ReturnFileRefused,
    apply_return_file,
    create_batch,
    preview_return_file,
    send_batch,
    store_return_file,
)
from bank_exchange.tests.factories import approved
from students.dapodik import RefusalCode, UploadRefused, read_students
from students.dapodik.hostile import (
    CORPUS,
    PUPILS,
    TOO_MANY_ROWS,
    HostileFile,
    make_valid_workbook,
)
from students.dapodik.safety import inspect_upload
from students.dtks.models import Person, Snapshot
from students.dtks.reader import RegisterFormatError, open_register
from students.dtks.services.importing import (
    RegisterRefused,
    check_file,
    receive_register,
)
from students.dtks.tasks import import_register
from students.models import School, Student, Upload
from students.services.upload import receive_upload
from students.tasks import process_upload

from .isolation import MEGABYTE, Measured, run_isolated, time_limit
from .messages import assert_clear_indonesian
from .state import (
    audit_actions_since,
    changed_tables,
    database_state,
    last_audit_pk,
)

# A guard against a hang, far above what any file takes; not a speed target.
TIMEOUT = 60.0
# A generous bound on the memory reading one file may add, far above what
# any file of the corpus takes.
RSS_GROWTH_LIMIT = 200 * MEGABYTE
BANK_SUFFIXES = (".xlsx", ".csv")


def corpus_params(corpus: tuple[HostileFile, ...] = CORPUS) -> list[Any]:
    return [pytest.param(hostile, id=hostile.id) for hostile in corpus]


def made(hostile: HostileFile, directory: Path) -> Path:
    """The hostile file, under the name the operator's computer gives it."""
    folder = directory / "corpus"
    folder.mkdir(exist_ok=True)
    path = folder / hostile.name
    hostile.make(path)
    return path


def assert_bounded(measured: Measured) -> None:
    assert measured.error is None, measured.error
    assert measured.rss_growth < RSS_GROWTH_LIMIT, measured


def shown_status(client: Client, job: Job) -> list[str]:
    """The messages the job's progress fragment shows, as the page has them."""
    fragment = client.get(
        reverse("job-detail", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    return re.findall(r'role="status">(.*?)</p>', fragment, re.DOTALL)


# The school's Dapodik upload.


def dapodik_outcome(path: Path, name: str) -> tuple[str, str]:
    """What reading the file gives: its refusal, or the errors of its rows."""
    try:
        result = read_students(path, name)
    except UploadRefused as refusal:
        return "refused", str(refusal.code)
    codes = {str(issue.code) for issue in result.issues if issue.is_error}
    return "read", ",".join(sorted(codes))


@pytest.fixture
def listed_school(school_a: School, operator_a: User, tmp_path: Path) -> School:
    """School A with the corpus pupils uploaded through the same path."""
    path = tmp_path / "daftar.xlsx"
    make_valid_workbook(path)
    upload = receive_upload(school_a, [path.read_bytes()], path.name, user=operator_a)
    assert upload.job is not None
    process_upload(str(upload.job.pk))
    assert Student.objects.filter(school=school_a, is_listed=True).count() == len(
        PUPILS
    )
    return school_a


def test_the_corpus_has_thirty_distinct_files() -> None:
    ids = [hostile.id for hostile in CORPUS]

    assert len(ids) >= 30
    assert len(set(ids)) == len(ids)
    for hostile in CORPUS:
        assert (hostile.refusal is None) == (hostile.row_issue is not None)


@pytest.mark.parametrize("hostile", corpus_params())
def test_the_school_upload_gives_one_clear_message_and_changes_nothing(
    hostile: HostileFile,
    listed_school: School,
    operator_a: User,
    client: Client,
    tmp_path: Path,
) -> None:
    path = made(hostile, tmp_path)
    measured = run_isolated(
        lambda: dapodik_outcome(path, hostile.name), timeout=TIMEOUT
    )
    assert_bounded(measured)
    client.force_login(operator_a)
    before = database_state()
    last_audit = last_audit_pk()

    with time_limit(TIMEOUT):
        upload = receive_upload(
            listed_school, [path.read_bytes()], hostile.name, user=operator_a
        )
        assert upload.job is not None
        process_upload(str(upload.job.pk))

    actions = audit_actions_since(last_audit)
    upload = Upload.objects.select_related("job").get(pk=upload.pk)
    job = upload.job
    assert job is not None
    assert shown_status(client, job) == [html.escape(job.message)]
    assert_clear_indonesian(job.message)
    if hostile.refusal is not None:
        assert measured.result == ("refused", hostile.refusal)
        assert job.state == Job.State.FAILED
        assert upload.refusal_code == hostile.refusal
        assert job.message == upload.refusal_message
        assert upload.imported_at is None
        assert not upload.annotated_name
        assert actions == []
    else:
        assert measured.result == ("read", hostile.row_issue)
        assert actions == ["students.import"]
        assert_each_row_refused_once(upload, hostile, client)
    after = database_state()
    assert after == before, changed_tables(before, after)


def assert_each_row_refused_once(
    upload: Upload, hostile: HostileFile, client: Client
) -> None:
    """Every pupil row has exactly one error, and the pages and the
    annotated workbook show the values as inert text."""
    assert upload.job is not None and upload.job.state == Job.State.SUCCEEDED
    assert (upload.rows_read, upload.error_rows) == (len(PUPILS), len(PUPILS))
    assert (upload.stored, upload.unlisted) == (0, 0)
    errors = [issue for issue in upload.issue_list() if issue.is_error]
    rows = [issue.row for issue in errors]
    assert None not in rows
    assert len(rows) == len(set(rows)) == len(PUPILS)
    assert {issue.code for issue in errors} == {hostile.row_issue}
    for issue in errors:
        assert_clear_indonesian(issue.message)

    page = client.get(upload.get_absolute_url()).content.decode()
    for issue in errors:
        assert html.escape(issue.value) in page
        if "<" in issue.value:
            assert issue.value not in page

    annotated = upload.annotated_path
    assert annotated is not None
    workbook = load_workbook(annotated)
    values = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                values.add(cell.value)
    assert {issue.value for issue in errors} <= values


# The Dinas's DTKS register import.

# Files the register import reads as a register, by design: the register
# comes from Dinsos with more rows than any school, any encoding read as
# Windows-1252, the first of two same-named columns used, names kept as
# text. test_the_dtks_import_keeps_what_it_accepts_as_text covers them.
DTKS_READS: dict[str, str] = {
    "csv-too-many-rows": "a register is larger than a school's list",
    "csv-undecodable-bytes": "read as Windows-1252, odd bytes replaced",
    "xlsx-required-column-missing": "a register needs NAMA and two more",
    "xlsx-duplicate-column": "the first of two same-named columns is used",
    "csv-duplicate-column": "the first of two same-named columns is used",
    "csv-formula-names": "names kept as text",
    "xlsx-script-names": "names kept as text",
}
# The register import's own words where they differ from the upload's.
DTKS_MESSAGES: dict[str, str] = {
    "xlsx-million-empty-rows": "Register tidak berisi satu baris data pun",
    "csv-million-empty-rows": "Register tidak berisi satu baris data pun",
    "csv-huge-field": "Berkas CSV rusak dan tidak dapat dibaca",
    "csv-without-header": "Judul kolom tidak ditemukan",
    "xlsx-malformed-xml": "Berkas XLSX rusak dan tidak dapat dibaca",
    "xlsx-nul-reference": "Berkas XLSX rusak dan tidak dapat dibaca",
    "xlsx-without-sheets": "Berkas XLSX tidak memuat lembar kerja",
}


def dtks_expected(hostile: HostileFile) -> str:
    if hostile.id in DTKS_MESSAGES:
        return DTKS_MESSAGES[hostile.id]
    if hostile.refusal == RefusalCode.SHEET_TOO_LARGE:
        return "terlalu besar (lebih dari 99.999"
    if hostile.refusal == RefusalCode.NOT_SPREADSHEET:
        return "bukan register DTKS/DTSEN"
    assert hostile.refusal is not None
    return UploadRefused(hostile.refusal).message


def dtks_outcome(path: Path, name: str) -> tuple[str, int]:
    """What the register import's reading gives: its refusal or its rows."""
    try:
        check_file(path, name)
        with open_register(path) as reader:
            rows = sum(len(chunk.rows) for chunk in reader.chunks())
    except (RegisterRefused, RegisterFormatError) as refusal:
        return str(refusal), 0
    return "", rows


def test_the_dtks_exceptions_name_files_of_the_corpus() -> None:
    ids = {hostile.id for hostile in CORPUS}

    assert set(DTKS_READS) <= ids
    assert set(DTKS_MESSAGES) <= ids


def run_dtks_import(path: Path, name: str, user: User) -> Snapshot:
    with time_limit(TIMEOUT):
        snapshot = receive_register([path.read_bytes()], name, user=user)
        assert snapshot.job is not None
        import_register(str(snapshot.job.pk))
    return Snapshot.objects.select_related("job").get(pk=snapshot.pk)


@pytest.mark.parametrize(
    "hostile",
    corpus_params(tuple(h for h in CORPUS if h.id not in DTKS_READS)),
)
def test_the_dtks_import_gives_one_clear_message_and_changes_nothing(
    hostile: HostileFile,
    dinas_admin: User,
    client: Client,
    tmp_path: Path,
    media: Path,
) -> None:
    path = made(hostile, tmp_path)
    measured = run_isolated(lambda: dtks_outcome(path, hostile.name), timeout=TIMEOUT)
    assert_bounded(measured)
    expected = dtks_expected(hostile)
    assert expected in measured.result[0]
    client.force_login(dinas_admin)
    before = database_state()
    last_audit = last_audit_pk()

    snapshot = run_dtks_import(path, hostile.name, dinas_admin)

    actions = audit_actions_since(last_audit)
    job = snapshot.job
    assert job is not None
    assert job.state == Job.State.FAILED
    assert expected in job.message
    assert_clear_indonesian(job.message)
    assert shown_status(client, job) == [html.escape(job.message)]
    # The snapshot row stays, incomplete and never used; its file is gone.
    assert not snapshot.is_complete
    assert snapshot.stored_name == ""
    assert not list(media.rglob("*.upload"))
    assert not Job.objects.filter(kind=Job.Kind.DTKS_MATCH).exists()
    assert actions == []
    after = database_state()
    assert after == before, changed_tables(before, after)


@pytest.mark.parametrize(
    "hostile",
    corpus_params(
        tuple(h for h in CORPUS if h.id in DTKS_READS and h.id != "csv-too-many-rows")
    ),
)
def test_the_dtks_import_keeps_what_it_accepts_as_text(
    hostile: HostileFile, dinas_admin: User, tmp_path: Path
) -> None:
    path = made(hostile, tmp_path)
    measured = run_isolated(lambda: dtks_outcome(path, hostile.name), timeout=TIMEOUT)
    assert_bounded(measured)

    snapshot = run_dtks_import(path, hostile.name, dinas_admin)

    assert snapshot.job is not None
    assert snapshot.job.state == Job.State.SUCCEEDED
    assert_clear_indonesian(snapshot.job.message)
    assert snapshot.is_complete
    names = list(
        Person.objects.filter(snapshot=snapshot).values_list("name", flat=True)
    )
    assert len(names) == measured.result[1] == snapshot.row_count
    assert all("\x00" not in name for name in names)


def test_a_register_larger_than_a_school_list_is_read_in_bounds(
    tmp_path: Path,
) -> None:
    (hostile,) = [h for h in CORPUS if h.id == "csv-too-many-rows"]
    path = made(hostile, tmp_path)

    measured = run_isolated(lambda: dtks_outcome(path, hostile.name), timeout=TIMEOUT)

    assert_bounded(measured)
    assert measured.result == ("", TOO_MANY_ROWS)


# The bank's return file.

# Files the shared check lets through as a plain .xlsx or .csv: the return
# file is kept with its problems, and applying it is refused.
BANK_PAST_THE_DOOR = frozenset(
    {
        "xlsx-million-empty-rows",
        "csv-million-empty-rows",
        "csv-nul-far-down",
        "csv-undecodable-bytes",
        "csv-huge-field",
        "csv-without-header",
        "xlsx-required-column-missing",
        "xlsx-duplicate-column",
        "csv-duplicate-column",
        "csv-formula-names",
        "xlsx-script-names",
        "xlsx-malformed-xml",
        "xlsx-nul-reference",
        "xlsx-without-sheets",
    }
)


@pytest.fixture
def sent_batch(
    school_a: School,
    school_b: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
) -> BankBatch:
    approved(school_a, period, verifier, 2)
    approved(school_b, period, verifier, 1)
    return send_batch(create_batch(period, dinas_admin), dinas_admin)


def bank_outcome(path: Path, name: str) -> tuple[str, int]:
    """What the bank's reading gives: the shared check's refusal, or the
    number of problems the return file has."""
    try:
        inspect_upload(path, name, 10 * MEGABYTE)
    except UploadRefused as refusal:
        return str(refusal.code), 0
    return "", len(parse_return_file(path.read_bytes(), name).problems)


def test_the_bank_exceptions_name_files_of_the_corpus() -> None:
    assert {hostile.id for hostile in CORPUS} >= BANK_PAST_THE_DOOR | (
        BANK_NOT_CONCERNED
    )


# Files about the school upload's own limits, not the bank's: a return file
# has no row limit, and reading 200,000 rows is no hostile act.
BANK_NOT_CONCERNED = frozenset({"csv-too-many-rows"})


@pytest.mark.parametrize(
    "hostile",
    corpus_params(tuple(h for h in CORPUS if h.id not in BANK_NOT_CONCERNED)),
)
def test_the_bank_return_upload_gives_one_clear_message_and_changes_nothing(
    hostile: HostileFile,
    sent_batch: BankBatch,
    bank_officer: User,
    tmp_path: Path,
) -> None:
    path = made(hostile, tmp_path)
    wrong_suffix = not hostile.name.endswith(BANK_SUFFIXES)
    measured: Measured | None = None
    if not wrong_suffix:
        measured = run_isolated(
            lambda: bank_outcome(path, hostile.name), timeout=TIMEOUT
        )
        assert_bounded(measured)
    before = database_state()
    last_audit = last_audit_pk()
    sent = SimpleUploadedFile(hostile.name, path.read_bytes())

    with time_limit(TIMEOUT):
        if hostile.id in BANK_PAST_THE_DOOR:
            stored = store_return_file(sent_batch, sent, bank_officer)
            problems = preview_return_file(stored).problems
            with pytest.raises(ReturnFileRefused) as refused:
                apply_return_file(stored, bank_officer)
            message = str(refused.value)
        else:
            with pytest.raises(BankExchangeRefused) as door:
                store_return_file(sent_batch, sent, bank_officer)
            message = str(door.value)

    assert_clear_indonesian(message)
    if hostile.id in BANK_PAST_THE_DOOR:
        assert measured is not None
        assert measured.result[1] == len(problems) > 0
        assert stored.problem_count == len(problems)
        assert stored.applied_at is None
        for problem in problems:
            assert_clear_indonesian(problem.message)
        assert audit_actions_since(last_audit) == ["bank_return.upload"]
    else:
        if wrong_suffix:
            assert message == "Unggah berkas .xlsx atau .csv."
        else:
            assert hostile.refusal is not None and measured is not None
            assert measured.result == (hostile.refusal, 0)
            assert message == UploadRefused(hostile.refusal).message
        assert not ReturnUpload.objects.exists()
        assert audit_actions_since(last_audit) == []
    after = database_state()
    assert after == before, changed_tables(before, after)

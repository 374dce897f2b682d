"""No child's personal data in the logs or in a link: the whole demo
programme year is made, and every role reads its pages, while every log
record at every level is kept; then none may hold a NIK, an account number,
a birth date, a parent's name or a pupil's full name, and no link or form
action on the pages may carry a NIK."""

import logging
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bank_exchange.models import BankAccount
from students.models import Student

PAGES = {
    "operator.sdn1": [
        "home",
        "students:student-list",
        "students:upload-list",
        "students:selection",
    ],
    "verifikator": ["home", "verification:queue", "verification:review-queue"],
    "admin.dinas": ["home", "bank_exchange:batch-list", "reports:dashboard"],
    "bank.kalsel": ["home", "bank_exchange:batch-list"],
    "kepala.dinas": ["home", "reports:dashboard", "reports:progress", "sop"],
}
LINK = re.compile(r"""(?:href|action|src)="([^"]*)\"""")


class Everything(logging.Handler):
    """Keeps the formatted message of every record, whatever its level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@pytest.fixture
def logged(settings: Any, tmp_path: Path) -> Iterator[Everything]:
    settings.MEDIA_ROOT = tmp_path
    handler = Everything()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Loggers the settings quiet must speak too.
    quiet = [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and logger.level > logging.DEBUG
    ]
    levels = {logger: logger.level for logger in quiet}
    for logger in quiet:
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for logger, old in levels.items():
            logger.setLevel(old)


def secrets() -> dict[str, set[str]]:
    """The personal data the demo made, as it could be written out."""
    found: dict[str, set[str]] = {
        "NIK": set(),
        "birth date": set(),
        "parent": set(),
        "name": set(),
        "account": set(),
    }
    for student in Student.objects.all():
        found["NIK"] |= {n for n in (student.nik, student.mother_nik) if n}
        found["NIK"] |= {student.father_nik} - {""}
        day = student.birth_date
        found["birth date"] |= {day.isoformat(), day.strftime("%d-%m-%Y")}
        found["birth date"].add(day.strftime("%d/%m/%Y"))
        found["parent"] |= {n for n in (student.mother_name, student.father_name) if n}
        # Full names only: a first name alone can be an ordinary word.
        if " " in student.name:
            found["name"].add(student.name)
    found["account"] = set(BankAccount.objects.values_list("account_number", flat=True))
    return found


@pytest.mark.slow
@pytest.mark.django_db
def test_the_programme_year_logs_no_personal_data(logged: Everything) -> None:
    call_command("load_demo", "--small", stdout=StringIO())
    links: list[str] = []
    for username, names in PAGES.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200, (username, name)
            links += LINK.findall(response.content.decode())

    known = secrets()
    assert known["NIK"] and known["account"] and known["name"]
    assert len(logged.lines) > 20, "the demo should have logged its work"
    text = "\n".join(logged.lines)
    for kind, values in known.items():
        # Counted, not listed: the failure report must not show them either.
        leaked = sum(1 for value in values if value in text)
        assert leaked == 0, f"{kind} in the log"
    in_links = sum(1 for nik in known["NIK"] if any(nik in u for u in links))
    assert in_links == 0, "a NIK in a link or form action"

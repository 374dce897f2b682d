"""Fixtures of the bank exchange tests, on top of the root conftest."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from balangan_pintar.models import Period
from students.models import Candidate, School

from ..models import BankBatch
from ..services import create_batch, send_batch
from .factories import approved


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Files written by a test stay in its own directory."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def candidates(
    school_a: School, school_b: School, period: Period, verifier: User
) -> list[Candidate]:
    """Two approved SD pupils in Paringin and one SMP pupil in Juai."""
    return [
        *approved(school_a, period, verifier, 2),
        *approved(school_b, period, verifier, 1),
    ]


@pytest.fixture
def draft(candidates: list[Candidate], period: Period, dinas_admin: User) -> BankBatch:
    return create_batch(period, dinas_admin)


@pytest.fixture
def sent(draft: BankBatch, dinas_admin: User) -> BankBatch:
    return send_batch(draft, dinas_admin)

from pathlib import Path
from typing import Any

import pytest

from balangan_pintar.models import Period
from students.dtks.models import Snapshot

from ..models import PeriodRules
from . import factories


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def register(db: None) -> Snapshot:
    return factories.snapshot()


@pytest.fixture
def rules(period: Period) -> PeriodRules:
    """The defaults, less the SKTM: most tests are about other rules."""
    return PeriodRules.objects.create(period=period, sktm_required=False)

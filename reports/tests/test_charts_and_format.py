"""The SVG charts and the number and duration formats of the pages."""

import pytest
from django.utils import translation

from reports.models import Holiday
from reports.services.charts import Series, bars, lines
from reports.templatetags.report_format import duration, percent, rupiah


def test_bar_chart_is_an_accessible_image_and_escapes_labels() -> None:
    svg = bars(
        "chart-x",
        "Judul",
        "Keterangan",
        ["<script>alert(1)</script>", "Juai"],
        [Series("Diusulkan", [1200, None])],
        missing="tidak tersedia",
    )

    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-x-title chart-x-desc"' in svg
    assert '<title id="chart-x-title">Judul</title>' in svg
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "tidak tersedia" in svg
    assert " style=" not in svg


def test_numbers_in_charts_use_indonesian_grouping() -> None:
    with translation.override("id"):
        svg = lines(
            "chart-w", "t", "d", ["3 Agu", "10 Agu"], [Series("a", [1500, 12000])]
        )

    assert "20.000" in svg


@pytest.mark.parametrize(
    ("seconds", "measure", "text"),
    [
        (None, "kerja", "–"),
        (45, "kerja", "1 menit"),
        (14 * 60, "kerja", "14 menit"),
        (3 * 3600, "kerja", "3 jam"),
        (3 * 3600 + 5 * 60, "kalender", "3 jam 5 menit"),
        (9 * 3600, "kerja", "1 hari kerja 1 jam"),
        (16 * 3600, "kerja", "2 hari kerja"),
        (26 * 3600, "kalender", "1 hari 2 jam"),
    ],
)
def test_durations_in_words(seconds: float | None, measure: str, text: str) -> None:
    with translation.override("id"):
        assert duration(seconds, measure) == text


def test_percent_and_rupiah() -> None:
    with translation.override("id"):
        assert percent(0.456) == "46%"
        assert percent(None) == "–"
        assert rupiah(4_100_000) == "Rp4.100.000"


@pytest.mark.django_db
def test_national_holidays_of_2026_are_seeded() -> None:
    days = Holiday.objects.filter(date__year=2026)

    assert days.count() == 17
    assert days.filter(date="2026-08-17").exists()

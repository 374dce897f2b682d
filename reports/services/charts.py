"""Charts drawn on the server as SVG, for the page and the PDF alike.

Each chart is an image with a title and a description for screen readers
(role="img" with aria-labelledby); the numbers themselves are in a table
beside every chart. Colours are presentation attributes, not style
attributes, so that the Content Security Policy need not allow inline
styles and WeasyPrint draws them the same.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

PALETTE = ["#0b5d5b", "#c48a00", "#3d5a98", "#8a8f94"]
# Lines differ by dash as well as colour, for readers who cannot tell the
# colours apart.
DASHES = ["", "6 4", "2 3", "8 3 2 3"]
FONT = "system-ui, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | None]


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _frame(
    chart_id: str,
    title: str,
    description: str,
    width: int,
    height: int,
    parts: Sequence[SafeString],
) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="kbp-chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{id}-title {id}-desc" font-family="{font}" '
        'font-size="13">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{body}</svg>",
        w=width,
        h=height,
        id=chart_id,
        font=FONT,
        title=title,
        desc=description,
        body=_join(parts),
    )


def _nice_ceiling(value: int) -> int:
    """The round number a value axis ends at: 1, 2 or 5 times a power of
    ten, at least ``value``."""
    if value <= 0:
        return 1
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10


def bars(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    missing: str = "",
) -> SafeString:
    """Horizontal bars, one group per label and one bar per series; where a
    value is None (a stage that cannot be counted yet) the text ``missing``
    stands instead of the bar."""
    label_width, bar_area, value_width = 210, 360, 90
    bar_height, gap = 16, 12
    group_height = bar_height * len(series) + gap
    legend_height = 28 if len(series) > 1 else 0
    width = label_width + bar_area + value_width
    if len(series) > 1:
        width = max(width, label_width + _legend_width(series))
    height = legend_height + group_height * len(labels) + 6
    top = max(
        (v for s in series for v in s.values if v is not None),
        default=0,
    )
    ceiling = _nice_ceiling(top)

    parts: list[SafeString] = []
    if len(series) > 1:
        parts.append(_legend(series, label_width, 14))
    for index, label in enumerate(labels):
        y = legend_height + index * group_height
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                'fill="#212529">{label}</text>',
                x=label_width - 10,
                y=y + bar_height * len(series) / 2,
                label=label,
            )
        )
        for number, line in enumerate(series):
            value = line.values[index]
            bar_y = y + number * bar_height
            if value is None:
                parts.append(
                    format_html(
                        '<text x="{x}" y="{y}" dominant-baseline="middle" '
                        'fill="#6c757d" font-style="italic">{text}</text>',
                        x=label_width,
                        y=bar_y + bar_height / 2,
                        text=missing,
                    )
                )
                continue
            length = round(bar_area * value / ceiling, 1)
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" '
                    'rx="2"></rect><text x="{tx}" y="{ty}" dominant-baseline="middle" '
                    'fill="#212529">{value}</text>',
                    x=label_width,
                    y=bar_y + 1,
                    w=length,
                    h=bar_height - 2,
                    fill=PALETTE[number % len(PALETTE)],
                    tx=label_width + length + 6,
                    ty=bar_y + bar_height / 2,
                    value=_number(value),
                )
            )
    return _frame(chart_id, title, description, width, height, parts)


def _legend_width(series: Sequence[Series]) -> int:
    # About 7.5 units a character at font size 13.
    return sum(28 + round(7.5 * len(line.label)) + 24 for line in series)


def _legend(
    series: Sequence[Series], x: int, y: int, lines: bool = False
) -> SafeString:
    parts = []
    left = x
    for number, line in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        if lines:
            mark = format_html(
                '<line x1="{a}" y1="{y}" x2="{b}" y2="{y}" stroke="{c}" '
                'stroke-width="3" stroke-dasharray="{d}"></line>',
                a=left,
                b=left + 22,
                y=y,
                c=colour,
                d=DASHES[number % len(DASHES)] or "none",
            )
        else:
            mark = format_html(
                '<rect x="{x}" y="{y}" width="14" height="14" fill="{c}"></rect>',
                x=left,
                y=y - 7,
                c=colour,
            )
        parts.append(
            format_html(
                '{mark}<text x="{tx}" y="{y}" dominant-baseline="middle" '
                'fill="#212529">{label}</text>',
                mark=mark,
                tx=left + 28,
                y=y,
                label=line.label,
            )
        )
        left += 28 + round(7.5 * len(line.label)) + 24
    return _join(parts)


def lines(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
) -> SafeString:
    """A line per series over the labels (weeks), with a value axis."""
    left, right, top, bottom = 56, 16, 40, 44
    plot_width, plot_height = 600, 220
    width = max(left + plot_width + right, left + _legend_width(series))
    height = top + plot_height + bottom
    ceiling = _nice_ceiling(
        max((v for s in series for v in s.values if v is not None), default=0)
    )
    count = max(len(labels), 1)
    step = plot_width / max(count - 1, 1)

    def x_of(index: int) -> float:
        return round(left + index * step, 1)

    def y_of(value: int) -> float:
        return round(top + plot_height - plot_height * value / ceiling, 1)

    parts = [_legend(series, left, 14, lines=True)]
    for tick in range(5):
        value = ceiling * tick // 4
        parts.append(
            format_html(
                '<line x1="{a}" y1="{y}" x2="{b}" y2="{y}" stroke="#dee2e6"></line>'
                '<text x="{tx}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                'fill="#495057" font-size="11">{value}</text>',
                a=left,
                b=left + plot_width,
                y=y_of(value),
                tx=left - 6,
                value=_number(value),
            )
        )
    # Every label when few, else about eight of them.
    every = max(1, round(count / 8))
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle" fill="#495057" '
            'font-size="11">{}</text>',
            (
                (x_of(index), top + plot_height + 18, label)
                for index, label in enumerate(labels)
                if index % every == 0
            ),
        )
    )
    for number, line in enumerate(series):
        points = " ".join(
            f"{x_of(index)},{y_of(value or 0)}"
            for index, value in enumerate(line.values)
        )
        parts.append(
            format_html(
                '<polyline points="{p}" fill="none" stroke="{c}" stroke-width="2.5" '
                'stroke-dasharray="{d}" stroke-linejoin="round"></polyline>',
                p=points,
                c=PALETTE[number % len(PALETTE)],
                d=DASHES[number % len(DASHES)] or "none",
            )
        )
    return _frame(chart_id, title, description, width, height, parts)

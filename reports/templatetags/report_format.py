"""Formatting of durations and shares for the dashboard and the reports."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..worktime import WORKDAY

register = template.Library()


@register.filter
def duration(seconds: float | str | None, measure: str = "kalender") -> str:
    """A duration in words: minutes, then hours and minutes, then days and
    hours. In working time a day is a working day of eight hours.

    A missing value (None, or the empty string a template gives for a
    missing attribute) is a dash."""
    if not isinstance(seconds, int | float):
        return "–"
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes}

    day_minutes = WORKDAY // 60 if measure == "kerja" else 24 * 60
    days, rest = divmod(minutes, day_minutes)
    hours, minutes = divmod(rest, 60)
    if days == 0 and minutes == 0:
        return ngettext("%(h)d jam", "%(h)d jam", hours) % {"h": hours}
    if days == 0:
        return _("%(h)d jam %(m)d menit") % {"h": hours, "m": minutes}
    if measure == "kerja":
        text = ngettext("%(d)d hari kerja", "%(d)d hari kerja", days) % {"d": days}
    else:
        text = ngettext("%(d)d hari", "%(d)d hari", days) % {"d": days}
    if hours:
        text += " " + ngettext("%(h)d jam", "%(h)d jam", hours) % {"h": hours}
    return text


@register.filter
def percent(share: float | str | None) -> str:
    if not isinstance(share, int | float):
        return "–"
    return f"{number_format(round(100 * share), force_grouping=True)}%"


@register.filter
def width_class(share: float | str | None) -> str:
    """The width class (static/css/app.css) of a bar showing ``share``."""
    if not isinstance(share, int | float):
        share = 0
    return f"kbp-w-{round(100 * min(max(share, 0), 1))}"


@register.filter
def rupiah(amount: int | str | None) -> str:
    if not isinstance(amount, int):
        return "–"
    return f"Rp{number_format(amount, force_grouping=True)}"

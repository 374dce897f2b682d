"""Small display helpers of the bank exchange pages."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

BATCH_STATE_COLOURS = {
    "draft": "secondary",
    "sent": "info",
    "downloaded": "primary",
    "processing": "warning",
    "completed": "success",
}
ROW_STATE_COLOURS = {"PENDING": "secondary", "OPENED": "success", "REJECTED": "danger"}


@register.filter
def batch_state_colour(state: str) -> str:
    return BATCH_STATE_COLOURS.get(state, "secondary")


@register.filter
def row_state_colour(state: str) -> str:
    return ROW_STATE_COLOURS.get(state, "secondary")


@register.filter
def minutes(value: float | None) -> str:
    """A duration in minutes as people say it: 8 menit, 2 jam 5 menit,
    3 hari 4 jam."""
    if value is None:
        return "–"
    total = round(value)
    if total < 60:
        shown = number_format(value, 1) if value < 10 else total
        return _("%(m)s menit") % {"m": shown}
    hours, mins = divmod(total, 60)
    if hours < 24:
        return _("%(h)s jam %(m)s menit") % {"h": hours, "m": mins}
    days, hours = divmod(hours, 24)
    return _("%(d)s hari %(h)s jam") % {"d": days, "h": hours}


@register.filter
def percent_of(part: int, whole: int) -> int:
    """``part`` as a whole percentage of ``whole``, for the kbp-w-* classes."""
    if not whole:
        return 0
    return max(0, min(100, round(100 * part / whole)))


@register.filter
def short_hash(value: str) -> str:
    return f"{value[:12]}…" if value else ""

"""The filters of the dashboard and the report: read from the query string,
so that a view can be bookmarked and nothing is ever changed by them."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Period

from .services.dashboard import Measure

DEFAULT_DAYS = 30
LONGEST_RANGE_DAYS = 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PeriodField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def period_field() -> PeriodField:
    return PeriodField(
        Period.objects.order_by("-year"),
        to_field_name="year",
        required=False,
        empty_label=None,
        label=_("Periode program"),
    )


class ProgressFilter(forms.Form):
    """Unbound (no query string) it shows the defaults; bound with wrong
    input it shows the errors, and the defaults apply."""

    periode = period_field()

    def __init__(self, data: Any = None) -> None:
        self.active = Period.objects.active()
        super().__init__(data or None)
        if self.active is not None:
            self.initial["periode"] = self.active.year

    def period(self) -> Period | None:
        """The chosen period, else the active one."""
        chosen = self.cleaned_data.get("periode") if self.is_valid() else None
        return chosen or self.active


@dataclass(frozen=True)
class DashboardChoice:
    period: Period | None
    first_day: date
    last_day: date
    measure: Measure


class DashboardFilter(ProgressFilter):
    dari = forms.DateField(label=_("Dari tanggal"), required=False, widget=DateInput())
    sampai = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=DateInput()
    )
    waktu = forms.ChoiceField(
        label=_("Cara menghitung waktu"),
        choices=Measure.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, data: Any = None, *, today: date) -> None:
        super().__init__(data)
        self.today = today
        self.initial.update(
            dari=today - timedelta(days=DEFAULT_DAYS),
            sampai=today,
            waktu=Measure.WORKING,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("dari"), data.get("sampai")
        if first and last and first > last:
            raise forms.ValidationError(
                _("Tanggal awal harus sebelum atau sama dengan tanggal akhir.")
            )
        if first and last and (last - first).days >= LONGEST_RANGE_DAYS:
            raise forms.ValidationError(
                _("Rentang tanggal paling panjang %(days)d hari.")
                % {"days": LONGEST_RANGE_DAYS}
            )
        return data

    def choice(self) -> DashboardChoice:
        """What to show: the filters given, the last 30 days in working
        time by default, and the defaults again where the input is wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        last = data.get("sampai") or self.today
        first = data.get("dari") or last - timedelta(days=DEFAULT_DAYS)
        return DashboardChoice(
            period=self.period(),
            first_day=first,
            last_day=last,
            measure=Measure(data.get("waktu") or Measure.WORKING),
        )

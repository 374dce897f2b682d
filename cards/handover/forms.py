from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.widgets import LongSelect
from students.models import School

from ..models import CardState
from .models import HandedByRole, HandoverOutcome, Receiver, UndeliveredReason
from .services import LISTED_STATES, HandoverDetails


def date_input() -> forms.DateInput:
    # A date field sends and shows ISO dates whatever the page's language.
    return forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}
    )


class HandoverForm(forms.Form):
    """One handover as the operator records it. The fields a delivery needs
    and those a failed attempt needs are checked against the outcome."""

    outcome = forms.ChoiceField(
        label=_("Hasil"),
        choices=HandoverOutcome.choices,
        initial=HandoverOutcome.DELIVERED,
        widget=forms.RadioSelect,
    )
    handed_on = forms.DateField(label=_("Tanggal penyerahan"), widget=date_input())
    received_by = forms.ChoiceField(
        label=_("Diterima oleh"),
        choices=Receiver.choices,
        initial=Receiver.STUDENT,
        required=False,
        widget=forms.RadioSelect,
    )
    receiver_name = forms.CharField(
        label=_("Nama orang tua/wali"),
        max_length=150,
        required=False,
        help_text=_("Kosongkan bila kartu diterima siswa sendiri."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    handed_by_name = forms.CharField(
        label=_("Nama petugas yang menyerahkan"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    handed_by_role = forms.ChoiceField(
        label=_("Jabatan"),
        choices=HandedByRole.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.ChoiceField(
        label=_("Alasan tidak dapat diserahkan"),
        choices=[("", "—"), *UndeliveredReason.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Catatan"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handed_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        handed_on = data.get("handed_on")
        if handed_on and handed_on > timezone.localdate():
            self.add_error("handed_on", _("Tanggal tidak boleh setelah hari ini."))

        if data.get("outcome") == HandoverOutcome.DELIVERED:
            received_by = data.get("received_by")
            if not received_by:
                self.add_error("received_by", _("Pilih siapa yang menerima kartu."))
            elif received_by != Receiver.STUDENT and not data.get("receiver_name"):
                self.add_error("receiver_name", _("Tulis nama orang tua atau wali."))
        elif data.get("outcome") == HandoverOutcome.UNDELIVERED:
            if not data.get("reason"):
                self.add_error("reason", _("Pilih alasannya."))
            elif data["reason"] == UndeliveredReason.OTHER and not data.get("note"):
                self.add_error("note", _("Tulis catatan untuk alasan lain."))
        return data

    def details(self) -> HandoverDetails:
        data = self.cleaned_data
        delivered = data["outcome"] == HandoverOutcome.DELIVERED
        return HandoverDetails(
            outcome=HandoverOutcome(data["outcome"]),
            handed_on=data["handed_on"],
            handed_by_name=data["handed_by_name"],
            handed_by_role=HandedByRole(data["handed_by_role"]),
            received_by=Receiver(data["received_by"]) if delivered else None,
            receiver_name=data["receiver_name"] if delivered else "",
            reason=None if delivered else UndeliveredReason(data["reason"]),
            note=data["note"],
        )


class BulkHandoverForm(HandoverForm):
    """The same handover for the cards ticked on the school's list."""

    cards = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=(),
        error_messages={"required": _("Centang kartu yang diserahkan.")},
    )

    def __init__(self, *args: Any, card_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cards"]
        field.choices = [(pk, pk) for pk in card_ids]  # type: ignore[attr-defined]


class ArrivalForm(forms.Form):
    cards = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=(),
        error_messages={"required": _("Centang kartu yang sudah tiba.")},
    )
    arrived_on = forms.DateField(label=_("Tanggal tiba"), widget=date_input())

    def __init__(self, *args: Any, card_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cards"]
        field.choices = [(pk, pk) for pk in card_ids]  # type: ignore[attr-defined]
        self.fields["arrived_on"].initial = timezone.localdate()


class ListFilterForm(forms.Form):
    """The list's filters, read from the query string: a school for the
    Dinas, and the state of the cards."""

    sekolah = forms.ModelChoiceField(
        School.objects.all(),
        required=False,
        label=_("Sekolah"),
        widget=LongSelect(attrs={"class": "form-select form-select-sm"}),
    )
    keadaan = forms.ChoiceField(
        label=_("Keadaan kartu"),
        choices=[
            ("", _("Semua kartu")),
            *((state.value, state.label) for state in LISTED_STATES),
        ],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sekolah"].empty_label = _("Semua sekolah")  # type: ignore[attr-defined]

    def state(self) -> CardState | None:
        value = self.cleaned_data.get("keadaan") if self.is_valid() else ""
        return CardState(value) if value else None


class LookupForm(forms.Form):
    """A typed card number or the text of a scanned QR code."""

    code = forms.CharField(
        label=_("Nomor kartu"),
        max_length=500,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "off",
                "placeholder": "KBP-2026-000123-8",
                "autocapitalize": "characters",
            }
        ),
    )


class ScanForm(forms.Form):
    file = forms.FileField(
        label=_("Pindaian berita acara bertanda tangan"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "application/pdf,image/jpeg,image/png",
                "class": "form-control form-control-sm",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, JPEG atau PNG, paling besar %(mb)s MB."
        ) % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}

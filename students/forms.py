from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .services.selection import DTKS_FILTERS, SelectionRow

ACCEPTED_TYPES = ".xlsx,.xls,.ods,.csv"
REASON_MAX_LENGTH = 500


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas Daftar Peserta Didik"),
        help_text=_(
            "Hasil unduhan Dapodik apa adanya (.xlsx atau .xls), atau templat "
            "sekolah yang sudah diisi; .ods dan .csv juga dapat dibaca."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
    )

    def clean_file(self) -> UploadedFile:
        # The type is decided by the content when the file is read; here
        # only the size, so that a too large file is refused at once.
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("Berkas terlalu besar; ukuran paling besar %(limit)s MB."),
                params={"limit": limit // (1024 * 1024)},
                code="too_large",
            )
        return upload


class StudentFilterForm(forms.Form):
    LISTED_CHOICES = (
        ("", _("Semua")),
        ("yes", _("Tercantum")),
        ("no", _("Tidak lagi tercantum")),
    )

    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    listed = forms.ChoiceField(
        label=_("Tercantum di Dapodik"), choices=LISTED_CHOICES, required=False
    )
    dtks = forms.ChoiceField(
        label=_("DTKS"), choices=[("", _("Semua")), *DTKS_FILTERS], required=False
    )


@dataclass
class SelectionEntry:
    """A row of the selection table with its state in this form."""

    row: SelectionRow
    checked: bool
    reason: forms.BoundField | None


class SelectionForm(forms.Form):
    """The students to send to the Dinas, with a reason where the DTKS does
    not confirm them. Only rows the school may still change can be chosen."""

    students = forms.TypedMultipleChoiceField(
        coerce=int,
        required=True,
        error_messages={
            "required": _("Pilih minimal satu siswa."),
            "invalid_choice": _(
                "Sebagian siswa yang dipilih sudah dikirim ke Dinas atau tidak "
                "dapat dipilih lagi. Muat ulang halaman ini."
            ),
        },
    )

    def __init__(self, rows: list[SelectionRow], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.selectable = {row.student.pk: row for row in rows if row.selectable}
        field = self.fields["students"]
        field.choices = [(pk, str(pk)) for pk in self.selectable]  # type: ignore[attr-defined]
        for pk, row in self.selectable.items():
            self.fields[self.reason_name(pk)] = forms.CharField(
                label=_("Alasan diusulkan"),
                required=False,
                max_length=REASON_MAX_LENGTH,
                initial=row.reason,
            )

    @staticmethod
    def reason_name(pk: int) -> str:
        return f"reason_{pk}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for pk in cleaned.get("students", []):
            row = self.selectable[pk]
            reason = cleaned.get(self.reason_name(pk), "").strip()
            if row.needs_reason and not reason:
                self.add_error(
                    self.reason_name(pk),
                    _("Alasan wajib diisi: siswa ini tidak cocok dengan DTKS."),
                )
        return cleaned

    def choices(self) -> dict[int, str]:
        """The chosen students' ids with their reasons, once valid."""
        return {
            pk: self.cleaned_data.get(self.reason_name(pk), "").strip()
            for pk in self.cleaned_data["students"]
        }

    def entries(self) -> list[SelectionEntry]:
        if self.is_bound:
            chosen = {str(pk) for pk in self["students"].value() or []}
        else:
            chosen = {str(row.student.pk) for row in self.rows if row.preselected}
        return [
            SelectionEntry(
                row=row,
                checked=str(row.student.pk) in chosen,
                reason=self[self.reason_name(row.student.pk)]
                if row.selectable
                else None,
            )
            for row in self.rows
        ]

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import conf

ACCEPTED_TYPES = ".csv,.xlsx"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas DTKS/DTSEN"),
        help_text=_(
            "Ekstrak dari Dinas Sosial apa adanya: .csv (dipisah koma, titik "
            "koma atau garis tegak) atau .xlsx."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
    )
    label = forms.CharField(
        label=_("Nama snapshot"),
        help_text=_("Misalnya “DTSEN Maret 2026”. Kosongkan untuk nama otomatis."),
        max_length=150,
        required=False,
    )

    def clean_file(self) -> UploadedFile:
        # The type is decided by the content when the file is imported;
        # here only the size, so that a too large file is refused at once.
        upload: UploadedFile = self.cleaned_data["file"]
        limit = conf.upload_max_bytes()
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("Berkas terlalu besar; ukuran paling besar %(limit)s MB."),
                params={"limit": limit // conf.MEGABYTE},
                code="too_large",
            )
        return upload

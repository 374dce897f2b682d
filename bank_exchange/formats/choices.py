"""Status and reason codes of the files exchanged with Bank Kalsel."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnStatus(models.TextChoices):
    """The bank's answer for one row of a batch, as written in a return file."""

    OPENED = "OPENED", _("Rekening dibuka")
    REJECTED = "REJECTED", _("Ditolak bank")


class RowState(models.TextChoices):
    """Where a sent row stands before a return file is applied."""

    PENDING = "PENDING", _("Menunggu jawaban bank")
    OPENED = "OPENED", _("Rekening dibuka")
    REJECTED = "REJECTED", _("Ditolak bank")


class ChangeKind(models.TextChoices):
    OPEN = "OPEN", _("Buka rekening")
    REJECT = "REJECT", _("Catat penolakan")
    UNCHANGED = "UNCHANGED", _("Tidak berubah (sudah tercatat sama)")


class ProblemCode(models.TextChoices):
    """Every reason a return file can be refused; one per check."""

    UNREADABLE_FILE = "unreadable_file", _("Berkas tidak dapat dibaca")
    UNSUPPORTED_FILE = "unsupported_file", _("Jenis berkas tidak didukung")
    MISSING_COLUMN = "missing_column", _("Kolom wajib tidak ada")
    DUPLICATE_COLUMN = "duplicate_column", _("Kolom ganda")
    EMPTY_FILE = "empty_file", _("Berkas tidak berisi baris data")
    UNKNOWN_BATCH = "unknown_batch", _("Nomor batch tidak dikenal")
    OTHER_BATCH = "other_batch", _("Baris milik batch lain")
    MISSING_IDENTIFIER = "missing_identifier", _("Siswa tidak dapat dikenali")
    INVALID_ROW_NUMBER = "invalid_row_number", _("Nomor urut tidak valid")
    UNKNOWN_STUDENT = "unknown_student", _("Siswa tidak ada dalam batch")
    IDENTITY_MISMATCH = "identity_mismatch", _("Identitas tidak cocok")
    DUPLICATE_ROW = "duplicate_row", _("Siswa muncul lebih dari sekali")
    INVALID_STATUS = "invalid_status", _("Status tidak valid")
    MISSING_ACCOUNT = "missing_account", _("Nomor rekening kosong")
    ACCOUNT_NOT_DIGITS = "account_not_digits", _("Nomor rekening bukan angka")
    ACCOUNT_WRONG_LENGTH = "account_wrong_length", _("Panjang nomor rekening salah")
    ACCOUNT_LOST_ZEROS = "account_lost_zeros", _("Nol di depan nomor rekening hilang")
    DUPLICATE_ACCOUNT = "duplicate_account", _("Nomor rekening ganda dalam berkas")
    ACCOUNT_IN_USE = "account_in_use", _("Nomor rekening sudah dipakai")
    ACCOUNT_ON_REJECTED = "account_on_rejected", _("Baris ditolak berisi rekening")
    MISSING_REASON = "missing_reason", _("Alasan penolakan kosong")
    INVALID_DATE = "invalid_date", _("Tanggal pembukaan tidak valid")
    ALREADY_OPENED = "already_opened", _("Sudah dibuka dengan nomor lain")
    ALREADY_REJECTED = "already_rejected", _("Sudah tercatat ditolak")
    ROW_MISSING = "row_missing", _("Baris batch tidak ada dalam berkas")

"""Read-only admin pages: batches and answers change only through
bank_exchange.services, so that the audit trail and the candidates' stage
events stay complete."""

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import BankAccount, BankBatch, BatchRow, DownloadLog, ReturnUpload


class ReadOnlyAdmin(admin.ModelAdmin[models.Model]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False


@admin.register(BankBatch)
class BankBatchAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "period", "state", "created_at", "sent_at"]
    list_filter = ["state", "period"]


@admin.register(BatchRow)
class BatchRowAdmin(ReadOnlyAdmin):
    list_display = ["batch", "row_number", "state", "answered_at"]
    list_filter = ["state"]
    list_select_related = ["batch"]


@admin.register(ReturnUpload)
class ReturnUploadAdmin(ReadOnlyAdmin):
    list_display = ["batch", "uploaded_at", "applied_at", "opened_count"]
    exclude = ["file"]


@admin.register(DownloadLog)
class DownloadLogAdmin(ReadOnlyAdmin):
    list_display = ["batch", "file", "user", "at", "by_bank"]


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "via", "opened_on", "recorded_at"]

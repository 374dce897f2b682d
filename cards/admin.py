"""Cards and print runs in the admin, to look at only: they change through
cards.services."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Card, PrintRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: object | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: object | None = None
    ) -> bool:
        return False


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ["number", "state", "year", "issued_at", "printed_at"]
    list_filter = ["state", "year"]
    search_fields = ["number"]


@admin.register(PrintRun)
class PrintRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "bank_batch", "school", "layout", "card_count", "created_at"]
    list_filter = ["layout"]
    exclude = ["cards"]

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest

from .models import Decision, PeriodRules, SchoolQuota, SupportingDocument


@admin.register(PeriodRules)
class PeriodRulesAdmin(admin.ModelAdmin[PeriodRules]):
    list_display = ["period", "max_desil", "jenjang", "sktm_required", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(
        self, request: HttpRequest, obj: PeriodRules, form: Any, change: bool
    ) -> None:
        obj.updated_by = cast(User, request.user)
        super().save_model(request, obj, form, change)


@admin.register(SchoolQuota)
class SchoolQuotaAdmin(admin.ModelAdmin[SchoolQuota]):
    list_display = ["period", "school", "quota", "note", "updated_at"]
    list_filter = ["period"]
    search_fields = ["school__name", "school__npsn"]
    autocomplete_fields = ["school"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(
        self, request: HttpRequest, obj: SchoolQuota, form: Any, change: bool
    ) -> None:
        obj.updated_by = cast(User, request.user)
        super().save_model(request, obj, form, change)


class ReadOnlyMixin:
    """Decisions and documents are made on the verification pages only, where
    the pipeline and the audit trail see them."""

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


@admin.register(Decision)
class DecisionAdmin(ReadOnlyMixin, admin.ModelAdmin[Decision]):
    list_display = ["candidate", "outcome", "reason", "decided_by", "decided_at"]
    list_filter = ["outcome", "reason", "bulk"]
    raw_id_fields = ["candidate", "submission"]


@admin.register(SupportingDocument)
class SupportingDocumentAdmin(ReadOnlyMixin, admin.ModelAdmin[SupportingDocument]):
    list_display = ["candidate", "kind", "content_type", "size", "uploaded_at"]
    exclude = ["file"]
    raw_id_fields = ["candidate"]

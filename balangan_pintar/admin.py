from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SOP, AuditEntry, Job, Period, SOPStep


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin[Period]):
    list_display = ["year", "name", "is_active", "quota_per_school"]


class SOPStepInline(admin.TabularInline[SOPStep, SOP]):
    model = SOPStep
    extra = 0


@admin.register(SOP)
class SOPAdmin(admin.ModelAdmin[SOP]):
    list_display = ["number", "name", "made_on", "revised_on", "approved_on"]
    inlines = [SOPStepInline]
    actions = ["make_revision"]

    @admin.action(description=_("Buat revisi baru dari SOP terpilih"))
    def make_revision(self, request: HttpRequest, queryset: object) -> None:
        for sop in queryset:  # type: ignore[attr-defined]
            sop.make_revision(timezone.localdate())
        self.message_user(request, _("Revisi dibuat; sahkan untuk memberlakukannya."))


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ["kind", "state", "done", "total", "created_by", "created_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "actor_name", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor_name", "action", "object_id", "=student_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

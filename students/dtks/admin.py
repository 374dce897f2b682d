"""Read-only views of the register for the site's superusers. Snapshots are
imported and removed through the DTKS pages, so that the file checks, the
audit trail and the cleanup of a million rows always happen."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Match, ReviewDecision, Snapshot


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    # A register of a million people: no total count on every page.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["label", "imported_at", "is_complete", "row_count", "problem_count"]
    list_filter = ["is_complete"]


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["student", "snapshot", "decision", "method", "score", "matched_at"]
    list_filter = ["decision", "method", "snapshot"]
    raw_id_fields = ["student", "person"]
    list_select_related = ["student", "snapshot"]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ["student", "same_person", "decided_by", "decided_at"]
    list_filter = ["same_person"]
    raw_id_fields = ["student"]
    list_select_related = ["student", "decided_by"]

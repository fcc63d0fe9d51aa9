"""A read-only look at veteran referrals: they change only through the app's own pages,
whose services keep the queue, the assignment and the veteran service they record."""

from django.contrib import admin
from django.http import HttpRequest

from veterans.models import VeteranReferral


@admin.register(VeteranReferral)
class VeteranReferralAdmin(admin.ModelAdmin):
    list_display = ["__str__", "office", "status", "assignment", "accepted_by", "referred_at"]
    list_filter = ["status", "office", "assignment"]
    list_select_related = ["office", "accepted_by"]
    date_hierarchy = "referred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: VeteranReferral | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: VeteranReferral | None = None
    ) -> bool:
        return False

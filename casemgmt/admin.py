from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from casemgmt.models import Office, Policy, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "time_zone"]
    list_filter = ["region"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Offices", {"fields": ("offices", "supervised_offices")}),
    )
    filter_horizontal = ("groups", "user_permissions", "offices", "supervised_offices")
    list_filter = ("groups", "offices", "is_active")


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = [
        "region",
        "entry_deadline_days",
        "contact_overdue_day",
        "review_overdue_day",
        "exit_day",
        "eligibility_overdue_day",
        "service_correction_days",
    ]

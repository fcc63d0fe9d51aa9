"""The service matrix (SPEC 3), kept by administrators: its codes, titles, categories,
programs, flags and prerequisites, read as words."""

from django.contrib import admin

from casemgmt.admin import yes_no
from services.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "category",
        "program",
        "enrolling",
        "same_day_service",
        "prerequisites",
        "is_active",
    ]
    list_filter = [
        "active",
        "category",
        "program",
        "extends_exit_window",
        "same_day",
        "in_seed_matrix",
    ]
    search_fields = ["code", "title", "definition"]
    list_select_related = ["requires_prior"]
    ordering = ["code"]

    @admin.display(description="Enrolling", ordering="extends_exit_window")
    def enrolling(self, activity: Activity) -> str:
        return yes_no(activity.extends_exit_window)

    @admin.display(description="Same day", ordering="same_day")
    def same_day_service(self, activity: Activity) -> str:
        return yes_no(activity.same_day)

    @admin.display(description="Requires")
    def prerequisites(self, activity: Activity) -> str:
        needs = [
            label
            for flag, label in [
                (activity.requires_iep, "an IEP/ISS"),
                (activity.requires_assessment, "an assessment"),
                (activity.requires_istep, "ISTEP (221)"),
                (activity.requires_active_enrolling, "an active enrolling service"),
                (activity.not_in_follow_up_adult_dw, "not in follow-up (Adult/DW)"),
            ]
            if flag
        ]
        if activity.requires_prior:
            needs.append(f"after {activity.requires_prior.code}")
        return "; ".join(needs) or "—"

    @admin.display(description="Active", ordering="active")
    def is_active(self, activity: Activity) -> str:
        return yes_no(activity.active)

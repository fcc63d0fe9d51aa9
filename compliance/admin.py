from django.contrib import admin

from compliance.models import Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = [
        "region",
        "contact_overdue_day",
        "review_overdue_day",
        "exit_day",
        "eligibility_overdue_day",
    ]

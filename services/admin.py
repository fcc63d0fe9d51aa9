from django.contrib import admin

from services.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "category",
        "program",
        "extends_exit_window",
        "same_day",
        "in_seed_matrix",
        "active",
    ]
    list_filter = ["category", "program", "extends_exit_window", "same_day", "active"]
    search_fields = ["code", "title"]

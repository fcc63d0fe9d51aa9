from django.contrib import admin

from plans.models import AssessmentType


@admin.register(AssessmentType)
class AssessmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "sort_order"]
    list_editable = ["active", "sort_order"]

from django.contrib import admin

from customers.models import Barrier, DocumentType, PartnerProgram


@admin.register(Barrier, PartnerProgram, DocumentType)
class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    search_fields = ["name"]

from django.contrib import admin

from casenotes.models import Acronym


@admin.register(Acronym)
class AcronymAdmin(admin.ModelAdmin):
    list_display = ["text", "meaning"]
    search_fields = ["text", "meaning"]

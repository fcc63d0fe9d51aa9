"""The workshop catalog, kept by administrators (SPEC 1), and a read-only look at
sessions: sessions are scheduled, cancelled and filled through the app's own pages, whose
services keep the waiting list, the versions and the attendance rules."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from customers.models import Program
from workshops.models import Session, Workshop


class WorkshopAdminForm(forms.ModelForm):
    programs = forms.MultipleChoiceField(
        choices=Program.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The programs whose customers may attend; none means every program.",
    )

    class Meta:
        model = Workshop
        fields = [
            "title",
            "content",
            "activity",
            "default_minutes",
            "default_capacity",
            "programs",
            "active",
        ]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    form = WorkshopAdminForm
    list_display = ["title", "activity", "active"]
    list_filter = ["active"]
    search_fields = ["title", "activity__code", "activity__title"]
    list_select_related = ["activity"]
    ordering = ["title"]

    def has_delete_permission(self, request: HttpRequest, obj: Workshop | None = None) -> bool:
        # A workshop with sessions is retired (active off), never deleted: its sessions,
        # attendance and the services they recorded keep pointing at it.
        if obj is not None and obj.sessions.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["workshop", "office", "on", "starts_at", "facilitator", "capacity", "status"]
    list_filter = ["status", "office", "workshop"]
    date_hierarchy = "on"
    list_select_related = ["workshop", "office", "facilitator"]
    search_fields = ["workshop__title", "room"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Session | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Session | None = None) -> bool:
        return False

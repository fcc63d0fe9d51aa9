"""The workshop catalog, kept by administrators (SPEC 1), and a read-only look at
sessions: sessions are scheduled, cancelled and filled through the app's own pages, whose
services keep the waiting list, the versions and the attendance rules."""

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from casemgmt.admin import yes_no
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


class OpenToFilter(admin.SimpleListFilter):
    title = "open to program"
    parameter_name = "program"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return list(Program.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Workshop]) -> QuerySet[Workshop]:
        # No programs means every program.
        if self.value() in Program.values:
            return queryset.filter(Q(programs__contains=[self.value()]) | Q(programs=[]))
        return queryset


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    form = WorkshopAdminForm
    list_display = ["title", "activity", "open_to", "length", "default_capacity", "is_active"]
    list_filter = ["active", OpenToFilter, ("activity", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "content", "activity__code", "activity__title"]
    list_select_related = ["activity"]
    ordering = ["title"]

    @admin.display(description="Open to")
    def open_to(self, workshop: Workshop) -> str:
        return ", ".join(workshop.program_labels) or "Every program"

    @admin.display(description="Length", ordering="default_minutes")
    def length(self, workshop: Workshop) -> str:
        return f"{workshop.default_minutes} minutes"

    @admin.display(description="Active", ordering="active")
    def is_active(self, workshop: Workshop) -> str:
        return yes_no(workshop.active)

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

"""Vendors and the regions' caps, kept by administrators (SPEC 6), and a read-only look at
purchase orders: those change only through the app's own pages, whose services keep the
numbering, the approvals, the caps and the service record they write."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from casemgmt.admin import yes_no
from supportive.models import PurchaseOrder, SupportiveCap, SupportiveType, Vendor


class VendorAdminForm(forms.ModelForm):
    supportive_types = forms.MultipleChoiceField(
        label="Supplies",
        choices=SupportiveType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Purchase orders for these supportive services may be written to the vendor.",
        error_messages={"required": "Tick at least one supportive service the vendor supplies."},
    )

    class Meta:
        model = Vendor
        fields = ["name", "address", "phone", "supportive_types", "active"]
        help_texts = {"active": "Untick to retire the vendor: its purchase orders are kept."}


class SuppliesFilter(admin.SimpleListFilter):
    title = "supplies"
    parameter_name = "supplies"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(SupportiveType.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Vendor]) -> QuerySet[Vendor]:
        if self.value() in SupportiveType.values:
            return queryset.filter(supportive_types__contains=[self.value()])
        return queryset


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    form = VendorAdminForm
    list_display = ["name", "phone", "address", "supplies", "is_active"]
    list_filter = ["active", SuppliesFilter]
    search_fields = ["name", "address", "phone"]
    ordering = ["name"]

    @admin.display(description="Supplies")
    def supplies(self, vendor: Vendor) -> str:
        return ", ".join(SupportiveType(t).label for t in vendor.supportive_types)

    @admin.display(description="Active", ordering="active")
    def is_active(self, vendor: Vendor) -> str:
        return yes_no(vendor.active)

    def has_delete_permission(self, request: HttpRequest, obj: Vendor | None = None) -> bool:
        # A vendor with purchase orders is retired (active off), never deleted.
        if obj is not None and obj.purchase_orders.exists():
            return False
        return super().has_delete_permission(request, obj)


class SupportiveCapAdminForm(forms.ModelForm):
    class Meta:
        model = SupportiveCap
        fields = ["region", "supportive_type", "amount", "referral_waived"]

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("A cap is more than $0.00.")
        return amount


@admin.register(SupportiveCap)
class SupportiveCapAdmin(admin.ModelAdmin):
    form = SupportiveCapAdminForm
    list_display = ["region", "type_or_total", "cap", "referral"]
    list_filter = ["region", "supportive_type", "referral_waived"]
    list_select_related = ["region"]
    search_fields = ["region__name"]
    ordering = ["region__name", "supportive_type"]

    @admin.display(description="Supportive service", ordering="supportive_type")
    def type_or_total(self, cap: SupportiveCap) -> str:
        return cap.get_supportive_type_display() or "All types together (the total)"

    @admin.display(description="Most per customer and program year", ordering="amount")
    def cap(self, cap: SupportiveCap) -> str:
        return f"${cap.amount:,.2f}"

    @admin.display(description="Community referral", ordering="referral_waived")
    def referral(self, cap: SupportiveCap) -> str:
        return "Not needed" if cap.referral_waived else "Needed first"


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "office",
        "program_year",
        "status",
        "vendor",
        "supportive_type",
        "amount",
        "created_at",
    ]
    list_filter = ["status", "office", "program_year", "supportive_type"]
    list_select_related = ["office", "vendor"]
    search_fields = ["number", "vendor__name", "card_number"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PurchaseOrder | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PurchaseOrder | None = None) -> bool:
        return False

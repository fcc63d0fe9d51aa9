"""Forms of purchase orders: the draft (recorded once) and each state change (at the
version the page was opened at). The rules are `supportive.services`'; these forms read
and clean the input, with choices drawn from the customer's own records."""

import datetime
from decimal import Decimal

from crispy_forms.layout import Div, Fieldset
from django import forms

from casemgmt.clock import today
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.once import OnceFormMixin
from customers.forms import DateInput, limit_length, name_the_limits
from customers.models import Barrier, Customer, Program
from services.models import ServiceRecord
from supportive.models import MONEY, PurchaseOrder, Referral, SupportiveType, Vendor

# The justification becomes the issuing case note after the barrier, the referral and
# the item (casenotes holds a note to 10,000 characters): room is kept for those.
JUSTIFICATION_MAX_CHARS = 9_000
INVALID_DATE = "Enter a real date, for example 12/01/2026."
MONEY_HELP = "Dollars and cents, for example 75.00."


def _money_input(field: forms.Field) -> None:
    field.widget.attrs.update({"min": "0.01", "step": "0.01", "inputmode": "decimal"})


class PurchaseOrderForm(OnceFormMixin, InputModelForm):
    """Drafts a purchase order for the customer: the choices are the customer's open
    enrolling services, programs and referrals, and the active vendors."""

    class Meta:
        model = PurchaseOrder
        fields = [
            "supportive_type",
            "vendor",
            "item",
            "quantity",
            "unit_price",
            "card_number",
            "barrier",
            "supports",
            "funding_program",
            "referral",
            "no_referral_reason",
            "justification",
        ]
        widgets = {"justification": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "supportive_type": "Supportive service",
            "item": "What is bought",
            "unit_price": "Unit price",
            "barrier": "Barrier it addresses",
            "referral": "Community referral tried first",
        }
        help_texts = {
            "vendor": "Only a vendor that supplies the chosen service is accepted.",
            "item": "For example: monthly bus pass, steel-toe boots size 10.",
            "unit_price": MONEY_HELP,
            "card_number": "For a gas card or bus pass: the number printed on the card.",
            "referral": "A referral of this customer for the same need, which could not help.",
            "no_referral_reason": "Only when no community organisation offers it; leave empty "
            "when a referral is chosen.",
        }

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        fields = self.fields
        fields["supportive_type"].choices = [("", "Choose…"), *SupportiveType.choices]
        fields["vendor"].queryset = Vendor.objects.filter(active=True)
        fields["vendor"].label_from_instance = _vendor_label
        fields["barrier"].queryset = Barrier.objects.filter(active=True)
        fields["supports"].queryset = (
            ServiceRecord.objects.filter(
                customer=customer, ended_on__isnull=True, activity__extends_exit_window=True
            )
            .select_related("activity")
            .order_by("-started_on", "-pk")
        )
        fields["supports"].label_from_instance = _service_label
        fields[
            "supports"
        ].help_text = "A supportive service supports one of the customer's open enrolling services."
        fields["funding_program"].choices = [
            (code, Program(code).label) for code in customer.programs if code in Program.values
        ]
        fields["referral"].queryset = Referral.objects.filter(customer=customer)
        fields["referral"].label_from_instance = _referral_label
        fields["referral"].required = False
        fields["card_number"].empty_value = ""
        fields["quantity"].widget.attrs["min"] = "1"
        fields["quantity"].error_messages["min_value"] = "The quantity is 1 or more."
        _money_input(fields["unit_price"])
        limit_length(self, "justification", max_chars=JUSTIFICATION_MAX_CHARS)
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("supportive_type", css_class="col-md-5"),
                Div("vendor", css_class="col-md-7"),
                css_class="row",
            ),
            "item",
            Div(
                Div("quantity", css_class="col-md-3"),
                Div("unit_price", css_class="col-md-4"),
                Div("card_number", css_class="col-md-5"),
                css_class="row",
            ),
            Div(
                Div("barrier", css_class="col-md-4"),
                Div("supports", css_class="col-md-5"),
                Div("funding_program", css_class="col-md-3"),
                css_class="row",
            ),
            Fieldset("Community referral first", "referral", "no_referral_reason"),
            "justification",
        )

    def values(self) -> dict[str, object]:
        """What was entered for the purchase order (not the token), as `po_create` takes it."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["card_number"] = data["card_number"] or ""
        data["no_referral_reason"] = data["no_referral_reason"] or ""
        return data


def _vendor_label(vendor: Vendor) -> str:
    supplies = ", ".join(SupportiveType(t).label for t in vendor.supportive_types)
    return f"{vendor.name} ({supplies})" if supplies else vendor.name


def _service_label(record: ServiceRecord) -> str:
    return f"{record.activity.code} {record.activity.title}, from {record.started_on:%m/%d/%Y}"


def _referral_label(referral: Referral) -> str:
    return (
        f"{referral.get_supportive_type_display()}: {referral.organisation}, "
        f"{referral.referred_on:%m/%d/%Y} ({referral.get_outcome_display().lower()})"
    )


class POActionForm(VersionedFormMixin, forms.Form):
    """A state change of the purchase order, at the version the page showed. Several sit
    on one page, so each names its element ids after its action (the field names stay)."""

    action = ""

    def __init__(self, *args: object, po: PurchaseOrder, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.po = po
        self.fields["lock_version"].initial = po.lock_version
        name_the_limits(self)
        self.helper = form_helper(*self.layout())

    def layout(self) -> list[object]:
        return []


class RequestApprovalForm(POActionForm):
    action = "request_approval"


class ApproveForm(POActionForm):
    action = "approve"


class IssueForm(POActionForm):
    action = "issue"


class PayForm(POActionForm):
    action = "pay"
    paid_on = forms.DateField(
        widget=DateInput(), label="Paid on", error_messages={"invalid": INVALID_DATE}
    )
    invoice_number = forms.CharField(max_length=60, label="Vendor's invoice number")
    amount_paid = forms.DecimalField(label="Amount paid", help_text=MONEY_HELP, **MONEY)

    def __init__(self, *args: object, po: PurchaseOrder, **kwargs: object) -> None:
        super().__init__(*args, po=po, **kwargs)
        self.fields["paid_on"].initial = today(po.office.time_zone)
        self.fields["amount_paid"].initial = po.amount
        _money_input(self.fields["amount_paid"])

    def layout(self) -> list[object]:
        return [
            Div(
                Div("paid_on", css_class="col-sm-6"),
                Div("amount_paid", css_class="col-sm-6"),
                css_class="row",
            ),
            "invoice_number",
        ]

    def values(self) -> dict[str, datetime.date | str | Decimal]:
        return {
            name: self.cleaned_data[name] for name in ("paid_on", "invoice_number", "amount_paid")
        }


class VoidForm(POActionForm):
    action = "void"
    reason = forms.CharField(
        max_length=300,
        label="Why it is voided",
        help_text="Kept with the purchase order and in the update log; nothing is deleted.",
        error_messages={"required": "Say why the purchase order is voided."},
    )

    def layout(self) -> list[object]:
        return ["reason"]

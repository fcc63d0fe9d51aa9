"""The forms of the customer's Employment tab (SPEC 8): employer contacts, jobs,
worksite placements and on-the-job training with their status and follow-ups,
credentials (PIRL 1800-1805) and measurable skill gains (PIRL 1806-1810).

The forms read and bound the input; the services in `employment.services` apply the
rules of the domain (the minimum wage, the subsidy, dates not in the future) and the
views show their refusals on the fields they name.
"""

from decimal import Decimal

from crispy_forms.layout import HTML, Div
from django import forms
from django.core.validators import MaxValueValidator
from django.urls import reverse

from casemgmt.clock import today
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.models import Policy
from casemgmt.once import OnceFormMixin
from casenotes.forms import check_note_body, two_way_field
from casenotes.models import NoteType
from casenotes.services import BODY_MAX_CHARS
from customers.forms import DateInput, limit_length, name_the_limits
from customers.models import Customer
from customers.rules import EARLIEST_RECORD_DATE, date_bound_problem, years_after
from employment.models import (
    ONET,
    Credential,
    CredentialType,
    EmployerContact,
    Employment,
    Placement,
    PlacementFollowUp,
    PlacementStatus,
    SkillGain,
)
from employment.selectors import services_of, training_services_of

HOURLY_WAGE_MAX = Decimal("999.99")
# A placement is arranged ahead of its start, but not years ahead.
PLACEMENT_MAX_YEARS_AHEAD = 2

# Common occupations of the customers of a job center, offered while typing the O*NET-SOC
# code; any code in the O*NET-SOC format is accepted.
COMMON_ONET_CODES = [
    ("11-9051.00", "Food Service Managers"),
    ("15-1232.00", "Computer User Support Specialists"),
    ("29-1141.00", "Registered Nurses"),
    ("29-2042.00", "Emergency Medical Technicians"),
    ("29-2052.00", "Pharmacy Technicians"),
    ("29-2061.00", "Licensed Practical and Licensed Vocational Nurses"),
    ("31-1121.00", "Home Health Aides"),
    ("31-1122.00", "Personal Care Aides"),
    ("31-1131.00", "Nursing Assistants"),
    ("31-9092.00", "Medical Assistants"),
    ("31-9097.00", "Phlebotomists"),
    ("33-9032.00", "Security Guards"),
    ("35-2014.00", "Cooks, Restaurant"),
    ("35-3023.00", "Fast Food and Counter Workers"),
    ("37-2011.00", "Janitors and Cleaners"),
    ("39-9011.00", "Childcare Workers"),
    ("41-2011.00", "Cashiers"),
    ("41-2031.00", "Retail Salespersons"),
    ("43-3031.00", "Bookkeeping, Accounting, and Auditing Clerks"),
    ("43-4051.00", "Customer Service Representatives"),
    ("43-5071.00", "Shipping, Receiving, and Inventory Clerks"),
    ("43-6014.00", "Secretaries and Administrative Assistants"),
    ("43-9061.00", "Office Clerks, General"),
    ("47-2061.00", "Construction Laborers"),
    ("47-2111.00", "Electricians"),
    ("47-2152.00", "Plumbers, Pipefitters, and Steamfitters"),
    ("49-3023.00", "Automotive Service Technicians and Mechanics"),
    ("49-9021.00", "Heating, Air Conditioning, and Refrigeration Mechanics"),
    ("51-4041.00", "Machinists"),
    ("51-4121.00", "Welders, Cutters, Solderers, and Brazers"),
    ("53-3032.00", "Heavy and Tractor-Trailer Truck Drivers"),
    ("53-7051.00", "Industrial Truck and Tractor Operators (forklift)"),
    ("53-7062.00", "Laborers and Freight, Stock, and Material Movers, Hand"),
    ("53-7065.00", "Stockers and Order Fillers"),
]
ONET_DATALIST = HTML(
    '<datalist id="onet-codes">'
    + "".join(f'<option value="{code}">{title}</option>' for code, title in COMMON_ONET_CODES)
    + "</datalist>"
)
# The late-entry warning: filled by the page when it is shown again, and by htmx when the
# date changes (`employment:entry_check`).
LATE_WARNING = HTML(
    '<div id="late-warning" aria-live="polite">'
    '{% include "services/partials/late_warning.html" with warning=late_warning %}</div>'
)


class WageField(forms.DecimalField):
    """Dollars and cents an hour, typed as people write money ("$16.50"), in a text box:
    a number box turns with the mouse wheel and takes "1e3"."""

    def __init__(self, *, label: str, help_text: str = "", required: bool = True) -> None:
        super().__init__(
            label=label,
            help_text=help_text,
            required=required,
            max_digits=8,
            decimal_places=2,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
        most = f"{label}: at most ${HOURLY_WAGE_MAX:,} an hour."
        self.validators.append(MaxValueValidator(HOURLY_WAGE_MAX, most))
        self.error_messages.update(
            {
                "invalid": f"{label}: enter dollars and cents an hour, as 16.50.",
                "max_digits": most,
                "max_whole_digits": most,
                "max_decimal_places": f"{label}: give dollars and cents, at most two decimals.",
            }
        )

    def to_python(self, value: object) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removeprefix("$").replace(",", "")
            if "e" in value.lower():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def _hours_field(field: forms.Field) -> None:
    """Hours a week as a number box, with Django's digit messages said in hours."""
    what = "Hours per week: give the hours a week, from 0.5 to 100, as 37.5."
    field.error_messages.update(
        {
            "invalid": what,
            "max_digits": what,
            "max_whole_digits": what,
            "max_decimal_places": "Hours per week: give at most one decimal, as 37.5.",
        }
    )
    field.widget.attrs.update({"min": "0.5", "max": "100", "step": "0.5"})


def late_check_attrs(customer: Customer) -> dict[str, str]:
    """htmx attributes on the date that makes an entry late: says so before saving."""
    return {
        "hx-get": reverse("employment:entry_check", kwargs={"pk": customer.pk}),
        "hx-trigger": "change, load",
        "hx-target": "#late-warning",
        "aria-describedby": "late-warning",
    }


class TabForm(forms.Form):
    """What the tab's forms share: the customer, whose office gives "today"; the bounds
    of each date (from 2000 to today, or further ahead for planned dates); and the values
    for the service function."""

    # The date that makes the entry late, and what the warning calls the entry.
    late_field: tuple[str, str] | None = None

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.customer = customer
        self.today = today(customer.office.time_zone)
        # A record being changed was entered already: only a new one can be late.
        instance = getattr(self, "instance", None)
        self.checks_late = bool(self.late_field) and getattr(instance, "pk", None) is None
        if self.checks_late:
            self.fields[self.late_field[0]].widget.attrs.update(late_check_attrs(customer))

    def date_bounds(self) -> dict[str, dict[str, object]]:
        """Each date field's bounds, as `date_bound_problem` takes them: a date of
        record falls between 2000 and today."""
        return {
            name: {"earliest": EARLIEST_RECORD_DATE, "latest": self.today, "latest_is": "today"}
            for name, field in self.fields.items()
            if isinstance(field, forms.DateField)
        }

    def clean(self) -> dict[str, object]:
        data = super().clean()
        for name, bounds in self.date_bounds().items():
            label = str(self.fields[name].label)
            problem = date_bound_problem(label, data.get(name), **bounds)  # type: ignore[arg-type]
            if problem:
                self.add_error(name, problem)
        return data

    def values(self) -> dict[str, object]:
        """What was entered for the model's fields (not the token or version)."""
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}  # type: ignore[attr-defined]


class EmployerContactForm(TabForm, OnceFormMixin, InputModelForm):
    late_field = ("contacted_on", "employer contact")

    class Meta:
        model = EmployerContact
        fields = [
            "employer",
            "contact_person",
            "method",
            "contacted_on",
            "outcome",
            "service",
            "notes",
        ]
        labels = {"contacted_on": "Date of the contact", "method": "How"}
        widgets = {"contacted_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        service.queryset = services_of(self.customer)
        service.required = False
        service.label = "Service it was part of (optional)"
        service.help_text = "The job referral or job development service, if recorded."
        service.label_from_instance = lambda r: (
            f"{r.activity.code} {r.activity.title}, {r.started_on:%m/%d/%Y}"
        )
        limit_length(self, "notes")
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("employer", css_class="col-md-6"),
                Div("contact_person", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("contacted_on", css_class="col-md-4"),
                Div("method", css_class="col-md-4"),
                Div("outcome", css_class="col-md-4"),
                css_class="row",
            ),
            LATE_WARNING,
            "service",
            "notes",
        )


class JobForm(TabForm, OnceFormMixin, VersionedFormMixin, InputModelForm):
    """Records a job (with the one-time token) or changes one (with its version)."""

    late_field = ("started_on", "job")

    class Meta:
        model = Employment
        fields = [
            "employer",
            "job_title",
            "onet_code",
            "started_on",
            "ended_on",
            "hourly_wage",
            "hours_per_week",
            "training_related",
            "verification",
        ]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["submission_token"]
            self.fields["lock_version"].initial = self.instance.lock_version
        else:
            del self.fields["lock_version"]
        onet = self.fields["onet_code"]
        onet.validators.append(ONET)
        onet.widget.attrs.update(
            {"list": "onet-codes", "autocomplete": "off", "placeholder": "53-7051.00"}
        )
        onet.help_text = "Type the code or pick a common occupation, as 53-7051.00."
        self.fields["hourly_wage"] = WageField(label="Hourly wage")
        hours = self.fields["hours_per_week"]
        _hours_field(hours)
        hours.help_text = f"Full time at {Employment.FULL_TIME_HOURS} hours a week or more."
        self.fields["ended_on"].help_text = "Only if the job has ended."
        name_the_limits(self)
        late = [LATE_WARNING] if not self.instance.pk else []
        self.helper = form_helper(
            Div(
                Div("employer", css_class="col-md-6"),
                Div("job_title", css_class="col-md-6"),
                css_class="row",
            ),
            Div(Div("onet_code", css_class="col-md-6"), css_class="row"),
            ONET_DATALIST,
            Div(
                Div("started_on", css_class="col-md-3"),
                Div("ended_on", css_class="col-md-3"),
                Div("hourly_wage", css_class="col-md-3"),
                Div("hours_per_week", css_class="col-md-3"),
                css_class="row",
            ),
            *late,
            Div(
                Div("verification", css_class="col-md-6"),
                Div("training_related", css_class="col-md-6 pt-md-4"),
                css_class="row",
            ),
        )


class PlacementForm(TabForm, OnceFormMixin, InputModelForm):
    """A worksite placement or on-the-job training; the unsubsidised part is the hourly
    wage less the subsidised part, shown once saved."""

    late_field = ("starts_on", "placement")

    class Meta:
        model = Placement
        fields = [
            "kind",
            "worksite",
            "supervisor",
            "hourly_wage",
            "subsidized_wage",
            "hours_per_week",
            "starts_on",
            "ends_on",
        ]
        labels = {"kind": "Kind of placement"}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        minimum = Policy.for_office(self.customer.office).minimum_wage
        self.fields["hourly_wage"] = WageField(
            label="Hourly wage",
            help_text=f"At least the minimum wage that applies here, ${minimum:,.2f}.",
        )
        self.fields["subsidized_wage"] = WageField(
            label="Subsidised part of the hourly wage",
            help_text="What the program pays of each hour; the employer pays the rest.",
        )
        _hours_field(self.fields["hours_per_week"])
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("kind", css_class="col-md-4"),
                Div("worksite", css_class="col-md-4"),
                Div("supervisor", css_class="col-md-4"),
                css_class="row",
            ),
            Div(
                Div("hourly_wage", css_class="col-md-4"),
                Div("subsidized_wage", css_class="col-md-4"),
                Div("hours_per_week", css_class="col-md-4"),
                css_class="row",
            ),
            Div(
                Div("starts_on", css_class="col-md-4"),
                Div("ends_on", css_class="col-md-4"),
                css_class="row",
            ),
            LATE_WARNING,
        )

    def date_bounds(self) -> dict[str, dict[str, object]]:
        latest = years_after(self.today, PLACEMENT_MAX_YEARS_AHEAD)
        why = f"{PLACEMENT_MAX_YEARS_AHEAD} years from today"
        bounds = {"earliest": EARLIEST_RECORD_DATE, "latest": latest, "latest_is": why}
        return {"starts_on": bounds, "ends_on": bounds}


class PlacementStatusForm(TabForm, VersionedFormMixin, forms.Form):
    """A placement's status and the day it changed; carries the version it was opened at."""

    status = forms.ChoiceField(choices=PlacementStatus.choices)
    on = forms.DateField(widget=DateInput(), label="Date of the change")

    def __init__(self, *args: object, placement: Placement, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = placement.lock_version
        self.fields["status"].initial = placement.status
        self.fields["on"].initial = self.today
        self.helper = form_helper(
            Div(
                Div("status", css_class="col-md-4"),
                Div("on", css_class="col-md-4"),
                css_class="row",
            )
        )


class PlacementFollowUpForm(TabForm, OnceFormMixin, forms.Form):
    """A placement's follow-up, recorded with its case note."""

    done_on = forms.DateField(widget=DateInput(), label="Date of the follow-up")
    two_way = two_way_field()
    note_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=BODY_MAX_CHARS,
        label="Case note of the follow-up",
        help_text="Who you spoke with (the customer, the worksite supervisor), how the "
        "placement is going, and what comes next.",
    )

    def __init__(self, *args: object, follow_up: PlacementFollowUp, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.placement = follow_up.placement
        self.fields["done_on"].initial = self.today
        name_the_limits(self)
        self.helper = form_helper(
            Div(Div("done_on", css_class="col-md-4"), css_class="row"), "two_way", "note_body"
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        check_note_body(self, "note_body", customer=self.customer, note_type=NoteType.FOLLOW_UP)
        return data

    def date_bounds(self) -> dict[str, dict[str, object]]:
        return {
            "done_on": {
                "earliest": self.placement.starts_on,
                "earliest_is": "the placement's start",
                "latest": self.today,
                "latest_is": "today",
            }
        }


class CredentialForm(TabForm, OnceFormMixin, InputModelForm):
    late_field = ("attained_on", "credential")

    class Meta:
        model = Credential
        fields = ["credential_type", "name", "attained_on", "training"]
        labels = {"credential_type": "Type of credential (PIRL 1800)"}
        widgets = {"attained_on": DateInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Planners read the PIRL code off the training provider's paperwork: show it.
        self.fields["credential_type"].choices = [
            ("", "---------"),
            *((code, f"{code}: {label}") for code, label in CredentialType.choices),
        ]
        training = self.fields["training"]
        training.queryset = training_services_of(self.customer)
        training.required = False
        training.label = "The training it came from (optional)"
        training.label_from_instance = lambda r: (
            f"{r.activity.code} {r.activity.title}, {r.started_on:%m/%d/%Y}"
        )
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("credential_type", css_class="col-md-6"),
                Div("attained_on", css_class="col-md-6"),
                css_class="row",
            ),
            LATE_WARNING,
            "name",
            "training",
        )


class SkillGainForm(TabForm, OnceFormMixin, InputModelForm):
    late_field = ("achieved_on", "skill gain")

    class Meta:
        model = SkillGain
        fields = ["kind", "achieved_on", "description"]
        labels = {"kind": "Kind of measurable skill gain"}
        widgets = {"achieved_on": DateInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        example = "For example: TABE reading from level 4 to 5; the OJT's 90-day evaluation."
        self.fields["description"].help_text = example
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("kind", css_class="col-md-8"),
                Div("achieved_on", css_class="col-md-4"),
                css_class="row",
            ),
            LATE_WARNING,
            "description",
        )

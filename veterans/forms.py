"""The veteran referral's forms: the career planner's referral, and the veteran
representative's acceptance, veteran service and closing."""

import datetime

from crispy_forms.layout import Div, Fieldset
from django import forms

from casemgmt.clock import today
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import form_helper
from casemgmt.once import OnceFormMixin
from casenotes.forms import TWO_WAY_CHOICES
from casenotes.models import ContactMethod
from customers.forms import DateInput, name_the_limits
from customers.models import Customer
from customers.rules import EARLIEST_RECORD_DATE, date_bound_problem
from services.models import Activity
from services.rules import ServiceDraft, program_match_problems
from veterans.models import Assignment, VeteranReferral
from veterans.rules import veteran_note_problems

TEXT_MAX_CHARS = 2_000


def activities_for(customer: Customer, on: datetime.date) -> list[Activity]:
    """The active activities of the customer's programs (the service rules' own test);
    the rest of the rules answer when the service is recorded."""
    return [
        activity
        for activity in Activity.objects.filter(active=True)
        if not program_match_problems(
            ServiceDraft(customer=customer, activity=activity, started_on=on)
        )
    ]


class NotePartField(forms.CharField):
    """A part the veteran service's note must give: marked required, but refused empty by
    `veteran_note_problems` (in the service, with the service rules, in one round)."""

    def validate(self, value: object) -> None:
        pass


def _text(
    label: str, *, rows: int = 3, help_text: str = "", field: type = forms.CharField
) -> forms.CharField:
    return field(
        label=label,
        required=field is NotePartField,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class ReferForm(OnceFormMixin, forms.Form):
    """A career planner refers a veteran or eligible spouse to the veteran representative."""

    issue = _text(
        "Veteran-specific issue or question",
        help_text="What the veteran representative should help with: veterans' preference, "
        "benefits, a VA or GI Bill question. Needed when no significant barrier is on record.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        name_the_limits(self)
        self.helper = form_helper("issue")


class AcceptForm(VersionedFormMixin, forms.Form):
    assignment = forms.ChoiceField(
        label="How you take the customer",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you take the customer: as career planner or co-assigned.",
            "invalid_choice": "Choose one of the two ways to take the customer.",
        },
    )

    def __init__(self, *args: object, referral: VeteranReferral, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        planner = referral.customer.career_planner
        now = f"in place of {planner}" if planner else "the customer has none now"
        self.fields["assignment"].choices = [
            (
                Assignment.ASSIGNED,
                f"Become the customer's career planner ({now}); the change is in the "
                "customer's update log",
            ),
            (
                Assignment.CO_ASSIGNED,
                f"Co-assigned: work with the customer beside {planner or 'the career planner'}, "
                "who stays the career planner",
            ),
        ]
        self.fields["lock_version"].initial = referral.lock_version
        self.helper = form_helper("assignment")


class ServeForm(OnceFormMixin, VersionedFormMixin, forms.Form):
    """The veteran service and its case note: the service, and two details of its depth."""

    activity = forms.ModelChoiceField(
        queryset=Activity.objects.filter(active=True),
        label="Activity (service matrix)",
        error_messages={
            "required": "Choose the activity of the service matrix the service records.",
            "invalid_choice": "Choose an activity from the list.",
        },
    )
    served_on = forms.DateField(
        label="Date of the service",
        widget=DateInput(),
        error_messages={
            "required": "Give the date of the service; the case note is dated the same day.",
            "invalid": "Give the date of the service as a date, for example 11/20/2026.",
        },
    )
    service_provided = _text(
        "Service provided",
        field=NotePartField,
        help_text="For example: worked on a resume, prepared for an interview, answered a VA "
        "or GI Bill question.",
    )
    detail_1 = _text(
        "First detail of the depth of service",
        rows=2,
        field=NotePartField,
        help_text="For example: an employer the resume went to; a point of the interview practice.",
    )
    detail_2 = _text("Second detail of the depth of service", rows=2, field=NotePartField)
    contact_method = forms.ChoiceField(
        label="Contact method",
        choices=[("", "Choose how you met"), *ContactMethod.choices],
        error_messages={
            "required": "Choose how you met the customer.",
            "invalid_choice": "Choose a contact method from the list.",
        },
    )
    two_way = forms.ChoiceField(
        label="Contact",
        choices=TWO_WAY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the customer took part (two-way) or this was an attempt.",
            "invalid_choice": "Choose two-way communication or an attempt.",
        },
    )
    outcome_note = _text("Outcome and next steps (optional)", rows=2)

    def __init__(
        self, *args: object, referral: VeteranReferral, customer: Customer, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        day = today(customer.office.time_zone)
        offered = activities_for(customer, day)
        self.fields["activity"].queryset = Activity.objects.filter(pk__in=[a.pk for a in offered])
        self.fields["activity"].choices = [
            ("", "Choose an activity"),
            *(
                (a.pk, f"{a.code} — {a.title}{' (same day)' if a.same_day else ''}")
                for a in offered
            ),
        ]
        self.fields["served_on"].initial = day
        self.fields["lock_version"].initial = referral.lock_version
        name_the_limits(self)
        self.helper = form_helper(
            Fieldset(
                "Service",
                Div(
                    Div("activity", css_class="col-md-8"),
                    Div("served_on", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Case note (dated the day of the service)",
                "service_provided",
                Div(
                    Div("detail_1", css_class="col-md-6"),
                    Div("detail_2", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("contact_method", css_class="col-md-4"),
                    Div("two_way", css_class="col-md-8"),
                    css_class="row",
                ),
            ),
            "outcome_note",
        )

    def clean_served_on(self) -> datetime.date:
        day = self.cleaned_data["served_on"]
        problem = date_bound_problem(
            "The date of the service",
            day,
            earliest=EARLIEST_RECORD_DATE,
            latest=today(self.customer.office.time_zone),
            latest_is="today",
        )
        if problem:
            raise forms.ValidationError(problem)
        return day

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if not self.errors:
            # The service names the missing parts of the note with the service rules'
            # problems, in one round; here only when the form stops short of it.
            return data
        for name, problem in veteran_note_problems(
            service=data.get("service_provided") or "",
            detail_1=data.get("detail_1") or "",
            detail_2=data.get("detail_2") or "",
        ):
            if name not in self.errors:
                self.add_error(name, problem)
        return data


class CloseForm(VersionedFormMixin, forms.Form):
    reason = _text(
        "Why the referral closes without a veteran service",
        help_text="For example: the customer declined, could not be reached, or has no "
        "significant barrier to employment after all.",
    )

    def __init__(self, *args: object, referral: VeteranReferral, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = referral.lock_version
        name_the_limits(self)
        self.helper = form_helper("reason")

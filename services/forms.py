from crispy_forms.layout import HTML, Div, Fieldset
from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.urls import reverse

from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.models import Policy
from casemgmt.once import OnceFormMixin
from casenotes.forms import TWO_WAY_CHOICES, guide_check_attrs, late_check_attrs
from casenotes.models import ContactMethod, NoteType
from casenotes.services import BODY_MAX_CHARS
from customers.forms import DateInput, name_the_limits
from customers.models import Barrier, Customer
from services.models import Activity, CompletionStatus, ServiceRecord
from services.rules import amount_problems
from services.services import NoteDraft


def activity_choices(q: str = "") -> list[tuple[str, str]]:
    activities = Activity.objects.filter(active=True)
    if q:
        activities = activities.filter(
            Q(code__startswith=q.strip()) | Q(title__icontains=q.strip())
        )
    return [
        (str(a.pk), f"{a.code} — {a.title}{' (same day)' if a.same_day else ''}")
        for a in activities
    ]


NOTES_MAX_CHARS = 2_000


def _check_amounts(form: forms.Form, policy: Policy) -> None:
    """Weekly hours and dollar value within the region's policy, on their fields."""
    data = form.cleaned_data
    for name, problem in amount_problems(
        hours=data.get("weekly_hours"), dollar_value=data.get("dollar_value"), policy=policy
    ):
        form.add_error(name, problem)


def _goals_of(customer: Customer):  # noqa: ANN202 - a QuerySet of plans.Goal
    # The plan's goals, reached through the model's own relation: plans sits above services.
    return ServiceRecord._meta.get_field("goal").related_model.objects.filter(customer=customer)


def _set_up_service_fields(form: forms.ModelForm, customer: Customer) -> None:
    """What recording and correcting a service share: the customer's goals, the active
    barriers, the notes' length and the region's policy for the hour and dollar caps."""
    fields = form.fields
    fields["goal"].queryset = _goals_of(customer)
    fields["goal"].label = "Plan goal it serves"
    fields["goal"].required = False
    fields["barriers"].queryset = Barrier.objects.filter(active=True)
    fields["barriers"].required = False
    fields["barriers"].label = "Barriers addressed"
    fields["notes"].max_length = NOTES_MAX_CHARS
    fields["notes"].validators.append(MaxLengthValidator(NOTES_MAX_CHARS))
    form.policy = Policy.for_region(customer.office.region_id)
    for name in ("weekly_hours", "dollar_value"):
        fields[name].widget.attrs["min"] = "0"


class ServiceRecordForm(OnceFormMixin, InputModelForm):
    activity_search = forms.CharField(
        label="Find an activity by code or title",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "e.g. 205 or workshop"}
        ),
    )
    note_type = forms.ChoiceField(
        choices=NoteType.choices, initial=NoteType.GENERAL, label="Note type"
    )
    note_subject = forms.CharField(label="Subject", required=False, max_length=200)
    note_body = forms.CharField(
        label="Case note",
        required=False,
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required for same-day services. Who, what, where, when, why and how, in the third person.",
    )
    note_contact_method = forms.ChoiceField(
        choices=ContactMethod.choices, initial=ContactMethod.IN_PERSON, label="Contact method"
    )
    note_two_way = forms.ChoiceField(
        choices=TWO_WAY_CHOICES, initial="yes", widget=forms.RadioSelect, label="Contact"
    )

    class Meta:
        model = ServiceRecord
        fields = [
            "activity",
            "started_on",
            "start_is_projected",
            "planned_end_on",
            "ended_on",
            "completion_status",
            "barriers",
            "provider",
            "provider_name",
            "weekly_hours",
            "dollar_value",
            "notes",
            "goal",
        ]
        widgets = {
            "started_on": DateInput(),
            "planned_end_on": DateInput(),
            "ended_on": DateInput(),
            "barriers": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["activity"].queryset = Activity.objects.filter(active=True)
        self.fields["activity"].choices = [("", "Choose an activity"), *activity_choices()]
        _set_up_service_fields(self, customer)
        self.fields["completion_status"].help_text = "With the end date, when the service closes."
        self.fields[
            "ended_on"
        ].help_text = "Same-day services end on their start date (filled in for you)."
        search = self.fields["activity_search"].widget.attrs
        search.update(
            {
                "hx-get": reverse("services:activity_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#id_activity",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["started_on"].widget.attrs.update(
            late_check_attrs(customer, **{"hx-include": "[name=start_is_projected]"})
        )
        self.fields["note_body"].widget.attrs.update(guide_check_attrs(customer))
        self.helper = form_helper(
            Fieldset(
                "Service",
                Div(
                    Div("activity_search", css_class="col-md-4"),
                    Div("activity", css_class="col-md-8"),
                    css_class="row",
                ),
                Div(
                    Div("started_on", css_class="col-md-3"),
                    Div("start_is_projected", css_class="col-md-3 pt-md-4"),
                    Div("planned_end_on", css_class="col-md-3"),
                    css_class="row",
                ),
                HTML('<div id="late-warning" aria-live="polite"></div>'),
                Div(
                    Div("ended_on", css_class="col-md-4"),
                    Div("completion_status", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("provider", css_class="col-md-4"),
                    Div("provider_name", css_class="col-md-8"),
                    css_class="row",
                ),
                Div(
                    Div("weekly_hours", css_class="col-md-4"),
                    Div("dollar_value", css_class="col-md-4"),
                    css_class="row",
                ),
                "goal",
                Div("barriers", css_class="barrier-columns"),
                "notes",
            ),
            Fieldset(
                "Case note (required for same-day services)",
                Div(
                    Div("note_type", css_class="col-md-4"),
                    Div("note_contact_method", css_class="col-md-4"),
                    Div("note_two_way", css_class="col-md-4"),
                    css_class="row",
                ),
                "note_subject",
                "note_body",
                HTML('<div id="note-warnings" aria-live="polite"></div>'),
            ),
        )
        name_the_limits(self)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        _check_amounts(self, self.policy)
        activity: Activity | None = data.get("activity")
        if (
            activity
            and activity.same_day
            and not data.get("ended_on")
            and not data.get("start_is_projected")
        ):
            data["ended_on"] = data.get("started_on")
        if activity and not data.get("note_subject") and data.get("note_body"):
            data["note_subject"] = f"Service Strategy/{activity.title}"[:200]
        return data

    def note_draft(self) -> NoteDraft | None:
        data = self.cleaned_data
        if not (data.get("note_body") or "").strip():
            return None
        return NoteDraft(
            subject=data.get("note_subject") or "",
            body=data["note_body"],
            contact_method=data["note_contact_method"],
            two_way=data["note_two_way"] == "yes",
            note_type=data["note_type"],
        )


class CloseForm(forms.Form):
    ended_on = forms.DateField(widget=DateInput(), label="End date")
    completion_status = forms.ChoiceField(
        choices=CompletionStatus.choices, widget=forms.RadioSelect
    )


class ServiceCorrectForm(VersionedFormMixin, InputModelForm):
    """Corrects a recorded service. Every field starts at what is stored."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        label="Reason for the correction",
        help_text="Kept in the update log with the values as they were, for example: wrong start date typed.",
    )

    class Meta:
        model = ServiceRecord
        fields = ServiceRecordForm.Meta.fields  # the same service, corrected
        widgets = ServiceRecordForm.Meta.widgets

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        record: ServiceRecord = self.instance
        self.fields["lock_version"].initial = record.lock_version
        self.fields["activity"].queryset = Activity.objects.filter(
            Q(active=True) | Q(pk=record.activity_id)
        )
        _set_up_service_fields(self, customer)
        if record.is_open:
            del self.fields["ended_on"]
            del self.fields["completion_status"]
        self.helper = form_helper(
            "reason",
            "activity",
            Div(
                Div("started_on", css_class="col-md-4"),
                Div("start_is_projected", css_class="col-md-4 pt-md-4"),
                Div("planned_end_on", css_class="col-md-4"),
                css_class="row",
            ),
            *(
                []
                if record.is_open
                else [
                    Div(
                        Div("ended_on", css_class="col-md-4"),
                        Div("completion_status", css_class="col-md-4"),
                        css_class="row",
                    )
                ]
            ),
            Div(
                Div("provider", css_class="col-md-4"),
                Div("provider_name", css_class="col-md-8"),
                css_class="row",
            ),
            Div(
                Div("weekly_hours", css_class="col-md-4"),
                Div("dollar_value", css_class="col-md-4"),
                css_class="row",
            ),
            "goal",
            Div("barriers", css_class="barrier-columns"),
            "notes",
        )
        name_the_limits(self)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        _check_amounts(self, self.policy)
        return data

    def correction(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            name: data[name] for name in self.Meta.fields if name in data and name != "barriers"
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the update log, for example: closed by mistake, training extended.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        name_the_limits(self)


# Maps a service function's error keys onto this form's fields.
ERROR_FIELDS = {"note": "note_body", "note_subject": "note_subject", "note_body": "note_body"}

import contextlib
import datetime
from dataclasses import dataclass

from crispy_forms.layout import HTML, Div, Fieldset
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q

from casemgmt.clock import today_for_office
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.models import Policy
from casemgmt.once import OnceFormMixin
from casenotes.forms import (
    check_note_body,
    contact_method_field,
    guide_check_attrs,
    late_check_attrs,
    require_contact_choices,
    two_way_field,
)
from casenotes.models import NoteType
from casenotes.services import BODY_MAX_CHARS
from customers.forms import DateInput, name_the_limits
from customers.models import Barrier, Customer
from services.models import Activity, CompletionStatus, ServiceRecord
from services.rules import (
    ServiceDraft,
    amount_problems,
    follow_up_adult_dw_problems,
    prerequisite_problems,
    program_match_problems,
)
from services.services import NoteDraft


@dataclass(frozen=True)
class ActivityChoice:
    """An activity the picker offers, with what the rules known in advance would say."""

    activity: Activity
    refusals: tuple[str, ...]

    @property
    def label(self) -> str:
        a = self.activity
        return f"{a.code} — {a.title}{' (same day)' if a.same_day else ''}"


def activity_menu(
    customer: Customer,
    *,
    on: datetime.date,
    keep: Activity | None = None,
    record_pk: int | None = None,
) -> list[ActivityChoice]:
    """The activities of the customer's programs, each with the reasons the service rules
    would refuse it for a service starting `on`: its prerequisites not met, or barred in
    follow-up. `keep` (the activity a corrected service has) is offered whatever it is.

    The rules are services.rules' own (program_match_problems decides the programs,
    prerequisite_problems the prerequisites): one query per activity that names a
    prerequisite, none per service the customer has."""
    offered = Q(active=True) | Q(pk=keep.pk) if keep else Q(active=True)
    activities = Activity.objects.filter(offered).select_related("requires_prior")
    menu = []
    for activity in activities:
        draft = ServiceDraft(
            customer=customer, activity=activity, started_on=on, record_pk=record_pk
        )
        if activity != keep and program_match_problems(draft):
            continue
        menu.append(ActivityChoice(activity=activity, refusals=_refusals(draft)))
    return menu


def _refusals(draft: ServiceDraft) -> tuple[str, ...]:
    """What the rules say of the draft, worded for the picker's option, which names the
    activity already."""
    named = f"{draft.activity.title} ({draft.activity.code}) "
    unmet = [m.removeprefix(named).rstrip(".") for _, m in prerequisite_problems(draft)]
    refusals = [f"Not allowed: {m}" for _, m in follow_up_adult_dw_problems(draft)]
    if unmet:
        plural = "s" if len(unmet) > 1 else ""
        refusals.insert(0, f"Prerequisite{plural} not met: {'; '.join(unmet)}.")
    return tuple(refusals)


class ActivitySelect(forms.Select):
    """The activity <select>. static/js/combobox.js turns it into a combobox that filters
    by code or title; without JavaScript it is the picker, and each option says why it
    would be refused."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.menu: dict[str, ActivityChoice] = {}

    def offer(self, menu: list[ActivityChoice]) -> None:
        self.menu = {str(choice.activity.pk): choice for choice in menu}
        self.choices = [
            ("", "Choose an activity"),
            *(
                (pk, " — ".join([choice.label, *choice.refusals]))
                for pk, choice in self.menu.items()
            ),
        ]

    def create_option(self, *args: object, **kwargs: object) -> dict[str, object]:
        option = super().create_option(*args, **kwargs)
        choice = self.menu.get(str(option["value"]))
        if choice is not None:
            option["attrs"].update(
                {
                    "data-code": choice.activity.code,
                    "data-title": choice.activity.title,
                    "data-label": choice.label,
                    "data-reason": " ".join(choice.refusals),
                }
            )
        return option


def _offer_activities(
    form: forms.ModelForm,
    customer: Customer,
    *,
    default_day: datetime.date,
    keep: Activity | None = None,
    record_pk: int | None = None,
) -> None:
    """Fill the activity picker for the customer. Its prerequisites are judged on the start
    date as entered (the default until a valid one is); the field still accepts any active
    activity, so the rules refuse one outside the customer's programs in their own words."""
    day = default_day
    if form.is_bound:
        with contextlib.suppress(ValidationError):  # the form says what is wrong with it
            day = form.fields["started_on"].clean(form["started_on"].value()) or default_day
    field = form.fields["activity"]
    field.widget.offer(activity_menu(customer, on=day, keep=keep, record_pk=record_pk))
    field.help_text = (
        "Only the activities of the customer's programs are listed. One marked "
        "“Prerequisite not met” is refused until the prerequisite is recorded."
    )


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
    # Start empty: a note says how the contact was made, never a default (issue 15).
    note_contact_method = contact_method_field(required=False)
    note_two_way = two_way_field(required=False)

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
            "activity": ActivitySelect(attrs={"data-combobox": ""}),
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
        self.fields["started_on"].initial = today_for_office(customer.office)
        _offer_activities(self, customer, default_day=self.fields["started_on"].initial)
        _set_up_service_fields(self, customer)
        self.fields["completion_status"].help_text = "With the end date, when the service closes."
        self.fields[
            "ended_on"
        ].help_text = "Same-day services end on their start date (filled in for you)."
        self.fields["started_on"].widget.attrs.update(
            late_check_attrs(customer, **{"hx-include": "[name=start_is_projected]"})
        )
        self.fields["note_body"].widget.attrs.update(guide_check_attrs(customer))
        self.helper = form_helper(
            Fieldset(
                "Service",
                "activity",
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
        if (data.get("note_body") or "").strip():
            require_contact_choices(self, method="note_contact_method", two_way="note_two_way")
            if "note_type" not in self.errors:
                check_note_body(
                    self, "note_body", customer=self.customer, note_type=data.get("note_type")
                )
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
        _offer_activities(
            self,
            customer,
            default_day=record.started_on,
            keep=record.activity,
            record_pk=record.pk,
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

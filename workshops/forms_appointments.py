"""Forms of one-on-one appointments: book (once), reschedule, cancel, record kept or missed
(each an edit at the version it was opened at). The rules are the services'; these forms
read and clean the input."""

from crispy_forms.layout import Div
from django import forms
from django.db import models

from casemgmt.access import staff_visible_to
from casemgmt.clock import today
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.models import User
from casemgmt.once import OnceFormMixin
from customers.forms import DateInput, name_the_limits
from customers.models import Customer
from workshops.models import Appointment, AppointmentStatus
from workshops.rules import schedule_problems

# The service stores "Rescheduled: <reason>" in a 200-character column.
RESCHEDULE_REASON_MAX_CHARS = 180
REASON_MAX_CHARS = 200
INVALID_DATE = "Enter a real date, for example 12/01/2026."
INVALID_TIME = "Enter a time of day, for example 2:30 PM."
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p"]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%H:%M", **kwargs)


def _when_fields(form: forms.BaseForm) -> None:
    form.fields["on"].error_messages["invalid"] = INVALID_DATE
    for name in ("starts_at", "ends_at"):
        form.fields[name].input_formats = TIME_FORMATS
        form.fields[name].error_messages["invalid"] = INVALID_TIME


def _when_layout() -> Div:
    return Div(
        Div("on", css_class="col-md-4"),
        Div("starts_at", css_class="col-md-4"),
        Div("ends_at", css_class="col-md-4"),
        css_class="row",
    )


def _formfield(field: models.Field, **kwargs: object) -> forms.Field | None:
    if isinstance(field, models.URLField):  # a link typed without its scheme is https
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class AppointmentForm(OnceFormMixin, InputModelForm):
    """Books an appointment with a staff member of the customer's office."""

    class Meta:
        model = Appointment
        formfield_callback = _formfield
        fields = [
            "with_user",
            "on",
            "starts_at",
            "ends_at",
            "purpose",
            "place",
            "meeting_link",
            "what_to_bring",
        ]
        widgets = {
            "on": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "what_to_bring": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "what_to_bring": "Printed on the card, for example: photo ID, your last pay stub.",
            "meeting_link": "For a virtual appointment; printed on the card instead of a place.",
        }

    def __init__(self, *args: object, user: User, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        staff = staff_visible_to(user).filter(offices=customer.office)
        self.fields["with_user"].queryset = staff
        self.fields["with_user"].label = "With"
        self.fields["with_user"].empty_label = None
        self.fields["with_user"].initial = (
            user.pk if staff.filter(pk=user.pk).exists() else customer.career_planner_id
        )
        _when_fields(self)
        name_the_limits(self)
        self.helper = form_helper(
            "with_user",
            _when_layout(),
            "purpose",
            Div(
                Div("place", css_class="col-md-6"),
                Div("meeting_link", css_class="col-md-6"),
                css_class="row",
            ),
            "what_to_bring",
        )

    def clean(self) -> dict[str, object]:
        return _times_in_order(self, super().clean())

    def values(self) -> dict[str, object]:
        """What was entered for the model's fields (not the token)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _times_in_order(form: forms.Form, data: dict[str, object]) -> dict[str, object]:
    """The end after the start, said on the first submission with the other problems."""
    for name, message in schedule_problems(
        on=None,
        starts_at=data.get("starts_at"),  # type: ignore[arg-type]
        ends_at=data.get("ends_at"),  # type: ignore[arg-type]
        today=today(),
    ):
        form.add_error(name, message)
    return data


class RescheduleForm(VersionedFormMixin, InputModelForm):
    """Moves the appointment to another day or time, with the reason."""

    def clean(self) -> dict[str, object]:
        return _times_in_order(self, super().clean())

    reason = forms.CharField(
        max_length=RESCHEDULE_REASON_MAX_CHARS,
        label="Why it moves",
        help_text="Kept with the appointment and in the update log.",
    )

    class Meta:
        model = Appointment
        fields = ["on", "starts_at", "ends_at"]
        widgets = {"on": DateInput(), "starts_at": TimeInput(), "ends_at": TimeInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
        _when_fields(self)
        name_the_limits(self)
        self.helper = form_helper(_when_layout(), "reason")


class CancelForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        label="Why it is cancelled",
        help_text="For example: the customer asked to cancel, the planner is out sick.",
    )

    def __init__(self, *args: object, appointment: Appointment, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = appointment.lock_version
        name_the_limits(self)
        self.helper = form_helper("reason")


class OutcomeForm(VersionedFormMixin, forms.Form):
    """Records whether the customer came: kept or missed."""

    status = forms.ChoiceField(
        label="The customer",
        choices=[
            (AppointmentStatus.KEPT, "Kept the appointment"),
            (AppointmentStatus.MISSED, "Missed the appointment"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        required=False,
        label="Note",
        help_text="Optional; for a missed appointment, why, if you know.",
    )

    def __init__(self, *args: object, appointment: Appointment, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = appointment.lock_version
        name_the_limits(self)
        self.helper = form_helper("status", "reason")

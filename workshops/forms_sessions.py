"""Forms of sessions and bookings: schedule (once, or a weekly series), cancel a session at
the version it was opened at, book a customer (once), cancel or move a booking, and the
filters of the session list and the attendance rates. Choices come from the user's scope;
the rules are `workshops.rules` and the services'."""

import datetime

from crispy_forms.layout import Div
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict

from casemgmt.access import offices_visible_to
from casemgmt.clock import today
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper, surface_hidden_errors
from casemgmt.models import Office, User
from casemgmt.once import OnceFormMixin
from customers.forms import DateInput, name_the_limits
from customers.rules import date_bound_problem
from workshops.models import Session, Workshop
from workshops.rules import (
    CAPACITY_MAX,
    SERIES_MAX_WEEKS,
    capacity_problem,
    schedule_problems,
    series_problem,
)

REASON_MAX_CHARS = 200
# The service keeps "Rescheduled to <session>: <reason>" in the same 200 characters.
MOVE_REASON_MAX_CHARS = 120
SEARCH_MAX_CHARS = 200
INVALID_DATE = "Enter a real date, for example 12/01/2026."
INVALID_TIME = "Enter a time of day, for example 2:30 PM."
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p"]
EARLIEST_REPORT_DAY = datetime.date(2000, 1, 1)
RATES_DEFAULT_DAYS = 90
RATES_MAX_DAYS = 3 * 366


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%H:%M", **kwargs)


def facilitators_in(offices: QuerySet[Office]) -> QuerySet[User]:
    """Active staff of these offices who may enter attendance: who can run a session."""
    may_enter = Q(
        groups__permissions__codename="enter_attendance",
        groups__permissions__content_type__app_label="workshops",
    ) | Q(
        user_permissions__codename="enter_attendance",
        user_permissions__content_type__app_label="workshops",
    )
    return (
        User.objects.filter(
            Q(is_active=True, offices__in=offices) & (may_enter | Q(is_superuser=True))
        )
        .distinct()
        .prefetch_related("offices")
        .order_by("last_name", "first_name", "pk")
    )


class SessionForm(OnceFormMixin, InputModelForm):
    """Schedules a session, or a weekly series of them, in an office the user may see."""

    ends_at = forms.TimeField(
        label="Ends",
        required=False,
        widget=TimeInput(),
        help_text="Leave empty for the workshop's usual length.",
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=CAPACITY_MAX,
        help_text="Seats; leave empty for the workshop's usual capacity.",
    )
    meeting_link = forms.URLField(
        label="Virtual meeting link",
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text="For a virtual session.",
    )
    weeks = forms.IntegerField(
        label="Repeat weekly for",
        min_value=1,
        max_value=SERIES_MAX_WEEKS,
        initial=1,
        help_text=f"Sessions in all, a week apart (1 to {SERIES_MAX_WEEKS}); 1 is a single session.",
    )

    class Meta:
        model = Session
        fields = [
            "workshop",
            "office",
            "on",
            "starts_at",
            "ends_at",
            "room",
            "meeting_link",
            "facilitator",
            "capacity",
        ]
        widgets = {"on": DateInput(), "starts_at": TimeInput()}
        help_texts = {"room": "Where in the office; or give a virtual meeting link."}

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        offices = offices_visible_to(user)
        self.fields["workshop"].queryset = Workshop.objects.filter(active=True)
        self.fields["office"].queryset = offices
        facilitator = self.fields["facilitator"]
        facilitator.queryset = facilitators_in(offices)
        facilitator.label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({', '.join(o.name for o in u.offices.all())})"
        )
        self.fields["on"].error_messages["invalid"] = INVALID_DATE
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = TIME_FORMATS
            self.fields[name].error_messages["invalid"] = INVALID_TIME
        mine = list(offices[:2])
        if len(mine) == 1:
            self.fields["office"].initial = mine[0]
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("workshop", css_class="col-md-7"),
                Div("office", css_class="col-md-5"),
                css_class="row",
            ),
            Div(
                Div("on", css_class="col-md-4"),
                Div("starts_at", css_class="col-md-4"),
                Div("ends_at", css_class="col-md-4"),
                css_class="row",
            ),
            Div(
                Div("room", css_class="col-md-5"),
                Div("meeting_link", css_class="col-md-7"),
                css_class="row",
            ),
            Div(
                Div("facilitator", css_class="col-md-6"),
                Div("capacity", css_class="col-md-3"),
                Div("weeks", css_class="col-md-3"),
                css_class="row",
            ),
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        workshop: Workshop | None = data.get("workshop")
        starts_at = data.get("starts_at")
        # No end time given takes the workshop's usual length (not an end time mistyped).
        no_end = data.get("ends_at") is None and "ends_at" not in self.errors
        if workshop is not None and starts_at is not None and no_end:
            start = datetime.datetime.combine(datetime.date.min, starts_at)
            end = start + datetime.timedelta(minutes=workshop.default_minutes)
            if end.date() != start.date():
                self.add_error("ends_at", "The workshop's usual length runs past midnight.")
            else:
                data["ends_at"] = end.time()
        if workshop is not None and data.get("capacity") is None and "capacity" not in self.errors:
            data["capacity"] = workshop.default_capacity
        office: Office | None = data.get("office")
        for name, problem in schedule_problems(
            on=data.get("on"),
            starts_at=starts_at,
            ends_at=data.get("ends_at"),
            today=today(office.time_zone if office else None),
        ):
            self.add_error(name, problem)
        for name, problem in (
            ("capacity", capacity_problem(data.get("capacity"))),
            ("weeks", series_problem(data.get("weeks"))),
        ):
            if problem and name not in self.errors:
                self.add_error(name, problem)
        return data

    def values(self) -> dict[str, object]:
        """The service's arguments: what was entered, the catalog's defaults filled in."""
        data = self.cleaned_data
        return {name: data[name] for name in [*self.Meta.fields, "weeks"]}


class SessionCancelForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        label="Why is the session cancelled?",
        help_text="The booked customers' career planners see it.",
    )

    def __init__(self, *args: object, session: Session, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = session.lock_version
        name_the_limits(self)


class BookCustomerForm(OnceFormMixin, forms.Form):
    """Books a customer by customer number; a name (or other search text) lists the
    matching customers of the session's office to choose from."""

    customer = forms.CharField(
        max_length=SEARCH_MAX_CHARS,
        label="Customer number or name",
        help_text="A customer number (C0001234) books at once; a name lists who matches.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        name_the_limits(self)
        self.helper = form_helper("customer")


class BookSessionForm(OnceFormMixin, forms.Form):
    """One click on the customer's list of open sessions: the session travels hidden."""

    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a session from the list.",
            "invalid_choice": "That session is not open to this customer; reload the list.",
        },
    )

    def __init__(self, *args: object, sessions: QuerySet[Session], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions

    def full_clean(self) -> None:
        super().full_clean()
        surface_hidden_errors(self, "session")


class BookingCancelForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        label="Why is the booking cancelled?",
        help_text="If the customer had a seat, the first on the waiting list takes it.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        name_the_limits(self)


class BookingMoveForm(OnceFormMixin, forms.Form):
    to = forms.ModelChoiceField(queryset=Session.objects.none(), label="Move to the session")
    reason = forms.CharField(max_length=MOVE_REASON_MAX_CHARS, label="Why does the customer move?")

    def __init__(self, *args: object, sessions: QuerySet[Session], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = sessions
        self.fields["to"].label_from_instance = lambda s: (
            f"{s.workshop.title}, {s.on:%m/%d/%Y} {s.starts_at:%I:%M %p}: "
            f"{s.booked} of {s.capacity} booked" + (f", {s.waiting} waiting" if s.waiting else "")
        )
        name_the_limits(self)


class SessionFilterForm(forms.Form):
    """The session list's filters; an office outside the user's scope is not a choice."""

    office = forms.ModelChoiceField(
        queryset=Office.objects.none(), required=False, empty_label="Every office"
    )
    workshop = forms.ModelChoiceField(
        queryset=Workshop.objects.all(), required=False, empty_label="Every workshop"
    )
    start = forms.DateField(
        required=False,
        label="From",
        widget=DateInput(),
        error_messages={"invalid": INVALID_DATE},
    )

    def __init__(self, *args: object, offices: QuerySet[Office], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices

    def clean_start(self) -> datetime.date | None:
        start = self.cleaned_data.get("start")
        problem = date_bound_problem("The date", start, earliest=EARLIEST_REPORT_DAY)
        if problem:
            raise forms.ValidationError(problem)
        return start


class RatesFilterForm(forms.Form):
    """The attendance rates' range and filters, by default the last 90 days; the
    drill-downs add a session and the number (measure) behind it. Offices and sessions
    outside the user's scope are not choices."""

    start = forms.DateField(
        required=False, label="From", widget=DateInput(), error_messages={"invalid": INVALID_DATE}
    )
    end = forms.DateField(
        required=False, label="To", widget=DateInput(), error_messages={"invalid": INVALID_DATE}
    )
    office = forms.ModelChoiceField(
        queryset=Office.objects.none(), required=False, empty_label="Every office"
    )
    workshop = forms.ModelChoiceField(
        queryset=Workshop.objects.all(), required=False, empty_label="Every workshop"
    )
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(), required=False, widget=forms.HiddenInput
    )
    measure = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: QueryDict,
        *,
        offices: QuerySet[Office],
        sessions: QuerySet[Session],
        measures: list[str],
        on: datetime.date,
    ) -> None:
        data = data.copy()
        data.setdefault("end", on.isoformat())
        data.setdefault("start", (on - datetime.timedelta(days=RATES_DEFAULT_DAYS - 1)).isoformat())
        super().__init__(data)
        self.on = on
        self.fields["office"].queryset = offices
        self.fields["session"].queryset = sessions
        self.fields["measure"].choices = [("", ""), *((m, m) for m in measures)]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        end = data.get("end") or self.on
        start = data.get("start") or end - datetime.timedelta(days=RATES_DEFAULT_DAYS - 1)
        for name, day in (("start", start), ("end", end)):
            if name in self.errors:  # not a date: the other is still checked
                continue
            problem = date_bound_problem(
                "The date",
                day,
                earliest=EARLIEST_REPORT_DAY,
                latest=self.on + datetime.timedelta(days=366),
                latest_is="a year from today",
            )
            if problem:
                self.add_error(name, problem)
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            self.add_error("end", "The range ends before it starts.")
        elif (end - start).days > RATES_MAX_DAYS:
            self.add_error("start", "Choose a range of at most three years.")
        data["start"], data["end"] = start, end
        return data

"""The forms of the end of the path (SPEC 2 and 8): the recorded exit, the employment at
exit asked after a soft exit, the quarterly follow-up and closing a file early.

The forms read and bound the input; `employment.services` applies the rules of the
domain (services complete, the employment status or an excluding reason, supportive
services in follow-up for youth only) and the views show its refusals on the fields
they name.
"""

import datetime

from crispy_forms.layout import Div
from django import forms

from casemgmt.clock import today
from casemgmt.conflicts import EditConflict, VersionedFormMixin, rebind_at_current_version
from casemgmt.forms import form_helper
from casemgmt.once import OnceFormMixin
from casenotes.forms import check_note_body
from casenotes.guide import template_for
from casenotes.models import NoteType
from casenotes.services import BODY_MAX_CHARS
from customers.forms import DateInput, name_the_limits
from customers.models import Customer
from customers.rules import EARLIEST_RECORD_DATE, date_bound_problem
from employment.forms_jobs import WageField
from employment.models import Employment, FollowUp, OtherExitReason, Period

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class _EmploymentAtExitForm(forms.Form):
    """Employed at exit, with the job held, or the reason that excludes the customer from
    the performance measures (PIRL 923)."""

    employed_at_exit = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
        label="Employed at exit?",
    )
    job = forms.ModelChoiceField(
        queryset=Employment.objects.none(),  # the customer's jobs, set in __init__
        required=False,
        label="The job held at exit",
        help_text="Record the job on the Employment tab first if it is not listed.",
    )
    other_reason = forms.ChoiceField(
        choices=[("", "None"), *OtherExitReason.choices[1:]],
        required=False,
        label="Other reason for exit",
        help_text="Only when one applies: it excludes the customer from the performance measures.",
    )

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.customer = customer
        job = self.fields["job"]
        job.queryset = Employment.objects.filter(customer=customer)  # type: ignore[attr-defined]
        job.empty_label = "No job chosen"  # type: ignore[attr-defined]
        job.label_from_instance = lambda j: (  # type: ignore[attr-defined]
            f"{j.job_title} at {j.employer}, from {j.started_on:%m/%d/%Y}"
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("job") is not None and data.get("employed_at_exit") == "no":
            self.add_error("job", "Choose a job only when the customer is employed at exit.")
        return data

    def employment_at_exit(self) -> dict[str, object]:
        """What the service takes: employed (True, False or None), the job, the reason."""
        data = self.cleaned_data
        return {
            "employed_at_exit": _yes_no(data.get("employed_at_exit") or ""),
            "job": data.get("job"),
            "other_reason": data.get("other_reason") or "",
        }


class ExitForm(OnceFormMixin, _EmploymentAtExitForm):
    """Records the exit, with the exit case note prefilled with what it must say."""

    note_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 9}),
        max_length=BODY_MAX_CHARS,
        label="Exit case note",
        help_text="Fill in each line (write \u201cnone\u201d where nothing applies, or remove the "
        "line); then the services received, the outcome and the follow-up planned.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note_body"].initial = template_for(NoteType.EXIT).body + "\n"
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("employed_at_exit", css_class="col-md-3"),
                Div("job", css_class="col-md-5"),
                Div("other_reason", css_class="col-md-4"),
                css_class="row",
            ),
            "note_body",
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        check_note_body(self, "note_body", customer=self.customer, note_type=NoteType.EXIT)
        return data


def _as_choice(employed: object) -> str:
    return {True: "yes", False: "no"}.get(employed, "")  # type: ignore[call-overload]


def _as_reason(reason: object) -> str:
    return "" if reason in (None, OtherExitReason.NONE) else str(reason)


class ExitDetailsForm(VersionedFormMixin, _EmploymentAtExitForm):
    """The employment at exit, asked after a soft exit; carries the period's version."""

    def __init__(self, *args: object, period: Period, **kwargs: object) -> None:
        initial = {
            "employed_at_exit": _as_choice(period.employed_at_exit),
            "job": period.exit_job_id,
            "other_reason": _as_reason(period.other_reason),
            "lock_version": period.lock_version,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.helper = form_helper(
            Div(
                Div("employed_at_exit", css_class="col-md-3"),
                Div("job", css_class="col-md-5"),
                Div("other_reason", css_class="col-md-4"),
                css_class="row",
            ),
        )

    def rebind(self, conflict: EditConflict) -> None:
        """The form again at the current version (`rebind_at_current_version`), with the
        other person's answers in the words of this form where this person left them."""
        mine = self.employment_at_exit()
        rebind_at_current_version(self, conflict)
        as_input = {
            "employed_at_exit": ("employed_at_exit", _as_choice),
            "exit_job": ("job", lambda job: "" if job is None else str(getattr(job, "pk", job))),
            "other_reason": ("other_reason", _as_reason),
        }
        for change in conflict.changes:
            if change.name not in as_input:
                continue
            name, word = as_input[change.name]
            keep = word(mine[name]) != word(change.then_value)  # this person changed it too
            self.data[name] = word(mine[name] if keep else change.now_value)


class FollowUpForm(OnceFormMixin, forms.Form):
    """A quarterly follow-up after exit, recorded with its case note."""

    done_on = forms.DateField(widget=DateInput(), label="Date of the follow-up")
    employed = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, label="Employed?")
    employer = forms.CharField(max_length=160, required=False, label="Employer")
    hourly_wage = WageField(label="Hourly wage", required=False)
    in_education = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect, label="Enrolled in education or training?"
    )
    supportive_need = forms.CharField(
        max_length=200,
        required=False,
        label="Supportive service needed",
        help_text="Youth may receive supportive services in follow-up.",
    )
    note_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=BODY_MAX_CHARS,
        label="Follow-up case note",
        help_text="Fill in each line (or remove it): who was reached and how, the employment "
        "status, any help needed, and when the next follow-up is.",
    )

    def __init__(
        self, *args: object, follow_up: FollowUp, customer: Customer, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.customer = customer
        self.exited_on: datetime.date | None = follow_up.period.exited_on
        self.today = today(customer.office.time_zone)
        self.fields["done_on"].initial = self.today
        self.fields["note_body"].initial = template_for(NoteType.FOLLOW_UP).body + "\n"
        youth = customer.is_youth
        if not youth:  # adults and dislocated workers receive none in follow-up
            del self.fields["supportive_need"]
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("done_on", css_class="col-md-3"),
                Div("employed", css_class="col-md-3"),
                Div("employer", css_class="col-md-4"),
                Div("hourly_wage", css_class="col-md-2"),
                css_class="row",
            ),
            Div(
                Div("in_education", css_class="col-md-4"),
                *([Div("supportive_need", css_class="col-md-8")] if youth else []),
                css_class="row",
            ),
            "note_body",
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        check_note_body(self, "note_body", customer=self.customer, note_type=NoteType.FOLLOW_UP)
        return data

    def clean_done_on(self) -> datetime.date:
        day = self.cleaned_data["done_on"]
        problem = date_bound_problem(
            "The date of the follow-up",
            day,
            earliest=self.exited_on or EARLIEST_RECORD_DATE,
            latest=self.today,
            earliest_is="the exit date" if self.exited_on else "",
            latest_is="today",
        )
        if problem:
            raise forms.ValidationError(problem)
        return day

    def follow_up_values(self) -> dict[str, object]:
        """What the service takes."""
        data = self.cleaned_data
        return {
            "done_on": data["done_on"],
            "employed": data["employed"] == "yes",
            "employer": data.get("employer") or "",
            "hourly_wage": data.get("hourly_wage"),
            "in_education": data["in_education"] == "yes",
            "supportive_need": data.get("supportive_need") or "",
            "note_body": data["note_body"],
        }


class PeriodCloseForm(VersionedFormMixin, forms.Form):
    """Closes a file before the follow-up year ends; carries the period's version."""

    reason = forms.CharField(
        max_length=200,
        label="Why the file closes early",
        help_text="For example: the customer moved out of state and asked not to be contacted.",
        error_messages={"required": "Say why the file closes before the follow-up year ends."},
    )

    def __init__(self, *args: object, period: Period, **kwargs: object) -> None:
        super().__init__(*args, initial={"lock_version": period.lock_version}, **kwargs)  # type: ignore[arg-type]
        name_the_limits(self)
        self.helper = form_helper("reason")

from crispy_forms.layout import Div, Fieldset
from django import forms
from django.conf import settings
from django.db.models import Q

from casemgmt.clock import today
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.models import Policy
from casemgmt.once import OnceFormMixin
from casenotes.forms import check_note_body, contact_method_field, two_way_field
from casenotes.models import NoteType
from casenotes.services import BODY_MAX_CHARS
from customers.forms import DateInput, limit_length, name_the_limits
from customers.models import Barrier, Customer
from plans.models import Assessment, AssessmentType, Goal, Plan, Step
from plans.rules import plan_date_problem, step_problems
from services.models import Activity


class DatedFormMixin(forms.Form):
    """Checks the form's dates of record against 2000 and the office's day.

    Given the customer, "today" is the office's day; without one only the lower bound is
    checked here, and the service function refuses a date in the future.
    """

    dates: dict[str, str] = {}  # field name -> how a message names it

    def __init__(self, *args: object, customer: Customer | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.customer = customer

    def clean(self) -> dict[str, object]:
        data = super().clean()
        day = today(self.customer.office.time_zone) if self.customer else None
        for name, label in self.dates.items():
            problem = plan_date_problem(label, data.get(name), today=day)
            if problem:
                self.add_error(name, problem)
        return data


class AssessmentForm(DatedFormMixin, OnceFormMixin, InputModelForm):
    dates = {"assessed_on": "The date the assessment was given"}

    class Meta:
        model = Assessment
        fields = ["assessment_type", "assessed_on", "scores", "summary"]
        widgets = {"assessed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessment_type"].queryset = AssessmentType.objects.filter(active=True)
        limit_length(self, "summary")
        name_the_limits(self)
        self.helper = form_helper()

    def values(self) -> dict[str, object]:
        """What was entered for the model's fields (not the token or version)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


PLAN_TEXT_FIELDS = ["assessment_summary", "strengths", "justification", "supportive_services"]


class PlanForm(VersionedFormMixin, InputModelForm):
    """Changes the plan; carries the version it was opened at."""

    barriers = forms.ModelMultipleChoiceField(
        queryset=Barrier.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Barriers the plan addresses",
    )

    class Meta:
        model = Plan
        fields = ["employment_goal", "career_path", *PLAN_TEXT_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in PLAN_TEXT_FIELDS}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if "lock_version" in self.fields:
            self.fields["lock_version"].initial = self.instance.lock_version
        limit_length(self, *PLAN_TEXT_FIELDS)
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("employment_goal", css_class="col-md-6"),
                Div("career_path", css_class="col-md-6"),
                css_class="row",
            ),
            "assessment_summary",
            "strengths",
            Div("barriers", css_class="barrier-columns"),
            "justification",
            "supportive_services",
        )


class PlanDevelopForm(DatedFormMixin, OnceFormMixin, PlanForm):
    """Develops the plan: a create form, with the one-time token instead of a version."""

    dates = {"developed_on": "The date the plan was developed"}
    lock_version = None
    developed_on = forms.DateField(widget=DateInput(), label="Developed with the customer on")
    note_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=BODY_MAX_CHARS,
        label="Case note for the plan's development (service 205, or 469 for youth)",
        help_text="Who took part, the goals agreed, the services planned, and next steps.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout.fields.insert(0, "developed_on")
        self.helper.layout.fields.append("note_body")

    def clean(self) -> dict[str, object]:
        data = super().clean()
        check_note_body(self, "note_body", customer=self.customer, note_type=NoteType.IEP)
        return data


class GoalForm(OnceFormMixin, VersionedFormMixin, InputModelForm):
    """Adds a goal (with the one-time token) or changes one (with its version)."""

    class Meta:
        model = Goal
        fields = ["statement", "category", "term", "status", "indicator", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["submission_token"]
            self.fields["lock_version"].initial = self.instance.lock_version
        else:
            del self.fields["lock_version"]
        limit_length(self, "justification")
        name_the_limits(self)
        self.helper = form_helper(
            "statement",
            Div(
                Div("category", css_class="col-md-3"),
                Div("term", css_class="col-md-3"),
                Div("status", css_class="col-md-3"),
                Div("indicator", css_class="col-md-3"),
                css_class="row",
            ),
            "justification",
        )

    def values(self) -> dict[str, object]:
        """What was entered for the model's fields (not the token or version)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StepForm(OnceFormMixin, VersionedFormMixin, InputModelForm):
    """Adds a step (with the one-time token) or changes one (with its version).

    The bounds are the customer's: the office's day and the region's policy. A changed
    step knows its customer; a new step's form needs it passed in, and without it falls
    back on the site's day and the policy's defaults.
    """

    barriers = forms.ModelMultipleChoiceField(
        queryset=Barrier.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Barriers addressed",
    )

    class Meta:
        model = Step
        fields = [
            "activity",
            "description",
            "status",
            "start_on",
            "due_on",
            "hours",
            "provider",
            "dollar_value",
        ]
        widgets = {"start_on": DateInput(), "due_on": DateInput()}

    def __init__(self, *args: object, customer: Customer | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        step: Step = self.instance
        if customer is None and step.customer_id is not None:
            customer = step.customer
        self.customer = customer
        # A step keeps its service even after the matrix retires it.
        self.fields["activity"].queryset = Activity.objects.filter(
            Q(active=True) | Q(pk=step.activity_id)
        )
        self.fields["activity"].label_from_instance = lambda a: f"{a.code} — {a.title}"
        if step.pk:
            del self.fields["submission_token"]
            self.fields["lock_version"].initial = step.lock_version
            self.fields["barriers"].initial = list(step.barriers.all())
        else:
            del self.fields["lock_version"]
        for name in ("hours", "dollar_value"):
            self.fields[name].widget.attrs["min"] = "0"
        self.fields["hours"].help_text = "Hours a week."
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("activity", css_class="col-md-8"),
                Div("status", css_class="col-md-4"),
                css_class="row",
            ),
            "description",
            Div(
                Div("start_on", css_class="col-md-3"),
                Div("due_on", css_class="col-md-3"),
                Div("hours", css_class="col-md-2"),
                Div("dollar_value", css_class="col-md-4"),
                css_class="row",
            ),
            "provider",
            Div("barriers", css_class="barrier-columns"),
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        office = self.customer.office if self.customer else None
        for name, problem in step_problems(
            start_on=data.get("start_on"),
            due_on=data.get("due_on"),
            hours=data.get("hours"),
            dollar_value=data.get("dollar_value"),
            today=today(office.time_zone if office else None),
            policy=Policy.for_region(office.region_id) if office else Policy(),
        ):
            self.add_error(name, problem)
        return data

    def values(self) -> dict[str, object]:
        """What was entered for the model's fields (not the token or version)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReviewForm(DatedFormMixin, OnceFormMixin, forms.Form):
    dates = {"reviewed_on": "The review date"}
    reviewed_on = forms.DateField(widget=DateInput(), label="Reviewed with the customer on")
    contact_method = contact_method_field()
    two_way = two_way_field()
    note_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=BODY_MAX_CHARS,
        label="IEP review case note",
        help_text="Progress on each goal, changes agreed, and the next review.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("reviewed_on", css_class="col-md-4"),
                Div("contact_method", css_class="col-md-4"),
                css_class="row",
            ),
            "two_way",
            "note_body",
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        check_note_body(self, "note_body", customer=self.customer, note_type=NoteType.IEP)
        return data


class SignedCopyForm(DatedFormMixin, OnceFormMixin, forms.Form):
    dates = {"signed_on": "The signature date"}
    signed_on = forms.DateField(widget=DateInput(), label="Date the customer signed")
    file = forms.FileField(
        label="Signed copy",
        help_text=f"A scan or photo of the signed customer copy: PDF, PNG, JPEG or TIFF, up to {settings.MAX_UPLOAD_MB} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Fieldset("", "signed_on", "file"))

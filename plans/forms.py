from crispy_forms.layout import Div, Fieldset
from django import forms
from django.conf import settings
from django.db.models import Q

from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.once import OnceFormMixin
from casenotes.forms import TWO_WAY_CHOICES
from casenotes.models import ContactMethod
from casenotes.services import BODY_MAX_CHARS
from customers.forms import DateInput, limit_length
from customers.models import Barrier
from plans.models import Assessment, AssessmentType, Goal, Plan, Step
from services.models import Activity


class AssessmentForm(OnceFormMixin, InputModelForm):
    class Meta:
        model = Assessment
        fields = ["assessment_type", "assessed_on", "scores", "summary"]
        widgets = {"assessed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessment_type"].queryset = AssessmentType.objects.filter(active=True)
        limit_length(self, "summary")
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


class PlanDevelopForm(OnceFormMixin, PlanForm):
    """Develops the plan: a create form, with the one-time token instead of a version."""

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


class GoalForm(OnceFormMixin, VersionedFormMixin, InputModelForm):
    """Adds a goal (with the one-time token) or changes one (with its version)."""

    class Meta:
        model = Goal
        fields = ["statement", "category", "term", "status", "indicator", "justification"]
        widgets = {
            "statement": forms.TextInput(attrs={"maxlength": 144}),
            "justification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["submission_token"]
            self.fields["lock_version"].initial = self.instance.lock_version
        else:
            del self.fields["lock_version"]
        limit_length(self, "justification")
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


def _not_negative(label: str):  # noqa: ANN202 - a validator
    def check(value: object) -> None:
        if value is not None and value < 0:
            raise forms.ValidationError(f"{label} cannot be negative.", code="min_value")

    return check


class StepForm(OnceFormMixin, VersionedFormMixin, InputModelForm):
    """Adds a step (with the one-time token) or changes one (with its version)."""

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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        step: Step = self.instance
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
        for name, label in (("hours", "Hours"), ("dollar_value", "The dollar value")):
            self.fields[name].widget.attrs["min"] = "0"
            self.fields[name].validators.append(_not_negative(label))
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

    def values(self) -> dict[str, object]:
        """What was entered for the model's fields (not the token or version)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReviewForm(OnceFormMixin, forms.Form):
    reviewed_on = forms.DateField(widget=DateInput(), label="Reviewed with the customer on")
    contact_method = forms.ChoiceField(
        choices=ContactMethod.choices, initial=ContactMethod.IN_PERSON
    )
    two_way = forms.ChoiceField(
        choices=TWO_WAY_CHOICES, initial="yes", widget=forms.RadioSelect, label="Contact"
    )
    note_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=BODY_MAX_CHARS,
        label="IEP review case note",
        help_text="Progress on each goal, changes agreed, and the next review.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Div(
                Div("reviewed_on", css_class="col-md-4"),
                Div("contact_method", css_class="col-md-4"),
                css_class="row",
            ),
            "two_way",
            "note_body",
        )


class SignedCopyForm(OnceFormMixin, forms.Form):
    signed_on = forms.DateField(widget=DateInput(), label="Date the customer signed")
    file = forms.FileField(
        label="Signed copy",
        help_text=f"A scan or photo of the signed customer copy: PDF, PNG, JPEG or TIFF, up to {settings.MAX_UPLOAD_MB} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Fieldset("", "signed_on", "file"))

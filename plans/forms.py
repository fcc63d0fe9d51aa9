from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.conf import settings

from casenotes.forms import TWO_WAY_CHOICES
from casenotes.models import ContactMethod
from customers.forms import DateInput
from customers.models import Barrier
from plans.models import Assessment, AssessmentType, Goal, Plan, Step
from services.models import Activity


def _helper(*layout: object) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["assessment_type", "assessed_on", "scores", "summary"]
        widgets = {"assessed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessment_type"].queryset = AssessmentType.objects.filter(active=True)
        self.helper = _helper()


class PlanForm(forms.ModelForm):
    barriers = forms.ModelMultipleChoiceField(
        queryset=Barrier.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Barriers the plan addresses",
    )

    class Meta:
        model = Plan
        fields = [
            "employment_goal",
            "career_path",
            "assessment_summary",
            "strengths",
            "justification",
            "supportive_services",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ["assessment_summary", "strengths", "justification", "supportive_services"]
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
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


class PlanDevelopForm(PlanForm):
    developed_on = forms.DateField(widget=DateInput(), label="Developed with the customer on")
    note_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Case note for the plan's development (service 205, or 469 for youth)",
        help_text="Who took part, the goals agreed, the services planned, and next steps.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout.fields.insert(0, "developed_on")
        self.helper.layout.fields.append("note_body")


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["statement", "category", "term", "status", "indicator", "justification"]
        widgets = {
            "statement": forms.TextInput(attrs={"maxlength": 144}),
            "justification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
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

    def _post_clean(self) -> None:
        pass


class StepForm(forms.ModelForm):
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
        self.fields["activity"].queryset = Activity.objects.filter(active=True)
        self.fields["activity"].label_from_instance = lambda a: f"{a.code} — {a.title}"
        if self.instance.pk:
            self.fields["barriers"].initial = list(self.instance.barriers.all())
        self.helper = _helper(
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

    def _post_clean(self) -> None:
        pass


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(widget=DateInput(), label="Reviewed with the customer on")
    contact_method = forms.ChoiceField(
        choices=ContactMethod.choices, initial=ContactMethod.IN_PERSON
    )
    two_way = forms.ChoiceField(
        choices=TWO_WAY_CHOICES, initial="yes", widget=forms.RadioSelect, label="Contact"
    )
    note_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="IEP review case note",
        help_text="Progress on each goal, changes agreed, and the next review.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Div(
                Div("reviewed_on", css_class="col-md-4"),
                Div("contact_method", css_class="col-md-4"),
                css_class="row",
            ),
            "two_way",
            "note_body",
        )


class SignedCopyForm(forms.Form):
    signed_on = forms.DateField(widget=DateInput(), label="Date the customer signed")
    file = forms.FileField(
        label="Signed copy",
        help_text=f"A scan or photo of the signed customer copy: PDF, PNG, JPEG or TIFF, up to {settings.MAX_UPLOAD_MB} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Fieldset("", "signed_on", "file"))

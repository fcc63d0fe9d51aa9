import re

from crispy_forms.layout import Div, Fieldset
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from casemgmt.access import offices_visible_to, staff_visible_to
from casemgmt.clock import today
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.models import User
from casemgmt.once import OnceFormMixin
from customers.models import Barrier, Customer, DocumentType, PartnerProgram, Program, Status
from customers.pii import InvalidSSN, ssn_normalize
from customers.rules import (
    certification_date_problem,
    customer_date_problems,
    eligibility_date_problem,
    phone_digits,
)
from customers.services import EDITABLE_FIELDS

# Long free text (summaries, justifications, notes); short text keeps its column's length.
LONG_TEXT_MAX_CHARS = 10_000
REASON_MAX_CHARS = 500
# What people type into a phone box ("+1 (312) 555-0143"); ten digits are kept.
PHONE_INPUT_MAX_CHARS = 25


def limit_length(form: forms.Form, *names: str, max_chars: int = LONG_TEXT_MAX_CHARS) -> None:
    """Give free-text fields without a column length (TextField) a limit the form enforces."""
    for name in names:
        field = form.fields[name]
        field.max_length = max_chars
        field.validators.append(MaxLengthValidator(max_chars))


def name_the_limits(form: forms.BaseForm) -> None:
    """Refuse text over a field's length with a message naming the field and its limit.

    The browser is not told the limit as `maxlength`: given that, it cuts pasted text
    silently, and a goal saved shorter than it was typed is worse than a message asking to
    shorten it. It gets `data-max-chars` instead, which static/js/app.js counts as you type.
    """
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and field.max_length is not None:
            label = str(field.label or name.replace("_", " ").capitalize()).replace("%", "%%")
            field.error_messages["max_length"] = (
                f"{label} holds at most %(limit_value)d characters; this has %(show_value)d."
            )
            field.widget.attrs.pop("maxlength", None)
            if not field.widget.is_hidden:
                field.widget.attrs["data-max-chars"] = str(field.max_length)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _phone(value: str, label: str) -> str:
    try:
        return phone_digits(value)
    except ValueError as exc:
        raise ValidationError(
            f"The {label} {exc}: enter ten digits with the area code, as 312-555-0143."
        ) from None


class CustomerForm(OnceFormMixin, VersionedFormMixin, InputModelForm):
    """Registration and editing. Office and planner choices come from the user's scope.

    Registration carries the one-time token, editing the version it was opened at.
    """

    ssn = forms.CharField(
        label="Full SSN (optional)",
        required=False,
        max_length=11,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Only if collected. Stored encrypted; only the last 4 digits are ever shown.",
    )
    programs = forms.MultipleChoiceField(
        choices=Program.choices, widget=forms.CheckboxSelectMultiple, label="WIOA programs"
    )
    barriers = forms.ModelMultipleChoiceField(
        queryset=Barrier.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Barriers to employment",
    )
    partner_programs = forms.ModelMultipleChoiceField(
        queryset=PartnerProgram.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Co-enrolled in partner programs",
    )
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="I checked the records above: this is a different person. Register anyway.",
    )

    class Meta:
        model = Customer
        fields = [*EDITABLE_FIELDS, "office", "career_planner"]
        widgets = {
            "date_of_birth": DateInput(),
            "application_date": DateInput(),
            "eligibility_date": DateInput(),
            "certification_date": DateInput(),
            "eligibility_late_reason": forms.Textarea(attrs={"rows": 2}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        self.fields["office"].queryset = offices_visible_to(user)
        self.fields["career_planner"].queryset = staff_visible_to(user)
        self.fields["career_planner"].required = False
        self.fields["ssn_last4"].help_text = "Filled in from the full SSN when that is entered."
        limit_length(self, "eligibility_late_reason")
        for name in ("phone", "alternate_contact_phone"):
            field = self.fields[name]
            field.max_length = PHONE_INPUT_MAX_CHARS
            field.validators = [
                MaxLengthValidator(PHONE_INPUT_MAX_CHARS)
                if isinstance(v, MaxLengthValidator)
                else v
                for v in field.validators
            ]
        name_the_limits(self)
        if editing:
            del self.fields["submission_token"]
            self.fields["lock_version"].initial = self.instance.lock_version
            # Moving a customer is a supervisor's reassignment, not an edit.
            del self.fields["office"]
            del self.fields["career_planner"]
            del self.fields["confirm_not_duplicate"]
            self.fields["barriers"].initial = list(self.instance.barriers.all())
            self.fields["partner_programs"].initial = list(self.instance.partner_programs.all())
            if self.instance.has_full_ssn:
                self.fields["ssn"].help_text = (
                    "A full SSN is on file (ending "
                    f"{self.instance.ssn_last4}). Enter a new one only to correct it."
                )
        else:
            del self.fields["lock_version"]
            offices = list(self.fields["office"].queryset[:2])
            if len(offices) == 1:
                self.fields["office"].initial = offices[0]
            self.fields["career_planner"].initial = user if user.offices.exists() else None
        self.helper = form_helper(
            Fieldset(
                "Name and birth",
                Div(
                    Div("first_name", css_class="col-md-4"),
                    Div("middle_name", css_class="col-md-3"),
                    Div("last_name", css_class="col-md-5"),
                    css_class="row",
                ),
                Div(
                    Div("date_of_birth", css_class="col-md-4"),
                    Div("ssn_last4", css_class="col-md-3"),
                    Div("ssn", css_class="col-md-5"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Contact",
                Div(
                    Div("phone", css_class="col-md-4"),
                    Div("email", css_class="col-md-5"),
                    Div("preferred_contact_method", css_class="col-md-3"),
                    css_class="row",
                ),
                Div(
                    Div("street", css_class="col-md-5"),
                    Div("city", css_class="col-md-3"),
                    Div("state", css_class="col-md-2"),
                    Div("postal_code", css_class="col-md-2"),
                    css_class="row",
                ),
                Div(
                    Div("alternate_contact_name", css_class="col-md-5"),
                    Div("alternate_contact_phone", css_class="col-md-4"),
                    Div("alternate_contact_relationship", css_class="col-md-3"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Programs and eligibility",
                Div(
                    Div("programs", css_class="col-md-4"),
                    Div("partner_programs", css_class="col-md-4"),
                    Div("veteran_status", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("application_date", css_class="col-md-4"),
                    Div("eligibility_date", css_class="col-md-4"),
                    Div("certification_date", css_class="col-md-4"),
                    css_class="row",
                ),
                "eligibility_late_reason",
            ),
            Div("barriers", css_class="barrier-columns"),
            *(
                []
                if editing
                else [
                    Fieldset(
                        "Office and career planner",
                        Div(
                            Div("office", css_class="col-md-6"),
                            Div("career_planner", css_class="col-md-6"),
                            css_class="row",
                        ),
                    )
                ]
            ),
        )

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""), "phone number")

    def clean_alternate_contact_phone(self) -> str:
        return _phone(
            self.cleaned_data.get("alternate_contact_phone", ""), "alternate contact's phone"
        )

    def clean_state(self) -> str:
        return (self.cleaned_data.get("state") or "").upper()

    def clean_ssn_last4(self) -> str:
        value = _digits(self.cleaned_data.get("ssn_last4", ""))
        if value and len(value) != 4:
            raise ValidationError("Enter exactly the last four digits of the SSN.")
        return value

    def clean_ssn(self) -> str:
        raw = self.cleaned_data.get("ssn", "")
        if not raw:
            return ""
        try:
            return ssn_normalize(raw)
        except InvalidSSN as exc:
            raise ValidationError(str(exc)) from None

    def clean(self) -> dict[str, object]:
        data = super().clean()
        problem = eligibility_date_problem(
            application_date=data.get("application_date"),
            eligibility_date=data.get("eligibility_date"),
            late_reason=data.get("eligibility_late_reason") or "",
        )
        if problem:
            self.add_error("eligibility_date", problem)
        problem = certification_date_problem(
            application_date=data.get("application_date"),
            eligibility_date=data.get("eligibility_date"),
            certification_date=data.get("certification_date"),
        )
        # An eligibility date typed but not a date is said at its field: it was not
        # left out, as "record the eligibility date first" would say.
        if problem and "eligibility_date" not in self.errors:
            self.add_error("certification_date", problem)
        office = data.get("office") or (self.instance.office if self.instance.pk else None)
        for name, problem in customer_date_problems(
            date_of_birth=data.get("date_of_birth"),
            application_date=data.get("application_date"),
            eligibility_date=data.get("eligibility_date"),
            certification_date=data.get("certification_date"),
            today=today(office.time_zone if office else None),
        ):
            self.add_error(name, problem)
        office, planner = data.get("office"), data.get("career_planner")
        if office and planner and not planner.offices.filter(pk=office.pk).exists():
            self.add_error(
                "career_planner", f"{planner} does not work in {office}; choose a planner there."
            )
        return data


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    scope = forms.ChoiceField(
        choices=[("mine", "My customers"), ("office", "My offices")], required=False
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    program = forms.ChoiceField(choices=[("", "Any program"), *Program.choices], required=False)
    planner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Any planner"
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["planner"].queryset = staff_visible_to(user)
        name_the_limits(self)


class ReassignForm(forms.Form):
    career_planner = forms.ModelChoiceField(
        queryset=User.objects.none(), label="New career planner"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_CHARS,
        help_text="Kept in the update log, for example: caseload balancing, planner on leave.",
    )

    def __init__(self, *args: object, user: User, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["career_planner"].queryset = staff_visible_to(user).filter(
            offices=customer.office
        )
        self.fields["career_planner"].initial = customer.career_planner_id
        name_the_limits(self)


class DocumentUploadForm(OnceFormMixin, forms.Form):
    document_type = forms.ModelChoiceField(queryset=DocumentType.objects.filter(active=True))
    file = forms.FileField(
        help_text=f"PDF, PNG, JPEG or TIFF, up to {settings.MAX_UPLOAD_MB} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}),
    )

from crispy_forms.layout import HTML, Div
from django import forms
from django.urls import reverse

from casemgmt.forms import form_helper
from casemgmt.once import OnceFormMixin
from casenotes.guide import ssn_masked, ssn_shaped
from casenotes.models import CaseNote, ContactMethod, NoteType
from casenotes.services import BODY_MAX_CHARS, casenote_problems
from customers.forms import DateInput, name_the_limits
from customers.models import Customer

TWO_WAY_CHOICES = [
    ("yes", "Two-way communication with the customer"),
    ("no", "Attempt only (voicemail, letter, unanswered email)"),
]
CONTACT_METHOD_REQUIRED = (
    "Choose the contact method: in person, virtual, phone, email, text or other."
)
TWO_WAY_REQUIRED = (
    "Choose whether this was two-way communication with the customer or an attempt only."
)


def contact_method_field(*, label: str = "Contact method", required: bool = True) -> forms.Field:
    """How the contact was made: starts empty and must be chosen, never assumed."""
    return forms.ChoiceField(
        choices=[("", "Choose…"), *ContactMethod.choices],
        label=label,
        required=required,
        error_messages={"required": CONTACT_METHOD_REQUIRED},
    )


def two_way_field(
    *, label: str = "Kind of contact", required: bool = True, select: bool = False
) -> forms.Field:
    """Two-way communication or an attempt only: starts empty and must be chosen, since
    a two-way note quietly satisfies the 30-day contact rule. Radio buttons, or a select
    where a row has no room for them."""
    return forms.ChoiceField(
        choices=[("", "Choose…"), *TWO_WAY_CHOICES] if select else TWO_WAY_CHOICES,
        widget=forms.Select if select else forms.RadioSelect,
        label=label,
        required=required,
        error_messages={"required": TWO_WAY_REQUIRED},
    )


def require_contact_choices(form: forms.Form, *, method: str, two_way: str) -> None:
    """A note that is optional in its form (a service's) still says, once written, how
    the contact was made and whether it was two-way: its optional fields become required."""
    for name, message in ((method, CONTACT_METHOD_REQUIRED), (two_way, TWO_WAY_REQUIRED)):
        if not form.cleaned_data.get(name) and name not in form.errors:
            form.add_error(name, message)


def check_note_body(
    form: forms.Form, name: str, *, customer: Customer | None, note_type: str
) -> None:
    """The case-note rules (casenotes.services.casenote_problems) on a note written in
    another form, said on its field with the form's other problems, not after them."""
    body = form.cleaned_data.get(name)
    if customer is None or not body or name in form.errors:
        return
    problems = casenote_problems(
        customer=customer,
        contact_date=None,
        subject="",
        body=body,
        service=None,
        note_type=note_type,
    )
    for field, message in problems:
        if field == "body":
            form.add_error(name, message)


class CaseNoteForm(OnceFormMixin, forms.Form):
    note_type = forms.ChoiceField(
        choices=[c for c in NoteType.choices if c[0] != NoteType.ADDENDUM], label="Note type"
    )
    contact_date = forms.DateField(widget=DateInput())
    contact_method = contact_method_field()
    two_way = two_way_field()
    service = forms.ModelChoiceField(
        queryset=CaseNote.objects.none(),  # the customer's services, set in __init__
        required=False,
        label="Service it documents (optional)",
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}), label="Note", max_length=BODY_MAX_CHARS
    )

    def __init__(
        self, *args: object, customer: Customer, link_service: bool = True, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.ssn_found = False
        services = CaseNote._meta.get_field("service").related_model
        self.fields["service"].queryset = services.objects.filter(customer=customer).select_related(
            "activity"
        )
        self.fields["service"].label_from_instance = lambda r: (
            f"{r.activity.code} {r.activity.title}, {r.started_on:%m/%d/%Y}"
        )
        self.fields["body"].widget.attrs.update(guide_check_attrs(customer))
        self.fields["contact_date"].widget.attrs.update(late_check_attrs(customer))
        if not link_service:  # a tracker does not read the customer's services
            del self.fields["service"]
        self.helper = form_helper(
            Div(
                Div("note_type", css_class="col-md-4"),
                Div("contact_date", css_class="col-md-4"),
                Div("contact_method", css_class="col-md-4"),
                css_class="row",
            ),
            HTML('<div id="late-warning" aria-live="polite"></div>'),
            Div(
                Div("two_way", css_class="col-md-6"),
                *([Div("service", css_class="col-md-6")] if link_service else []),
                css_class="row",
            ),
            "subject",
            "body",
            HTML('<div id="note-warnings" aria-live="polite"></div>'),
        )
        name_the_limits(self)

    def clean(self) -> dict[str, object]:
        """Every problem in one answer: the rules of a note (casenote_problems) are
        checked on the fields that are fine, while the others say what they need."""
        data = super().clean()
        body = data.get("body") or ""
        if body and self.data.get("mask_ssn"):
            data["body"] = body = ssn_masked(body)
        self.ssn_found = bool(ssn_shaped(body))  # the page offers to mask it
        problems = casenote_problems(
            customer=self.customer,
            contact_date=data.get("contact_date"),
            subject=data.get("subject") or "",
            body=body,
            service=data.get("service"),
            note_type=data.get("note_type") or NoteType.GENERAL,
        )
        failed = set(self.errors)  # those fields say what they need already
        if "note_type" in failed:  # a body is checked against its note type's template
            failed.add("body")
        for name, message in problems:
            if name in self.fields and name not in failed:
                self.add_error(name, message)
        return data


class NoteSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search this customer's notes")


class AddendumForm(OnceFormMixin, forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Addendum",
        max_length=BODY_MAX_CHARS,
        help_text="What is corrected or added, and why. The original note stays as it was.",
    )
    corrected_contact_date = forms.DateField(
        widget=DateInput(),
        required=False,
        label="Correct the contact date (optional)",
        help_text="Only if the note gives the wrong date of the contact.",
    )
    corrected_two_way = forms.ChoiceField(
        choices=[
            ("", "Leave as recorded"),
            ("yes", "It was two-way communication with the customer"),
            ("no", "It was an attempt only (voicemail, letter, unanswered email)"),
        ],
        required=False,
        label="Correct the kind of contact (optional)",
        help_text="The 30-day contact clock uses the corrected value.",
    )

    def __init__(self, *args: object, current: CaseNote, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        recorded = "two-way communication" if current.two_way else "an attempt only"
        self.fields["corrected_two_way"].help_text = (
            f"Currently recorded as {recorded} on {current.contact_date:%m/%d/%Y}. "
            "The 30-day contact clock uses the corrected value."
        )
        self.helper = form_helper(
            "body",
            Div(
                Div("corrected_contact_date", css_class="col-md-4"),
                Div("corrected_two_way", css_class="col-md-8"),
                css_class="row",
            ),
        )
        name_the_limits(self)

    def clean(self) -> dict[str, object]:
        """The note's rules on the addendum's text and the corrected date, in one answer."""
        data = super().clean()
        problems = casenote_problems(
            customer=self.current.customer,
            contact_date=data.get("corrected_contact_date"),
            subject="Addendum",
            body=data.get("body") or "",
            service=None,
        )
        fields = {"body": "body", "contact_date": "corrected_contact_date"}
        failed = set(self.errors)
        for name, message in problems:
            target = fields.get(name)
            # No date given is no correction; a missing text is said by its own field.
            if target and target not in failed and data.get(target) not in (None, ""):
                self.add_error(target, message)
        return data

    def two_way_correction(self) -> bool | None:
        value = self.cleaned_data.get("corrected_two_way")
        return None if not value else value == "yes"


def guide_check_attrs(customer: Customer) -> dict[str, str]:
    """htmx attributes on a note body: the case-note guide's warnings while typing."""
    return {
        "hx-post": reverse("casenotes:check", kwargs={"pk": customer.pk}),
        "hx-trigger": "keyup changed delay:700ms, load",
        "hx-target": "#note-warnings",
        "hx-include": "[name=note_type]",
        "aria-describedby": "note-warnings",
    }


def late_check_attrs(customer: Customer, **extra: str) -> dict[str, str]:
    """htmx attributes on a service or contact date: says before saving if it is late."""
    return {
        "hx-get": reverse("services:entry_check", kwargs={"pk": customer.pk}),
        "hx-trigger": "change, load",
        "hx-target": "#late-warning",
        **extra,
    }

from crispy_forms.layout import HTML, Div
from django import forms
from django.urls import reverse

from casemgmt.forms import form_helper
from casemgmt.once import OnceFormMixin
from casenotes.models import CaseNote, ContactMethod, NoteType
from casenotes.services import BODY_MAX_CHARS
from customers.forms import DateInput
from customers.models import Customer

TWO_WAY_CHOICES = [
    ("yes", "Two-way communication with the customer"),
    ("no", "Attempt only (voicemail, letter, unanswered email)"),
]


class CaseNoteForm(OnceFormMixin, forms.Form):
    note_type = forms.ChoiceField(
        choices=[c for c in NoteType.choices if c[0] != NoteType.ADDENDUM], label="Note type"
    )
    contact_date = forms.DateField(widget=DateInput())
    contact_method = forms.ChoiceField(choices=ContactMethod.choices, initial=ContactMethod.PHONE)
    two_way = forms.ChoiceField(
        choices=TWO_WAY_CHOICES, initial="yes", widget=forms.RadioSelect, label="Contact"
    )
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

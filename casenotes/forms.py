from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.urls import reverse

from casenotes.models import CaseNote, ContactMethod, NoteType
from customers.forms import DateInput
from customers.models import Customer
from services.models import ServiceRecord

TWO_WAY_CHOICES = [
    ("yes", "Two-way communication with the customer"),
    ("no", "Attempt only (voicemail, letter, unanswered email)"),
]


class CaseNoteForm(forms.Form):
    note_type = forms.ChoiceField(
        choices=[c for c in NoteType.choices if c[0] != NoteType.ADDENDUM], label="Note type"
    )
    contact_date = forms.DateField(widget=DateInput())
    contact_method = forms.ChoiceField(choices=ContactMethod.choices, initial=ContactMethod.PHONE)
    two_way = forms.ChoiceField(
        choices=TWO_WAY_CHOICES, initial="yes", widget=forms.RadioSelect, label="Contact"
    )
    service = forms.ModelChoiceField(
        queryset=ServiceRecord.objects.none(),
        required=False,
        label="Service it documents (optional)",
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), label="Note")

    def __init__(
        self, *args: object, customer: Customer, editing: CaseNote | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = ServiceRecord.objects.filter(
            customer=customer
        ).select_related("activity")
        self.fields["service"].label_from_instance = lambda r: (
            f"{r.activity.code} {r.activity.title}, {r.started_on:%m/%d/%Y}"
        )
        self.fields["body"].widget.attrs.update(guide_check_attrs(customer))
        self.fields["contact_date"].widget.attrs.update(late_check_attrs(customer))
        if editing is not None:
            del self.fields["note_type"]
            del self.fields["service"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(
                *([Div("note_type", css_class="col-md-4")] if editing is None else []),
                Div("contact_date", css_class="col-md-4"),
                Div("contact_method", css_class="col-md-4"),
                css_class="row",
            ),
            HTML('<div id="late-warning" aria-live="polite"></div>'),
            Div(
                Div("two_way", css_class="col-md-6"),
                *([Div("service", css_class="col-md-6")] if editing is None else []),
                css_class="row",
            ),
            "subject",
            "body",
            HTML('<div id="note-warnings" aria-live="polite"></div>'),
        )


class AddendumForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Addendum",
        help_text="What is corrected or added, and why. The original note stays as it was.",
    )


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

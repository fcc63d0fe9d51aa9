from django import forms
from django.db.models import QuerySet

from casemgmt.models import Office, User
from casemgmt.once import OnceFormMixin
from casenotes.forms import check_note_body, contact_method_field, two_way_field
from casenotes.models import NoteType
from compliance.models import Rule, State
from compliance.selectors import ON_TIME, UNASSIGNED, AlertFilters
from customers.forms import name_the_limits
from customers.models import Customer


class AlertFilterForm(forms.Form):
    """The drill-down's filters. Office and planner choices are the user's scope only,
    so another office's id is an invalid choice (and the view answers 404)."""

    office = forms.ModelChoiceField(
        queryset=Office.objects.none(), required=False, empty_label="Every office"
    )
    planner = forms.ChoiceField(required=False, label="Career planner")
    rule = forms.ChoiceField(choices=[("", "Every rule"), *Rule.choices], required=False)
    state = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: object,
        offices: QuerySet[Office],
        planners: QuerySet[User],
        with_on_time: bool = True,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["planner"].choices = [
            ("", "Every career planner"),
            *((str(p.pk), str(p)) for p in planners),
            (UNASSIGNED, "Unassigned"),
        ]
        states = [("", "Every open alert"), *State.choices]
        if with_on_time:
            states.append((ON_TIME, "On time (no open alert)"))
        self.fields["state"].choices = states

    def filters(self) -> AlertFilters:
        data = self.cleaned_data
        return AlertFilters(
            office=data.get("office"),
            planner=data.get("planner") or "",
            rule=data.get("rule") or "",
            state=data.get("state") or "",
        )


class ContactLogForm(OnceFormMixin, forms.Form):
    """A tracker's quick entry from the re-engagement lists: an attempt or a contact,
    recorded as a follow-up case note. Whether the customer was reached and how are
    chosen each time, never assumed.

    Given the customer, the note's text is held to the case-note rules here, with the
    form's other problems."""

    two_way = two_way_field(label="Reached the customer?", select=True)
    contact_method = contact_method_field()
    note = forms.CharField(
        max_length=1000, label="Note", error_messages={"required": "Write what happened."}
    )

    def __init__(self, *args: object, customer: Customer | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        name_the_limits(self)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        check_note_body(self, "note", customer=self.customer, note_type=NoteType.FOLLOW_UP)
        return data

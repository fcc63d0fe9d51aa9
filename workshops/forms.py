"""The attendance sheet and its amendment."""

import uuid

from django import forms
from django.http import QueryDict

from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import form_helper
from workshops.models import Attendance

SEARCH_MAX = 100
ACTIONS = ("submit", "submit_all", "find")


class SheetForm(forms.Form):
    """The sheet's own fields; the marks are read by `sheet_marks`, one per row."""

    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], required=False)
    find = forms.CharField(max_length=SEARCH_MAX, required=False, strip=True)
    add = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    remove = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def clean_find(self) -> str:
        value = self.cleaned_data["find"]
        if "\x00" in value:
            raise forms.ValidationError("The search holds a character that cannot be searched for.")
        return value

    @property
    def token(self) -> uuid.UUID:
        """The sheet keeps one token across its searches: the final submission is once."""
        value = self.cleaned_data.get("submission_token") if self.is_bound else None
        return value or uuid.uuid4()


def sheet_marks(data: QueryDict, customer_ids: list[int]) -> tuple[dict[int, str], list[int]]:
    """The mark given for each row, and the rows whose value is not a mark at all."""
    marks, bad = {}, []
    for customer_id in customer_ids:
        value = data.get(f"mark-{customer_id}", "")
        if value in Attendance.values:
            marks[customer_id] = value
        elif value:
            bad.append(customer_id)
    return marks, bad


def sheet_walk_ins(data: QueryDict) -> list[int]:
    """Walk-ins added so far, carried in the form while the sheet is being filled."""
    ids = []
    for raw in data.getlist("walk_in"):
        if raw.isdigit() and len(raw) < 10 and int(raw) not in ids:
            ids.append(int(raw))
    return ids[:200]


class AmendForm(VersionedFormMixin, forms.Form):
    attendance = forms.ChoiceField(
        label="Corrected mark", choices=Attendance.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Why the mark was wrong",
        max_length=200,
        widget=forms.TextInput,
        help_text="Kept in the update log, and in the case note when an attendance is undone.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"]
        if "\x00" in value:
            raise forms.ValidationError("The reason holds a character that cannot be saved.")
        return value

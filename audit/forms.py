import datetime
import re
import zoneinfo

from django import forms

from audit.selectors import AuditFilters, audit_kinds, audit_staff
from casemgmt import clock
from casemgmt.models import User
from customers.forms import DateInput, name_the_limits

# The update log begins with the system; no event is older.
EARLIEST_DAY = datetime.date(2000, 1, 1)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        return name if obj.is_active else f"{name} (no longer active)"


class AuditFilterForm(forms.Form):
    """The audit trail's filters, posted: the page's address carries none of them.

    A customer is found by customer number only, never by name or other personal
    detail. Staff and kinds of record are those of the user's scope.
    """

    staff = StaffChoiceField(
        queryset=User.objects.none(), required=False, label="Changed by", empty_label="Anyone"
    )
    customer_number = forms.CharField(
        required=False,
        max_length=12,
        label="Customer number",
        help_text="Such as C0000123.",
    )
    kind = forms.ChoiceField(required=False, label="Kind of record")
    since = forms.DateField(required=False, label="From", widget=DateInput())
    until = forms.DateField(required=False, label="To", widget=DateInput())

    def __init__(
        self, *args: object, user: User, zone: zoneinfo.ZoneInfo, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = clock.today(zone.key)
        self.fields["staff"].queryset = audit_staff(user)
        self.fields["kind"].choices = [
            ("", "Every kind"),
            *((k.label, k.name) for k in audit_kinds(user)),
        ]
        name_the_limits(self)

    def clean_customer_number(self) -> str:
        text = re.sub(r"\s", "", self.cleaned_data["customer_number"]).upper()
        if not text:
            return ""
        match = re.fullmatch(r"C?([0-9]{1,10})", text)
        if not match:
            raise forms.ValidationError(
                "Enter a customer number, such as C0000123. Names and other personal "
                "details are not searched here."
            )
        return f"C{int(match[1]):07d}"

    def _day(self, name: str) -> datetime.date | None:
        day = self.cleaned_data[name]
        if day is not None and not EARLIEST_DAY <= day <= self.today:
            raise forms.ValidationError(
                f"Enter a date from {EARLIEST_DAY:%m/%d/%Y} to today ({self.today:%m/%d/%Y})."
            )
        return day

    def clean_since(self) -> datetime.date | None:
        return self._day("since")

    def clean_until(self) -> datetime.date | None:
        return self._day("until")

    def clean(self) -> dict[str, object]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the range comes before its start.")
        return data

    def page_number(self) -> int:
        """The page asked for by the page's own buttons; anything else is the first."""
        text = str(self.data.get("page", ""))
        return max(int(text), 1) if re.fullmatch(r"[0-9]{1,5}", text) else 1

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            staff=data.get("staff"),
            customer_number=data.get("customer_number", ""),
            kind=data.get("kind", ""),
            since=data.get("since"),
            until=data.get("until"),
        )

"""The customer's budget review and community referrals (SPEC 6)."""

import datetime
from decimal import Decimal

from crispy_forms.layout import Div, Fieldset
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from casemgmt.clock import today
from casemgmt.conflicts import VersionedFormMixin
from casemgmt.forms import InputModelForm, form_helper
from casemgmt.once import OnceFormMixin
from customers.forms import DateInput, limit_length, name_the_limits
from customers.models import Barrier, Customer
from customers.rules import EARLIEST_RECORD_DATE, date_bound_problem
from supportive.models import BudgetReview, Referral

MONEY_MAX = Decimal("99999999.99")  # the column holds ten digits, two of them cents


class MoneyField(forms.DecimalField):
    """Dollars and cents, $0.00 to $99,999,999.99. Typed as people write money ("$1,250.00"
    or "1250"), in a text box: a number box turns with the mouse wheel and takes "1e3"."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)  # an empty line is $0.00
        super().__init__(
            max_digits=10,
            decimal_places=2,
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "class": "text-end"}
            ),
            **kwargs,  # type: ignore[arg-type]
        )
        label = str(self.label or "The amount")
        most = f"{label}: at most ${MONEY_MAX:,}, in dollars and cents."
        self.validators += [
            MinValueValidator(Decimal(0), f"{label}: give the monthly amount as $0.00 or more."),
            MaxValueValidator(MONEY_MAX, most),
        ]
        # Django words the digit limits in digits; these say them in dollars.
        self.error_messages.update(
            {
                "invalid": f"{label}: enter an amount in dollars and cents, as 1250.00.",
                "max_digits": most,
                "max_whole_digits": most,
                "max_decimal_places": f"{label}: give dollars and cents, at most two decimals.",
            }
        )

    def to_python(self, value: object) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removeprefix("$").replace(",", "")
            if "e" in value.lower():  # "1e12": scientific notation is nobody's money
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = super().to_python(value)
        return Decimal(0) if amount is None else amount


def _date_problem(label: str, day: datetime.date, customer: Customer) -> str | None:
    """A date of record: not before 2000, not after the office's day."""
    return date_bound_problem(
        label,
        day,
        earliest=EARLIEST_RECORD_DATE,
        latest=today(customer.office.time_zone),
        latest_is="today",
    )


class BudgetReviewForm(OnceFormMixin, InputModelForm):
    """The customer's monthly budget: each income and expense line, in dollars."""

    class Meta:
        model = BudgetReview
        fields = ["reviewed_on", *BudgetReview.INCOME, *BudgetReview.EXPENSES, "notes"]
        widgets = {"reviewed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        for name in BudgetReview.INCOME + BudgetReview.EXPENSES:
            self.fields[name] = MoneyField(label=self.fields[name].label)
        limit_length(self, "notes")
        name_the_limits(self)
        money = [Div(name, css_class="col-sm-6 col-lg-3") for name in BudgetReview.INCOME]
        costs = [Div(name, css_class="col-sm-6 col-lg-3") for name in BudgetReview.EXPENSES]
        self.helper = form_helper(
            Div(Div("reviewed_on", css_class="col-sm-6 col-lg-3"), css_class="row"),
            Fieldset("Monthly income", Div(*money, css_class="row")),
            Fieldset("Monthly expenses", Div(*costs, css_class="row")),
            "notes",
        )

    def clean_reviewed_on(self) -> datetime.date:
        day = self.cleaned_data["reviewed_on"]
        problem = _date_problem("The date of the review", day, self.customer)
        if problem:
            raise forms.ValidationError(problem)
        return day

    def amounts(self) -> dict[str, Decimal]:
        return {
            name: self.cleaned_data[name] for name in BudgetReview.INCOME + BudgetReview.EXPENSES
        }


class ReferralForm(OnceFormMixin, InputModelForm):
    """A referral to a community organisation, tried before anything is paid for."""

    class Meta:
        model = Referral
        fields = ["supportive_type", "barrier", "organisation", "referred_on", "outcome"]
        labels = {"supportive_type": "Need", "barrier": "Barrier it addresses"}
        widgets = {"referred_on": DateInput()}

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["barrier"].queryset = Barrier.objects.filter(active=True)
        name_the_limits(self)
        self.helper = form_helper(
            Div(
                Div("supportive_type", css_class="col-md-6"),
                Div("barrier", css_class="col-md-6"),
                css_class="row",
            ),
            "organisation",
            Div(
                Div("referred_on", css_class="col-md-6"),
                Div("outcome", css_class="col-md-6"),
                css_class="row",
            ),
        )

    def clean_referred_on(self) -> datetime.date:
        day = self.cleaned_data["referred_on"]
        problem = _date_problem("The date of the referral", day, self.customer)
        if problem:
            raise forms.ValidationError(problem)
        return day


class ReferralOutcomeForm(VersionedFormMixin, InputModelForm):
    """What came of a referral; carries the version it was opened at."""

    class Meta:
        model = Referral
        fields = ["outcome"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
        self.helper = form_helper("outcome")

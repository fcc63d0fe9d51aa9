"""Customer actions around the soft exit: plan a gap in service; undo a soft exit."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casemgmt.clock import today
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors, form_helper
from casemgmt.models import Policy
from casemgmt.once import REPLAYED_MESSAGE, TOKEN_FIELD, OnceFormMixin, submit_once
from compliance.services import planned_gap_create, planned_gap_problems, soft_exit_undo
from customers.forms import DateInput, name_the_limits
from customers.models import Customer
from customers.selectors import customer_get_visible


class PlannedGapForm(OnceFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=200, help_text="For example: waiting for the training start date; medical leave."
    )
    starts_on = forms.DateField(widget=DateInput(), label="Gap starts")
    ends_on = forms.DateField(widget=DateInput(), label="Gap ends")

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.max_days = Policy.for_region(customer.office.region_id).planned_gap_max_days
        longest = f"at most {self.max_days} days after the start"
        self.fields["ends_on"].help_text = f"The soft exit waits until this date; {longest}."
        name_the_limits(self)
        self.helper = form_helper()

    def clean(self) -> dict[str, object]:
        data = super().clean()
        for name, problem in planned_gap_problems(
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            certification_date=self.customer.certification_date,
            today=today(self.customer.office.time_zone),
            max_days=self.max_days,
        ):
            self.add_error(name, problem)
        return data


class UndoExitForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the update log. The customer gets 14 days to have the missing service recorded.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        name_the_limits(self)
        self.helper = form_helper()


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "services.add_servicerecord")
def gap_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = PlannedGapForm(
        request.POST or None,
        customer=customer,
        initial={"starts_on": today(customer.office.time_zone)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = submit_once(
                user=request.user,
                token=data[TOKEN_FIELD],
                record=lambda: planned_gap_create(
                    customer=customer,
                    created_by=request.user,
                    reason=data["reason"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                ),
                location=lambda _gap: reverse("customers:detail", kwargs={"pk": customer.pk}),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if done.replayed:
                messages.info(request, REPLAYED_MESSAGE)
            else:
                messages.success(
                    request, "Planned gap recorded: the soft exit waits until its end date."
                )
            return redirect(done.location)
    context = {
        "customer": customer,
        "tab": "profile",
        "form": form,
        "title": "Plan a gap in service",
    }
    return render(request, "compliance/customer_action.html", context)


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "customers.reassign_customer")
def soft_exit_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = UndoExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            soft_exit_undo(
                customer=customer, reason=form.cleaned_data["reason"], undone_by=request.user
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, "Soft exit undone. Record the missing service within 14 days."
            )
            return redirect("customers:detail", pk=customer.pk)
    context = {"customer": customer, "tab": "profile", "form": form, "title": "Undo the soft exit"}
    return render(request, "compliance/customer_action.html", context)

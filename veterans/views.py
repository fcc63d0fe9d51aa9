"""The veteran representative's queue and the referral's actions, and the career
planner's "Refer to the veteran representative"."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.history import history_for
from casemgmt.once import TOKEN_FIELD, submit_once
from customers.selectors import customer_get_visible
from customers.views import recorded
from veterans.forms import AcceptForm, CloseForm, ReferForm, ServeForm
from veterans.models import Assignment, VeteranReferral, sbe_labels
from veterans.rules import significant_barriers
from veterans.selectors import (
    may_see_referrals,
    referral_get_to_take,
    referral_get_visible,
    referral_may_take,
    referral_queue,
)
from veterans.services import referral_accept, referral_close, referral_create, referral_serve

# The service rules speak of the service's and its note's fields; the form has its own.
SERVE_FIELDS = {
    "started_on": "served_on",
    "ended_on": "served_on",
    "start_is_projected": "served_on",
    "completion_status": "activity",
    "note_contact_date": "served_on",
    "note_subject": "activity",
    "note_body": "__all__",
    "note": "__all__",
    "goal": "__all__",
}


def reads_referrals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Veteran representatives (`veterans.take_referral`, in their offices) and the
    supervisors of an office (reading its referrals); anyone else gets 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_see_referrals(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _detail_url(referral: VeteranReferral) -> str:
    return reverse("veterans:referral", kwargs={"pk": referral.pk})


def _render(
    request: HttpRequest, template: str, *, status: int = 200, **context: object
) -> HttpResponse:
    return render(request, f"veterans/{template}", context, status=status)


@require_GET
@reads_referrals
def queue(request: HttpRequest) -> HttpResponse:
    return _render(request, "referral_queue.html", queue=referral_queue(request.user))


@require_GET
@reads_referrals
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_visible(request.user, pk)
    return _render(
        request,
        "referral_detail.html",
        referral=referral,
        customer=referral.customer,
        may_take=referral_may_take(request.user, referral),
        history=history_for(referral, registered="Referred"),
    )


@require_http_methods(["GET", "POST"])
@requires("veterans.take_referral")
def referral_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_to_take(request.user, pk)
    form = AcceptForm(request.POST or None, referral=referral)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            accepted = referral_accept(
                referral=referral,
                user=request.user,
                assignment=form.cleaned_data["assignment"],
                expected_version=form.cleaned_data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            how = (
                "You are now the customer's career planner."
                if accepted.assignment == Assignment.ASSIGNED
                else "You are co-assigned beside the career planner."
            )
            messages.success(request, f"Referral accepted. {how}")
            return redirect(_detail_url(accepted))
    return _action(request, referral, form, conflict, "accept")


@require_http_methods(["GET", "POST"])
@requires("veterans.take_referral")
def referral_serve_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_to_take(request.user, pk)
    customer = referral.customer
    form = ServeForm(request.POST or None, referral=referral, customer=customer)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = submit_once(
                user=request.user,
                token=data[TOKEN_FIELD],
                record=lambda: referral_serve(
                    referral=referral,
                    user=request.user,
                    activity=data["activity"],
                    served_on=data["served_on"],
                    service_provided=data["service_provided"],
                    detail_1=data["detail_1"],
                    detail_2=data["detail_2"],
                    contact_method=data["contact_method"],
                    two_way=data["two_way"] == "yes",
                    outcome_note=data["outcome_note"],
                    expected_version=data["lock_version"],
                ),
                location=_detail_url,
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc, SERVE_FIELDS)
        else:
            return recorded(
                request, done, "Veteran service recorded, with its case note of the same date."
            )
    return _action(request, referral, form, conflict, "serve")


@require_http_methods(["GET", "POST"])
@requires("veterans.take_referral")
def referral_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_to_take(request.user, pk)
    form = CloseForm(request.POST or None, referral=referral)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            closed = referral_close(
                referral=referral,
                user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Referral closed without a veteran service.")
            return redirect(_detail_url(closed))
    return _action(request, referral, form, conflict, "close")


TITLES = {
    "accept": "Accept the referral",
    "serve": "Record the veteran service",
    "close": "Close without a veteran service",
}


def _action(
    request: HttpRequest,
    referral: VeteranReferral,
    form: object,
    conflict: EditConflict | None,
    action: str,
) -> HttpResponse:
    return _render(
        request,
        "referral_action.html",
        status=409 if conflict else 200,
        referral=referral,
        customer=referral.customer,
        form=form,
        conflict=conflict,
        action=action,
        title=TITLES[action],
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "customers.change_customer")
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Working the case file (`customers.change_customer`) includes referring the veteran."""
    customer = customer_get_visible(request.user, pk)
    form = ReferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = submit_once(
                user=request.user,
                token=data[TOKEN_FIELD],
                record=lambda: referral_create(
                    customer=customer, referred_by=request.user, issue=data["issue"]
                ),
                location=lambda _: (
                    reverse("customers:detail", kwargs={"pk": customer.pk}) + "#veteran-referral"
                ),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return recorded(
                request, done, "Referred to the veteran representative: it is in their queue."
            )
    return _render(
        request,
        "referral_form.html",
        customer=customer,
        form=form,
        reasons=sbe_labels(significant_barriers(customer)),
        tab="profile",
    )

"""The end of the path (SPEC 2 and 8): the customer's Path (the periods of participation
with their exits and follow-ups), recording the exit, the employment at exit asked after
a soft exit, the quarterly follow-ups of the year after exit, and closing a file early."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from casemgmt.clock import today
from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.once import TOKEN_FIELD, submit_once
from customers.models import Customer, Status
from customers.selectors import customer_get_visible
from customers.views import recorded
from employment.forms_exit import ExitDetailsForm, ExitForm, FollowUpForm, PeriodCloseForm
from employment.models import FollowUp, Period
from employment.rules import follow_up_state
from employment.services import (
    exit_blockers,
    exit_details_record,
    exit_record,
    first_enrolling_start,
    follow_up_record,
    last_enrolling_end,
    period_close,
)

CASE_FILE = ("customers.view_customer", "customers.view_case_file")
VIEW = (*CASE_FILE, "employment.view_period", "employment.view_followup")
# The case note's refusals name its date and body: here, the follow-up's date and the note.
NOTE_FIELDS = {"body": "note_body", "contact_date": "done_on"}


def _render(
    request: HttpRequest, template: str, customer: Customer, *, status: int = 200, **context: object
) -> HttpResponse:
    context = {"customer": customer, "tab": "path", **context}
    return render(request, f"employment/{template}", context, status=status)


def _path_url(customer: Customer, anchor: str = "") -> str:
    url = reverse("employment:periods", kwargs={"pk": customer.pk})
    return f"{url}#{anchor}" if anchor else url


def _period_get(customer: Customer, pk: int) -> Period:
    """A period of a customer already fetched through customer_get_visible."""
    return get_object_or_404(
        Period.objects.filter(customer=customer).select_related("exit_job"), pk=pk
    )


def _follow_up_get(customer: Customer, pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.filter(customer=customer).select_related("period", "recorded_by"), pk=pk
    )


# --- The Path ------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpLine:
    follow_up: FollowUp
    state: str  # "done", "overdue", "due_soon", "not_needed" (file closed) or "" (not due yet)


@dataclass(frozen=True)
class PeriodLine:
    period: Period
    follow_ups: list[FollowUpLine]

    def _count(self, state: str) -> int:
        return sum(1 for line in self.follow_ups if line.state == state)

    @property
    def done(self) -> int:
        return self._count("done")

    @property
    def due_soon(self) -> int:
        return self._count("due_soon")

    @property
    def overdue(self) -> int:
        return self._count("overdue")


def _follow_up_line(follow_up: FollowUp, period: Period, on: datetime.date) -> FollowUpLine:
    if follow_up.done_on is not None:
        return FollowUpLine(follow_up, "done")
    if period.closed_on is not None and follow_up.due_on >= period.closed_on:
        return FollowUpLine(follow_up, "not_needed")  # the file closed before it was due
    return FollowUpLine(follow_up, follow_up_state(due_on=follow_up.due_on, on=on) or "")


@require_GET
@requires(*VIEW)
def period_list(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    day = today(customer.office.time_zone)
    periods = (
        Period.objects.filter(customer=customer)
        .select_related("exit_job", "exit_recorded_by")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("recorded_by").order_by("quarter"),
            )
        )
    )
    lines = [
        PeriodLine(p, [_follow_up_line(f, p, day) for f in p.follow_ups.all()]) for p in periods
    ]
    # A participant's period is written when it ends (or a new one begins after an exit);
    # until then its program entry is the first enrolling service after the last exit.
    entered = None
    if customer.status == Status.PARTICIPANT and not any(
        line.period.exited_on is None for line in lines
    ):
        last_exit = max((line.period.exited_on for line in lines), default=None)
        entered = first_enrolling_start(customer, after=last_exit)
    return _render(
        request, "period_list.html", customer, periods=lines, today=day, current_entry=entered
    )


# --- The recorded exit ---------------------------------------------------------------


def _exit_message(period: Period | None) -> str:
    if period is None:  # a repeat of the same submission: recorded() says so instead
        return ""
    return (
        f"Exit recorded, dated {period.exited_on:%m/%d/%Y} (the last day of the last "
        "enrolling service), with its case note. A follow-up is due by the end of each of "
        "the four quarters after the exit quarter."
    )


@require_http_methods(["GET", "POST"])
@requires(*CASE_FILE, "employment.record_exit")
def exit_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = ExitForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submit_once(
                user=request.user,
                token=form.cleaned_data[TOKEN_FIELD],
                record=lambda: exit_record(
                    customer=customer,
                    user=request.user,
                    note_body=form.cleaned_data["note_body"],
                    **form.employment_at_exit(),
                ),
                location=lambda period: _path_url(customer, f"period-{period.pk}"),
            )
        except ValidationError as exc:
            attach_errors(form, exc, NOTE_FIELDS)
        else:
            return recorded(request, submission, _exit_message(submission.record))
    participant = customer.status == Status.PARTICIPANT
    open_period = Period.objects.filter(customer=customer, exited_on__isnull=True).first()
    return _render(
        request,
        "exit_form.html",
        customer,
        form=form if participant or request.method == "POST" else None,
        blockers=exit_blockers(customer) if participant else None,
        exit_date=last_enrolling_end(
            customer, since=open_period.entered_on if open_period else None
        )
        if participant
        else None,
        last_period=Period.objects.filter(customer=customer, exited_on__isnull=False).first(),
    )


@require_http_methods(["GET", "POST"])
@requires(*CASE_FILE, "employment.record_exit", "employment.change_period")
def exit_details(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    period = _period_get(customer, period_pk)
    form = ExitDetailsForm(request.POST or None, customer=customer, period=period)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            exit_details_record(
                period=period,
                user=request.user,
                expected_version=form.cleaned_data["lock_version"],
                **form.employment_at_exit(),
            )
        except EditConflict as exc:
            conflict = exc
            form.rebind(exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Employment at exit saved.")
            return redirect(_path_url(customer, f"period-{period.pk}"))
    return _render(
        request,
        "exit_details.html",
        customer,
        form=form,
        period=period,
        conflict=conflict,
        status=409 if conflict else 200,
    )


# --- Follow-up and closing the file --------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(*CASE_FILE, "employment.view_followup", "employment.change_followup")
def follow_up_view(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    follow_up = _follow_up_get(customer, follow_up_pk)
    form = FollowUpForm(request.POST or None, follow_up=follow_up, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submit_once(
                user=request.user,
                token=form.cleaned_data[TOKEN_FIELD],
                record=lambda: follow_up_record(
                    follow_up=follow_up, user=request.user, **form.follow_up_values()
                ),
                location=lambda done: _path_url(customer, f"follow-up-{done.pk}"),
            )
        except ValidationError as exc:
            attach_errors(form, exc, NOTE_FIELDS)
        else:
            return recorded(
                request,
                submission,
                f"Quarter {follow_up.quarter} follow-up recorded with its case note.",
            )
    day = today(customer.office.time_zone)
    return _render(
        request,
        "follow_up_form.html",
        customer,
        form=form if follow_up.done_on is None or request.method == "POST" else None,
        follow_up=follow_up,
        state=follow_up_state(due_on=follow_up.due_on, on=day),
    )


@require_http_methods(["GET", "POST"])
@requires(*CASE_FILE, "employment.view_period", "employment.change_period")
def period_close_view(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    period = _period_get(customer, period_pk)
    form = PeriodCloseForm(request.POST or None, period=period)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            closed = period_close(
                period=period,
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
            messages.success(
                request,
                f"File closed on {closed.closed_on:%m/%d/%Y}; no further follow-up is due.",
            )
            return redirect(_path_url(customer, f"period-{period.pk}"))
    return _render(
        request,
        "period_close.html",
        customer,
        form=form if period.closed_on is None or request.method == "POST" else None,
        period=period,
        conflict=conflict,
        status=409 if conflict else 200,
    )


urlpatterns: list[URLPattern] = [
    path("customers/<int:pk>/path/", period_list, name="periods"),
    path("customers/<int:pk>/exit/", exit_view, name="exit"),
    path(
        "customers/<int:pk>/periods/<int:period_pk>/exit-details/",
        exit_details,
        name="exit_details",
    ),
    path(
        "customers/<int:pk>/periods/<int:period_pk>/close/", period_close_view, name="period_close"
    ),
    path(
        "customers/<int:pk>/follow-ups/<int:follow_up_pk>/",
        follow_up_view,
        name="follow_up",
    ),
]

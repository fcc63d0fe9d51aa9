"""One-on-one appointments of a customer (SPEC 7): book, reschedule, cancel, record kept
or missed, and the appointment card (PDF) and calendar entry (.ics) the customer takes
home. Every page is about a customer the user may see; another office's answers 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.once import submit_once
from customers.models import Customer
from customers.selectors import customer_get_visible
from customers.views import recorded
from workshops.calendar import appointment_facts, appointment_ics
from workshops.forms_appointments import AppointmentForm, CancelForm, OutcomeForm, RescheduleForm
from workshops.models import Appointment, AppointmentStatus
from workshops.selectors import appointments_visible
from workshops.services import appointment_create, appointment_reschedule, appointment_set_status

VIEW = ("customers.view_customer", "workshops.view_appointment")
ADD = ("customers.view_customer", "workshops.add_appointment")
CHANGE = ("customers.view_customer", "workshops.change_appointment")
CARD_TEMPLATE = "print/appointment_card.html"


def _appointment(request: HttpRequest, pk: int, appointment_pk: int) -> Appointment:
    """The customer's appointment, or 404 as if it did not exist."""
    customer = customer_get_visible(request.user, pk)
    return get_object_or_404(
        appointments_visible(request.user)
        .filter(customer=customer)
        .select_related("customer__office", "customer__career_planner", "office", "with_user"),
        pk=appointment_pk,
    )


def _schedule_url(customer: Customer, appointment: Appointment | None = None) -> str:
    url = reverse("customers:detail", kwargs={"pk": customer.pk})
    return f"{url}#appointment-{appointment.pk}" if appointment else f"{url}#schedule"


def _page(
    request: HttpRequest,
    customer: Customer,
    *,
    title: str,
    form: forms.BaseForm,
    appointment: Appointment | None = None,
    conflict: EditConflict | None = None,
    submit_label: str = "Save",
) -> HttpResponse:
    context = {
        "customer": customer,
        "tab": "profile",
        "title": title,
        "form": form,
        "appointment": appointment,
        "facts": appointment_facts(appointment) if appointment else None,
        # A GET of an appointment that was kept, missed or cancelled shows what it is
        # instead of a form that can only be refused.
        "closed": appointment is not None
        and appointment.status != AppointmentStatus.SCHEDULED
        and not form.is_bound,
        "conflict": conflict,
        "submit_label": submit_label,
    }
    return render(
        request, "workshops/appointment_form.html", context, status=409 if conflict else 200
    )


@require_http_methods(["GET", "POST"])
@requires(*ADD)
def appointment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = AppointmentForm(request.POST or None, user=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submit_once(
                user=request.user,
                token=form.cleaned_data["submission_token"],
                record=lambda: appointment_create(
                    customer=customer, booked_by=request.user, **form.values()
                ),
                location=lambda booked: _schedule_url(customer, booked[0]),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            booked = submission.record
            if booked is None:  # a repeat: `recorded` says so
                return recorded(request, submission, "")
            appointment, warning = booked
            facts = appointment_facts(appointment)
            response = recorded(
                request, submission, f"Appointment booked for {facts.date}, {facts.times}."
            )
            if warning:
                messages.warning(request, warning)
            return response
    return _page(request, customer, title="Book an appointment", form=form, submit_label="Book")


@require_http_methods(["GET", "POST"])
@requires(*CHANGE)
def appointment_reschedule_view(request: HttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    appointment = _appointment(request, pk, appointment_pk)
    form = RescheduleForm(request.POST or None, instance=appointment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved, warning = appointment_reschedule(
                appointment=appointment,
                on=data["on"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
                user=request.user,
                expected_version=data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            facts = appointment_facts(moved)
            messages.success(request, f"Appointment moved to {facts.date}, {facts.times}.")
            if warning:
                messages.warning(request, warning)
            return redirect(_schedule_url(appointment.customer, moved))
    return _page(
        request,
        appointment.customer,
        title="Reschedule the appointment",
        form=form,
        appointment=appointment,
        conflict=conflict,
        submit_label="Move the appointment",
    )


def _set_status(
    request: HttpRequest,
    pk: int,
    appointment_pk: int,
    *,
    form_class: type[CancelForm] | type[OutcomeForm],
    status: str | None,
    title: str,
    submit_label: str,
) -> HttpResponse:
    """Cancel (`status` given) or record the outcome the form names (`status` None)."""
    appointment = _appointment(request, pk, appointment_pk)
    form = form_class(request.POST or None, appointment=appointment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = appointment_set_status(
                appointment=appointment,
                status=status or data["status"],
                reason=data["reason"],
                user=request.user,
                expected_version=data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            status_text = changed.get_status_display().lower()
            messages.success(request, f"Appointment of {changed.on:%m/%d/%Y}: {status_text}.")
            return redirect(_schedule_url(appointment.customer, changed))
    return _page(
        request,
        appointment.customer,
        title=title,
        form=form,
        appointment=appointment,
        conflict=conflict,
        submit_label=submit_label,
    )


@require_http_methods(["GET", "POST"])
@requires(*CHANGE)
def appointment_cancel_view(request: HttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    return _set_status(
        request,
        pk,
        appointment_pk,
        form_class=CancelForm,
        status=AppointmentStatus.CANCELLED,
        title="Cancel the appointment",
        submit_label="Cancel the appointment",
    )


@require_http_methods(["GET", "POST"])
@requires(*CHANGE)
def appointment_outcome_view(request: HttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    return _set_status(
        request,
        pk,
        appointment_pk,
        form_class=OutcomeForm,
        status=None,
        title="Record whether the appointment was kept",
        submit_label="Record",
    )


def _document(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires(*VIEW)
def appointment_card(request: HttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    """The appointment card as a PDF. A GET: it records nothing, and its URL holds ids
    only; the file is named by customer number, never by name."""
    appointment = _appointment(request, pk, appointment_pk)
    # WeasyPrint loads in half a second: only when printing (as plans.views does).
    from plans.printing import html_to_pdf

    html = render_to_string(CARD_TEMPLATE, {"facts": appointment_facts(appointment)})
    filename = f"appointment-{appointment.customer.customer_number}-{appointment.on:%Y-%m-%d}.pdf"
    return _document(html_to_pdf(html), "application/pdf", filename, inline=True)


@require_GET
@requires(*VIEW)
def appointment_calendar(request: HttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    """The appointment as an .ics file, to add to the customer's (or a planner's) calendar."""
    appointment = _appointment(request, pk, appointment_pk)
    domain, _port = split_domain_port(request.get_host())
    content = appointment_ics(appointment, domain=domain)
    filename = f"appointment-{appointment.customer.customer_number}-{appointment.on:%Y-%m-%d}.ics"
    return _document(content, "text/calendar; charset=utf-8", filename, inline=False)


APPOINTMENT = "customers/<int:pk>/appointments/<int:appointment_pk>"

urlpatterns: list[URLPattern] = [
    path(
        "customers/<int:pk>/appointments/new/", appointment_create_view, name="appointment_create"
    ),
    path(f"{APPOINTMENT}/reschedule/", appointment_reschedule_view, name="appointment_reschedule"),
    path(f"{APPOINTMENT}/cancel/", appointment_cancel_view, name="appointment_cancel"),
    path(f"{APPOINTMENT}/outcome/", appointment_outcome_view, name="appointment_outcome"),
    path(f"{APPOINTMENT}/card.pdf", appointment_card, name="appointment_card"),
    path(f"{APPOINTMENT}/appointment.ics", appointment_calendar, name="appointment_ics"),
]

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from casemgmt.clock import today
from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.entry import entry_deadline_days, late_entry_warning
from casemgmt.forms import attach_errors
from casemgmt.once import REPLAYED_MESSAGE, TOKEN_FIELD, submit_once
from customers.selectors import customer_get_visible
from services.forms import (
    ERROR_FIELDS,
    CloseForm,
    ReopenForm,
    ServiceCorrectForm,
    ServiceRecordForm,
)
from services.selectors import customer_timeline, service_get, service_list_for
from services.services import (
    service_correction_allowed,
    service_record_close,
    service_record_correct,
    service_record_create,
    service_record_reopen,
)


@require_GET
@requires("customers.view_customer", "services.view_servicerecord")
def service_list(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    context = {"customer": customer, "tab": "services", "services": service_list_for(customer)}
    return render(request, "services/service_list.html", context)


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "services.add_servicerecord")
def service_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = ServiceRecordForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = submit_once(
                user=request.user,
                token=data[TOKEN_FIELD],
                record=lambda: service_record_create(
                    customer=customer,
                    activity=data["activity"],
                    started_on=data["started_on"],
                    entered_by=request.user,
                    start_is_projected=data["start_is_projected"],
                    planned_end_on=data.get("planned_end_on"),
                    ended_on=data.get("ended_on"),
                    completion_status=data.get("completion_status") or "",
                    barriers=data.get("barriers") or [],
                    provider=data["provider"],
                    provider_name=data.get("provider_name") or "",
                    weekly_hours=data.get("weekly_hours"),
                    dollar_value=data.get("dollar_value"),
                    notes=data.get("notes") or "",
                    goal=data.get("goal"),
                    note=form.note_draft(),
                ),
                location=lambda record: reverse(
                    "services:detail", kwargs={"pk": customer.pk, "service_pk": record.pk}
                ),
            )
        except ValidationError as exc:
            attach_errors(form, exc, ERROR_FIELDS)
        else:
            record = done.record
            if record is None:
                messages.info(request, REPLAYED_MESSAGE)
                return redirect(done.location)
            message = f"Recorded {record.activity.code} {record.activity.title}."
            if record.entered_late:
                days = entry_deadline_days(customer.office)
                message += (
                    f" It is marked late: entered more than {days} days after the service date."
                )
            messages.success(request, message)
            return redirect("services:list", pk=customer.pk)
    context = {"customer": customer, "tab": "services", "form": form}
    return render(request, "services/service_form.html", context)


@require_GET
@requires("customers.view_customer", "services.view_servicerecord")
def service_detail(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    record = service_get(customer=customer, pk=service_pk)
    context = {
        "customer": customer,
        "tab": "services",
        "record": record,
        "notes": record.case_notes.select_related("author").order_by("-contact_date"),
        "close_form": CloseForm(initial={"ended_on": today(customer.office.time_zone)}),
        "reopen_form": ReopenForm(),
        "correction_refused": service_correction_allowed(record=record, user=request.user),
    }
    return render(request, "services/service_detail.html", context)


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "services.change_servicerecord")
def service_close(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    record = service_get(customer=customer, pk=service_pk)
    form = CloseForm(request.POST or None, initial={"ended_on": today(customer.office.time_zone)})
    if request.method == "POST" and form.is_valid():
        try:
            service_record_close(
                record=record,
                ended_on=form.cleaned_data["ended_on"],
                completion_status=form.cleaned_data["completion_status"],
                closed_by=request.user,
            )
        except ValidationError as exc:
            attach_errors(form, exc, ERROR_FIELDS)
        else:
            messages.success(request, f"Closed {record.activity.code} {record.activity.title}.")
            return redirect("services:detail", pk=customer.pk, service_pk=record.pk)
    context = {
        "customer": customer,
        "tab": "services",
        "record": record,
        "form": form,
        "action": "close",
    }
    return render(request, "services/service_action.html", context)


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "services.change_servicerecord")
def service_correct(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    """Correct a recorded service: its author within the policy window, or a supervisor."""
    customer = customer_get_visible(request.user, pk)
    record = service_get(customer=customer, pk=service_pk)
    refused = service_correction_allowed(record=record, user=request.user)
    if refused:
        messages.error(request, refused)
        return redirect("services:detail", pk=customer.pk, service_pk=record.pk)
    form = ServiceCorrectForm(request.POST or None, instance=record, customer=customer)
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            corrected = service_record_correct(
                record=record,
                corrected_by=request.user,
                reason=data["reason"],
                fields=form.correction(),
                barriers=data.get("barriers") or [],
                expected_version=data["lock_version"],
            )
        except EditConflict as exc:
            conflict, status = exc, 409
            form = rebind_at_current_version(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("services:detail", pk=customer.pk, service_pk=record.pk)
        except ValidationError as exc:
            attach_errors(form, exc, ERROR_FIELDS)
        else:
            messages.success(
                request,
                f"Corrected {corrected.activity.code} {corrected.activity.title}. "
                "The values it had are kept in the update log with your reason.",
            )
            return redirect("services:detail", pk=customer.pk, service_pk=record.pk)
    context = {
        "customer": customer,
        "tab": "services",
        "form": form,
        "record": record,
        "conflict": conflict,
        "correcting": True,
    }
    return render(request, "services/service_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "services.reopen_servicerecord")
def service_reopen(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    record = service_get(customer=customer, pk=service_pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service_record_reopen(
                record=record, reason=form.cleaned_data["reason"], reopened_by=request.user
            )
        except ValidationError as exc:
            attach_errors(form, exc, ERROR_FIELDS)
        else:
            messages.success(request, f"Reopened {record.activity.code} {record.activity.title}.")
            return redirect("services:detail", pk=customer.pk, service_pk=record.pk)
    context = {
        "customer": customer,
        "tab": "services",
        "record": record,
        "form": form,
        "action": "reopen",
    }
    return render(request, "services/service_action.html", context)


@require_GET
@requires("customers.view_customer", "services.add_servicerecord")
def entry_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Says before saving whether the date will make the entry late (htmx)."""
    customer = customer_get_visible(request.user, pk)
    try:
        day = parse_date(request.GET.get("started_on") or request.GET.get("contact_date") or "")
    except ValueError:  # well formed but no such day, as 02/30: the form will say so
        day = None
    projected = request.GET.get("start_is_projected") in ("on", "true")
    what = "case note" if "contact_date" in request.GET else "service"
    warning = (
        ""
        if projected
        else late_entry_warning(
            event_date=day,
            entered_on=today(customer.office.time_zone),
            deadline_days=entry_deadline_days(customer.office),
            what=what,
        )
    )
    return render(request, "services/partials/late_warning.html", {"warning": warning})


@require_GET
@requires("customers.view_customer", "casenotes.view_casenote", "services.view_servicerecord")
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Services and case notes in one story, newest first."""
    customer = customer_get_visible(request.user, pk)
    context = {"customer": customer, "tab": "timeline", "items": customer_timeline(customer)}
    return render(request, "services/timeline.html", context)

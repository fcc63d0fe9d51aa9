"""The customer's Employment tab (SPEC 8): employer contacts, jobs, worksite placements
and on-the-job training with their follow-ups, credentials and measurable skill gains.

Creates record once (`submit_once`); the job and placement-status edits refuse a stale
save with 409 (`lock_for_edit`). Every page is about a customer the user may see.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from casemgmt.clock import today
from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.entry import entry_date, entry_deadline_days, late_entry_warning
from casemgmt.forms import attach_errors
from casemgmt.once import TOKEN_FIELD, submit_once
from customers.models import Customer
from customers.selectors import customer_get_visible
from customers.views import recorded
from employment.forms_jobs import (
    CredentialForm,
    EmployerContactForm,
    JobForm,
    PlacementFollowUpForm,
    PlacementForm,
    PlacementStatusForm,
    SkillGainForm,
    TabForm,
)
from employment.selectors import (
    job_get,
    outcomes_for,
    placement_follow_up_get,
    placement_get,
)
from employment.services import (
    credential_create,
    employer_contact_create,
    employment_create,
    employment_update,
    placement_create,
    placement_follow_up_record,
    placement_set_status,
    skill_gain_create,
)

VIEW = (
    "customers.view_customer",
    "customers.view_case_file",
    "employment.view_employercontact",
    "employment.view_employment",
    "employment.view_placement",
    "employment.view_credential",
    "employment.view_skillgain",
)
# The date each form's late-entry check is sent under, and what the warning calls it.
LATE_CHECKS = {
    form.late_field[0]: form.late_field[1]
    for form in (EmployerContactForm, JobForm, PlacementForm, CredentialForm, SkillGainForm)
    if form.late_field
}


def _tab_url(customer: Customer, anchor: str = "") -> str:
    url = reverse("employment:customer", kwargs={"pk": customer.pk})
    return f"{url}#{anchor}" if anchor else url


def _render(
    request: HttpRequest, template: str, customer: Customer, *, status: int = 200, **context: object
) -> HttpResponse:
    context = {"customer": customer, "tab": "employment", **context}
    return render(request, f"employment/{template}", context, status=status)


def _late_warning(customer: Customer, form: TabForm) -> str:
    """The late-entry warning for the date entered, shown again with the form."""
    if not form.checks_late or not form.is_bound:
        return ""
    name, what = form.late_field
    return late_entry_warning(
        event_date=form.cleaned_data.get(name),
        entered_on=today(customer.office.time_zone),
        deadline_days=entry_deadline_days(customer.office),
        what=what,
    )


def _recorded_message(saved: models.Model | None, message: str, customer: Customer) -> str:
    if saved is not None and getattr(saved, "entered_late", False):
        days = entry_deadline_days(customer.office)
        entered = entry_date(customer.office, saved.entered_at)  # type: ignore[attr-defined]
        message += (
            f" It is marked late: entered {entered:%m/%d/%Y}, more than {days} days after "
            "the day it records."
        )
    return message


def _create(
    request: HttpRequest,
    customer: Customer,
    form: TabForm,
    *,
    record: Callable[[dict], models.Model],
    anchor: str,
    message: str,
    title: str,
    intro: str = "",
) -> HttpResponse:
    """A create form of the tab: recorded once, then back to the tab at the new record;
    refused, the form again with the rule's words on the field and the input kept."""
    if request.method == "POST" and form.is_valid():
        try:
            submission = submit_once(
                user=request.user,
                token=form.cleaned_data[TOKEN_FIELD],
                record=lambda: record(form.values()),
                location=lambda saved: _tab_url(customer, f"{anchor}-{saved.pk}"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return recorded(
                request, submission, _recorded_message(submission.record, message, customer)
            )
    return _render(
        request,
        "jobs_form.html",
        customer,
        form=form,
        title=title,
        intro=intro,
        late_warning=_late_warning(customer, form),
    )


@require_GET
@requires(*VIEW)
def customer_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    outcomes = outcomes_for(customer, on=today(customer.office.time_zone))
    return _render(request, "customer_outcomes.html", customer, outcomes=outcomes)


@require_GET
@requires("customers.view_customer", "employment.view_employment")
def entry_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Says before saving whether the date will make the entry late (htmx)."""
    customer = customer_get_visible(request.user, pk)
    name = next((name for name in LATE_CHECKS if name in request.GET), None)
    try:
        day = parse_date(request.GET.get(name, "")) if name else None
    except ValueError:  # well formed but no such day, as 02/30: the form will say so
        day = None
    warning = late_entry_warning(
        event_date=day,
        entered_on=today(customer.office.time_zone),
        deadline_days=entry_deadline_days(customer.office),
        what=LATE_CHECKS.get(name or "", "entry"),
    )
    return render(request, "services/partials/late_warning.html", {"warning": warning})


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "employment.add_employercontact")
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = EmployerContactForm(
        request.POST or None,
        customer=customer,
        initial={"contacted_on": today(customer.office.time_zone)},
    )
    return _create(
        request,
        customer,
        form,
        record=lambda fields: employer_contact_create(
            customer=customer, user=request.user, fields=fields
        ),
        anchor="contact",
        message="Employer contact recorded.",
        title="Record a contact with an employer",
        intro="A job referral or job development contact. Name the employer in the service's "
        "case note too.",
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "employment.add_employment")
def job_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = JobForm(request.POST or None, customer=customer)
    return _create(
        request,
        customer,
        form,
        record=lambda fields: employment_create(
            customer=customer, user=request.user, fields=fields
        ),
        anchor="job",
        message="Job recorded.",
        title="Record a job",
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "employment.change_employment")
def job_edit(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    job = job_get(customer=customer, pk=job_pk)
    form = JobForm(request.POST or None, instance=job, customer=customer)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            employment_update(
                job=job,
                user=request.user,
                fields=form.values(),
                expected_version=form.cleaned_data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Saved the job: {job.job_title} at {job.employer}.")
            return redirect(_tab_url(customer, f"job-{job.pk}"))
    return _render(
        request,
        "jobs_form.html",
        customer,
        form=form,
        title=f"Change the job: {job.job_title} at {job.employer}",
        conflict=conflict,
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "employment.add_placement")
def placement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = PlacementForm(request.POST or None, customer=customer)
    return _create(
        request,
        customer,
        form,
        record=lambda fields: placement_create(customer=customer, user=request.user, fields=fields),
        anchor="placement",
        message="Placement recorded, with its follow-ups at 30, 60, 90, 180 and 270 days.",
        title="Record a worksite placement or on-the-job training",
        intro="The placement starts as planned; change its status once it starts.",
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "employment.change_placement")
def placement_status(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    placement = placement_get(customer=customer, pk=placement_pk)
    form = PlacementStatusForm(request.POST or None, customer=customer, placement=placement)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement_set_status(
                placement=placement,
                status=data["status"],
                on=data["on"],
                user=request.user,
                expected_version=data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Saved the status of the {placement}.")
            return redirect(_tab_url(customer, f"placement-{placement.pk}"))
    return _render(
        request,
        "placement_status.html",
        customer,
        form=form,
        placement=placement,
        conflict=conflict,
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "employment.change_placementfollowup")
def placement_follow_up(
    request: HttpRequest, pk: int, placement_pk: int, follow_up_pk: int
) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    placement = placement_get(customer=customer, pk=placement_pk)
    follow_up = placement_follow_up_get(placement=placement, pk=follow_up_pk)
    form = PlacementFollowUpForm(request.POST or None, customer=customer, follow_up=follow_up)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submit_once(
                user=request.user,
                token=data[TOKEN_FIELD],
                record=lambda: placement_follow_up_record(
                    follow_up=follow_up,
                    done_on=data["done_on"],
                    note_body=data["note_body"],
                    two_way=data["two_way"] == "yes",
                    user=request.user,
                ),
                location=lambda _done: _tab_url(customer, f"placement-{placement.pk}"),
            )
        except ValidationError as exc:
            attach_errors(form, exc, {"contact_date": "done_on", "body": "note_body"})
        else:
            return recorded(
                request,
                submission,
                f"Day {follow_up.day} follow-up of the {placement} recorded, with its case note.",
            )
    return _render(
        request,
        "placement_follow_up.html",
        customer,
        # A recorded follow-up shows what was recorded; the form only if one is posted.
        form=form if follow_up.done_on is None or form.is_bound else None,
        placement=placement,
        follow_up=follow_up,
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "employment.add_credential")
def credential_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = CredentialForm(request.POST or None, customer=customer)
    return _create(
        request,
        customer,
        form,
        record=lambda fields: credential_create(
            customer=customer, user=request.user, fields=fields
        ),
        anchor="credential",
        message="Credential recorded.",
        title="Record a credential",
        intro="A recognized credential the customer attained (PIRL 1800-1805).",
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "employment.add_skillgain")
def skill_gain_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = SkillGainForm(request.POST or None, customer=customer)
    return _create(
        request,
        customer,
        form,
        record=lambda fields: skill_gain_create(
            customer=customer, user=request.user, fields=fields
        ),
        anchor="skill-gain",
        message="Measurable skill gain recorded.",
        title="Record a measurable skill gain",
        intro="The date of the most recent gain of each kind goes to PIRL 1806-1810.",
    )


TAB = "customers/<int:pk>/employment"
urlpatterns: list[URLPattern] = [
    path(f"{TAB}/", customer_outcomes, name="customer"),
    path(f"{TAB}/entry-check/", entry_check, name="entry_check"),
    path(f"{TAB}/contacts/new/", contact_create, name="contact_create"),
    path(f"{TAB}/jobs/new/", job_create, name="job_create"),
    path(f"{TAB}/jobs/<int:job_pk>/edit/", job_edit, name="job_edit"),
    path(f"{TAB}/placements/new/", placement_create_view, name="placement_create"),
    path(f"{TAB}/placements/<int:placement_pk>/status/", placement_status, name="placement_status"),
    path(
        f"{TAB}/placements/<int:placement_pk>/follow-ups/<int:follow_up_pk>/",
        placement_follow_up,
        name="placement_follow_up",
    ),
    path(f"{TAB}/credentials/new/", credential_create_view, name="credential_create"),
    path(f"{TAB}/skill-gains/new/", skill_gain_create_view, name="skill_gain_create"),
]

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casemgmt.clock import today
from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.once import submit_once
from customers.models import Customer
from customers.selectors import customer_get_visible
from customers.views import recorded
from plans.forms import (
    AssessmentForm,
    GoalForm,
    PlanDevelopForm,
    PlanForm,
    ReviewForm,
    SignedCopyForm,
    StepForm,
)
from plans.rules import assessment_reusable
from plans.selectors import (
    assessments_for,
    goal_get,
    goals_with_progress,
    plan_for,
    plan_required,
    step_get,
    version_get,
)
from plans.services import (
    PLAN_FIELDS,
    PlanAlreadyDeveloped,
    assessment_create,
    goal_create,
    goal_update,
    plan_create,
    plan_meets_open_goal_rule,
    plan_review,
    plan_update,
    plan_version_mark_printed,
    plan_version_sign,
    step_save,
)

VIEW = ("customers.view_customer", "plans.view_plan")
CHANGE = ("customers.view_customer", "plans.change_plan")


def _context(customer, **extra: object) -> dict[str, object]:  # noqa: ANN001
    return {"customer": customer, "tab": "plan", **extra}


def _form_page(
    request: HttpRequest, customer: Customer, *, status: int = 200, **context: object
) -> HttpResponse:
    return render(request, "plans/plan_form.html", _context(customer, **context), status=status)


def _plan_url(customer: Customer, anchor: str = "") -> str:
    url = reverse("plans:detail", kwargs={"pk": customer.pk})
    return f"{url}#{anchor}" if anchor else url


@require_GET
@requires(*VIEW)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    plan = plan_for(customer)
    day = today(customer.office.time_zone)
    assessments = [
        (a, assessment_reusable(assessed_on=a.assessed_on, on=day))
        for a in assessments_for(customer)
    ]
    if plan is None:
        return render(request, "plans/plan_empty.html", _context(customer, assessments=assessments))
    versions = list(plan.versions.select_related("created_by", "signed_uploaded_by"))
    context = _context(
        customer,
        plan=plan,
        goals=goals_with_progress(plan),
        versions=versions,
        current=versions[0] if versions else None,
        meets_rule=plan_meets_open_goal_rule(plan),
        assessments=assessments,
        barriers=list(plan.barriers.all()),
    )
    return render(request, "plans/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "plans.add_plan")
def plan_develop(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    title = "Develop the plan"
    if request.method == "GET" and plan_for(customer) is not None:
        messages.info(request, "This customer already has a plan; change it from the plan tab.")
        return redirect("plans:detail", pk=customer.pk)
    form = PlanDevelopForm(
        request.POST or None,
        customer=customer,
        initial={"developed_on": today(customer.office.time_zone)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submit_once(
                user=request.user,
                token=data["submission_token"],
                record=lambda: plan_create(
                    customer=customer,
                    created_by=request.user,
                    developed_on=data["developed_on"],
                    fields={name: data.get(name, "") for name in PLAN_FIELDS},
                    barriers=data.get("barriers") or [],
                    note_body=data["note_body"],
                ),
                location=lambda _plan: _plan_url(customer),
            )
        except PlanAlreadyDeveloped as exc:
            # What this planner typed stays on the page, beside the plan that was kept.
            return _form_page(
                request, customer, form=form, title=title, existing_plan=exc.plan, status=409
            )
        except ValidationError as exc:
            attach_errors(form, exc, {"note_body": "note_body", "note": "note_body"})
        else:
            return recorded(
                request, submission, "Plan developed. Print the customer copy for signature."
            )
    return _form_page(request, customer, form=form, title=title)


@require_http_methods(["GET", "POST"])
@requires(*CHANGE)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    plan = plan_required(customer)
    form = PlanForm(
        request.POST or None, instance=plan, initial={"barriers": list(plan.barriers.all())}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_update(
                plan=plan,
                user=request.user,
                fields={name: data.get(name, "") for name in PLAN_FIELDS},
                barriers=data.get("barriers") or [],
                expected_version=data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Plan saved.")
            return redirect("plans:detail", pk=customer.pk)
    return _form_page(
        request,
        customer,
        form=form,
        title="Change the plan",
        conflict=conflict,
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(*CHANGE)
def goal_edit(request: HttpRequest, pk: int, goal_pk: int | None = None) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    plan = plan_required(customer)
    goal = goal_get(plan=plan, pk=goal_pk) if goal_pk else None
    form = GoalForm(request.POST or None, instance=goal)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            if goal is None:
                submission = submit_once(
                    user=request.user,
                    token=form.cleaned_data["submission_token"],
                    record=lambda: goal_create(plan=plan, user=request.user, fields=form.values()),
                    location=lambda new: _plan_url(customer, f"goal-{new.pk}"),
                )
                return recorded(request, submission, "Goal added.")
            goal_update(
                goal=goal,
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
            messages.success(request, "Goal saved.")
            return redirect(_plan_url(customer, f"goal-{goal.pk}"))
    return _form_page(
        request,
        customer,
        form=form,
        title="Add a goal" if goal is None else "Change the goal",
        conflict=conflict,
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(*CHANGE)
def step_edit(
    request: HttpRequest, pk: int, goal_pk: int | None = None, step_pk: int | None = None
) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    plan = plan_required(customer)
    step = step_get(plan=plan, pk=step_pk) if step_pk else None
    goal = step.goal if step else goal_get(plan=plan, pk=goal_pk)
    form = StepForm(request.POST or None, instance=step, customer=customer)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            if step is None:
                submission = submit_once(
                    user=request.user,
                    token=form.cleaned_data["submission_token"],
                    record=lambda: step_save(
                        goal=goal,
                        user=request.user,
                        fields=form.values(),
                        barriers=form.cleaned_data["barriers"],
                    ),
                    location=lambda new: _plan_url(customer, f"step-{new.pk}"),
                )
                return recorded(request, submission, "Step added.")
            step_save(
                goal=goal,
                user=request.user,
                fields=form.values(),
                barriers=form.cleaned_data["barriers"],
                step=step,
                expected_version=form.cleaned_data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Step saved.")
            return redirect(_plan_url(customer, f"step-{step.pk}"))
    title = f"{'Add a step to' if step is None else 'Change a step of'} the goal: {goal.statement}"
    return _form_page(
        request,
        customer,
        form=form,
        title=title,
        conflict=conflict,
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(*CHANGE)
def plan_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    plan = plan_required(customer)
    form = ReviewForm(
        request.POST or None,
        customer=customer,
        initial={"reviewed_on": today(customer.office.time_zone)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submit_once(
                user=request.user,
                token=data["submission_token"],
                record=lambda: plan_review(
                    plan=plan,
                    user=request.user,
                    reviewed_on=data["reviewed_on"],
                    note_body=data["note_body"],
                    contact_method=data["contact_method"],
                    two_way=data["two_way"] == "yes",
                ),
                location=lambda _plan: _plan_url(customer),
            )
        except ValidationError as exc:
            attach_errors(form, exc, {"body": "note_body"})
        else:
            return recorded(request, submission, "Review recorded with its case note.")
    return _form_page(request, customer, form=form, title="Review the plan")


@require_POST
@requires(*VIEW)
def version_print(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The customer copy as a PDF, and the record that it was printed (a signature is
    for a printed copy): a write, so a POST from the plan page's print button."""
    customer = customer_get_visible(request.user, pk)
    version = version_get(plan=plan_required(customer), number=number)
    from plans.printing import (
        render_plan_pdf,
    )  # WeasyPrint loads in half a second: only when printing

    response = HttpResponse(render_plan_pdf(version), content_type="application/pdf")
    plan_version_mark_printed(version)
    filename = f"{version.plan.short_name}-{customer.customer_number}-v{version.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@requires(*CHANGE)
def version_sign(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    version = version_get(plan=plan_required(customer), number=number)
    form = SignedCopyForm(
        request.POST or None,
        request.FILES or None,
        customer=customer,
        initial={"signed_on": today(customer.office.time_zone)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submit_once(
                user=request.user,
                token=data["submission_token"],
                record=lambda: plan_version_sign(
                    version=version,
                    upload=data["file"],
                    signed_on=data["signed_on"],
                    uploaded_by=request.user,
                    max_mb=settings.MAX_UPLOAD_MB,
                ),
                location=lambda _version: _plan_url(customer),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return recorded(
                request, submission, f"Signed copy attached to version {version.number}."
            )
    title = f"Upload the signed copy of version {version.number}"
    return _form_page(request, customer, form=form, title=title, multipart=True)


@require_GET
@requires(*VIEW)
def signed_copy(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    version = version_get(plan=plan_required(customer), number=number)
    if not version.signed_copy:
        from django.http import Http404

        raise Http404("No signed copy")
    extension = version.signed_copy.name.rsplit(".", 1)[-1]
    response = FileResponse(
        version.signed_copy.open("rb"),
        as_attachment=True,
        content_type=version.signed_copy_type,
        filename=f"{version.plan.short_name}-{customer.customer_number}-v{version.number}-signed.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "plans.view_assessment")
def assessments(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    can_add = request.user.has_perm("plans.add_assessment")
    form = AssessmentForm(
        request.POST or None,
        customer=customer,
        initial={"assessed_on": today(customer.office.time_zone)},
    )
    if request.method == "POST":
        if not can_add:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                submission = submit_once(
                    user=request.user,
                    token=form.cleaned_data["submission_token"],
                    record=lambda: assessment_create(
                        customer=customer, entered_by=request.user, **form.values()
                    ),
                    location=lambda _assessment: _plan_url(customer, "assessments-heading"),
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return recorded(
                    request,
                    submission,
                    f"Recorded the {form.cleaned_data['assessment_type']} assessment.",
                )
    return _form_page(
        request, customer, form=form if can_add else None, title="Record an assessment"
    )

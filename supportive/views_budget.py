"""The customer's supportive services page, budget reviews and community referrals."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from casemgmt.clock import today
from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.once import submit_once
from customers.models import Customer
from customers.selectors import customer_get_visible
from customers.views import recorded
from supportive.forms_budget import BudgetReviewForm, ReferralForm, ReferralOutcomeForm
from supportive.models import BudgetReview
from supportive.selectors import budget_review_get, referral_get, supportive_summary
from supportive.services import budget_review_create, referral_create, referral_set_outcome

VIEW = (
    "customers.view_customer",
    "customers.view_case_file",
    "supportive.view_budgetreview",
    "supportive.view_referral",
    "supportive.view_purchaseorder",
)


def _page_url(customer: Customer, anchor: str = "") -> str:
    url = reverse("supportive:customer", kwargs={"pk": customer.pk})
    return f"{url}#{anchor}" if anchor else url


def _render(
    request: HttpRequest, template: str, customer: Customer, *, status: int = 200, **context: object
) -> HttpResponse:
    context = {"customer": customer, "tab": "supportive", **context}
    return render(request, f"supportive/{template}", context, status=status)


@require_GET
@requires(*VIEW)
def supportive_customer(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    summary = supportive_summary(customer, today(customer.office.time_zone))
    can_change = request.user.has_perm("supportive.change_referral")
    referrals = [
        (
            referral,
            ReferralOutcomeForm(instance=referral, auto_id=f"id_referral_{referral.pk}_%s")
            if can_change
            else None,
        )
        for referral in summary.referrals
    ]
    return _render(
        request, "customer_supportive.html", customer, summary=summary, referrals=referrals
    )


def _budget_message(review: BudgetReview | None) -> str:
    if review is None:  # a repeat of the same submission: recorded() says so instead
        return ""
    return (
        f"Budget review recorded: income ${review.income:,.2f}, expenses "
        f"${review.expenses:,.2f} a month, shortfall ${review.shortfall:,.2f}."
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "supportive.add_budgetreview")
def budget_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = BudgetReviewForm(
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
                record=lambda: budget_review_create(
                    customer=customer,
                    reviewed_on=data["reviewed_on"],
                    amounts=form.amounts(),
                    notes=data["notes"],
                    created_by=request.user,
                ),
                location=lambda review: reverse(
                    "supportive:budget_detail", kwargs={"pk": customer.pk, "budget_pk": review.pk}
                ),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return recorded(request, submission, _budget_message(submission.record))
    return _render(
        request, "budget_form.html", customer, form=form, title="Review the customer's budget"
    )


@require_GET
@requires("customers.view_customer", "supportive.view_budgetreview")
def budget_detail(request: HttpRequest, pk: int, budget_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    review = budget_review_get(customer=customer, pk=budget_pk)
    lines = {
        name: (BudgetReview._meta.get_field(name).verbose_name, getattr(review, name))
        for name in BudgetReview.INCOME + BudgetReview.EXPENSES
    }
    return _render(
        request,
        "budget_detail.html",
        customer,
        review=review,
        income=[lines[name] for name in BudgetReview.INCOME],
        expenses=[lines[name] for name in BudgetReview.EXPENSES],
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "supportive.add_referral")
def referral_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = ReferralForm(
        request.POST or None,
        customer=customer,
        initial={"referred_on": today(customer.office.time_zone)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submit_once(
                user=request.user,
                token=data["submission_token"],
                record=lambda: referral_create(
                    customer=customer,
                    supportive_type=data["supportive_type"],
                    barrier=data["barrier"],
                    organisation=data["organisation"],
                    referred_on=data["referred_on"],
                    outcome=data["outcome"],
                    created_by=request.user,
                ),
                location=lambda referral: _page_url(customer, f"referral-{referral.pk}"),
            )
        except ValidationError as exc:
            # The service's case note speaks of its date and body: the referral's date
            # and the organisation named in it.
            attach_errors(form, exc, {"contact_date": "referred_on", "body": "organisation"})
        else:
            return recorded(
                request, submission, "Referral recorded, with its case note of the same date."
            )
    return _render(
        request,
        "referral_form.html",
        customer,
        form=form,
        title="Refer to a community organisation",
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "supportive.change_referral")
def referral_outcome(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    referral = referral_get(customer=customer, pk=referral_pk)
    form = ReferralOutcomeForm(request.POST or None, instance=referral)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            referral_set_outcome(
                referral=referral,
                outcome=form.cleaned_data["outcome"],
                user=request.user,
                expected_version=form.cleaned_data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Outcome of the referral to {referral.organisation} saved.")
            return redirect(_page_url(customer, f"referral-{referral.pk}"))
    return _render(
        request,
        "referral_outcome.html",
        customer,
        form=form,
        referral=referral,
        conflict=conflict,
        status=409 if conflict else 200,
    )


urlpatterns: list[URLPattern] = [
    path("customers/<int:pk>/supportive/", supportive_customer, name="customer"),
    path("customers/<int:pk>/supportive/budget/new/", budget_create, name="budget_create"),
    path(
        "customers/<int:pk>/supportive/budget/<int:budget_pk>/",
        budget_detail,
        name="budget_detail",
    ),
    path(
        "customers/<int:pk>/supportive/referrals/new/",
        referral_create_view,
        name="referral_create",
    ),
    path(
        "customers/<int:pk>/supportive/referrals/<int:referral_pk>/outcome/",
        referral_outcome,
        name="referral_outcome",
    ),
]

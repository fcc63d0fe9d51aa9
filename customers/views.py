from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.once import REPLAYED_MESSAGE, Submission, submit_once, submitted_location
from customers.forms import CaseloadFilterForm, CustomerForm, DocumentUploadForm, ReassignForm
from customers.selectors import (
    CaseloadFilters,
    customer_caseload,
    customer_get_visible,
    customer_history,
    document_get,
)
from customers.services import (
    customer_create,
    customer_duplicate_check,
    customer_reassign,
    customer_update,
    document_upload,
)

PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer")
def customer_list(request: HttpRequest) -> HttpResponse:
    """The caseload. The search text can hold a name, a birth date or the last 4 of an
    SSN, so it is only ever posted: the results come back in the answer to that post,
    nothing of the search is kept after it (not in the session, not in a URL), and a GET
    address filters by scope, status, program and planner only."""
    params = request.POST if request.method == "POST" else request.GET.copy()
    if request.method == "GET":
        params.pop("q", None)  # an old bookmark with ?q= searches nothing
    form = CaseloadFilterForm(params or None, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and form.errors.get("q"):
        messages.error(
            request,
            f"Nothing was searched: {' '.join(form.errors['q'])} "
            "Search with a name, a customer id, a phone number or a date, 200 characters at most.",
        )
    default_scope = "mine" if request.user.caseload.exists() else "office"
    filters = CaseloadFilters(
        q=data.get("q", ""),
        scope=data.get("scope") or default_scope,
        status=data.get("status", ""),
        program=data.get("program", ""),
        planner=data["planner"].pk if data.get("planner") else None,
    )
    query = QueryDict(mutable=True)
    for name in ("scope", "status", "program", "planner"):
        if params.get(name):
            query[name] = params[name]
    form = CaseloadFilterForm(
        initial={
            "q": filters.q,
            "scope": filters.scope,
            "status": filters.status,
            "program": filters.program,
            "planner": filters.planner,
        },
        user=request.user,
    )
    page = Paginator(customer_caseload(request.user, filters), PAGE_SIZE).get_page(
        params.get("page")
    )
    context = {"form": form, "page": page, "filters": filters, "query": query.urlencode()}
    if request.htmx:
        response = render(request, "customers/partials/caseload_results.html", context)
        response["HX-Push-Url"] = f"{reverse('customers:list')}?{query.urlencode()}"
        return response
    return render(request, "customers/customer_list.html", context)


class _PossibleDuplicate(Exception):
    """Registration paused: the planner checks the records found before registering."""

    def __init__(self, duplicates: list[dict[str, object]]) -> None:
        self.duplicates = duplicates


def recorded(request: HttpRequest, submission: Submission, message: str) -> HttpResponse:
    """Where a create form goes once recorded: to what it recorded, or, for a repeat of
    the same submission, to what the first one recorded."""
    if submission.replayed:
        messages.info(request, REPLAYED_MESSAGE)
    else:
        messages.success(request, message)
    return redirect(submission.location)


@sensitive_post_parameters("ssn")
@require_http_methods(["GET", "POST"])
@requires("customers.add_customer")
def customer_create_view(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, user=request.user)
    duplicates: list[dict[str, object]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def register() -> object:
            return customer_create(
                created_by=request.user,
                office=data["office"],
                career_planner=data.get("career_planner"),
                fields=data,
                ssn=data.get("ssn", ""),
                barriers=data.get("barriers", []),
                partner_programs=data.get("partner_programs", []),
            )

        try:
            # A repeated submission goes to the first one's customer, not to a "possible
            # duplicate" of it; a first one checks for the person (counted, and kept in
            # the update log when the match is in another office) before registering.
            if not data.get("confirm_not_duplicate") and not submitted_location(
                user=request.user, token=data["submission_token"]
            ):
                found = customer_duplicate_check(
                    user=request.user,
                    office=data["office"],
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                    date_of_birth=data.get("date_of_birth"),
                    ssn=data.get("ssn", ""),
                )
                if found:
                    raise _PossibleDuplicate(
                        [{"customer": c, "visible": visible} for c, visible in found]
                    )
            submission = submit_once(
                user=request.user,
                token=data["submission_token"],
                record=register,
                location=lambda customer: reverse("customers:detail", kwargs={"pk": customer.pk}),
            )
        except _PossibleDuplicate as exc:
            duplicates = exc.duplicates
            messages.warning(
                request,
                "This person may already be registered. Check the records listed before registering again.",
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if submission.replayed:
                messages.info(request, REPLAYED_MESSAGE)
            else:
                customer = submission.record
                messages.success(
                    request, f"Registered {customer.full_name} as {customer.customer_number}."
                )
            return redirect(submission.location)
    return render(request, "customers/customer_form.html", {"form": form, "duplicates": duplicates})


def _tab_context(customer: object, tab: str) -> dict[str, object]:
    return {"customer": customer, "tab": tab}


@require_GET
@requires("customers.view_customer")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    context = _tab_context(customer, "profile")
    context["barriers"] = list(customer.barriers.all())
    context["partner_programs"] = list(customer.partner_programs.all())
    context["gaps"] = list(customer.planned_gaps.all()[:5])
    context["soft_exited"] = customer.exit_reason.startswith("Soft exit")
    # The tracker's contact card shows the last service date instead of the case file.
    context["last_service_on"] = customer.services.filter(start_is_projected=False).aggregate(
        last=Max("started_on")
    )["last"]
    return render(request, "customers/customer_detail.html", context)


@sensitive_post_parameters("ssn")
@require_http_methods(["GET", "POST"])
@requires("customers.change_customer")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer_update(
                customer=customer,
                updated_by=request.user,
                fields=data,
                ssn=data.get("ssn", ""),
                barriers=data.get("barriers", []),
                partner_programs=data.get("partner_programs", []),
                expected_version=data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Saved the changes to {customer.full_name}.")
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("customers.reassign_customer")
def customer_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = ReassignForm(request.POST or None, user=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        planner = form.cleaned_data["career_planner"]
        customer_reassign(
            customer=customer,
            career_planner=planner,
            reassigned_by=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"{customer.full_name} is now on {planner}'s caseload.")
        return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/customer_reassign.html",
        {**_tab_context(customer, "profile"), "form": form},
    )


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "customers.view_eligibilitydocument")
def customer_documents(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    can_upload = request.user.has_perm("customers.add_eligibilitydocument")
    form = DocumentUploadForm(request.POST or None, request.FILES or None) if can_upload else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "You may view documents but not upload them.")
            return redirect("customers:documents", pk=customer.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submission = submit_once(
                    user=request.user,
                    token=data["submission_token"],
                    record=lambda: document_upload(
                        customer=customer,
                        document_type=data["document_type"],
                        upload=data["file"],
                        uploaded_by=request.user,
                        max_mb=settings.MAX_UPLOAD_MB,
                    ),
                    location=lambda _document: reverse(
                        "customers:documents", kwargs={"pk": customer.pk}
                    ),
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return recorded(request, submission, f"Uploaded the {data['document_type']}.")
    documents = customer.documents.select_related("document_type", "uploaded_by")
    context = {**_tab_context(customer, "documents"), "form": form, "documents": documents}
    return render(request, "customers/customer_documents.html", context)


@require_GET
@requires("customers.view_customer", "customers.view_eligibilitydocument")
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    document = document_get(customer=customer, pk=document_pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        content_type=document.content_type,
        filename=document.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires("customers.view_customer", "customers.view_case_file")
def customer_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    context = {**_tab_context(customer, "history"), "entries": customer_history(customer)}
    return render(request, "customers/customer_history.html", context)

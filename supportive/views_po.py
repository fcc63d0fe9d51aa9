"""A customer's purchase orders (SPEC 6): draft one (recorded once), see it with its
history, move it on (send for approval, approve, issue, record the payment, void: each
its own POST at the version the page showed), and print it, with the receipt for a card.

Every page is about a customer the user may see; another office's answers 404. A rule
that refuses an action comes back on the purchase order's page with what to do.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.history import HistoryEntry, history_for
from casemgmt.models import Policy, User
from casemgmt.once import submit_once
from casenotes.selectors import casenote_list_for
from customers.selectors import customer_get_visible
from customers.views import recorded
from supportive.forms_po import (
    ApproveForm,
    IssueForm,
    PayForm,
    POActionForm,
    PurchaseOrderForm,
    RequestApprovalForm,
    VoidForm,
)
from supportive.models import POStatus, PurchaseOrder
from supportive.rules import program_year_label
from supportive.services import (
    po_approve,
    po_create,
    po_issue,
    po_needs_approval,
    po_pay,
    po_request_approval,
    po_void,
)

VIEW = ("customers.view_customer", "supportive.view_purchaseorder")
ADD = ("customers.view_customer", "supportive.add_purchaseorder")
ISSUE = ("customers.view_customer", "supportive.issue_purchaseorder")
APPROVE = ("customers.view_customer", "supportive.approve_purchaseorder")
PAY = ("customers.view_customer", "supportive.pay_purchaseorder")
VOID = ("customers.view_customer", "supportive.void_purchaseorder")
TAB = "supportive"

# What to do, after the rule's own words, for the refusals a planner puts right.
CREATE_HINTS = {
    "card_number": "Check the number printed on the card in hand.",
}
ACTION_HINTS = {
    "referral": (
        "Record that the organisation could not help, or ask a supervisor to void this draft "
        "and write it again with the reason no community organisation offers this."
    ),
    "unit_price": (
        "A draft's amount is not changed: ask a supervisor to void it, and write one for at "
        "most what is left."
    ),
}


@dataclass(frozen=True)
class Action:
    name: str
    form: type[POActionForm]
    perms: tuple[str, ...]
    label: str
    help: str = ""
    button_class: str = "btn-primary"

    @property
    def url_name(self) -> str:
        return f"supportive:po_{self.name}"


ACTIONS = {
    action.name: action
    for action in [
        Action(
            "request_approval",
            RequestApprovalForm,
            ADD,
            "Send for approval",
            "Above the region's approval limit, a supervisor of the office approves the "
            "purchase order before it is issued.",
        ),
        Action(
            "approve",
            ApproveForm,
            APPROVE,
            "Approve",
            "As a supervisor of the office. The career planner then issues it.",
        ),
        Action(
            "issue",
            IssueForm,
            ISSUE,
            "Issue",
            "Checks the budget review, the referral and the caps again, records the supportive "
            "service with its justification case note, and gives the purchase order its number.",
        ),
        Action("pay", PayForm, PAY, "Record the payment", "From the vendor's invoice."),
        Action(
            "void",
            VoidForm,
            VOID,
            "Void",
            "Before payment. Nothing is deleted and a number is never reused; an issued order's "
            "service is corrected to $0.00 and its case note gets an addendum.",
            "btn-outline-danger",
        ),
    ]
}


def _po(request: HttpRequest, pk: int, po_pk: int) -> PurchaseOrder:
    """The customer's purchase order, or 404 as if it did not exist."""
    customer = customer_get_visible(request.user, pk)
    po = get_object_or_404(
        PurchaseOrder.objects.filter(customer=customer).select_related(
            "office",
            "vendor",
            "barrier",
            "supports__activity",
            "referral",
            "service__activity",
            "created_by",
            "approved_by",
            "issued_by",
            "voided_by",
        ),
        pk=po_pk,
    )
    po.customer = customer
    return po


def _detail_url(po: PurchaseOrder) -> str:
    return reverse("supportive:po_detail", kwargs={"pk": po.customer_id, "po_pk": po.pk})


def _with_hints(exc: ValidationError, hints: dict[str, str]) -> ValidationError:
    """The refusal with what to do added to the messages of the fields `hints` names."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {
            field: [f"{m} {hints[field]}" if field in hints else m for m in messages_]
            for field, messages_ in exc.message_dict.items()
        }
    )


def _available(user: User, po: PurchaseOrder) -> list[str]:
    """The state changes this user may make to the purchase order now."""
    needs = po_needs_approval(po)
    status = po.status
    allowed = {
        "request_approval": status == POStatus.DRAFT and needs,
        "approve": status == POStatus.AWAITING,
        "issue": (status == POStatus.DRAFT and not needs) or status == POStatus.APPROVED,
        "pay": status == POStatus.ISSUED,
        "void": status not in (POStatus.PAID, POStatus.VOIDED),
    }
    return [name for name, ok in allowed.items() if ok and user.has_perms(ACTIONS[name].perms)]


def _receipt_printable(po: PurchaseOrder) -> bool:
    """A card is handed over, and signed for, once its purchase order is issued."""
    return bool(po.card_number) and po.status in (POStatus.ISSUED, POStatus.PAID)


def _status_change(history: list[HistoryEntry], to: str) -> HistoryEntry | None:
    """The latest update-log entry that moved the purchase order to status `to`."""
    label = str(POStatus(to).label)
    return next(
        (e for e in history if any(c[0] == "Status" and c[2] == label for c in e.changes)), None
    )


def _detail_page(
    request: HttpRequest,
    po: PurchaseOrder,
    *,
    bound: POActionForm | None = None,
    refusal: list[str] | None = None,
    denied: str = "",
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    customer = po.customer
    refusal = list(refusal or [])
    action_forms: dict[str, POActionForm | None] = {}
    for name in _available(request.user, po):
        if name == "approve" and po.created_by_id == request.user.pk:
            action_forms[name] = None  # nobody approves their own: the page says so
        elif bound is not None and bound.action == name:
            action_forms[name] = bound
        else:
            action_forms[name] = ACTIONS[name].form(po=po)
    if bound is not None and bound.action not in action_forms and bound.is_bound:
        # The action is no longer open (the state moved on): its form's errors go on top.
        refusal += [m for errors in bound.errors.values() for m in errors]
    with timezone.override(customer.office.time_zone):
        history = history_for(po, registered="Drafted")
    # The justification note issuing wrote, with the addendum a void adds.
    notes = casenote_list_for(customer).filter(service=po.service_id) if po.service_id else []
    context = {
        "customer": customer,
        "tab": TAB,
        "po": po,
        "program_year": program_year_label(po.program_year),
        "actions": [(ACTIONS[name], form) for name, form in action_forms.items()],
        "needs_approval": po_needs_approval(po),
        "approval_limit": Policy.for_office(po.office).po_approval_limit,
        "sent_for_approval": _status_change(history, POStatus.AWAITING),
        "payment_recorded": _status_change(history, POStatus.PAID),
        "history": history,
        "notes": notes,
        "receipt": _receipt_printable(po),
        "refusal": refusal,
        # On a refusal or a form with errors, and not on a stale version: the panel says that.
        "refused_action": (
            ACTIONS[bound.action].label
            if bound is not None and conflict is None and (refusal or bound.errors)
            else ""
        ),
        "denied": denied,
        "conflict": conflict,
    }
    return render(request, "supportive/po_detail.html", context, status=status)


# --- Draft ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(*ADD)
def po_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = PurchaseOrderForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submit_once(
                user=request.user,
                token=form.cleaned_data["submission_token"],
                record=lambda: po_create(
                    customer=customer, created_by=request.user, **form.values()
                ),
                location=_detail_url,
            )
        except ValidationError as exc:
            attach_errors(form, _with_hints(exc, CREATE_HINTS))
        else:
            po = submission.record
            then = (
                "It is above the approval limit: send it for a supervisor's approval."
                if po is not None and po_needs_approval(po)
                else "Issue it to give it its number and record the supportive service."
            )
            return recorded(request, submission, f"Purchase order drafted. {then}")
    context = {
        "customer": customer,
        "tab": TAB,
        "form": form,
        "has_service": form.fields["supports"].queryset.exists(),
    }
    return render(request, "supportive/po_form.html", context)


@require_GET
@requires(*VIEW)
def po_detail(request: HttpRequest, pk: int, po_pk: int) -> HttpResponse:
    return _detail_page(request, _po(request, pk, po_pk))


# --- State changes ----------------------------------------------------------------------


def _act(
    request: HttpRequest,
    pk: int,
    po_pk: int,
    action: Action,
    change: Callable[[PurchaseOrder, POActionForm], PurchaseOrder],
    done: Callable[[PurchaseOrder], str],
) -> HttpResponse:
    """Bind the action's form, make the change at the version the page showed, and go
    back to the purchase order; a refusal comes back on its page with the reason."""
    po = _po(request, pk, po_pk)
    form = action.form(request.POST, po=po)
    if not form.is_valid():
        return _detail_page(request, po, bound=form)
    try:
        changed = change(po, form)
    except EditConflict as exc:
        rebind_at_current_version(form, exc)
        return _detail_page(request, _po(request, pk, po_pk), bound=form, conflict=exc, status=409)
    except PermissionDenied as exc:
        return _detail_page(request, po, denied=str(exc), status=403)
    except ValidationError as exc:
        exc = _with_hints(exc, ACTION_HINTS)
        refusal = []
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                if field in form.fields and field != "lock_version":
                    form.add_error(field, errors)
                else:
                    refusal += errors
        else:
            refusal = list(exc.messages)
        return _detail_page(request, po, bound=form, refusal=refusal)
    messages.success(request, done(changed))
    return redirect(_detail_url(changed))


def _version(form: POActionForm) -> int:
    return form.cleaned_data["lock_version"]


@require_POST
@requires(*ADD)
def po_request_approval_view(request: HttpRequest, pk: int, po_pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        po_pk,
        ACTIONS["request_approval"],
        lambda po, form: po_request_approval(
            po=po, user=request.user, expected_version=_version(form)
        ),
        lambda po: "Sent to the office's supervisors for approval.",
    )


@require_POST
@requires(*APPROVE)
def po_approve_view(request: HttpRequest, pk: int, po_pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        po_pk,
        ACTIONS["approve"],
        lambda po, form: po_approve(po=po, approver=request.user, expected_version=_version(form)),
        lambda po: "Approved: it can be issued now.",
    )


@require_POST
@requires(*ISSUE)
def po_issue_view(request: HttpRequest, pk: int, po_pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        po_pk,
        ACTIONS["issue"],
        lambda po, form: po_issue(po=po, user=request.user, expected_version=_version(form)),
        lambda po: (
            f"Issued purchase order {po.number}; the supportive service and its case note "
            "are recorded. Print it for the vendor."
        ),
    )


@require_POST
@requires(*PAY)
def po_pay_view(request: HttpRequest, pk: int, po_pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        po_pk,
        ACTIONS["pay"],
        lambda po, form: po_pay(
            po=po, user=request.user, expected_version=_version(form), **form.values()
        ),
        lambda po: f"Recorded the payment of purchase order {po.number}.",
    )


@require_POST
@requires(*VOID)
def po_void_view(request: HttpRequest, pk: int, po_pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        po_pk,
        ACTIONS["void"],
        lambda po, form: po_void(
            po=po,
            reason=form.cleaned_data["reason"],
            user=request.user,
            expected_version=_version(form),
        ),
        lambda po: f"Voided {po}.",
    )


# --- Printed ----------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires(*VIEW)
def po_pdf(request: HttpRequest, pk: int, po_pk: int) -> HttpResponse:
    """The purchase order for the vendor; a draft prints marked not valid for purchase."""
    po = _po(request, pk, po_pk)
    # WeasyPrint loads in half a second: only when printing (as plans.views does).
    from supportive import printing

    return _pdf(printing.render_po_pdf(po), printing.filename(po))


@require_GET
@requires(*VIEW)
def po_receipt(request: HttpRequest, pk: int, po_pk: int) -> HttpResponse:
    """The receipt the customer signs for the gas card or bus pass of an issued order."""
    po = _po(request, pk, po_pk)
    if not _receipt_printable(po):
        raise Http404("No card receipt for this purchase order")
    from supportive import printing

    return _pdf(printing.render_receipt_pdf(po), printing.filename(po, "card-receipt"))


PO = "customers/<int:pk>/purchase-orders/<int:po_pk>"

urlpatterns: list[URLPattern] = [
    path("customers/<int:pk>/purchase-orders/new/", po_create_view, name="po_create"),
    path(f"{PO}/", po_detail, name="po_detail"),
    path(f"{PO}/request-approval/", po_request_approval_view, name="po_request_approval"),
    path(f"{PO}/approve/", po_approve_view, name="po_approve"),
    path(f"{PO}/issue/", po_issue_view, name="po_issue"),
    path(f"{PO}/pay/", po_pay_view, name="po_pay"),
    path(f"{PO}/void/", po_void_view, name="po_void"),
    path(f"{PO}/purchase-order.pdf", po_pdf, name="po_pdf"),
    path(f"{PO}/card-receipt.pdf", po_receipt, name="po_receipt"),
]

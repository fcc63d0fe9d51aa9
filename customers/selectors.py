"""Every scoped read of customers. Views never query Customer directly."""

import contextlib
import datetime
import re
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from casemgmt.access import offices_visible_to
from casemgmt.models import User
from customers.models import Customer, EligibilityDocument, Program
from customers.pii import InvalidSSN, ssn_hash, ssn_normalize


def customer_list_visible(user: User | AnonymousUser) -> QuerySet[Customer]:
    """The one answer to "which customers may this user see"."""
    return Customer.objects.filter(office__in=offices_visible_to(user))


def customer_get_visible(user: User | AnonymousUser, pk: int) -> Customer:
    """A customer the user may see, or 404 exactly as if it did not exist."""
    return get_object_or_404(
        customer_list_visible(user).select_related("office", "career_planner"), pk=pk
    )


def document_get(*, customer: Customer, pk: int) -> EligibilityDocument:
    """A document of a customer already fetched through customer_get_visible."""
    return get_object_or_404(
        EligibilityDocument.objects.filter(customer=customer).select_related("document_type"),
        pk=pk,
    )


@dataclass(frozen=True)
class CaseloadFilters:
    q: str = ""
    scope: str = "mine"  # "mine" or "office"
    status: str = ""
    program: str = ""
    planner: int | None = None


_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y", "%m/%d/%y")


def _parse_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def customer_search_q(text: str) -> Q:
    """What a search box matches: name, customer id, last 4, date of birth, phone, email."""
    text = text.strip()
    if not text:
        return Q()
    digits = re.sub(r"\D", "", text)
    born = _parse_date(text)
    if born:
        return Q(date_of_birth=born)
    if "@" in text:
        return Q(email__iexact=text) | Q(email__istartswith=text)
    if re.fullmatch(r"[Cc]\d+", text):
        return Q(customer_number__iexact=text)
    if digits and len(digits) == len(re.sub(r"[\s().+-]", "", text)):
        if len(digits) == 4:
            return Q(ssn_last4=digits) | Q(phone__endswith=digits)
        return Q(phone__contains=digits) | Q(customer_number__endswith=digits)
    if "," in text:
        last, _, first = (part.strip() for part in text.partition(","))
        return Q(last_name__istartswith=last, first_name__istartswith=first)
    words = text.split()
    query = Q()
    for word in words:
        query &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
    return query


def customer_caseload(user: User, filters: CaseloadFilters) -> QuerySet[Customer]:
    customers = customer_list_visible(user).select_related("office", "career_planner")
    if filters.scope == "mine":
        customers = customers.filter(career_planner=user)
    if filters.q:
        customers = customers.filter(customer_search_q(filters.q))
    if filters.status:
        customers = customers.filter(status=filters.status)
    if filters.program:
        customers = customers.filter(programs__contains=[filters.program])
    if filters.planner:
        customers = customers.filter(career_planner_id=filters.planner)
    return customers.order_by("last_name", "first_name", "pk")


def customer_find_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    ssn: str = "",
    exclude_pk: int | None = None,
) -> QuerySet[Customer]:
    """Possible duplicates across every office: same name and birth date, or same SSN.

    Unscoped on purpose: registering someone twice in two offices is the duplicate we
    must catch. Callers show details only of records the user may see.
    """
    query = Q(pk__in=[])
    if first_name and last_name and date_of_birth:
        query |= Q(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )
    if ssn:
        with contextlib.suppress(InvalidSSN):
            query |= Q(ssn_hash=ssn_hash(ssn_normalize(ssn)))
    duplicates = Customer.objects.filter(query).select_related("office")
    if exclude_pk:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    changes: list[tuple[str, str, str]]
    reason: str


_HIDDEN_HISTORY_FIELDS = {"id", "updated_at", "created_at", "created_by", "customer_number"}


def customer_history(customer: Customer) -> list[HistoryEntry]:
    """The update log of a customer: every change to the record, its links and documents."""
    import pghistory.models

    from customers.models import Barrier, DocumentType, PartnerProgram

    events = list(
        pghistory.models.Events.objects.references(customer).order_by("-pgh_created_at", "-pgh_id")
    )
    user_ids = {(e.pgh_context or {}).get("user") for e in events}
    fk_ids: dict[str, set[int]] = {"office": set(), "career_planner": set()}
    for event in events:
        for field, values in (event.pgh_diff or {}).items():
            field = field.removesuffix("_id")
            if field in fk_ids:
                fk_ids[field].update(v for v in values if v)
    users = {
        u.pk: str(u)
        for u in User.objects.filter(pk__in={*user_ids, *fk_ids["career_planner"]} - {None})
    }
    from casemgmt.models import Office

    offices = {o.pk: str(o) for o in Office.objects.filter(pk__in=fk_ids["office"])}
    names = {
        "customers.CustomerBarrier": (
            "barrier",
            "Barrier",
            dict(Barrier.objects.values_list("pk", "name")),
        ),
        "customers.CustomerPartnerProgram": (
            "partner_program",
            "Partner program",
            dict(PartnerProgram.objects.values_list("pk", "name")),
        ),
    }
    doc_types = dict(DocumentType.objects.values_list("pk", "name"))
    labels = {
        f.name: str(f.verbose_name).capitalize()
        for f in Customer._meta.get_fields()
        if hasattr(f, "verbose_name")
    }

    def show(field: str, value: object) -> str:
        if value in (None, "", []):
            return "(blank)"
        if field == "office":
            return offices.get(value, "another office")  # type: ignore[call-overload]
        if field == "career_planner":
            return users.get(value, "former staff member")  # type: ignore[call-overload]
        if field == "programs":
            return ", ".join(str(Program(p).label) for p in value)  # type: ignore[union-attr]
        choices = dict(Customer._meta.get_field(field).choices or []) if field in labels else {}
        return str(choices.get(value, value))

    entries = []
    for event in events:
        context = event.pgh_context or {}
        who = users.get(context.get("user"), "System")
        reason = context.get("reason", "")
        changes: list[tuple[str, str, str]] = []
        model = event.pgh_model.removesuffix("Event")
        if model in names:
            key, label, lookup = names[model]
            verb = "added" if event.pgh_label == "insert" else "removed"
            action = (
                f"{label} {verb}: {lookup.get(event.pgh_data.get(key + '_id'), 'retired entry')}"
            )
        elif model == "customers.EligibilityDocument":
            action = f"Eligibility document uploaded: {doc_types.get(event.pgh_data.get('document_type_id'), '')}"
            if event.pgh_label != "insert":
                action = "Eligibility document details changed"
        elif event.pgh_label == "insert":
            action = "Registered"
        else:
            action = "Changed"
            for attname, (old, new) in sorted((event.pgh_diff or {}).items()):
                field = attname.removesuffix("_id")
                if field in _HIDDEN_HISTORY_FIELDS or field not in labels:
                    continue
                changes.append((labels[field], show(field, old), show(field, new)))
            if not changes:
                continue
        entries.append(HistoryEntry(event.pgh_created_at, who, action, changes, reason))
    return entries

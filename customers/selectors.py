"""Every scoped read of customers. Views never query Customer directly."""

import contextlib
import datetime
import re
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from casemgmt.access import offices_visible_to
from casemgmt.history import HistoryEntry, history_for
from casemgmt.models import User
from customers.models import Customer, EligibilityDocument
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


def customer_search_q(text: str, *, case_file: bool = True) -> Q:
    """What a search box matches: name, customer id, last 4, date of birth, phone, email.

    Without the case file (a tracker) a birth date or the last 4 of an SSN matches nothing:
    the search must not tell someone a date of birth or SSN digits they may not read.
    """
    text = text.strip()
    if not text:
        return Q()
    digits = re.sub(r"\D", "", text)
    born = _parse_date(text)
    if born:
        return Q(date_of_birth=born) if case_file else Q(pk__in=[])
    if "@" in text:
        return Q(email__iexact=text) | Q(email__istartswith=text)
    if re.fullmatch(r"[Cc]\d+", text):
        return Q(customer_number__iexact=text)
    if digits and len(digits) == len(re.sub(r"[\s().+-]", "", text)):
        if len(digits) == 4:
            by_phone = Q(phone__endswith=digits)
            return (Q(ssn_last4=digits) | by_phone) if case_file else by_phone
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
        case_file = user.has_perm("customers.view_case_file")
        customers = customers.filter(customer_search_q(filters.q, case_file=case_file))
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


def customer_history(customer: Customer) -> list[HistoryEntry]:
    """The update log of a customer: the record, its links, documents, services and notes."""
    return history_for(customer)

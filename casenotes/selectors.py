import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from casenotes.models import Acronym, CaseNote
from customers.models import Customer
from services.models import ServiceRecord


def casenote_list_for(customer: Customer, *, q: str = "") -> QuerySet[CaseNote]:
    """A customer's notes, newest contact first; `q` searches subject and body."""
    notes = CaseNote.objects.filter(customer=customer).select_related("author", "service__activity")
    for word in q.split():
        notes = notes.filter(Q(subject__icontains=word) | Q(body__icontains=word))
    return notes.order_by("-contact_date", "-entered_at")


def casenote_get(*, customer: Customer, pk: int) -> CaseNote:
    """A note of a customer already fetched through customer_get_visible."""
    return get_object_or_404(
        CaseNote.objects.filter(customer=customer).select_related("author", "service"), pk=pk
    )


def acronym_map() -> dict[str, str]:
    return dict(Acronym.objects.values_list("text", "meaning"))


@dataclass(frozen=True)
class TimelineItem:
    day: datetime.date
    kind: str  # "service" or "note"
    item: ServiceRecord | CaseNote


def customer_timeline(customer: Customer) -> list[TimelineItem]:
    """Services and case notes in one story, newest first."""
    items = [
        TimelineItem(r.started_on, "service", r)
        for r in ServiceRecord.objects.filter(customer=customer).select_related(
            "activity", "entered_by"
        )
    ]
    items += [
        TimelineItem(n.contact_date, "note", n)
        for n in CaseNote.objects.filter(customer=customer).select_related(
            "author", "service__activity"
        )
    ]
    return sorted(items, key=lambda i: (i.day, i.kind == "note"), reverse=True)

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from casenotes.models import CaseNote
from customers.models import Customer
from services.models import ServiceRecord


def service_list_for(customer: Customer) -> QuerySet[ServiceRecord]:
    """A customer's services: open first, then the most recent."""
    return (
        ServiceRecord.objects.filter(customer=customer)
        .select_related("activity", "entered_by")
        .annotate(
            open_first=Case(
                When(ended_on__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-started_on", "-pk")
    )


def service_get(*, customer: Customer, pk: int) -> ServiceRecord:
    """A service of a customer already fetched through customer_get_visible."""
    return get_object_or_404(
        ServiceRecord.objects.filter(customer=customer).select_related(
            "activity", "entered_by", "closed_by"
        ),
        pk=pk,
    )


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

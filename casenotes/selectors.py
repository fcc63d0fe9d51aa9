from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from casenotes.models import Acronym, CaseNote
from customers.models import Customer


def casenote_list_for(customer: Customer, *, q: str = "") -> QuerySet[CaseNote]:
    """A customer's notes, newest contact first, each with its addenda (corrections
    included) in the order they were entered; `q` searches subjects and bodies, and a
    note matches when it or one of its addenda does."""
    notes = CaseNote.objects.filter(customer=customer, addendum_to__isnull=True)
    for word in q.split():
        notes = notes.filter(
            Q(subject__icontains=word)
            | Q(body__icontains=word)
            | Q(addenda__subject__icontains=word)
            | Q(addenda__body__icontains=word)
        )
    addenda = CaseNote.objects.select_related("author", "corrected_by").order_by("entered_at", "pk")
    return (
        notes.distinct()
        .select_related("author", "service__activity", "corrected_by")
        .prefetch_related(Prefetch("addenda", queryset=addenda))
        .order_by("-contact_date", "-entered_at")
    )


def casenote_get(*, customer: Customer, pk: int) -> CaseNote:
    """A note of a customer already fetched through customer_get_visible."""
    return get_object_or_404(
        CaseNote.objects.filter(customer=customer).select_related("author", "service"), pk=pk
    )


def acronym_map() -> dict[str, str]:
    return dict(Acronym.objects.values_list("text", "meaning"))

"""Every scoped read of the customer's employment outcomes. The customer comes from
`customers.selectors.customer_get_visible`, so everything here is already in the user's
offices; a record of another customer answers 404 like a missing one."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from customers.models import Customer
from employment.models import (
    Credential,
    EmployerContact,
    Employment,
    Placement,
    PlacementFollowUp,
    SkillGain,
)
from employment.rules import follow_up_state
from services.models import Category, ServiceRecord


@dataclass(frozen=True)
class FollowUpLine:
    follow_up: PlacementFollowUp
    state: str  # "done", "overdue", "due_soon" or "" (not due yet)


@dataclass(frozen=True)
class PlacementLine:
    placement: Placement
    follow_ups: list[FollowUpLine]


@dataclass(frozen=True)
class Outcomes:
    on: datetime.date
    contacts: list[EmployerContact]
    jobs: list[Employment]
    placements: list[PlacementLine]
    credentials: list[Credential]
    skill_gains: list[SkillGain]


def outcomes_for(customer: Customer, *, on: datetime.date) -> Outcomes:
    """The customer's employer contacts, jobs, placements with their follow-ups (each
    done, due soon or overdue on `on`), credentials and skill gains: six queries, however
    many records there are."""
    placements = Placement.objects.filter(customer=customer).prefetch_related(
        Prefetch("follow_ups", queryset=PlacementFollowUp.objects.order_by("due_on"))
    )
    return Outcomes(
        on=on,
        contacts=list(
            EmployerContact.objects.filter(customer=customer).select_related("service__activity")
        ),
        jobs=list(Employment.objects.filter(customer=customer)),
        placements=[
            PlacementLine(
                placement=placement,
                follow_ups=[
                    FollowUpLine(
                        follow_up=f,
                        state="done"
                        if f.done_on is not None
                        else follow_up_state(due_on=f.due_on, on=on) or "",
                    )
                    for f in placement.follow_ups.all()
                ],
            )
            for placement in placements
        ],
        credentials=list(
            Credential.objects.filter(customer=customer).select_related("training__activity")
        ),
        skill_gains=list(SkillGain.objects.filter(customer=customer)),
    )


def job_get(*, customer: Customer, pk: int) -> Employment:
    return get_object_or_404(Employment.objects.filter(customer=customer), pk=pk)


def placement_get(*, customer: Customer, pk: int) -> Placement:
    return get_object_or_404(Placement.objects.filter(customer=customer), pk=pk)


def placement_follow_up_get(*, placement: Placement, pk: int) -> PlacementFollowUp:
    return get_object_or_404(
        PlacementFollowUp.objects.filter(placement=placement).select_related("note", "recorded_by"),
        pk=pk,
    )


def services_of(customer: Customer) -> QuerySet[ServiceRecord]:
    """The customer's services, newest first: what an employer contact was part of."""
    return (
        ServiceRecord.objects.filter(customer=customer)
        .select_related("activity")
        .order_by("-started_on", "-pk")
    )


def training_services_of(customer: Customer) -> QuerySet[ServiceRecord]:
    """The customer's training services: what a credential may have come from."""
    return services_of(customer).filter(activity__category=Category.TRAINING)

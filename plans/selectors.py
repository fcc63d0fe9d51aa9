from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from customers.models import Customer
from plans.models import Assessment, Goal, Plan, PlanVersion, Step, StepStatus


def plan_for(customer: Customer) -> Plan | None:
    return Plan.objects.filter(customer=customer).select_related("created_by").first()


def plan_required(customer: Customer) -> Plan:
    plan = plan_for(customer)
    if plan is None:
        raise Http404("No plan yet")
    return plan


def goals_with_progress(plan: Plan) -> QuerySet[Goal]:
    """Goals with derived start and due dates (from their steps) and step counts."""
    return (
        plan.goals.annotate(
            start_on=Min("steps__start_on"),
            due_on=Max("steps__due_on"),
            steps_total=Count("steps"),
            steps_complete=Count("steps", filter=Q(steps__status=StepStatus.COMPLETE)),
        )
        .prefetch_related("steps__activity", "steps__barriers")
        .order_by("pk")
    )


def goal_get(*, plan: Plan, pk: int) -> Goal:
    return get_object_or_404(Goal.objects.filter(plan=plan), pk=pk)


def step_get(*, plan: Plan, pk: int) -> Step:
    return get_object_or_404(
        Step.objects.filter(goal__plan=plan).select_related("goal", "activity"), pk=pk
    )


def version_get(*, plan: Plan, number: int) -> PlanVersion:
    return get_object_or_404(
        PlanVersion.objects.filter(plan=plan).select_related("plan__customer__office"),
        number=number,
    )


def assessments_for(customer: Customer) -> QuerySet[Assessment]:
    return Assessment.objects.filter(customer=customer).select_related(
        "assessment_type", "entered_by"
    )

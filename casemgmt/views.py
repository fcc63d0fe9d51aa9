from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casemgmt.access import offices_visible_to
from compliance.selectors import alert_counts_for
from customers.models import Status
from customers.selectors import customer_list_visible

OPEN_STATUSES = [Status.APPLICANT, Status.PARTICIPANT, Status.FOLLOW_UP]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's own work: open alerts and the dashboards of the user's role, a planner's
    caseload, a supervisor's offices."""
    user = request.user
    context: dict[str, object] = {}
    if user.has_perm("customers.view_customer"):
        context["alert_counts"] = alert_counts_for(user)
        mine = customer_list_visible(user).filter(career_planner=user)
        context["caseload_counts"] = mine.aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in Status}
        )
        context["recent"] = (
            mine.filter(status__in=OPEN_STATUSES)
            .select_related("office")
            .order_by("-updated_at")[:10]
        )
        offices = offices_visible_to(user).filter(supervisors=user)
        if user.has_perm("customers.reassign_customer") and offices.exists():
            context["supervised"] = (
                customer_list_visible(user)
                .filter(office__in=offices, status__in=OPEN_STATUSES)
                .values(
                    "office__name",
                    "career_planner__first_name",
                    "career_planner__last_name",
                    "career_planner",
                )
                .annotate(
                    total=Count("pk"),
                    applicants=Count("pk", filter=Q(status=Status.APPLICANT)),
                    participants=Count("pk", filter=Q(status=Status.PARTICIPANT)),
                    follow_up=Count("pk", filter=Q(status=Status.FOLLOW_UP)),
                )
                .order_by("office__name", "career_planner__last_name")
            )
    return render(request, "home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

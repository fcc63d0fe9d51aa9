"""Each role lands on its own work (issue 15): the home page is the acting role's page.

The tracker's and the facilitator's homes are their working pages themselves (the
re-engagement lists; today's sessions and the sheets to enter); the others are summaries
whose every list links on to the full page.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from casemgmt.acting import SESSION_KEY, acting_role, roles_of
from casemgmt.models import Office, Region, User
from casemgmt.roles import (
    ADMINISTRATOR,
    CAREER_PLANNER,
    FACILITATOR,
    SUPERVISOR,
    TRACKER,
    VETERAN_REPRESENTATIVE,
)
from compliance.selectors import offices_supervised_by, supervisor_summary, today_for
from compliance.views import tracker_dashboard_view
from homes.selectors import SHOWN, planner_home, supervisor_queue
from services.models import Activity
from supportive.models import Vendor
from veterans.selectors import co_assigned_customers, referral_queue
from workshops.models import Workshop
from workshops.views_sessions import facilitator_home


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    role = acting_role(request)
    page = HOMES.get(role, _no_role)
    return page(request)


def _planner(request: HttpRequest) -> HttpResponse:
    context = {"today": today_for(request.user), "home": planner_home(request.user)}
    return render(request, "homes/planner.html", context)


def _veteran_representative(request: HttpRequest) -> HttpResponse:
    context = {
        "today": today_for(request.user),
        "home": planner_home(request.user),
        "queue": referral_queue(request.user),
        "co_assigned": list(co_assigned_customers(request.user)[:SHOWN]),
    }
    return render(request, "homes/veteran_representative.html", context)


def _supervisor(request: HttpRequest) -> HttpResponse:
    offices = offices_supervised_by(request.user)
    summaries = supervisor_summary(request.user, offices)
    context = {
        "today": today_for(request.user),
        "summaries": summaries,
        "totals": {
            state: sum(getattr(s.total, state) for s in summaries)
            for state in ("overdue", "late", "due_soon", "active")
        },
        "queue": supervisor_queue(offices),
    }
    return render(request, "homes/supervisor.html", context)


def _administrator(request: HttpRequest) -> HttpResponse:
    context = {
        "staff_active": User.objects.filter(is_active=True).count(),
        "staff_without_role": User.objects.filter(
            is_active=True, is_superuser=False, groups__isnull=True
        ).count(),
        "offices": Office.objects.count(),
        "regions": Region.objects.count(),
        "activities": Activity.objects.filter(active=True).count(),
        "workshops": Workshop.objects.filter(active=True).count(),
        "vendors": Vendor.objects.filter(active=True).count(),
    }
    return render(request, "homes/administrator.html", context)


def _no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "homes/no_role.html")


HOMES = {
    CAREER_PLANNER: _planner,
    VETERAN_REPRESENTATIVE: _veteran_representative,
    SUPERVISOR: _supervisor,
    TRACKER: tracker_dashboard_view,
    FACILITATOR: facilitator_home,
    ADMINISTRATOR: _administrator,
}


@require_POST
def switch_role(request: HttpRequest) -> HttpResponse:
    """Work as another of one's own roles: the home becomes that role's page."""
    role = request.POST.get("role", "")
    if role not in roles_of(request.user):
        messages.error(request, "You do not hold that role, so your home did not change.")
        return redirect("home")
    request.session[SESSION_KEY] = role
    messages.success(request, f"You are working as {role}: this is that role's work.")
    return redirect("home")

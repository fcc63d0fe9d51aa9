"""The one rule for who sees what: offices a user belongs to or supervises.

Administrators (permission `casemgmt.view_all_offices`) see every office. Every
customer-owned read goes through `offices_visible_to`, by way of
`customers.selectors.customer_list_visible`.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from casemgmt.models import Office, User


def offices_visible_to(user: User | AnonymousUser) -> QuerySet[Office]:
    if not user.is_authenticated or not user.is_active:
        return Office.objects.none()
    if user.has_perm("casemgmt.view_all_offices"):
        return Office.objects.all()
    return Office.objects.filter(Q(staff=user) | Q(supervisors=user)).distinct()


def staff_visible_to(user: User) -> QuerySet[User]:
    """Staff who carry caseloads (career planners, veteran representatives, supervisors)
    in an office the user may see: the choices for assignment and filters."""
    from casemgmt.roles import CAREER_PLANNER, SUPERVISOR, VETERAN_REPRESENTATIVE

    return (
        User.objects.filter(
            is_active=True,
            offices__in=offices_visible_to(user),
            groups__name__in=[CAREER_PLANNER, VETERAN_REPRESENTATIVE, SUPERVISOR],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )

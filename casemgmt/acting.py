"""Which role a person is working in: the home page shows that role's work.

A person may hold several roles (a supervisor who also runs workshops); the home is the
first of HOME_ORDER they hold until they choose another, which the session keeps (a role
name, nothing personal).
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from casemgmt.models import User
from casemgmt.roles import (
    ADMINISTRATOR,
    CAREER_PLANNER,
    FACILITATOR,
    ROLES,
    SUPERVISOR,
    TRACKER,
    VETERAN_REPRESENTATIVE,
)

SESSION_KEY = "acting_role"

# The home a person with several roles lands on first: the widest responsibility first.
HOME_ORDER = [
    SUPERVISOR,
    VETERAN_REPRESENTATIVE,
    CAREER_PLANNER,
    TRACKER,
    FACILITATOR,
    ADMINISTRATOR,
]


def roles_of(user: User | AnonymousUser) -> list[str]:
    """The roles a person holds, in the order of `casemgmt.roles.ROLES`. A superuser
    without a group works as the administrator."""
    if not user.is_authenticated:
        return []
    names = {group.name for group in user.groups.all()}
    held = [role for role in ROLES if role in names]
    if user.is_superuser and ADMINISTRATOR not in held:
        held.append(ADMINISTRATOR)
    return held


def acting_role(request: HttpRequest) -> str | None:
    """The role whose home the person sees: their choice, while they still hold it, or the
    first they hold in HOME_ORDER; None for a person with no role."""
    held = roles_of(request.user)
    chosen = request.session.get(SESSION_KEY)
    if chosen in held:
        return chosen
    return next((role for role in HOME_ORDER if role in held), None)

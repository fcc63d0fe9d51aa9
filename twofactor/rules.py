"""Who must sign in with a second factor."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from casemgmt.models import User
from casemgmt.roles import ADMINISTRATOR, SUPERVISOR


def two_factor_required(user: User | AnonymousUser) -> bool:
    """Whether this staff member must give a second factor after the password.

    Unless CASEMGMT_TWO_FACTOR is off (a developer's machine): administrators (and
    anyone who may open the administration site) and supervisors always; every
    other role when the policy of a region where they work says so; and anyone who
    has set up an authenticator app of their own accord.
    """
    if settings.CASEMGMT_TWO_FACTOR == "off" or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    administrator_or_supervisor = Q(groups__name__in=[ADMINISTRATOR, SUPERVISOR]) | Q(
        supervised_offices__isnull=False
    )
    region_policy = Q(offices__region__policy__two_factor_for_every_role=True)
    chose_it = Q(totpdevice__confirmed=True)
    return (
        User.objects.filter(pk=user.pk)
        .filter(administrator_or_supervisor | region_policy | chose_it)
        .exists()
    )

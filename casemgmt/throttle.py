"""Sign-in throttling on top of django-axes: where a sign-in comes from, and a second,
higher limit per client address across user names.

axes counts failures per lockout parameter set and compares the largest count with one
limit, AXES_FAILURE_LIMIT; it has no limit per parameter set. Locking an address after
five failures across all user names would pause a whole job centre, whose staff share one
address, so the per-address limit lives here, in axes' own handler extension point
(AXES_HANDLER).
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _is_trusted_proxy(address: _Address) -> bool:
    return any(
        address in ipaddress.ip_network(proxy, strict=False)
        for proxy in settings.CASEMGMT_TRUSTED_PROXIES
    )


def _parse(value: str) -> _Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless it is a proxy that CASEMGMT_TRUSTED_PROXIES names: then the
    nearest address in X-Forwarded-For that is not a named proxy. Each proxy appends the
    address it saw, so only the entries right of the first untrusted one are facts;
    anything further left is the client's own claim and is never read.
    """
    remote = request.META.get("REMOTE_ADDR")
    address = _parse(remote or "")
    if address is None or not _is_trusted_proxy(address):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        parsed = _parse(hop)
        if parsed is None:
            break
        address = parsed
        if not _is_trusted_proxy(address):
            break
    return str(address)


class SignInThrottle(AxesDatabaseHandler):
    """axes' database handler, plus the limit per address across user names.

    A user name at one address is paused after AXES_FAILURE_LIMIT failures (axes'
    AXES_LOCKOUT_PARAMETERS); every sign-in from an address is paused once the failures
    from it, over all user names within the cool-off time, reach
    CASEMGMT_LOGIN_ADDRESS_LIMIT (password spraying). A successful sign-in clears only
    its own user name's failures at that address (AXES_RESET_ON_SUCCESS), so a sprayer
    with one valid account cannot clear the count of the names it tried.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        from_address = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        if (from_address or 0) >= settings.CASEMGMT_LOGIN_ADDRESS_LIMIT:
            # axes pauses at its one limit: report at least that many.
            return max(failures, get_failure_limit(request, credentials))
        return failures

"""Sends a signed-in user who must use a second factor, and has not for this session,
to verify it (or to set it up first).

Placed after django_otp's OTPMiddleware, which marks the session's verified device on
`request.user`. Sign-in and sign-out, the health check and the two-step pages
themselves stay open; anonymous visitors are left to LoginRequiredMiddleware.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from twofactor.rules import two_factor_required
from twofactor.selectors import totp_device_for

OPEN_URL_NAMES = {"login", "logout", "healthz"}


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if settings.CASEMGMT_TWO_FACTOR == "off":
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and (
            match.namespace == "twofactor" or match.url_name in OPEN_URL_NAMES
        ):
            return None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if not two_factor_required(user):
            return None
        step = "twofactor:verify" if totp_device_for(user) is not None else "twofactor:setup"
        location = f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":
            # An htmx swap would put the whole page inside a fragment: send the browser.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = location
            return response
        return HttpResponseRedirect(location)

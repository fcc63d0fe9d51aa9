"""The two-step sign-in pages: set up, verify after the password, and manage."""

from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from casemgmt.forms import attach_errors
from twofactor.forms import AppCodeForm, CodeForm
from twofactor.rules import two_factor_required
from twofactor.selectors import recovery_codes_left, totp_device_for
from twofactor.services import (
    recovery_codes_regenerate,
    totp_key_new,
    totp_key_text,
    totp_key_uri,
    two_factor_remove,
    two_factor_set_up,
    two_factor_verify,
)

PENDING_KEY = "twofactor_pending_key"
NEW_CODES = "twofactor_new_codes"
AFTER_CODES = "twofactor_after_codes"  # where the codes page continues to
LOW_CODES = 3


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if "\x00" not in wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _to(name: str, next_url: str) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _mark_verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    # A session that has just proved more than a password gets a new key.
    request.session.cycle_key()


def verified_if_set_up(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page manages an app already set up: it needs the app (else set it up first)
    and a session verified by it (else verify first)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if totp_device_for(request.user) is None:
            return redirect("twofactor:setup")
        if not request.user.is_verified():
            return _to("twofactor:verify", request.path)
        return view(request, *args, **kwargs)

    return wrapped


def _qr_svg(uri: str) -> str:
    # segno writes plain SVG (no script, no style attribute): it passes the CSP inline.
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=3, dark="#000", light="#fff", title="QR code of your key", svgclass="qr"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if totp_device_for(user) is not None:
        if not user.is_verified():
            return _to("twofactor:verify", reverse("twofactor:manage"))
        messages.info(request, "Two-step sign-in is already set up.")
        return redirect("twofactor:manage")
    # The secret waits in the session, not the database, until the app proves it has it.
    key = request.session.setdefault(PENDING_KEY, totp_key_new())
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = two_factor_set_up(user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            del request.session[PENDING_KEY]
            _mark_verified(request, done.device)
            request.session[NEW_CODES] = done.recovery_codes
            request.session[AFTER_CODES] = _next_url(request)
            messages.success(request, "Two-step sign-in is set up.")
            return redirect("twofactor:recovery_codes")
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(totp_key_uri(user=user, key=key))),  # noqa: S308 - segno's own markup
        "key_text": totp_key_text(key),
        "required": two_factor_required(user),
        "next": _next_url(request),
    }
    return render(request, "twofactor/device_setup.html", context)


@never_cache
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: a reload shows only how to make new ones."""
    codes = request.session.pop(NEW_CODES, None)
    if codes is None and totp_device_for(request.user) is None:
        return redirect("twofactor:setup")
    context = {
        "codes": [f"{code[:4]}-{code[4:]}" for code in codes or []],
        "next": request.session.pop(AFTER_CODES, reverse("home")),
    }
    return render(request, "twofactor/recovery_codes_show.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if totp_device_for(request.user) is None:
        return _to("twofactor:setup", _next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            _mark_verified(request, done.device)
            left = done.recovery_codes_left
            if left is not None:
                level = messages.WARNING if left <= LOW_CODES else messages.INFO
                messages.add_message(
                    request,
                    level,
                    f"You used a recovery code; {left} left. "
                    "Make new ones on the two-step sign-in page if you are running out.",
                )
            return redirect(_next_url(request))
    return render(
        request, "twofactor/device_verify.html", {"form": form, "next": _next_url(request)}
    )


def _manage_page(
    request: HttpRequest, *, regenerate: CodeForm | None = None, remove: CodeForm | None = None
) -> HttpResponse:
    context = {
        "device": totp_device_for(request.user),
        "codes_left": recovery_codes_left(request.user),
        "low_codes": LOW_CODES,
        "required": two_factor_required(request.user),
        "regenerate_form": regenerate or CodeForm(prefix="regenerate"),
        "remove_form": remove or CodeForm(prefix="remove"),
    }
    return render(request, "twofactor/device_manage.html", context)


@never_cache
@require_GET
@verified_if_set_up
def manage(request: HttpRequest) -> HttpResponse:
    return _manage_page(request)


@never_cache
@require_POST
@verified_if_set_up
def regenerate(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="regenerate")
    if form.is_valid():
        try:
            codes = recovery_codes_regenerate(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            request.session[NEW_CODES] = codes
            request.session[AFTER_CODES] = reverse("twofactor:manage")
            messages.success(request, "New recovery codes made; the old ones no longer work.")
            return redirect("twofactor:recovery_codes")
    return _manage_page(request, regenerate=form)


@never_cache
@require_POST
@verified_if_set_up
def remove(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="remove")
    if form.is_valid():
        try:
            two_factor_remove(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Two-step sign-in is removed, with your recovery codes.")
            if two_factor_required(request.user):
                return redirect("twofactor:setup")
            return redirect("home")
    return _manage_page(request, remove=form)

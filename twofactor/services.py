"""Every change to a staff member's second factor, each in a transaction, each logged.

The authenticator app is django_otp's TOTP device, the recovery codes its static
device; django_otp refuses a code used before and slows down wrong guesses.
"""

import math
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from casemgmt.models import User
from twofactor.models import TwoFactorEvent

ISSUER = "casemgmt"
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30
DIGITS = 6

WRONG_APP_CODE = (
    "That code is not right. The app shows a new code every 30 seconds: enter the one it shows now."
)
WRONG_RECOVERY_CODE = "That recovery code is not right, or it has been used already."


def totp_key_new() -> str:
    """A new secret for an authenticator app, hex as django_otp keeps it."""
    return random_hex(20)


def totp_key_text(key: str) -> str:
    """The secret as a person types it into an app: base32 in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_key_uri(*, user: User, key: str) -> str:
    """The otpauth:// address the QR code carries (the key-URI format apps read)."""
    label = quote(f"{ISSUER}:{user.get_username()}")
    params = urlencode(
        {
            "secret": b32encode(unhexlify(key)).decode(),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def _log(user: User, kind: str, actor: User | None = None) -> None:
    TwoFactorEvent.objects.create(user=user, kind=kind, actor=actor or user)


def _recovery_codes_replace(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@dataclass(frozen=True)
class SetUp:
    device: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def two_factor_set_up(*, user: User, key: str, code: str) -> SetUp:
    """Keeps the authenticator app the user has just added, once it shows the right code,
    and makes their recovery codes. One app per person: a second one is refused."""
    User.objects.select_for_update().get(pk=user.pk)  # one set-up at a time per person
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("Two-step sign-in is already set up for you.")
    totp = TOTP(unhexlify(key), STEP_SECONDS, 0, DIGITS)
    totp.time = time.time()
    if not (code.isdigit() and totp.verify(int(code), tolerance=1)):
        raise ValidationError({"code": WRONG_APP_CODE})
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user,
        name=APP_NAME,
        key=key,
        step=STEP_SECONDS,
        digits=DIGITS,
        confirmed=True,
        last_t=totp.t(),
        drift=totp.drift,
    )
    codes = _recovery_codes_replace(user)
    _log(user, TwoFactorEvent.Kind.SET_UP)
    return SetUp(device=device, recovery_codes=codes)


@dataclass(frozen=True)
class Verified:
    device: Device
    recovery_codes_left: int | None  # None when the code came from the app


def two_factor_verify(*, user: User, code: str) -> Verified:
    """Accepts a code from the user's authenticator app (never one already used) or one of
    their recovery codes (used up by using it). After a wrong code the next try must
    wait, twice as long each time; every wrong code is logged."""
    from_app = code.isdigit()
    model = TOTPDevice if from_app else StaticDevice
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        allowed, why = (False, None) if device is None else device.verify_is_allowed()
        if allowed and device.verify_token(code):
            left = None
            if not from_app:
                left = device.token_set.count()
                _log(user, TwoFactorEvent.Kind.RECOVERY_CODE_USED)
            return Verified(device=device, recovery_codes_left=left)
        if allowed or device is None:
            _log(user, TwoFactorEvent.Kind.CODE_REFUSED)
    # Outside the transaction: the throttle's count and the log must stay written.
    if why and why.get("locked_until"):
        wait = max(math.ceil((why["locked_until"] - timezone.now()).total_seconds()), 1)
        seconds = "a second" if wait == 1 else f"{wait} seconds"
        raise ValidationError({"code": f"Too many wrong codes. Wait {seconds}, then try again."})
    raise ValidationError({"code": WRONG_APP_CODE if from_app else WRONG_RECOVERY_CODE})


def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes replace all the old ones, once a code shows it is the user."""
    two_factor_verify(user=user, code=code)
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        _log(user, TwoFactorEvent.Kind.RECOVERY_CODES_MADE)
    return codes


def two_factor_remove(*, user: User, code: str) -> None:
    """Removes the user's authenticator app and recovery codes, once a code shows it is
    the user."""
    two_factor_verify(user=user, code=code)
    two_factor_reset(user=user, actor=user)


@transaction.atomic
def two_factor_reset(*, user: User, actor: User) -> None:
    """Removes someone's authenticator app and recovery codes: the user themselves, or an
    administrator when the phone and the codes are lost. Sessions that app verified
    are no longer verified; the next page asks to set up again where it is required."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _log(user, TwoFactorEvent.Kind.REMOVED, actor)

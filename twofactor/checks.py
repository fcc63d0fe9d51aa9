from django.conf import settings
from django.core.checks import CheckMessage, Warning


def two_factor_off_in_production(**_: object) -> list[CheckMessage]:
    if settings.CASEMGMT_TWO_FACTOR == "off" and not settings.DEV_MODE:
        return [
            Warning(
                "CASEMGMT_TWO_FACTOR is off: staff sign in with a password alone.",
                hint="Unset it (production requires a second factor) unless sign-in is "
                "protected another way.",
                id="twofactor.W001",
            )
        ]
    return []

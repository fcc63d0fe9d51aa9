"""The one place that says what day it is: days of the domain are calendar days in the
office's time zone (SPEC 9). Everything reads the instant from `timezone.now()`, so
tests move time with time-machine."""

import datetime
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from casemgmt.models import Office


def today(time_zone: str | None = None, *, at: datetime.datetime | None = None) -> datetime.date:
    """The date in the zone (the site's when none is given) at the instant `at`, now by default."""
    zone = zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
    return (at or timezone.now()).astimezone(zone).date()


def today_for_office(office: "Office") -> datetime.date:
    """What day it is in the office."""
    return today(office.time_zone)


def today_by_zone(time_zones: Iterable[str]) -> dict[str, datetime.date]:
    """What day it is in each zone, read at one instant: an evaluation of every office
    at once must not see midnight pass between two of them."""
    now = timezone.now()
    return {zone: today(zone, at=now) for zone in set(time_zones)}

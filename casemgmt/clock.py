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


# WIOA's program year runs 1 July to 30 June and is named by the year it starts. Supportive
# services' caps and numbers and the outcomes report count by it.
PROGRAM_YEAR_STARTS = (7, 1)  # 1 July


def program_year_of(day: datetime.date) -> int:
    """The program year a day falls in: 1 July 2026 to 30 June 2027 is 2026 (PY26)."""
    return day.year if (day.month, day.day) >= PROGRAM_YEAR_STARTS else day.year - 1


def program_year_label(year: int) -> str:
    return f"PY{year % 100:02d}"


def program_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 7, 1), datetime.date(year + 1, 6, 30)

"""The one place that says what day it is, in an office's time zone."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone


def today(time_zone: str | None = None) -> datetime.date:
    zone = zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
    return timezone.now().astimezone(zone).date()

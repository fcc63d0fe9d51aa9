"""The 10-day entry rule (SPEC 9) as it applies when a record is saved.

Services, case notes and (later) outcomes are flagged late when entered more than the
region's `entry_deadline_days` after the day they record, counted in calendar days of
the office's time zone. The compliance engine applies the same threshold to its alerts.
"""

import datetime
import zoneinfo

from django.utils import timezone

from casemgmt.models import Office, Policy


def entry_deadline_days(office: Office) -> int:
    return Policy.for_office(office).entry_deadline_days


def entry_date(office: Office, at: datetime.datetime) -> datetime.date:
    """The calendar day of an entry instant in the office's time zone."""
    return timezone.localtime(at, timezone=zoneinfo.ZoneInfo(office.time_zone)).date()


def entered_late(
    *, event_date: datetime.date, entered_on: datetime.date, deadline_days: int
) -> bool:
    """Entered more than `deadline_days` after the service or contact date.

    With the default of 10, day 10 is on time and day 11 is late.
    """
    return (entered_on - event_date).days > deadline_days


def late_entry_warning(
    *, event_date: datetime.date | None, entered_on: datetime.date, deadline_days: int, what: str
) -> str:
    if event_date is None or not entered_late(
        event_date=event_date, entered_on=entered_on, deadline_days=deadline_days
    ):
        return ""
    days = (entered_on - event_date).days
    return (
        f"This {what} is dated {days} days ago. It will be saved and marked late: "
        f"the {deadline_days}-day entry rule asks for entry within {deadline_days} days."
    )

"""Builders for test data. Names are invented; nothing here is a real person."""

import datetime
import itertools

from django.contrib.auth.models import Group

from casemgmt.models import Office, Region, User
from customers.models import Customer, Program
from customers.services import customer_create

PASSWORD = "a-long-test-password-1"
_counter = itertools.count(1)


def make_office(code: str, region: Region | None = None) -> Office:
    region = region or Region.objects.get_or_create(name="Test Region")[0]
    return Office.objects.create(code=code, name=f"Office {code}", region=region)


def make_user(
    username: str,
    role: str | None,
    *,
    offices: list[Office] = (),  # type: ignore[assignment]
    supervises: list[Office] = (),  # type: ignore[assignment]
    is_staff: bool = False,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.split("_")[0].capitalize(),
        last_name="Tester",
        is_staff=is_staff,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.offices.set(offices)
    user.supervised_offices.set(supervises)
    return user


def make_customer(
    *,
    office: Office,
    planner: User,
    first_name: str | None = None,
    last_name: str = "Sample",
    date_of_birth: datetime.date = datetime.date(1990, 5, 17),
    programs: list[str] | None = None,
    ssn: str = "",
    **fields: object,
) -> Customer:
    n = next(_counter)
    values = {
        "first_name": first_name or f"Person{n}",
        "last_name": last_name,
        "date_of_birth": date_of_birth,
        "programs": programs or [Program.ADULT],
        "application_date": datetime.date(2026, 10, 1),
        "phone": f"217555{n:04d}",
        "email": f"person{n}@example.org",
        **fields,
    }
    return customer_create(
        created_by=planner, office=office, career_planner=planner, fields=values, ssn=ssn
    )

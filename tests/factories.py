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


def certify(customer: Customer, day: datetime.date = datetime.date(2026, 10, 1)) -> Customer:
    Customer.objects.filter(pk=customer.pk).update(
        application_date=day, eligibility_date=day, certification_date=day
    )
    customer.refresh_from_db()
    return customer


def make_plan(
    customer: Customer, planner: User, *, day: datetime.date = datetime.date(2026, 10, 5)
):
    """A certified customer with an assessment, a plan, one goal and one step."""
    from plans.models import AssessmentType
    from plans.services import assessment_create, goal_create, plan_create, step_save
    from services.models import Activity

    certify(customer, min(day - datetime.timedelta(days=4), datetime.date(2026, 10, 1)))
    assessment_create(
        customer=customer,
        assessment_type=AssessmentType.objects.get(name="TABE 11/12"),
        assessed_on=day,
        scores="Reading 9.2, Math 7.1",
        summary="Math below the level the training asks for.",
        entered_by=planner,
    )
    plan = plan_create(
        customer=customer,
        created_by=planner,
        developed_on=day,
        fields={"employment_goal": "Forklift operator at a distribution center"},
        barriers=[],
        note_body="Career planner and customer developed the plan in person.",
    )
    goal = goal_create(
        plan=plan,
        user=planner,
        fields={
            "statement": "Earn a forklift certificate",
            "category": "education",
            "term": "short",
        },
    )
    step_save(
        goal=goal,
        user=planner,
        fields={
            "activity": Activity.objects.get(code="300"),
            "start_on": datetime.date(2026, 11, 1),
            "due_on": datetime.date(2026, 12, 15),
            "provider": "Lincoln Land Community College",
        },
        barriers=[],
    )
    return plan

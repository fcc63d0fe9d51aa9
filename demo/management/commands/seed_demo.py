"""A demo organisation for trying casemgmt: 2 regions, 3 offices, one staff member of
each role, about 200 customers in varied states. Names are generated, never real.

Run again, it changes nothing that exists.
"""

import datetime
import random
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F

from casemgmt import roles
from casemgmt.clock import today
from casemgmt.models import Office, Region, User
from casenotes.models import CaseNote
from casenotes.services import casenote_create
from compliance.engine import evaluate
from compliance.signals import evaluations_deferred
from customers.models import (
    Barrier,
    ContactMethod,
    Customer,
    PartnerProgram,
    Program,
    Status,
    VeteranStatus,
)
from customers.services import customer_create, customer_update
from employment.models import Employment, FollowUp, Period
from employment.rules import follow_up_due_dates, follow_up_starts
from employment.services import (
    credential_create,
    employment_create,
    placement_create,
    skill_gain_create,
    statuses_follow_the_calendar,
)
from plans.models import AssessmentType
from plans.services import (
    assessment_create,
    goal_create,
    plan_create,
    plan_version_mark_printed,
    plan_version_sign,
    step_save,
)
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from supportive.models import ReferralOutcome, SupportiveCap, Vendor
from supportive.services import (
    budget_review_create,
    po_create,
    po_issue,
    po_pay,
    po_request_approval,
    referral_create,
)
from veterans.models import Assignment
from veterans.services import referral_accept, referral_refer_if_eligible, referral_serve
from workshops.models import Attendance, Booking, Session, Workshop
from workshops.services import attendance_submit, booking_create, session_create

# The scanned copy a demo customer signed: a one-page PDF saying what it stands for.
DEMO_SIGNED_COPY = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
WORKSHOP_CATALOG = [
    (
        "Job Club",
        "201",
        "Weekly job club: customers shared leads, practised a 30-second introduction and "
        "set job search goals for the week with the group.",
    ),
    (
        "Resume Writing",
        "201",
        "Resume writing workshop: customers drafted a one-page resume, matched it to a "
        "posting and learned how to explain gaps in work history.",
    ),
    (
        "Interviewing Skills",
        "201",
        "Interviewing skills workshop: customers practised common questions in mock "
        "interviews and prepared questions to ask the employer.",
    ),
]
DEMO_VENDORS = [
    ("Metro Transit", "928 S 9th St, Springfield, IL 62703", "(217) 555-0110", ["transportation"]),
    (
        "Sunrise Child Care",
        "1400 W Jefferson St, Springfield, IL 62702",
        "(217) 555-0121",
        ["childcare"],
    ),
    (
        "Work Gear Outlet",
        "2301 Dirksen Pkwy, Springfield, IL 62703",
        "(217) 555-0132",
        ["tools", "uniforms"],
    ),
    (
        "Capital Family Clinic",
        "800 N Rutledge St, Springfield, IL 62702",
        "(217) 555-0143",
        ["medical"],
    ),
    ("Prairie Legal Aid", "200 S 2nd St, Springfield, IL 62701", "(217) 555-0154", ["legal"]),
]
# Type ('' for the total), the most one customer may receive in a program year, and
# whether the community referral is waived (no organisation offers it).
DEMO_CAPS = [
    ("", "3000.00", False),
    ("transportation", "600.00", False),
    ("childcare", "1500.00", False),
    ("medical", "500.00", False),
    ("tools", "500.00", True),
    ("uniforms", "300.00", True),
    ("legal", "800.00", False),
    ("other", "250.00", False),
]
DEMO_EMPLOYERS = [
    "Prairie Fabrication",
    "Capital Area Logistics",
    "St. John's Long-Term Care",
    "Lincoln Land Distribution",
    "Midwest Bottling",
]
DEMO_PASSWORD = "demo-casemgmt-2026"  # noqa: S105 - printed for the demo; refused outside development

FIRST = [
    "Avery",
    "Jordan",
    "Maria",
    "Luis",
    "Keisha",
    "Tran",
    "Olga",
    "Samir",
    "Grace",
    "DeShawn",
    "Lena",
    "Marcus",
    "Priya",
    "Tomas",
    "Aaliyah",
    "Evan",
    "Rosa",
    "Kwame",
    "Hannah",
    "Ivan",
    "Noor",
    "Caleb",
    "Mei",
    "Darnell",
    "Sofia",
    "Wes",
    "Imani",
    "Pedro",
    "Jun",
    "Claire",
]
LAST = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Diaz",
    "Ellison",
    "Fofana",
    "Garcia",
    "Hughes",
    "Ibarra",
    "Johnson",
    "Kowalski",
    "Lopez",
    "Mensah",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quinn",
    "Reyes",
    "Schmidt",
    "Thompson",
    "Underwood",
    "Vasquez",
    "Washington",
    "Xu",
    "Young",
    "Zielinski",
]

STAFF = [
    # username, first, last, role, offices, supervises
    ("planner", "Pat", "Planner", roles.CAREER_PLANNER, ["SPR"], []),
    ("planner2", "Robin", "Reyes", roles.CAREER_PLANNER, ["SPR"], []),
    ("planner3", "Casey", "Carter", roles.CAREER_PLANNER, ["DEC"], []),
    ("planner4", "Morgan", "Mills", roles.CAREER_PLANNER, ["CHI"], []),
    ("supervisor", "Sam", "Supervisor", roles.SUPERVISOR, ["SPR"], ["SPR", "DEC"]),
    ("facilitator", "Frankie", "Facilitator", roles.FACILITATOR, ["SPR"], []),
    ("tracker", "Terry", "Tracker", roles.TRACKER, ["SPR"], []),
    ("vetrep", "Val", "Veteran-Rep", roles.VETERAN_REPRESENTATIVE, ["SPR", "DEC"], []),
    ("admin", "Alex", "Administrator", roles.ADMINISTRATOR, [], []),
]

OFFICES = [
    ("Capital Area", "Springfield American Job Center", "SPR"),
    ("Capital Area", "Decatur American Job Center", "DEC"),
    ("Cook County", "Chicago Loop American Job Center", "CHI"),
]


class Command(BaseCommand):
    help = "Load the demo organisation (development only). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if not settings.DEV_MODE:
            raise CommandError("seed_demo loads known passwords: it runs only with CASEMGMT_DEV=1.")

        with transaction.atomic(), evaluations_deferred():
            offices = self._offices()
            staff = self._staff(offices)
            rng = random.Random(options["seed"])
            created = self._customers(offices, staff, options["customers"], rng)
            if created:
                self._case_files(rng)
                self._workshops(offices, staff)
                self._supportive(offices, staff)
                self._path(staff)
                self._veterans(offices, staff)
                self._stamp_history()
        if created:
            result = evaluate()  # each customer on its office's day
            self.stdout.write(f"Compliance evaluated: {result.opened} open alerts.")
        self.stdout.write(f"Demo data ready ({created} customers added).")

    def _case_files(self, rng: random.Random) -> None:
        """Services, notes and plans for the participants, through the services, so the
        dashboards have something true to show. Dated entries are stamped as entered on
        their day (demo history is not late)."""

        now = today()
        codes = {a.code: a for a in Activity.objects.all()}
        tabe = AssessmentType.objects.get(name="TABE 11/12")
        participants = Customer.objects.filter(status=Status.PARTICIPANT).select_related("office")
        for customer in participants:
            planner = customer.career_planner
            start = customer.certification_date
            if start is None or (now - start).days < 10:
                continue
            note = NoteDraft(
                "Service Strategy", "Career planner met the customer in person.", "in_person", True
            )
            assessment_create(
                customer=customer,
                assessment_type=tabe,
                assessed_on=start,
                scores="Reading 8.4, Math 7.9",
                summary="Ready for short-term training.",
                entered_by=planner,
            )
            if not customer.is_youth:
                plan = plan_create(
                    customer=customer,
                    created_by=planner,
                    developed_on=start,
                    fields={"employment_goal": "Full-time work in logistics"},
                    barriers=[],
                    note_body="Career planner and customer developed the plan together.",
                )
                goal = goal_create(
                    plan=plan,
                    user=planner,
                    fields={
                        "statement": "Find full-time work in a warehouse",
                        "category": "career",
                        "term": "short",
                    },
                )
                step_save(
                    goal=goal,
                    user=planner,
                    barriers=[],
                    fields={
                        "activity": codes["211"],
                        "start_on": start,
                        "due_on": start + datetime.timedelta(days=120),
                    },
                )
                # Most customers signed the printed plan within a few days; the rest
                # have version 1 waiting. A draw of its own keeps the others unchanged.
                signer = random.Random(f"sign-{customer.customer_number}")
                if signer.random() < 0.7:
                    version = plan.versions.get()
                    plan_version_mark_printed(version)
                    version.refresh_from_db()
                    plan_version_sign(
                        version=version,
                        upload=SimpleUploadedFile("signed-plan.pdf", DEMO_SIGNED_COPY),
                        signed_on=min(start + datetime.timedelta(days=signer.randint(0, 3)), now),
                        uploaded_by=planner,
                        max_mb=5,
                    )
            # Services every few weeks, stopping at a varied point in the past.
            last = now - datetime.timedelta(days=rng.choice([3, 10, 20, 40, 62, 70, 80, 86]))
            day = start + datetime.timedelta(days=7)
            code = "468" if customer.is_youth else "211"
            while day <= last:
                service_record_create(
                    customer=customer,
                    activity=codes[code],
                    started_on=day,
                    ended_on=day,
                    entered_by=planner,
                    note=note,
                )
                code = (
                    "469"
                    if code == "468"
                    else "470"
                    if code in ("469", "470")
                    else rng.choice(["211", "202"])
                )
                day += datetime.timedelta(days=rng.randint(14, 35))
            contact = now - datetime.timedelta(days=rng.choice([2, 12, 26, 28, 33, 45]))
            if contact > start:
                casenote_create(
                    customer=customer,
                    author=planner,
                    contact_date=contact,
                    subject="Check-in",
                    body="Career planner called the customer about job leads.",
                    contact_method="phone",
                    two_way=True,
                )

    def _veterans(self, offices: dict[str, Office], staff: dict[str, User]) -> None:
        """The veteran representative's work at Springfield: three participants marked
        veterans with a significant barrier to employment are referred as the product
        refers them; one referral waits in the queue, one is accepted co-assigned, and one
        is served, with its veteran service and case note. (The other demo veterans with
        such a barrier are referred when the seed's transaction commits.)"""
        office = offices["SPR"]
        now = today(office.time_zone)
        planner, vetrep = staff["planner"], staff["vetrep"]
        customers = (
            Customer.objects.filter(
                office=office,
                career_planner=planner,
                status=Status.PARTICIPANT,
                certification_date__lte=now - datetime.timedelta(days=7),
                veteran_referrals__isnull=True,
            )
            .exclude(programs__contains=[Program.YOUTH])
            .select_related("office")
            .order_by("-customer_number")[:3]
        )
        for n, (customer, barrier) in enumerate(
            zip(customers, ["Homeless", "Low income", "Disability"], strict=False)
        ):
            customer = customer_update(
                customer=customer,
                updated_by=planner,
                fields={"veteran_status": VeteranStatus.VETERAN},
                barriers=[*customer.barriers.all(), Barrier.objects.get(name=barrier)],
            )
            referral = referral_refer_if_eligible(customer_id=customer.pk)
            if referral is None or n == 0:
                continue  # the first waits in the queue
            referral = referral_accept(
                referral=referral,
                user=vetrep,
                assignment=Assignment.CO_ASSIGNED,
                expected_version=None,
            )
            if n == 2:
                referral_serve(
                    referral=referral,
                    user=vetrep,
                    activity=Activity.objects.get(code="202"),
                    served_on=now - datetime.timedelta(days=3),
                    service_provided="Reviewed the customer's disability rating letter and how "
                    "to explain a service-connected limit to employers.",
                    detail_1="Practised an answer about lifting limits for warehouse interviews.",
                    detail_2="Gave the Vocational Rehabilitation and Employment office's "
                    "number for the customer's question about retraining.",
                    contact_method="in_person",
                    two_way=True,
                    outcome_note="Customer will apply to two warehouse lead openings this week.",
                    expected_version=None,
                )

    def _stamp_history(self) -> None:
        """Demo history was entered on its day, not today. Case notes are immutable; the
        demo generator alone rewrites their entry times, before anyone has read them."""
        with pgtrigger.ignore("casenotes.CaseNote:case_note_is_immutable"):
            for model, date_field in ((ServiceRecord, "started_on"), (CaseNote, "contact_date")):
                for pk, day in model.objects.values_list("pk", date_field):
                    stamp = datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.UTC)
                    model.objects.filter(pk=pk).update(entered_at=stamp, entered_late=False)
        ServiceRecord.objects.filter(closed_at__isnull=False).update(closed_at=F("entered_at"))

    def _supportive(self, offices: dict[str, Office], staff: dict[str, User]) -> None:
        """Vendors, each region's caps, and at Springfield a few customers in training
        with a budget review and a referral: one purchase order paid, one issued, one
        awaiting the supervisor's approval and one draft."""
        for name, address, phone, types in DEMO_VENDORS:
            Vendor.objects.get_or_create(
                name=name, defaults={"address": address, "phone": phone, "supportive_types": types}
            )
        for region in Region.objects.filter(offices__in=offices.values()).distinct():
            for supportive_type, amount, waived in DEMO_CAPS:
                SupportiveCap.objects.get_or_create(
                    region=region,
                    supportive_type=supportive_type,
                    defaults={"amount": Decimal(amount), "referral_waived": waived},
                )
        office = offices["SPR"]
        now = today(office.time_zone)
        planner = staff["planner"]
        training = Activity.objects.get(code="300")
        customers = list(
            Customer.objects.filter(
                office=office, career_planner=planner, status=Status.PARTICIPANT, plan__isnull=False
            ).order_by("customer_number")[:4]
        )
        barrier = Barrier.objects.order_by("pk").first()
        metro = Vendor.objects.get(name="Metro Transit")
        for n, customer in enumerate(customers):
            supports = service_record_create(
                customer=customer,
                activity=training,
                started_on=now - datetime.timedelta(days=14),
                entered_by=planner,
                provider="outside",
                provider_name="Lincoln Land Community College",
                weekly_hours=Decimal("20"),
            )
            budget_review_create(
                customer=customer,
                reviewed_on=now - datetime.timedelta(days=10),
                amounts={
                    "income_wages": Decimal("640.00"),
                    "income_benefits": Decimal("280.00"),
                    "expense_housing": Decimal("725.00"),
                    "expense_utilities": Decimal("140.00"),
                    "expense_food": Decimal("260.00"),
                    "expense_transportation": Decimal("95.00"),
                },
                notes="Reviewed with the customer at the start of training.",
                created_by=planner,
            )
            referral = referral_create(
                customer=customer,
                supportive_type="transportation",
                barrier=barrier,
                organisation="Sangamon County Community Action",
                referred_on=now - datetime.timedelta(days=9),
                outcome=ReferralOutcome.COULD_NOT_HELP,
                created_by=planner,
            )
            po = po_create(
                customer=customer,
                vendor=metro,
                supportive_type="transportation",
                item="31-day bus pass" if n != 2 else "Bus passes for the training term",
                quantity=1 if n != 2 else 4,
                unit_price=Decimal("62.00") if n != 2 else Decimal("135.00"),
                card_number=f"SMTD-{40210 + n}" if n != 2 else "",
                barrier=barrier,
                supports=supports,
                funding_program="adult" if "adult" in customer.programs else customer.programs[0],
                referral=referral,
                justification="Bus fare to reach the training every weekday.",
                created_by=planner,
            )
            if n == 0 or n == 1:
                po = po_issue(po=po, user=planner, expected_version=None)
            if n == 0:
                po_pay(
                    po=po,
                    paid_on=now,
                    invoice_number="SMTD-INV-2291",
                    amount_paid=Decimal("62.00"),
                    user=staff["supervisor"],
                    expected_version=None,
                )
            if n == 2:
                po_request_approval(po=po, user=planner, expected_version=None)

    def _path(self, staff: dict[str, User]) -> None:
        """The end of the path, spread over the last four quarters: jobs during
        participation, placements with follow-ups due, credentials and skill gains,
        and the exited, in follow-up and closed customers with their periods, exit
        details and the follow-ups they have had. History is written as it stands."""
        rng = random.Random("path")
        now = today()
        planner = staff["planner"]
        participants = list(
            Customer.objects.filter(status=Status.PARTICIPANT, certification_date__isnull=False)
            .select_related("office")
            .order_by("customer_number")
        )
        stamp_outcomes = []
        for n, customer in enumerate(participants[:12]):
            if n < 4:
                started = now - datetime.timedelta(days=rng.randint(20, 120))
                stamp_outcomes.append(
                    employment_create(
                        customer=customer,
                        user=planner,
                        fields={
                            "employer": rng.choice(DEMO_EMPLOYERS),
                            "job_title": rng.choice(
                                ["Warehouse associate", "CNA", "Welder helper"]
                            ),
                            "onet_code": rng.choice(["53-7062.00", "31-1131.00", "51-9198.00"]),
                            "started_on": max(started, customer.certification_date),
                            "hourly_wage": Decimal(rng.choice(["15.50", "17.25", "19.00"])),
                            "hours_per_week": Decimal(rng.choice(["24", "32", "40"])),
                            "training_related": n % 2 == 0,
                            "verification": "pay_stub",
                        },
                    )
                )
            elif n < 6:
                starts = max(
                    now - datetime.timedelta(days=(40, 95)[n - 4]), customer.certification_date
                )
                stamp_outcomes.append(
                    placement_create(
                        customer=customer,
                        user=planner,
                        fields={
                            "kind": "ojt" if n == 4 else "worksite",
                            "worksite": rng.choice(DEMO_EMPLOYERS),
                            "supervisor": "Jordan Avery",
                            "hourly_wage": Decimal("16.00"),
                            "subsidized_wage": Decimal("8.00") if n == 4 else Decimal("16.00"),
                            "hours_per_week": Decimal("32"),
                            "status": "started",
                            "starts_on": starts,
                        },
                    )
                )
            elif n < 9:
                stamp_outcomes.append(
                    credential_create(
                        customer=customer,
                        user=planner,
                        fields={
                            "credential_type": (6, 5, 4)[n - 6],
                            "name": ("Forklift operator", "CNA certificate", "CDL class A")[n - 6],
                            "attained_on": max(
                                now - datetime.timedelta(days=rng.randint(15, 200)),
                                customer.certification_date,
                            ),
                        },
                    )
                )
            else:
                stamp_outcomes.append(
                    skill_gain_create(
                        customer=customer,
                        user=planner,
                        fields={
                            "kind": ("efl", "milestone", "progression")[n - 9],
                            "achieved_on": max(
                                now - datetime.timedelta(days=rng.randint(15, 200)),
                                customer.certification_date,
                            ),
                            "description": "Post-test after the evening class.",
                        },
                    )
                )
        for record in stamp_outcomes:  # entered on their day, as the rest of the history
            day = getattr(record, "started_on", None) or getattr(record, "starts_on", None)
            day = day or getattr(record, "attained_on", None) or record.achieved_on
            type(record).objects.filter(pk=record.pk).update(
                entered_at=datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.UTC),
                entered_late=False,
            )
        # The exited, in follow-up and closed customers of the demo get their exits.
        for customer in Customer.objects.filter(
            status__in=[Status.EXITED, Status.FOLLOW_UP, Status.CLOSED], exit_date__isnull=True
        ).select_related("office"):
            entered = customer.certification_date or customer.application_date
            back = {Status.EXITED: (5, 80), Status.FOLLOW_UP: (100, 330), Status.CLOSED: (200, 380)}
            exited = now - datetime.timedelta(days=rng.randint(*back[customer.status]))
            exited = min(max(exited, entered + datetime.timedelta(days=30)), now)
            status = customer.status
            if status == Status.FOLLOW_UP and now < follow_up_starts(exited):
                status = Status.EXITED  # follow-up starts with the quarter after the exit's
            Customer.objects.filter(pk=customer.pk).update(
                status=status, exit_date=exited, exit_reason="Recorded exit: services complete"
            )
            employed = rng.random() < 0.6
            job = None
            if employed:
                job = Employment.objects.create(
                    customer=customer,
                    employer=rng.choice(DEMO_EMPLOYERS),
                    job_title="Production associate",
                    onet_code="51-9198.00",
                    started_on=exited,
                    hourly_wage=Decimal("17.00"),
                    hours_per_week=Decimal("40"),
                    verification="employer",
                    entered_by=planner,
                    entered_at=datetime.datetime.combine(
                        exited, datetime.time(15), tzinfo=datetime.UTC
                    ),
                )
            period = Period.objects.create(
                customer=customer,
                entered_on=entered,
                exited_on=exited,
                exit_kind="recorded",
                other_reason="00",
                employed_at_exit=employed,
                exit_job=job,
                closed_on=now if customer.status == Status.CLOSED else None,
                close_reason="Moved out of the area" if customer.status == Status.CLOSED else "",
            )
            for quarter, due in enumerate(follow_up_due_dates(exited), start=1):
                done = due < now and rng.random() < 0.8
                FollowUp.objects.create(
                    period=period,
                    customer=customer,
                    quarter=quarter,
                    due_on=due,
                    done_on=due - datetime.timedelta(days=5) if done else None,
                    employed=employed if done else None,
                    employer=job.employer if done and job else "",
                    hourly_wage=job.hourly_wage if done and job else None,
                    in_education=False if done else None,
                    recorded_by=planner if done else None,
                )
        statuses_follow_the_calendar()

    def _workshops(self, offices: dict[str, Office], staff: dict[str, User]) -> None:
        """The catalog, two weekly series at Springfield (two weeks back, three ahead), the
        office's participants with a plan booked in, and the attendance of the past
        sessions entered, except the last one: the facilitator's sheet still to do."""
        codes = {a.code: a for a in Activity.objects.filter(code__in=["201", "211"])}
        catalog = {}
        for title, code, content in WORKSHOP_CATALOG:
            catalog[title], _ = Workshop.objects.get_or_create(
                title=title,
                defaults={"content": content, "activity": codes[code], "default_capacity": 12},
            )
        office = offices["SPR"]
        now = today(office.time_zone)
        monday = now - datetime.timedelta(days=now.weekday())
        series = [
            ("Job Club", monday - datetime.timedelta(weeks=2) + datetime.timedelta(days=1), 10),
            (
                "Resume Writing",
                monday - datetime.timedelta(weeks=2) + datetime.timedelta(days=3),
                14,
            ),
        ]
        sessions = []
        for title, first, hour in series:
            sessions += session_create(
                workshop=catalog[title],
                office=office,
                on=first,
                starts_at=datetime.time(hour),
                ends_at=datetime.time(hour + 1, 30),
                facilitator=staff["facilitator"],
                capacity=12,
                room="Resource Room" if title == "Job Club" else "Classroom B",
                created_by=staff["supervisor"],
                weeks=5,
            )
        ready = list(
            Customer.objects.filter(office=office, status=Status.PARTICIPANT, plan__isnull=False)
            .select_related("office")
            .order_by("customer_number")
        )
        past = [s for s in sessions if s.on < now]
        last_past = max(past, key=lambda s: s.on) if past else None
        for number, session in enumerate(sorted(sessions, key=lambda s: s.on)):
            attendees = ready[number % 5 :: 5][:8]
            for customer in attendees:
                if session.on >= now:
                    booking_create(session=session, customer=customer, booked_by=staff["planner"])
                else:  # booked back then: history, written as it stands
                    Booking.objects.create(
                        session=session, customer=customer, booked_by=staff["planner"]
                    )
            if session.on < now and session != last_past and attendees:
                marks = {
                    c.pk: Attendance.NO_SHOW if i == 2 else Attendance.ATTENDED
                    for i, c in enumerate(attendees)
                }
                attendance_submit(session=session, user=staff["facilitator"], marks=marks)
                # Entered the afternoon of the session, as a facilitator would.
                stamp = datetime.datetime.combine(
                    session.on, datetime.time(21), tzinfo=datetime.UTC
                )
                Booking.objects.filter(session=session).update(marked_at=stamp)
                Session.objects.filter(pk=session.pk).update(sheet_submitted_at=stamp)

    def _offices(self) -> dict[str, Office]:
        offices = {}
        for region_name, name, code in OFFICES:
            region, _ = Region.objects.get_or_create(name=region_name)
            offices[code], _ = Office.objects.get_or_create(
                code=code, defaults={"name": name, "region": region}
            )
        return offices

    def _staff(self, offices: dict[str, Office]) -> dict[str, User]:
        staff = {}
        for username, first, last, role, member_of, supervises in STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role == roles.ADMINISTRATOR
                user.save()
                user.groups.add(Group.objects.get(name=role))
                user.offices.set([offices[c] for c in member_of])
                user.supervised_offices.set([offices[c] for c in supervises])
            staff[username] = user
        return staff

    def _customers(self, offices, staff, count: int, rng: random.Random) -> int:
        existing = Customer.objects.count()
        if existing >= count:
            return 0
        barriers = list(Barrier.objects.all())
        partners = list(PartnerProgram.objects.all())
        planners = {
            "SPR": [staff["planner"], staff["planner2"], staff["vetrep"]],
            "DEC": [staff["planner3"], staff["vetrep"]],
            "CHI": [staff["planner4"]],
        }
        now = today()
        statuses = (
            [Status.APPLICANT] * 3
            + [Status.PARTICIPANT] * 8
            + [Status.EXITED, Status.FOLLOW_UP, Status.CLOSED]
        )
        for i in range(existing, count):
            code = rng.choice(["SPR", "SPR", "DEC", "CHI"])
            planner = rng.choice(planners[code])
            program = rng.choice(
                [Program.ADULT, Program.ADULT, Program.DISLOCATED_WORKER, Program.YOUTH]
            )
            age = rng.randint(16, 24) if program == Program.YOUTH else rng.randint(25, 66)
            born = now - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
            applied = now - datetime.timedelta(days=rng.randint(0, 400))
            status = rng.choice(statuses)
            eligible = certified = None
            reason = ""
            if status != Status.APPLICANT or rng.random() < 0.4:
                eligible = min(applied + datetime.timedelta(days=rng.randint(0, 40)), now)
                if (eligible - applied).days > 30:
                    reason = "Waiting for the customer's layoff letter from the employer."
                certified = eligible if status != Status.APPLICANT else None
            customer = customer_create(
                created_by=planner,
                office=offices[code],
                career_planner=planner,
                fields={
                    "first_name": rng.choice(FIRST),
                    "last_name": rng.choice(LAST),
                    "date_of_birth": born,
                    "phone": f"555{rng.randint(1000000, 9999999)}",
                    "email": f"demo.customer{i}@example.org",
                    "city": "Springfield" if code != "CHI" else "Chicago",
                    "state": "IL",
                    "preferred_contact_method": rng.choice(ContactMethod.values),
                    "programs": [program],
                    "veteran_status": VeteranStatus.VETERAN
                    if rng.random() < 0.1
                    else VeteranStatus.NOT_VETERAN,
                    "application_date": applied,
                    "eligibility_date": eligible,
                    "eligibility_late_reason": reason,
                    "certification_date": certified,
                    "ssn_last4": f"{rng.randint(0, 9999):04d}",
                },
                barriers=rng.sample(barriers, rng.randint(0, 3)),
                partner_programs=rng.sample(partners, 1) if rng.random() < 0.2 else [],
            )
            Customer.objects.filter(pk=customer.pk).update(status=status)
        return count - existing

"""A planner corrects a service and a case note, and meets someone else's newer save."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from casemgmt import clock
from casenotes.models import CaseNote
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_correct, service_record_create
from tests.browser import check_page, sign_in
from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]


def test_planner_corrects_a_service_and_a_note(page: Page, live_server, world: World):
    customer = world.customer_a
    customer.certification_date = customer.eligibility_date = customer.application_date
    customer.save()
    day = clock.today() - datetime.timedelta(days=2)
    service = service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="211"),
        started_on=day,
        ended_on=day,
        weekly_hours=2,
        entered_by=world.planner_a,
        note=NoteDraft(
            "Service Strategy/Job Search",
            "Career planner met the customer in person to revise a resume.",
            "in_person",
            True,
        ),
    )
    base = live_server.url
    sign_in(page, base, world.planner_a.username)

    # Correct the service: the hours were wrong.
    page.goto(f"{base}/customers/{customer.pk}/services/{service.pk}/")
    page.get_by_role("link", name="Correct this service").click()
    page.get_by_label("Reason for the correction").fill("Two hours typed; it was three.")
    page.get_by_label("Weekly hours").fill("3")
    check_page(page, "40-service-correct")
    # Meanwhile a supervisor corrects the same service.
    service_record_correct(
        record=service,
        corrected_by=world.supervisor_a,
        reason="Provider was the library",
        fields={"notes": "At the public library."},
        barriers=[],
    )
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("heading", name="Someone else saved this first")).to_be_visible()
    expect(page.get_by_label("Weekly hours")).to_have_value("3")
    check_page(page, "41-service-correct-conflict")
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "41-service-correct-conflict-390")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("status")).to_contain_text("Corrected 211")
    record = ServiceRecord.objects.get(pk=service.pk)
    assert str(record.weekly_hours) == "3.00" and record.notes == "At the public library."

    # Correct the note: it was only a voicemail.
    page.goto(f"{base}/customers/{customer.pk}/notes/")
    page.get_by_role("link", name="Add an addendum or correct this note").click()
    page.get_by_label("Addendum").fill("The customer did not answer; the planner left a voicemail.")
    page.get_by_label("Correct the kind of contact (optional)").select_option("no")
    check_page(page, "42-note-correction")
    page.get_by_role("button", name="Save addendum").click()
    expect(page.get_by_role("status")).to_contain_text("Correction saved")
    expect(page.get_by_text(re.compile(r"Now: .*, attempt"))).to_be_visible()
    check_page(page, "43-notes-with-correction")
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "43-notes-with-correction-390")
    correction = CaseNote.objects.get(corrects__isnull=False)
    assert correction.two_way is False and correction.author == world.planner_a

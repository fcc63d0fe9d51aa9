import datetime
import zoneinfo

import pghistory.models
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casenotes.guide import note_warnings, template_for
from casenotes.models import CaseNote, NoteType
from casenotes.selectors import acronym_map
from casenotes.services import casenote_add_addendum, casenote_create, casenote_update
from tests.conftest import World, client_for

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
DAY = datetime.date(2026, 11, 2)


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO)


def write(world: World, **kwargs) -> CaseNote:
    values = {
        "customer": world.customer_a,
        "author": world.planner_a,
        "contact_date": DAY,
        "subject": "Service Strategy/Job Search",
        "body": "Career planner called the customer about two warehouse openings.",
        "contact_method": "phone",
        "two_way": True,
    }
    values.update(kwargs)
    return casenote_create(**values)


# --- The guide -------------------------------------------------------------------------


def test_a_clean_note_gets_no_warnings(db):
    body = "Career planner met the customer at the Springfield center to review two job leads."
    assert note_warnings(body=body, note_type=NoteType.GENERAL, acronyms=acronym_map()) == []


def test_first_person_is_flagged(db):
    [warning] = note_warnings(
        body="I called the customer and I'm waiting.", note_type="general", acronyms={}
    )
    assert "third person" in warning and "2 times" in warning


def test_acronyms_from_the_admin_list_are_flagged(db):
    [warning] = note_warnings(
        body="Reviewed the IEP and the OJT contract.", note_type="general", acronyms=acronym_map()
    )
    assert "IEP: Individual Employment Plan" in warning and "OJT: On-the-Job Training" in warning


def test_missing_required_elements_are_flagged_per_type(db):
    template = template_for(NoteType.TRAINING_BEGIN)
    assert template.subject == "Enter customer into Training Activity"
    [warning] = note_warnings(body=template.body, note_type=NoteType.TRAINING_BEGIN, acronyms={})
    assert "Start date, Training program, Provider, Cost, Planned end date" in warning
    filled = template.body.replace("Provider: ", "Provider: Lincoln Land Community College")
    [warning] = note_warnings(body=filled, note_type=NoteType.TRAINING_BEGIN, acronyms={})
    assert "Provider" not in warning and "Cost" in warning


def test_every_spec_note_type_has_a_template():
    for note_type in [
        "initial",
        "assessment",
        "iep",
        "training_begin",
        "training_end",
        "supportive",
        "job_development",
        "veteran",
        "exit",
        "follow_up",
    ]:
        assert template_for(note_type).required, note_type
    assert {"Employment status", "Employer", "Hire date", "Hours per week", "Hourly wage"} <= set(
        template_for("exit").required
    )


def test_the_new_note_form_prefills_the_template(world):
    html = (
        client_for(world.planner_a)
        .get(
            reverse("casenotes:create", kwargs={"pk": world.customer_a.pk}), {"type": "supportive"}
        )
        .content.decode()
    )
    assert 'value="Service Strategy/Supportive Service"' in html
    assert "Community organizations contacted:" in html


def test_the_check_endpoint_warns_without_blocking(world):
    client = client_for(world.planner_a)
    url = reverse("casenotes:check", kwargs={"pk": world.customer_a.pk})
    html = client.post(url, {"body": "I gave a bus pass.", "note_type": "general"}).content.decode()
    assert "third person" in html
    response = client.post(
        reverse("casenotes:create", kwargs={"pk": world.customer_a.pk}),
        {
            "note_type": "general",
            "contact_date": "2026-11-20",
            "contact_method": "phone",
            "two_way": "yes",
            "subject": "Check-in",
            "body": "I gave a bus pass.",
        },
        follow=True,
    )
    assert CaseNote.objects.filter(customer=world.customer_a, body="I gave a bus pass.").exists()
    assert "third person" in response.content.decode()


# --- Fields, attempts, late entry ------------------------------------------------------------


def test_an_attempt_is_recorded_as_not_two_way(world):
    response = client_for(world.planner_a).post(
        reverse("casenotes:create", kwargs={"pk": world.customer_a.pk}),
        {
            "note_type": "follow_up",
            "contact_date": "2026-11-20",
            "contact_method": "phone",
            "two_way": "no",
            "subject": "Follow-Up",
            "body": "Career planner left a voicemail asking the customer to call back.",
        },
        follow=True,
    )
    note = CaseNote.objects.get(customer=world.customer_a)
    assert note.two_way is False
    assert "does not reset the 30-day contact clock" in response.content.decode()


def test_a_contact_date_in_the_future_is_refused(world):
    with pytest.raises(ValidationError, match="cannot be in the future"):
        write(world, contact_date=datetime.date(2027, 1, 1))


@pytest.mark.parametrize(("days_later", "late"), [(10, False), (11, True)])
def test_a_note_entered_days_after_the_contact_is_marked(world, days_later, late):
    with time_machine.travel(at(DAY + datetime.timedelta(days=days_later)), tick=False):
        note = write(world)
    assert note.entered_late is late


# --- 24-hour edits, addenda, no deletion -------------------------------------------------------


def test_the_author_edits_within_24_hours(world):
    with time_machine.travel(at(DAY), tick=False):
        note = write(world)
    with time_machine.travel(at(DAY + datetime.timedelta(days=1), 8, 59), tick=False):
        casenote_update(
            note=note,
            editor=world.planner_a,
            subject="Fixed",
            body="Corrected text.",
            contact_method="phone",
            two_way=True,
            contact_date=DAY,
        )
    note.refresh_from_db()
    assert note.subject == "Fixed"


def test_no_edit_after_24_hours(world):
    with time_machine.travel(at(DAY), tick=False):
        note = write(world)
    with (
        time_machine.travel(at(DAY + datetime.timedelta(days=1), 9, 1), tick=False),
        pytest.raises(ValidationError, match="Add an addendum"),
    ):
        casenote_update(
            note=note,
            editor=world.planner_a,
            subject="Late fix",
            body="x",
            contact_method="phone",
            two_way=True,
            contact_date=DAY,
        )


def test_only_the_author_edits(world):
    note = write(world)
    with pytest.raises(PermissionDenied):
        casenote_update(
            note=note,
            editor=world.supervisor_a,
            subject="x",
            body="x",
            contact_method="phone",
            two_way=True,
            contact_date=DAY,
        )


def test_the_edit_page_after_24_hours_sends_to_the_addendum(world):
    with time_machine.travel(at(DAY), tick=False):
        note = write(world)
    response = client_for(world.planner_a).get(
        reverse("casenotes:edit", kwargs={"pk": world.customer_a.pk, "note_pk": note.pk})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "casenotes:addendum", kwargs={"pk": world.customer_a.pk, "note_pk": note.pk}
    )


def test_an_addendum_keeps_the_original_and_links_to_it(world):
    note = write(world)
    addendum = casenote_add_addendum(
        original=note, author=world.supervisor_a, body="The openings were in Decatur."
    )
    note.refresh_from_db()
    assert note.body == "Career planner called the customer about two warehouse openings."
    assert addendum.addendum_to == note and addendum.note_type == NoteType.ADDENDUM
    assert addendum.subject.startswith("Addendum to 11/02/2026")
    assert not addendum.two_way


def test_there_is_no_way_to_delete_a_note():
    from django.urls import get_resolver

    names = [p.name for p in get_resolver().url_patterns if getattr(p, "name", None)]
    names += [
        p.name
        for r in get_resolver().url_patterns
        for p in getattr(r, "url_patterns", [])
        if getattr(p, "name", "")
    ]
    assert not [n for n in names if "delete" in (n or "")]


def test_edits_and_addenda_are_in_the_update_log(world):
    note = write(world)
    casenote_update(
        note=note,
        editor=world.planner_a,
        subject="Corrected subject",
        body=note.body,
        contact_method="phone",
        two_way=True,
        contact_date=DAY,
    )
    events = pghistory.models.Events.objects.tracks(note)
    assert [e.pgh_label for e in events.order_by("pgh_created_at", "pgh_id")] == [
        "insert",
        "update",
    ]
    diff = events.filter(pgh_label="update").get().pgh_diff
    assert diff["subject"] == ["Service Strategy/Job Search", "Corrected subject"]


# --- Search ----------------------------------------------------------------------------------


def test_search_within_a_customers_notes(world):
    write(world, body="Discussed forklift certification at the community college.")
    write(world, body="Left a voicemail about the resume.", two_way=False)
    response = client_for(world.planner_a).post(
        reverse("casenotes:list", kwargs={"pk": world.customer_a.pk}), {"q": "forklift"}
    )
    notes = response.context["notes"]
    assert [n.body for n in notes] == ["Discussed forklift certification at the community college."]


def test_the_notes_list_query_count_does_not_grow(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.planner_a)
    url = reverse("casenotes:list", kwargs={"pk": world.customer_a.pk})
    write(world)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        write(world)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)

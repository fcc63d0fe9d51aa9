import datetime
import zoneinfo

import pghistory.models
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, transaction
from django.urls import reverse

from casenotes.guide import note_warnings, template_for
from casenotes.models import CaseNote, NoteType
from casenotes.selectors import acronym_map
from casenotes.services import casenote_add_addendum, casenote_create, casenote_current
from tests.conftest import World, client_for
from tests.readback import assert_saved, form_page_fields, submit

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
    response = submit(
        client,
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
    response = submit(
        client_for(world.planner_a),
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


# --- Notes are never changed: addenda and corrections -------------------------------------


def test_a_saved_note_cannot_be_changed_or_deleted_in_the_database(world):
    note = write(world)
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        CaseNote.objects.filter(pk=note.pk).update(two_way=False)
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        CaseNote.objects.filter(pk=note.pk).delete()
    assert_saved(CaseNote, note.pk, two_way=True, body=note.body)


def test_there_is_no_edit_page_for_a_note(world):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("casenotes:edit", kwargs={"pk": world.customer_a.pk, "note_pk": 1})


def test_an_addendum_keeps_the_original_and_links_to_it(world):
    note = write(world)
    addendum = casenote_add_addendum(
        original=note, author=world.supervisor_a, body="The openings were in Decatur."
    )
    assert_saved(
        CaseNote, note.pk, body="Career planner called the customer about two warehouse openings."
    )
    stored = assert_saved(
        CaseNote,
        addendum.pk,
        addendum_to=note,
        note_type=NoteType.ADDENDUM,
        author=world.supervisor_a,
        body="The openings were in Decatur.",
        two_way=False,
        corrects=None,
    )
    assert stored.subject.startswith("Addendum to 11/02/2026")


def test_a_correction_of_the_two_way_flag_supersedes_the_contact(world):
    with time_machine.travel(at(DAY + datetime.timedelta(days=2)), tick=False):
        note = write(world)
        correction = casenote_add_addendum(
            original=note,
            author=world.supervisor_a,
            body="The customer did not answer; the planner left a voicemail.",
            two_way=False,
        )
    stored = assert_saved(
        CaseNote,
        correction.pk,
        corrects=note,
        addendum_to=note,
        two_way=False,
        contact_date=DAY,
        author=world.supervisor_a,
    )
    assert "recorded as an attempt only" in stored.body
    assert "left a voicemail" in stored.body
    assert_saved(CaseNote, note.pk, two_way=True)  # the original is as it was
    assert casenote_current(note) == correction


def test_a_second_correction_supersedes_the_first(world):
    note = write(world)
    first = casenote_add_addendum(original=note, author=world.planner_a, body="x", two_way=False)
    second = casenote_add_addendum(
        original=note,
        author=world.planner_a,
        body="The customer called back the same day.",
        contact_date=DAY - datetime.timedelta(days=1),
    )
    assert_saved(
        CaseNote,
        second.pk,
        corrects=first,
        two_way=False,
        contact_date=DAY - datetime.timedelta(days=1),
    )
    assert casenote_current(note) == second


def test_a_correction_that_changes_nothing_is_refused(world):
    note = write(world)
    with pytest.raises(ValidationError, match="already records"):
        casenote_add_addendum(original=note, author=world.planner_a, body="x", two_way=True)
    assert CaseNote.objects.count() == 1


def test_a_correction_keeps_the_late_flag_of_the_original(world):
    with time_machine.travel(at(DAY + datetime.timedelta(days=11)), tick=False):
        note = write(world)
    with time_machine.travel(at(DAY + datetime.timedelta(days=12)), tick=False):
        correction = casenote_add_addendum(
            original=note,
            author=world.planner_a,
            body="It was a day earlier.",
            contact_date=DAY - datetime.timedelta(days=1),
        )
    assert_saved(CaseNote, note.pk, entered_late=True)
    assert_saved(CaseNote, correction.pk, entered_late=True)


def test_a_correction_to_a_future_contact_date_is_refused(world):
    note = write(world)
    with (
        time_machine.travel(at(DAY + datetime.timedelta(days=1)), tick=False),
        pytest.raises(ValidationError, match="cannot be in the future"),
    ):
        casenote_add_addendum(
            original=note,
            author=world.planner_a,
            body="x",
            contact_date=DAY + datetime.timedelta(days=5),
        )
    assert CaseNote.objects.count() == 1


def test_the_addendum_page_records_a_correction_once(world):
    note = write(world)
    client = client_for(world.planner_a)
    url = reverse("casenotes:addendum", kwargs={"pk": world.customer_a.pk, "note_pk": note.pk})
    page = client.get(url)
    hidden = form_page_fields(page.content.decode())
    data = {**hidden, "body": "The planner reached voicemail only.", "corrected_two_way": "no"}
    first = client.post(url, data, follow=True)
    assert "Correction saved" in first.content.decode()
    again = client.post(url, data, follow=True)
    assert "submitted already" in again.content.decode()
    [correction] = CaseNote.objects.filter(addendum_to=note)
    assert_saved(CaseNote, correction.pk, corrects=note, two_way=False, author=world.planner_a)
    html = client.get(
        reverse("casenotes:list", kwargs={"pk": world.customer_a.pk})
    ).content.decode()
    assert "Corrected below" in html and "Now: 11/02/2026, attempt" in html


def test_notes_and_addenda_are_in_the_update_log(world):
    note = write(world)
    casenote_add_addendum(original=note, author=world.planner_a, body="More.", two_way=False)
    events = pghistory.models.Events.objects.references(world.customer_a).filter(
        pgh_model="casenotes.CaseNoteEvent"
    )
    assert sorted(e.pgh_label for e in events) == ["insert", "insert"]


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


# --- Template prompts are not the planner's words ---------------------------------------------


def test_a_template_prompt_left_empty_is_refused_naming_the_parts(world):
    body = (
        template_for(NoteType.TRAINING_BEGIN)
        .body.replace("Start date: ", "Start date: 11/02/2026")
        .replace("Provider: ", "Provider: Lincoln Land Community College")
    )
    with pytest.raises(ValidationError) as refused:
        write(world, note_type=NoteType.TRAINING_BEGIN, body=body)
    assert "Training program, Cost, Planned end date" in str(refused.value)
    assert CaseNote.objects.count() == 0


def test_the_saved_body_holds_only_what_the_planner_wrote(world):
    template = template_for(NoteType.GENERAL)
    body = template.body + "\nCareer planner called the customer about a forklift class."
    note = write(world, body=body)
    assert_saved(
        CaseNote, note.pk, body="Career planner called the customer about a forklift class."
    )


def test_empty_labels_of_another_type_are_dropped_not_refused(world):
    body = "Referred by: \nCareer planner met the customer at the front desk."
    note = write(world, note_type=NoteType.GENERAL, body=body)
    assert_saved(CaseNote, note.pk, body="Career planner met the customer at the front desk.")


def test_a_note_of_nothing_but_the_template_is_refused(world):
    with pytest.raises(ValidationError, match="Employers contacted, How contacted"):
        write(world, note_type=NoteType.JOB_DEVELOPMENT, body=template_for("job_development").body)


def test_the_form_keeps_what_was_typed_when_prompts_are_left(world):
    client = client_for(world.planner_a)
    url = reverse("casenotes:create", kwargs={"pk": world.customer_a.pk})
    body = "Referred by: the front desk\nServices discussed: \nVeteran status checked: yes\nNext steps: "
    response = submit(
        client,
        url,
        {
            "note_type": "initial",
            "contact_date": "2026-11-20",
            "contact_method": "in_person",
            "two_way": "yes",
            "subject": "Initial Contact/Introduction",
            "body": body,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Services discussed, Next steps" in html
    assert "Referred by: the front desk" in html
    assert CaseNote.objects.count() == 0


# --- Create once ----------------------------------------------------------------------------


def _note_form(**overrides: str) -> dict[str, str]:
    return {
        "note_type": "general",
        "contact_date": "2026-11-20",
        "contact_method": "phone",
        "two_way": "yes",
        "subject": "Check-in",
        "body": "Career planner called the customer about a forklift class.",
        **overrides,
    }


@time_machine.travel(at(datetime.date(2026, 11, 25)), tick=False)
def test_a_note_form_saves_exactly_what_was_entered(world):
    record = world.customer_a.services.first()
    response = submit(
        client_for(world.planner_a),
        reverse("casenotes:create", kwargs={"pk": world.customer_a.pk}),
        _note_form(contact_method="email", two_way="no", subject="Follow-Up"),
    )
    assert response.status_code == 302
    [note] = CaseNote.objects.filter(customer=world.customer_a)
    assert record is None
    assert_saved(
        CaseNote,
        note.pk,
        contact_date=datetime.date(2026, 11, 20),
        contact_method="email",
        two_way=False,
        subject="Follow-Up",
        body="Career planner called the customer about a forklift class.",
        author=world.planner_a,
        note_type="general",
        entered_late=False,
    )


@time_machine.travel(at(datetime.date(2026, 11, 25)), tick=False)
def test_a_second_submission_of_the_same_note_form_records_nothing(world):
    client = client_for(world.planner_a)
    url = reverse("casenotes:create", kwargs={"pk": world.customer_a.pk})
    data = {**form_page_fields(client.get(url).content.decode()), **_note_form()}
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert CaseNote.objects.filter(customer=world.customer_a).count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "submitted already" in second.content.decode()


def test_a_note_form_without_its_token_records_nothing(world):
    response = client_for(world.planner_a).post(
        reverse("casenotes:create", kwargs={"pk": world.customer_a.pk}), _note_form()
    )
    assert response.status_code == 200
    assert "out of date" in response.content.decode()
    assert CaseNote.objects.count() == 0


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

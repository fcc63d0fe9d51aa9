import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import (
    Barrier,
    Customer,
    DocumentType,
    EligibilityDocument,
    PartnerProgram,
    Program,
    Status,
)
from customers.pii import ssn_decrypt
from customers.rules import eligibility_date_problem
from customers.selectors import customer_find_duplicates, customer_history
from customers.services import customer_reassign, customer_update
from tests.conftest import World, client_for
from tests.factories import make_customer, make_user
from tests.readback import assert_saved, submit

APPLIED = datetime.date(2026, 10, 1)


def registration(world: World, **overrides: object) -> dict[str, object]:
    data = {
        "first_name": "Rosa",
        "last_name": "Quintero",
        "date_of_birth": "1988-03-14",
        "phone": "(217) 555-0199",
        "email": "",
        "preferred_contact_method": "phone",
        "programs": ["adult"],
        "veteran_status": "no",
        "application_date": "2026-10-01",
        "office": world.office_a.pk,
        "career_planner": world.planner_a.pk,
    }
    data.update(overrides)
    return data


# --- The 30-day eligibility rule -------------------------------------------------


def test_eligibility_on_day_30_is_on_time():
    assert (
        eligibility_date_problem(
            application_date=APPLIED,
            eligibility_date=APPLIED + datetime.timedelta(days=30),
            late_reason="",
        )
        is None
    )


def test_eligibility_on_day_31_without_a_reason_is_refused():
    problem = eligibility_date_problem(
        application_date=APPLIED,
        eligibility_date=APPLIED + datetime.timedelta(days=31),
        late_reason="  ",
    )
    assert problem is not None
    assert "within 30 days" in problem and "31 days" in problem and "reason" in problem


def test_eligibility_on_day_31_with_a_reason_is_accepted():
    assert (
        eligibility_date_problem(
            application_date=APPLIED,
            eligibility_date=APPLIED + datetime.timedelta(days=31),
            late_reason="Waiting for the layoff letter",
        )
        is None
    )


def test_eligibility_before_the_application_is_refused():
    problem = eligibility_date_problem(
        application_date=APPLIED,
        eligibility_date=APPLIED - datetime.timedelta(days=1),
        late_reason="",
    )
    assert problem and "before the application" in problem


def test_the_form_refuses_day_31_and_keeps_what_was_entered(world: World):
    response = submit(
        client_for(world.planner_a),
        reverse("customers:create"),
        registration(world, eligibility_date="2026-11-01"),
    )
    assert response.status_code == 200
    assert "within 30 days" in response.content.decode()
    assert 'value="Quintero"' in response.content.decode()
    assert not Customer.objects.filter(last_name="Quintero").exists()


def test_the_service_refuses_day_31_too(world: World):
    customer = world.customer_a
    with pytest.raises(Exception, match="within 30 days"):
        customer_update(
            customer=customer,
            updated_by=world.planner_a,
            fields={"eligibility_date": customer.application_date + datetime.timedelta(days=31)},
        )


# --- Registration, duplicates, SSN --------------------------------------------------


def test_a_planner_registers_a_customer(world: World):
    barrier = Barrier.objects.get(name="No childcare")
    response = submit(
        client_for(world.planner_a),
        reverse("customers:create"),
        registration(world, barriers=[barrier.pk]),
    )
    customer = Customer.objects.get(last_name="Quintero")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", kwargs={"pk": customer.pk})
    assert customer.customer_number.startswith("C") and len(customer.customer_number) == 8
    assert customer.phone == "2175550199"
    assert customer.status == Status.APPLICANT
    assert customer.created_by == world.planner_a
    assert list(customer.barriers.all()) == [barrier]


def test_registration_warns_of_a_duplicate_and_links_to_it(world: World):
    existing = make_customer(
        office=world.office_a,
        planner=world.planner_a,
        first_name="Rosa",
        last_name="Quintero",
        date_of_birth=datetime.date(1988, 3, 14),
    )
    response = submit(
        client_for(world.planner_a),
        reverse("customers:create"),
        registration(world, first_name="ROSA"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Possible duplicate" in html
    assert reverse("customers:detail", kwargs={"pk": existing.pk}) in html
    assert Customer.objects.filter(last_name="Quintero").count() == 1


def test_a_duplicate_in_another_office_is_named_but_not_linked(world: World):
    hidden = make_customer(
        office=world.office_b,
        planner=world.planner_b,
        first_name="Rosa",
        last_name="Quintero",
        date_of_birth=datetime.date(1988, 3, 14),
    )
    response = submit(client_for(world.planner_a), reverse("customers:create"), registration(world))
    html = response.content.decode()
    assert "Possible duplicate" in html and world.office_b.name in html
    assert reverse("customers:detail", kwargs={"pk": hidden.pk}) not in html
    assert hidden.customer_number not in html


def test_confirming_a_different_person_registers_anyway(world: World):
    make_customer(
        office=world.office_a,
        planner=world.planner_a,
        first_name="Rosa",
        last_name="Quintero",
        date_of_birth=datetime.date(1988, 3, 14),
    )
    response = submit(
        client_for(world.planner_a),
        reverse("customers:create"),
        registration(world, confirm_not_duplicate="on"),
    )
    assert response.status_code == 302
    assert Customer.objects.filter(last_name="Quintero").count() == 2


def test_the_same_ssn_under_another_name_is_a_duplicate(world: World):
    make_customer(office=world.office_b, planner=world.planner_b, ssn="123-45-6789")
    found = customer_find_duplicates(
        first_name="Someone",
        last_name="Else",
        date_of_birth=datetime.date(2000, 1, 1),
        ssn="123456789",
    )
    assert found.count() == 1
    assert not customer_find_duplicates(
        first_name="Someone",
        last_name="Else",
        date_of_birth=datetime.date(2000, 1, 1),
        ssn="123-45-6780",
    ).exists()


def test_the_full_ssn_is_not_stored_in_clear(world: World):
    customer = make_customer(office=world.office_a, planner=world.planner_a, ssn="219-09-9999")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ssn_encrypted, ssn_hash, ssn_last4 FROM customers_customer WHERE id = %s",
            [customer.pk],
        )
        encrypted, keyed_hash, last4 = cursor.fetchone()
        cursor.execute("SELECT row_to_json(e)::text FROM customers_customerevent e")
        history = " ".join(r[0] for r in cursor.fetchall())
    assert "219099999" not in encrypted and "219-09-9999" not in encrypted
    assert ssn_decrypt(encrypted) == "219099999"
    assert len(keyed_hash) == 64 and "219099999" not in keyed_hash
    assert last4 == "9999"
    assert "219099999" not in history and encrypted not in history and keyed_hash not in history


def test_the_ssn_never_appears_on_pages(world: World):
    client = client_for(world.planner_a)
    response = submit(client, reverse("customers:create"), registration(world, ssn="219-09-9999"))
    customer = Customer.objects.get(last_name="Quintero")
    assert response.status_code == 302
    for name in ("detail", "edit", "history"):
        html = client.get(reverse(f"customers:{name}", kwargs={"pk": customer.pk})).content.decode()
        assert "219099999" not in html and "219-09-9999" not in html
        assert "9999" in html  # last 4 is shown


def test_an_invalid_ssn_is_refused_without_echoing_it(world: World):
    response = submit(
        client_for(world.planner_a),
        reverse("customers:create"),
        registration(world, ssn="000-12-3456"),
    )
    html = response.content.decode()
    assert "not a valid Social Security number" in html
    assert "000-12-3456" not in html


# --- Caseload and search -------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "field"),
    [
        ("Quin", "last name"),
        ("rosa quin", "first and last name"),
        ("Quintero, Rosa", "last, first"),
        ("03/14/1988", "birth date"),
        ("1988-03-14", "ISO birth date"),
        ("4321", "last 4"),
        ("217-555-0199", "phone"),
        ("rosa.q@example.org", "email"),
    ],
)
def test_search_finds_a_customer_by(world: World, term: str, field: str):
    customer = make_customer(
        office=world.office_a,
        planner=world.planner_a,
        first_name="Rosa",
        last_name="Quintero",
        date_of_birth=datetime.date(1988, 3, 14),
        ssn_last4="4321",
        phone="2175550199",
        email="rosa.q@example.org",
    )
    response = client_for(world.planner_a).post(
        reverse("customers:list"), {"q": term, "scope": "office"}, follow=True
    )
    assert list(response.context["page"].object_list) == [customer], field


def test_search_finds_by_customer_id(world: World):
    response = client_for(world.planner_a).post(
        reverse("customers:list"),
        {"q": world.customer_a.customer_number, "scope": "office"},
    )
    assert list(response.context["page"].object_list) == [world.customer_a]


def test_search_never_returns_another_offices_customer(world: World):
    response = client_for(world.planner_a).post(
        reverse("customers:list"), {"q": world.customer_b.last_name, "scope": "office"}
    )
    assert world.customer_b not in response.context["page"].object_list
    assert world.customer_a in response.context["page"].object_list


def test_search_text_never_travels_in_the_url_nor_stays_in_the_session(world: World):
    client = client_for(world.planner_a)
    response = client.post(reverse("customers:list"), {"q": "05/17/1990", "scope": "office"})
    assert response.status_code == 200  # the results answer the post itself
    assert world.customer_a in response.context["page"].object_list
    assert 'value="05/17/1990"' in response.content.decode()
    assert "1990" not in str(dict(client.session.items()))  # nothing of the search is kept
    again = client.get(reverse("customers:list"), {"scope": "office"})
    assert again.context["filters"].q == ""
    bookmarked = client.get(reverse("customers:list"), {"q": "Sample", "scope": "office"})
    assert bookmarked.context["filters"].q == ""  # a ?q= address searches nothing
    htmx = client.post(
        reverse("customers:list"), {"q": "Sample", "scope": "office"}, HTTP_HX_REQUEST="true"
    )
    assert "Sample" not in htmx["HX-Push-Url"]


def test_a_searchs_next_page_is_posted(world: World):
    for _ in range(30):
        make_customer(office=world.office_a, planner=world.planner_a, last_name="Pagetest")
    response = client_for(world.planner_a).post(
        reverse("customers:list"), {"q": "Pagetest", "scope": "office"}
    )
    html = response.content.decode()
    assert not [href for href in re.findall(r'href="([^"]*)"', html) if "Pagetest" in href]
    assert 'name="page" value="2"' in html
    second = client_for(world.planner_a).post(
        reverse("customers:list"), {"q": "Pagetest", "scope": "office", "page": "2"}
    )
    assert second.context["page"].number == 2
    assert len(second.context["page"].object_list) == 5


def test_a_tracker_cannot_search_by_birth_date_or_ssn_digits(world: World):
    customer = world.customer_a
    client = client_for(world.tracker_a)
    for text in ("05/17/1990", "1990-05-17"):
        response = client.post(reverse("customers:list"), {"q": text, "scope": "office"})
        assert list(response.context["page"].object_list) == [], text
    by_name = client.post(reverse("customers:list"), {"q": customer.last_name, "scope": "office"})
    assert customer in by_name.context["page"].object_list
    assert "05/17/1990" not in by_name.content.decode()


def test_the_caseload_filters_by_status_program_and_planner(world: World):
    other_planner = make_user("planner_c", "Career planner", offices=[world.office_a])
    youth = make_customer(office=world.office_a, planner=other_planner, programs=[Program.YOUTH])
    Customer.objects.filter(pk=youth.pk).update(status=Status.PARTICIPANT)
    client = client_for(world.supervisor_a)
    url = reverse("customers:list")
    assert list(client.get(url, {"scope": "office", "program": "youth"}).context["page"]) == [youth]
    assert list(client.get(url, {"scope": "office", "status": "participant"}).context["page"]) == [
        youth
    ]
    planner_page = client.get(url, {"scope": "office", "planner": world.planner_a.pk}).context[
        "page"
    ]
    assert list(planner_page) == [world.customer_a]


def test_an_htmx_request_gets_only_the_results(world: World):
    response = client_for(world.planner_a).get(reverse("customers:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "results-table" in html


def test_the_caseload_query_count_does_not_grow_with_rows(world: World):
    client = client_for(world.planner_a)
    url = reverse("customers:list")
    client.get(url)  # warm caches (content types, permissions)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"scope": "office"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count_queries()
    for _ in range(30):
        make_customer(office=world.office_a, planner=world.planner_a)
    many = count_queries()
    page = client.get(url, {"scope": "office"})
    assert len(page.context["page"].object_list) == 25
    assert "Page 1 of 2" in page.content.decode() and "page=2" in page.content.decode()
    assert few == many


# --- Reassignment, documents, update log --------------------------------------------


def test_a_supervisor_reassigns_with_a_reason_kept_in_the_log(world: World):
    new_planner = make_user("planner_c", "Career planner", offices=[world.office_a])
    response = submit(
        client_for(world.supervisor_a),
        reverse("customers:reassign", kwargs={"pk": world.customer_a.pk}),
        {"career_planner": new_planner.pk, "reason": "Caseload balancing"},
    )
    assert response.status_code == 302
    world.customer_a.refresh_from_db()
    assert world.customer_a.career_planner == new_planner
    entry = next(e for e in customer_history(world.customer_a) if e.reason)
    assert entry.reason == "Caseload balancing"
    assert ("Career planner", str(world.planner_a), str(new_planner)) in entry.changes


def test_a_supervisor_cannot_reassign_to_another_offices_planner(world: World):
    with pytest.raises(Exception, match="does not work in"):
        customer_reassign(
            customer=world.customer_a,
            career_planner=world.planner_b,
            reassigned_by=world.supervisor_a,
            reason="x",
        )


def test_the_update_log_shows_who_changed_what(world: World):
    client = client_for(world.planner_a)
    data = registration(world, first_name="Ada", last_name=world.customer_a.last_name)
    data.pop("office")
    data.pop("career_planner")
    data["barriers"] = [Barrier.objects.get(name="Homeless").pk]
    response = submit(client, reverse("customers:edit", kwargs={"pk": world.customer_a.pk}), data)
    assert response.status_code == 302
    html = client.get(
        reverse("customers:history", kwargs={"pk": world.customer_a.pk})
    ).content.decode()
    assert "registered the customer." in html
    assert "P. Tester added the barrier Homeless." in html
    # A personal detail is named as changed, without its values (least access).
    log = customer_history(world.customer_a)
    [changed] = [e for e in log if e.action == "Changed"]
    assert changed.sentence.startswith("P. Tester changed ")
    assert "the date of birth" in changed.sentence and changed.sentence in html
    assert ("Date of birth", "", "") in changed.changes
    assert not any("1988" in e.sentence or "1990" in e.sentence for e in log)


def test_documents_upload_and_download_within_the_office(world: World):
    client = client_for(world.planner_a)
    url = reverse("customers:documents", kwargs={"pk": world.customer_a.pk})
    upload = SimpleUploadedFile("scan of id.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    response = submit(
        client, url, {"document_type": DocumentType.objects.first().pk, "file": upload}
    )
    assert response.status_code == 302
    document = world.customer_a.documents.get()
    assert "scan of id" not in document.file.name
    download = client.get(
        reverse(
            "customers:document", kwargs={"pk": world.customer_a.pk, "document_pk": document.pk}
        )
    )
    assert b"".join(download.streaming_content) == b"%PDF-1.4 hello"
    other = client_for(world.planner_b).get(
        reverse(
            "customers:document", kwargs={"pk": world.customer_a.pk, "document_pk": document.pk}
        )
    )
    assert other.status_code == 404
    crossed = client_for(world.planner_b).get(
        reverse(
            "customers:document", kwargs={"pk": world.customer_b.pk, "document_pk": document.pk}
        )
    )
    assert crossed.status_code == 404


def test_a_file_that_is_not_a_scan_is_refused(world: World):
    client = client_for(world.planner_a)
    url = reverse("customers:documents", kwargs={"pk": world.customer_a.pk})
    fake = SimpleUploadedFile("id.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = submit(client, url, {"document_type": DocumentType.objects.first().pk, "file": fake})
    assert response.status_code == 200
    assert "does not look like a PDF" in response.content.decode()
    assert not world.customer_a.documents.exists()


def test_only_staff_who_carry_caseloads_are_offered_as_career_planners(world: World):
    form = client_for(world.supervisor_a).get(reverse("customers:create")).context["form"]
    offered = set(form.fields["career_planner"].queryset)
    assert {world.planner_a, world.supervisor_a} <= offered
    assert world.facilitator not in offered and world.tracker_a not in offered
    assert world.planner_b not in offered  # another office


# --- Read back what the forms saved ---------------------------------------------------------


def edit_data(world: World, **overrides: object) -> dict[str, object]:
    data = registration(world, first_name="Ada", last_name=world.customer_a.last_name)
    del data["office"], data["career_planner"]
    return {**data, **overrides}


def test_registration_saves_what_was_entered(world: World):
    barrier = Barrier.objects.get(name="No childcare")
    response = submit(
        client_for(world.planner_a),
        reverse("customers:create"),
        registration(
            world,
            middle_name="Luz",
            email="rosa.q@example.org",
            street="12 Elm Street",
            city="Decatur",
            state="il",
            postal_code="62521",
            veteran_status="veteran",
            eligibility_date="2026-10-20",
            certification_date="2026-10-21",
            barriers=[barrier.pk],
        ),
    )
    customer = Customer.objects.get(last_name="Quintero")
    assert response.status_code == 302
    assert_saved(
        Customer,
        customer.pk,
        first_name="Rosa",
        middle_name="Luz",
        last_name="Quintero",
        date_of_birth=datetime.date(1988, 3, 14),
        phone="2175550199",
        email="rosa.q@example.org",
        street="12 Elm Street",
        city="Decatur",
        state="IL",
        postal_code="62521",
        programs=["adult"],
        veteran_status="veteran",
        application_date=datetime.date(2026, 10, 1),
        eligibility_date=datetime.date(2026, 10, 20),
        certification_date=datetime.date(2026, 10, 21),
        office=world.office_a,
        career_planner=world.planner_a,
        barriers=[barrier],
    )


def test_the_customer_edit_saves_every_field_entered(world: World):
    customer = world.customer_a
    barriers = list(Barrier.objects.filter(name__in=["Homeless", "No childcare"]))
    partner = PartnerProgram.objects.first()
    response = submit(
        client_for(world.planner_a),
        reverse("customers:edit", kwargs={"pk": customer.pk}),
        edit_data(
            world,
            first_name="Adaline",
            middle_name="Mae",
            last_name="Samples",
            date_of_birth="1989-06-02",
            phone="312-555-0143",
            email="adaline@example.org",
            street="400 Harbor Street",
            city="Lakeview",
            state="il",
            postal_code="62801",
            preferred_contact_method="text",
            alternate_contact_name="June Samples",
            alternate_contact_phone="(312) 555-0144",
            alternate_contact_relationship="Sister",
            programs=["adult", "dw"],
            veteran_status="spouse",
            application_date="2026-09-01",
            eligibility_date="2026-10-15",
            eligibility_late_reason="Waiting for the layoff letter",
            certification_date="2026-10-16",
            ssn_last4="1234",
            barriers=[b.pk for b in barriers],
            partner_programs=[partner.pk],
        ),
    )
    assert response.status_code == 302
    assert_saved(
        Customer,
        customer.pk,
        first_name="Adaline",
        middle_name="Mae",
        last_name="Samples",
        date_of_birth=datetime.date(1989, 6, 2),
        phone="3125550143",
        email="adaline@example.org",
        street="400 Harbor Street",
        city="Lakeview",
        state="IL",
        postal_code="62801",
        preferred_contact_method="text",
        alternate_contact_name="June Samples",
        alternate_contact_phone="3125550144",
        alternate_contact_relationship="Sister",
        programs=["adult", "dw"],
        veteran_status="spouse",
        application_date=datetime.date(2026, 9, 1),
        eligibility_date=datetime.date(2026, 10, 15),
        eligibility_late_reason="Waiting for the layoff letter",
        certification_date=datetime.date(2026, 10, 16),
        ssn_last4="1234",
        barriers=barriers,
        partner_programs=[partner],
        office=world.office_a,
        career_planner=world.planner_a,
    )


def test_an_edit_that_changes_nothing_writes_nothing(world: World):
    customer = world.customer_a
    url = reverse("customers:edit", kwargs={"pk": customer.pk})
    data = edit_data(
        world,
        first_name=customer.first_name,
        date_of_birth=customer.date_of_birth.isoformat(),
        phone=customer.phone,
        email=customer.email,
    )
    assert submit(client_for(world.planner_a), url, data).status_code == 302
    assert_saved(Customer, customer.pk, lock_version=customer.lock_version)


def test_the_reassignment_saves_the_planner_chosen(world: World):
    new_planner = make_user("casey_c", "Career planner", offices=[world.office_a])
    response = submit(
        client_for(world.supervisor_a),
        reverse("customers:reassign", kwargs={"pk": world.customer_a.pk}),
        {"career_planner": new_planner.pk, "reason": "Planner on leave"},
    )
    assert response.status_code == 302
    assert_saved(
        Customer,
        world.customer_a.pk,
        career_planner=new_planner,
        office=world.office_a,
        lock_version=world.customer_a.lock_version + 1,
    )


def test_the_document_upload_saves_what_was_uploaded(world: World):
    client = client_for(world.planner_a)
    document_type = DocumentType.objects.last()
    response = submit(
        client,
        reverse("customers:documents", kwargs={"pk": world.customer_a.pk}),
        {
            "document_type": document_type.pk,
            "file": SimpleUploadedFile("layoff letter.PDF", b"%PDF-1.7 letter"),
        },
    )
    assert response.status_code == 302
    document = world.customer_a.documents.get()
    assert_saved(
        EligibilityDocument,
        document.pk,
        customer=world.customer_a,
        document_type=document_type,
        original_name="layoff letter.PDF",
        content_type="application/pdf",
        size=15,
        uploaded_by=world.planner_a,
    )
    assert document.file.read() == b"%PDF-1.7 letter"


def test_the_update_log_does_not_show_the_edit_version(world: World):
    client = client_for(world.planner_a)
    url = reverse("customers:edit", kwargs={"pk": world.customer_a.pk})
    homeless = Barrier.objects.get(name="Homeless")
    submit(client, url, edit_data(world, barriers=[homeless.pk]))
    html = client.get(
        reverse("customers:history", kwargs={"pk": world.customer_a.pk})
    ).content.decode()
    assert "P. Tester added the barrier Homeless." in html
    assert "Lock version" not in html and "lock version" not in html


# --- Hostile input: a clear message, nothing written ------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "A" * 81, "at most 80 characters"),
        ("first_name", "Ada\x00", "Null characters are not allowed"),
        ("city", "Spring\x00field", "Null characters are not allowed"),
        ("eligibility_late_reason", "x" * 10_001, "at most 10000 characters"),
        ("date_of_birth", "1990-02-30", "Enter a valid date"),
        ("application_date", "2026-13-01", "Enter a valid date"),
        ("barriers", ["\x00"], "Null characters are not allowed"),
        ("barriers", ["99999999999999999999"], "is not one of the available choices"),
        ("programs", ["adult\x00"], "Select a valid choice"),
    ],
)
def test_the_customer_edit_refuses_hostile_input_with_a_message(world, field, value, message):
    customer = world.customer_a
    response = submit(
        client_for(world.planner_a),
        reverse("customers:edit", kwargs={"pk": customer.pk}),
        edit_data(world, alternate_contact_name="June Sample", **{field: value}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert_saved(Customer, customer.pk, alternate_contact_name="", lock_version=1)


def test_the_reassignment_refuses_an_overlong_reason(world: World):
    new_planner = make_user("casey_c", "Career planner", offices=[world.office_a])
    response = submit(
        client_for(world.supervisor_a),
        reverse("customers:reassign", kwargs={"pk": world.customer_a.pk}),
        {"career_planner": new_planner.pk, "reason": "x" * 501},
    )
    assert response.status_code == 200
    assert "at most 500 characters" in response.content.decode()
    assert_saved(Customer, world.customer_a.pk, career_planner=world.planner_a)

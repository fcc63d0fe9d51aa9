"""A refused form says every problem at once, in a summary at the top linked to each
field; a note's contact method and kind of contact are chosen, never assumed; text limits
are named."""

import datetime
import re
import uuid

import pytest
import time_machine
from crispy_forms.layout import Div
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from casemgmt.forms import form_helper
from casemgmt.models import Office
from casemgmt.templatetags.error_summary import form_problems
from casenotes.forms import (
    CONTACT_METHOD_REQUIRED,
    TWO_WAY_REQUIRED,
    AddendumForm,
    contact_method_field,
    require_contact_choices,
    two_way_field,
)
from casenotes.models import CaseNote, NoteType
from casenotes.services import casenote_create
from customers.models import Customer
from plans.forms import GoalForm
from plans.models import Plan
from tests.conftest import World, client_for
from tests.factories import make_plan
from tests.readback import assert_saved, form_page_fields, submit
from workshops.forms_sessions import RatesFilterForm
from workshops.models import Session

NOW = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)  # 11:00 on 11/20 in Chicago
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _html(response) -> str:  # noqa: ANN001
    return response.content.decode()


def _summary(html: str) -> list[tuple[str, str]]:
    """The summary's problems as (link target, text); the target is "" for plain text."""
    box = re.search(r"<div class=\"error-summary[^>]*>(.*?)</ul>", html, re.DOTALL)
    assert box, "the page shows no error summary"
    items = re.findall(r"<li>(.*?)</li>", box.group(1), re.DOTALL)
    found = []
    for item in items:
        link = re.search(r'href="#([^"]+)"', item)
        text = re.sub(r"<[^>]+>|\s+", " ", item).strip()
        found.append((link.group(1) if link else "", text))
    return found


def _heading(html: str) -> str:
    match = re.search(r'<h2 class="h5 error-summary-title"[^>]*>(.*?)</h2>', html, re.DOTALL)
    assert match
    return match.group(1).strip()


# --- The summary itself -------------------------------------------------------------------


class _Example(forms.Form):
    name = forms.CharField(label="Full name")
    kind = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, label="Kind of thing"
    )
    tags = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, label="Tags"
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The page shows the tags first: the summary follows the page, not the class.
        self.helper = form_helper(Div("tags"), "kind", "name")

    def clean(self) -> dict[str, object]:
        self.add_error(None, "Someone else saved this first.")
        return super().clean()


def test_it_lists_the_whole_form_first_then_each_field_in_page_order_linked_to_its_input(db):
    form = _Example(data={"name": ""})

    problems = form_problems(form)

    assert [(p.href, p.text) for p in problems] == [
        ("", "Someone else saved this first."),
        ("#id_tags_0", "Tags: This field is required."),
        ("#id_kind_0", "Kind of thing: This field is required."),
        ("#id_name", "Full name: This field is required."),
        ("", "This field is required."),  # the hidden field's: nothing to link to
    ]


def test_a_message_that_names_its_field_is_not_prefixed_with_the_label_again(db):
    form = GoalForm(data={"statement": "x" * 150, "category": "career", "term": "long"})

    [problem] = [p for p in form_problems(form) if p.href == "#id_statement"]

    assert problem.text == "Statement holds at most 144 characters; this has 150."


def _render(source: str, form: forms.Form, method: str = "POST") -> str:
    request = getattr(RequestFactory(), method.lower())("/")
    return Template(source).render(Context({"form": form, "request": request}))


def test_it_is_drawn_once_where_the_page_puts_it_and_not_again_by_crispy(db):
    form = _Example(data={"name": ""})

    html = _render(
        "{% load error_summary crispy_forms_tags %}<h1>Page</h1>{% error_summary form %}"
        "<form>{% crispy form %}</form>",
        form,
    )

    assert html.count("data-error-summary") == 1
    assert html.index("data-error-summary") < html.index("<form>")
    assert _heading(html) == "Nothing was saved: fix 5 problems"


def test_crispy_draws_it_at_the_top_of_the_form_when_the_page_does_not(db):
    html = _render("{% load crispy_forms_tags %}{{ form|crispy }}", _Example(data={}))

    assert html.count("data-error-summary") == 1
    assert 'tabindex="-1"' in html and 'role="alert"' in html
    assert html.index("data-error-summary") < html.index('name="tags"')


def test_a_filter_or_a_fine_form_gets_no_summary_and_a_search_is_not_said_to_save(db):
    blank = "{% load error_summary %}{% error_summary form %}"
    assert "error-summary" not in _render(blank, _Example())  # not submitted
    rates = RatesFilterForm(
        {"start": "yesterday"},
        offices=Office.objects.none(),
        sessions=Session.objects.none(),
        measures=[],
        on=TODAY,
    )
    html = _render(blank, rates, method="GET")
    assert _heading(html) == "There is a problem: fix 1 problem"


# --- Case notes: the contact method and the kind of contact are chosen ----------------------


def _note_url(customer: Customer) -> str:
    return reverse("casenotes:create", kwargs={"pk": customer.pk})


NOTE = {
    "note_type": "general",
    "contact_date": "2026-11-20",
    "subject": "Check-in",
    "body": "Career planner called the customer about a forklift class.",
}


def test_the_note_form_starts_with_no_contact_method_and_no_kind_of_contact(world: World):
    html = _html(client_for(world.planner_a).get(_note_url(world.customer_a)))

    method = re.search(r'<select name="contact_method".*?</select>', html, re.DOTALL).group(0)
    assert re.findall(r"<option[^>]*selected[^>]*>([^<]*)<", method) == ["Choose…"]
    radios = re.findall(r'<input type="radio"[^>]*name="two_way"[^>]*>', html)
    assert len(radios) == 2 and not any("checked" in radio for radio in radios)


def test_a_note_without_its_contact_method_and_kind_of_contact_is_refused_by_name(
    world: World,
):
    client = client_for(world.planner_a)
    url = _note_url(world.customer_a)

    refused = submit(client, url, NOTE)

    assert refused.status_code == 200
    assert not CaseNote.objects.exists()
    html = _html(refused)
    assert _summary(html) == [
        ("id_contact_method", CONTACT_METHOD_REQUIRED),
        ("id_two_way_0", f"Kind of contact: {TWO_WAY_REQUIRED}"),
    ]
    assert 'value="Check-in"' in html  # what was typed is kept

    saved = submit(client, url, {**NOTE, "contact_method": "email", "two_way": "no"})

    assert saved.status_code == 302
    note = CaseNote.objects.get()
    assert_saved(
        CaseNote,
        note.pk,
        customer=world.customer_a,
        contact_method="email",
        two_way=False,
        subject="Check-in",
        contact_date=TODAY,
    )


def test_every_problem_of_a_note_is_said_in_the_first_answer(world: World):
    refused = submit(
        client_for(world.planner_a),
        _note_url(world.customer_a),
        {
            "note_type": "initial",
            "contact_date": "2026-12-01",  # in the future
            "contact_method": "phone",
            "two_way": "",
            "subject": "",
            "body": "Referred by: \nServices discussed: forklift class\n"
            "Customer gave 219-09-9999 as the SSN.",
        },
    )

    assert refused.status_code == 200
    assert not CaseNote.objects.exists()
    problems = dict(_summary(_html(refused)))
    assert problems.keys() == {"id_contact_date", "id_two_way_0", "id_subject", "id_body"}
    assert "cannot be in the future" in problems["id_contact_date"]
    body = [text for target, text in _summary(_html(refused)) if target == "id_body"]
    assert len(body) == 2
    assert "nothing written: Referred by." in body[0]
    assert "Social Security number" in body[1]
    assert _heading(_html(refused)) == "Nothing was saved: fix 5 problems"


def test_a_masked_ssn_is_saved_masked_with_the_choices_made(world: World):
    client = client_for(world.planner_a)
    body = "Customer read 219-09-9999 aloud from a card."
    refused = submit(client, _note_url(world.customer_a), {**NOTE, "body": body})
    assert 'name="mask_ssn"' in _html(refused)  # offered with the other problems

    saved = submit(
        client,
        _note_url(world.customer_a),
        {**NOTE, "body": body, "mask_ssn": "1", "contact_method": "phone", "two_way": "yes"},
    )

    assert saved.status_code == 302
    note = CaseNote.objects.get()
    assert_saved(
        CaseNote, note.pk, body="Customer read XXX-XX-9999 aloud from a card.", two_way=True
    )


def test_an_addendum_says_its_date_and_its_text_problems_together(world: World):
    note = casenote_create(
        customer=world.customer_a,
        author=world.planner_a,
        contact_date=datetime.date(2026, 11, 2),
        subject="Check-in",
        body="Career planner called the customer.",
        contact_method="phone",
        two_way=True,
    )
    form = AddendumForm(
        data={
            "body": "The SSN is 219-09-9999.",
            "corrected_contact_date": "2026-12-01",
            "submission_token": str(uuid.uuid4()),
        },
        current=note,
    )

    assert not form.is_valid()
    assert "cannot be in the future" in form.errors["corrected_contact_date"][0]
    assert "Social Security number" in form.errors["body"][0]


class _OptionalNote(forms.Form):
    """A form whose note is optional, as a service's: written, it needs its choices."""

    note_body = forms.CharField(required=False)
    note_contact_method = contact_method_field(required=False)
    note_two_way = two_way_field(required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("note_body"):
            require_contact_choices(self, method="note_contact_method", two_way="note_two_way")
        return data


def test_an_optional_note_once_written_needs_its_contact_method_and_kind_of_contact(db):
    assert _OptionalNote(data={}).is_valid()
    written = _OptionalNote(data={"note_body": "Met the customer.", "note_two_way": "no"})

    assert not written.is_valid()
    assert written.errors == {"note_contact_method": [CONTACT_METHOD_REQUIRED]}


def test_the_trackers_contact_log_refuses_a_note_without_its_choices(world: World):
    client = client_for(world.tracker_a)
    url = reverse("compliance:log_contact", args=[world.customer_a.pk])
    form = {"note": "Left a voicemail.", "submission_token": str(uuid.uuid4())}

    refused = client.post(url, {**form, "two_way": "", "contact_method": ""}, follow=True)

    assert not CaseNote.objects.exists()
    html = _html(refused)
    assert "Nothing was logged" in html
    assert "Choose the contact method" in html and "two-way communication" in html

    client.post(url, {**form, "two_way": "no", "contact_method": "text"})

    note = CaseNote.objects.get()
    assert_saved(CaseNote, note.pk, two_way=False, contact_method="text", author=world.tracker_a)


def test_the_plan_review_starts_empty_and_is_refused_until_the_contact_is_chosen(
    world: World,
):
    make_plan(world.customer_a, world.planner_a)
    client = client_for(world.planner_a)
    url = reverse("plans:review", kwargs={"pk": world.customer_a.pk})
    page = _html(client.get(url))
    assert not re.search(r'name="two_way"[^>]*checked', page)
    review = {"reviewed_on": "2026-11-20", "note_body": "Reviewed each goal with the customer."}

    refused = submit(client, url, review)

    assert refused.status_code == 200
    targets = [target for target, _ in _summary(_html(refused))]
    assert targets == ["id_contact_method", "id_two_way_0"]
    assert Plan.objects.get().last_reviewed_on is None

    submit(client, url, {**review, "contact_method": "virtual", "two_way": "yes"})

    assert_saved(Plan, Plan.objects.get().pk, last_reviewed_on=TODAY)
    note = CaseNote.objects.get(note_type=NoteType.IEP, contact_date=TODAY)
    assert_saved(CaseNote, note.pk, contact_method="virtual", two_way=True)


# --- One round for every form ---------------------------------------------------------------


def test_registration_says_every_independent_problem_at_once(world: World):
    refused = submit(
        client_for(world.planner_a),
        reverse("customers:create"),
        {
            "first_name": "Rosa",
            "last_name": "",
            "date_of_birth": "2030-01-01",
            "phone": "555-01",
            "preferred_contact_method": "phone",
            "veteran_status": "no",
            "programs": ["adult"],
            "application_date": "2026-11-02",
            "eligibility_date": "2026-02-30",  # not a date
            "certification_date": "2026-11-05",
            "office": str(world.office_a.pk),
            "career_planner": str(world.planner_a.pk),
        },
    )

    assert refused.status_code == 200
    assert not Customer.objects.filter(first_name="Rosa").exists()
    problems = _summary(_html(refused))
    targets = [target for target, _ in problems]
    assert targets == [
        "id_last_name",
        "id_date_of_birth",
        "id_phone",
        "id_eligibility_date",
    ]
    # The eligibility date was typed, not left out: nothing says to record it first.
    assert not any("Record the eligibility" in text for _, text in problems)


def test_a_plan_review_says_its_date_its_choices_and_its_note_together(world: World):
    make_plan(world.customer_a, world.planner_a)
    url = reverse("plans:review", kwargs={"pk": world.customer_a.pk})

    refused = submit(
        client_for(world.planner_a),
        url,
        {"reviewed_on": "2026-12-01", "note_body": "The customer's SSN is 219-09-9999."},
    )

    assert refused.status_code == 200
    problems = _summary(_html(refused))
    assert [target for target, _ in problems] == [
        "id_reviewed_on",
        "id_contact_method",
        "id_two_way_0",
        "id_note_body",
    ]
    assert "Social Security number" in problems[-1][1]
    assert not CaseNote.objects.filter(note_type=NoteType.IEP, contact_date__gt=TODAY).exists()


def test_the_rates_filter_checks_each_date_that_is_a_date(world: World):
    form = RatesFilterForm(
        {"start": "2026-13-01", "end": "2099-01-01"},
        offices=Office.objects.all(),
        sessions=Session.objects.none(),
        measures=[],
        on=TODAY,
    )

    assert not form.is_valid()
    assert form.errors.keys() == {"start", "end"}
    assert "cannot be after" in form.errors["end"][0]


# --- Text limits ----------------------------------------------------------------------------


def test_a_limited_field_carries_its_limit_for_the_counter_but_no_maxlength(world: World):
    make_plan(world.customer_a, world.planner_a)
    url = reverse("plans:goal_create", kwargs={"pk": world.customer_a.pk})

    html = _html(client_for(world.planner_a).get(url))

    statement = re.search(r"<input[^>]*name=\"statement\"[^>]*>", html).group(0)
    assert 'data-max-chars="144"' in statement and "maxlength" not in statement


def test_an_over_long_goal_is_refused_with_its_limit_and_nothing_is_saved(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    before = plan.goals.count()
    url = reverse("plans:goal_create", kwargs={"pk": world.customer_a.pk})
    client = client_for(world.planner_a)

    refused = client.post(
        url,
        {
            **form_page_fields(_html(client.get(url))),
            "statement": "x" * 145,
            "category": "career",
            "term": "long",
            "status": "not_started",
        },
    )

    assert refused.status_code == 200
    assert ("id_statement", "Statement holds at most 144 characters; this has 145.") in _summary(
        _html(refused)
    )
    assert plan.goals.count() == before

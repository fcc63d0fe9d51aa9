"""The administrator's lists read as words and narrow by search and filter, and the staff
form gives roles and offices, not permissions, in one round of agreeing choices."""

import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt import roles
from casemgmt.models import Policy, Region, User
from services.models import Activity
from supportive.models import SupportiveCap
from tests.conftest import World, client_for
from tests.factories import PASSWORD, make_office, make_user
from tests.readback import assert_saved
from tests.supportive_factory import make_vendor
from tests.workshop_factory import make_workshop


def results(response) -> str:  # noqa: ANN001
    """The text of the list's table alone: the filters name every office and role too."""
    assert response.status_code == 200
    page = response.content.decode()
    table = re.search(r'<table id="result_list">.*?</table>', page, re.S)
    assert table, "no result table on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", table.group(0))).split())


def admin_list(world: World, model: str, **params: str) -> str:
    return results(client_for(world.admin).get(reverse(f"admin:{model}_changelist"), params))


# --- Lists -------------------------------------------------------------------------------


def test_the_service_matrix_lists_labels_and_prerequisites(world: World):
    table = admin_list(world, "services_activity", q="205")
    assert "Development of an IEP" in table
    assert "Individualized Career" in table and "individualized_career" not in table
    assert "Adult / Dislocated Worker" in table
    assert "an assessment" in table  # 205 requires a completed assessment


def test_the_service_matrix_narrows_by_category_and_program(world: World):
    table = admin_list(world, "services_activity", category="supportive", program="all")
    assert "Support Service - Child/Dependent Care" in table
    assert "Development of an IEP" not in table
    youth = admin_list(world, "services_activity", program="youth", q="assessment")
    assert "Youth Comprehensive and Specialized Assessments" in youth
    assert "Development of an IEP" not in youth


def test_a_retired_activity_is_found_by_the_active_filter(world: World):
    Activity.objects.filter(code="221").update(active=False)
    table = admin_list(world, "services_activity", active__exact="0")
    assert "221" in table and "205" not in table


def test_the_workshop_catalog_narrows_by_program_and_search(world: World):
    make_workshop("Resume Writing")
    make_workshop("Youth Job Club", programs=["youth"])
    make_workshop("Interviewing for Adults", programs=["adult"], active=False)

    youth = admin_list(world, "workshops_workshop", program="youth")
    # No programs means every program: resume writing is open to youth too.
    assert "Youth Job Club" in youth and "Resume Writing" in youth
    assert "Interviewing for Adults" not in youth
    assert "Every program" in youth and "90 minutes" in youth

    retired = admin_list(world, "workshops_workshop", active__exact="0", q="interview")
    assert "Interviewing for Adults" in retired and "WIOA Adult" in retired
    assert "Resume Writing" not in retired


def test_the_vendor_list_narrows_by_what_each_supplies(world: World):
    make_vendor("Metro Transit", ("transportation",))
    make_vendor("Northside Uniforms", ("uniforms", "tools"))
    table = admin_list(world, "supportive_vendor", supplies="tools", q="north")
    assert "Northside Uniforms" in table and "Uniforms, Tools/equipment" in table
    assert "Metro Transit" not in table


def test_the_caps_list_reads_in_dollars_and_narrows_by_region(world: World):
    north = Region.objects.create(name="North Region")
    SupportiveCap.objects.create(region=world.office_a.region, amount=Decimal("1500"))
    SupportiveCap.objects.create(
        region=north, supportive_type="childcare", amount=Decimal("300"), referral_waived=True
    )
    table = admin_list(world, "supportive_supportivecap", region__id__exact=str(north.pk))
    assert "North Region" in table and "Child/dependent care" in table
    assert "$300.00" in table and "Not needed" in table
    assert "Test Region" not in table
    searched = admin_list(world, "supportive_supportivecap", q="test")
    assert "$1,500.00" in searched and "North Region" not in searched


def test_the_policy_list_reads_each_clock_and_narrows_by_region(world: World):
    north = Region.objects.create(name="North Region")
    Policy.objects.create(region=world.office_a.region)
    Policy.objects.create(region=north, contact_due_soon_day=20, two_factor_for_every_role=True)
    table = admin_list(world, "casemgmt_policy", q="north")
    assert "North Region" in table and "20 / 31" in table
    assert "Test Region" not in table
    both_factors = admin_list(world, "casemgmt_policy", two_factor_for_every_role__exact="1")
    assert "North Region" in both_factors and "Test Region" not in both_factors
    by_region = admin_list(
        world, "casemgmt_policy", region__id__exact=str(world.office_a.region_id)
    )
    assert "Test Region" in by_region and "$500.00" in by_region


def test_the_staff_list_shows_roles_and_offices_in_words(world: World):
    table = admin_list(world, "casemgmt_user", role=roles.SUPERVISOR)
    assert "Supervisor Tester" in table and "Supervisor" in table and "Office A" in table
    assert "planner_a" not in table


def test_the_staff_list_narrows_by_office_region_and_search(world: World):
    north = Region.objects.create(name="North Region")
    far = make_office("N", north)
    make_user("planner_n", roles.CAREER_PLANNER, offices=[far])

    in_b = admin_list(world, "casemgmt_user", office=str(world.office_b.pk))
    assert "planner_b" in in_b and "planner_a" not in in_b
    northern = admin_list(world, "casemgmt_user", region=str(north.pk))
    assert "planner_n" in northern and "planner_b" not in northern
    found = admin_list(world, "casemgmt_user", q="tracker", is_active__exact="1")
    assert "tracker_a" in found and "planner_a" not in found


def test_the_staff_list_reads_the_same_number_of_queries_for_more_staff(world: World):
    client = client_for(world.admin)
    url = reverse("admin:casemgmt_user_changelist")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(8):
        make_user(f"extra_{n}", roles.CAREER_PLANNER, offices=[world.office_a, world.office_b])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# --- The staff form ------------------------------------------------------------------------


def staff_values(**overrides: object) -> dict[str, object]:
    return {
        "username": "new_planner",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Noor",
        "last_name": "Haddad",
        "email": "noor@example.org",
        **overrides,
    }


def role_ids(*names: str) -> list[int]:
    return [Group.objects.get(name=name).pk for name in names]


def change_values(user: User, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": list(user.groups.values_list("pk", flat=True)),
        "offices": list(user.offices.values_list("pk", flat=True)),
        "supervised_offices": list(user.supervised_offices.values_list("pk", flat=True)),
        "is_active": "on",
        **overrides,
    }
    return {k: v for k, v in values.items() if v is not None}


def test_the_staff_form_offers_roles_in_words_not_permissions(world: World):
    page = html.unescape(
        client_for(world.admin).get(reverse("admin:casemgmt_user_add")).content.decode()
    )
    for role, description in roles.ROLE_DESCRIPTIONS.items():
        assert role in page and description in page
    assert "user_permissions" not in page and 'name="is_staff"' not in page
    assert "Office A (Test Region)" in page and "Works in" in page and "Supervises" in page


def test_every_role_says_what_it_may_do():
    assert set(roles.ROLE_DESCRIPTIONS) == set(roles.ROLES)
    assert all(d.endswith(".") and "\n" not in d for d in roles.ROLE_DESCRIPTIONS.values())


def test_an_administrator_adds_a_career_planner_with_a_role_and_an_office(world: World):
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_user_add"),
        staff_values(groups=role_ids(roles.CAREER_PLANNER), offices=[world.office_a.pk]),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    user = User.objects.get(username="new_planner")
    assert_saved(
        User,
        user.pk,
        groups=role_ids(roles.CAREER_PLANNER),
        offices=[world.office_a.pk],
        supervised_offices=[],
        first_name="Noor",
        is_staff=False,
        is_superuser=False,
    )
    assert user.check_password(PASSWORD)
    assert not user.user_permissions.exists()


def test_the_administrator_role_opens_the_administration_and_leaving_it_closes_it(
    world: World,
):
    client = client_for(world.admin)
    response = client.post(
        reverse("admin:casemgmt_user_add"),
        staff_values(username="new_admin", groups=role_ids(roles.ADMINISTRATOR)),
    )
    assert response.status_code == 302
    new_admin = User.objects.get(username="new_admin")
    assert_saved(User, new_admin.pk, is_staff=True, groups=role_ids(roles.ADMINISTRATOR))

    response = client.post(
        reverse("admin:casemgmt_user_change", args=[new_admin.pk]),
        change_values(new_admin, groups=role_ids(roles.TRACKER), offices=[world.office_a.pk]),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert_saved(User, new_admin.pk, is_staff=False, groups=role_ids(roles.TRACKER))


def test_the_staff_form_refuses_roles_and_offices_that_disagree_all_at_once(world: World):
    target = world.planner_a
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_user_change", args=[target.pk]),
        change_values(
            target,
            groups=role_ids(roles.CAREER_PLANNER, roles.SUPERVISOR),
            offices=[],
            supervised_offices=[],
        ),
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "A career planner works in at least one office: tick it under “Works in”." in page
    assert "A supervisor supervises at least one office" in page
    assert_saved(User, target.pk, groups=role_ids(roles.CAREER_PLANNER), offices=[world.office_a])


def test_a_supervisor_alone_may_supervise_without_working_in_an_office(world: World):
    target = world.supervisor_a
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_user_change", args=[target.pk]),
        change_values(target, offices=[], supervised_offices=[world.office_b.pk]),
    )
    assert response.status_code == 302
    assert_saved(User, target.pk, offices=[], supervised_offices=[world.office_b])


def test_only_a_supervisor_supervises_offices(world: World):
    target = world.tracker_a
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_user_change", args=[target.pk]),
        change_values(target, supervised_offices=[world.office_a.pk]),
    )
    assert response.status_code == 200
    assert "Only a supervisor supervises offices" in html.unescape(response.content.decode())
    assert_saved(User, target.pk, supervised_offices=[])


def test_an_active_staff_member_holds_a_role(world: World):
    target = world.tracker_a
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_user_change", args=[target.pk]), change_values(target, groups=[])
    )
    assert response.status_code == 200
    assert "Tick at least one role" in response.content.decode()
    assert_saved(User, target.pk, groups=role_ids(roles.TRACKER))


def test_an_administrator_cannot_remove_their_own_administrator_role(world: World):
    me = world.admin
    response = client_for(me).post(
        reverse("admin:casemgmt_user_change", args=[me.pk]),
        change_values(me, groups=role_ids(roles.TRACKER), offices=[world.office_a.pk]),
    )
    assert response.status_code == 200
    assert "You cannot remove your own Administrator role" in response.content.decode()
    assert_saved(User, me.pk, groups=role_ids(roles.ADMINISTRATOR), is_staff=True)


def test_an_administrator_cannot_make_a_superuser(world: World):
    target = world.planner_a
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_user_change", args=[target.pk]),
        change_values(target, is_superuser="on"),
    )
    assert response.status_code == 302
    assert_saved(User, target.pk, is_superuser=False, is_staff=False)


@pytest.mark.parametrize("username", ["\x00admin", "a" * 200])
def test_the_staff_form_refuses_a_user_name_no_account_can_have(world: World, username):
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_user_add"),
        staff_values(
            username=username, groups=role_ids(roles.TRACKER), offices=[world.office_a.pk]
        ),
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not User.objects.filter(first_name="Noor").exists()

"""Two-step sign-in: who must use it, setting it up, verifying, recovery codes, removal.

Codes are real: computed from the device's key with django_otp's TOTP, with the clock
held by time_machine so that "the next 30 seconds" is something a test can say.
"""

import datetime
import os
import re
import subprocess
import sys
from base64 import b32decode

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casemgmt import roles
from casemgmt.models import Policy, Region, User
from tests.conftest import World, client_for
from tests.factories import PASSWORD, make_office, make_user
from twofactor.checks import two_factor_off_in_production
from twofactor.models import TwoFactorEvent
from twofactor.rules import two_factor_required
from twofactor.services import totp_key_new, two_factor_set_up

NOW = datetime.datetime(2026, 11, 25, 15, 0, 10, tzinfo=datetime.UTC)


@pytest.fixture
def required(settings):
    settings.CASEMGMT_TWO_FACTOR = "required"
    settings.AXES_ENABLED = False


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sign_in(user: User) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password sign-in failed"
    return client


def app_code(device: TOTPDevice, *, later: int = 0) -> str:
    """What the phone shows now, or `later` seconds from now."""
    code = TOTP(device.bin_key, device.step, device.t0, device.digits)
    code.time = datetime.datetime.now(datetime.UTC).timestamp() + later
    return f"{code.token():06d}"


def set_up_app(user: User) -> tuple[TOTPDevice, list[str]]:
    key = totp_key_new()
    done = two_factor_set_up(user=user, key=key, code=f"{totp(bytes.fromhex(key)):06d}")
    return done.device, done.recovery_codes


def redirect_path(response) -> str:  # noqa: ANN001
    assert response.status_code == 302, response.status_code
    return response["Location"].split("?")[0]


# --- Who must use a second factor ------------------------------------------------


def test_it_asks_nobody_when_the_setting_is_off(world: World, settings):
    settings.CASEMGMT_TWO_FACTOR = "off"
    Policy.objects.create(region=world.office_a.region, two_factor_for_every_role=True)
    for user in (world.admin, world.supervisor_a, world.planner_a):
        assert two_factor_required(user) is False


def test_it_asks_administrators_and_supervisors(world: World, required):
    assert world.admin.offices.count() == 0  # an administrator with no office
    assert two_factor_required(world.admin) is True
    assert two_factor_required(world.supervisor_a) is True


def test_it_asks_anyone_who_may_open_the_administration_site(world: World, required):
    staff = make_user("staff_only", None, is_staff=True)
    assert two_factor_required(staff) is True


def test_it_asks_whoever_supervises_an_office_even_without_the_role(world: World, required):
    lead = make_user("lead_a", roles.CAREER_PLANNER, supervises=[world.office_a])
    assert two_factor_required(lead) is True


def test_it_asks_other_roles_only_when_their_region_says_so(world: World, required):
    assert two_factor_required(world.planner_a) is False  # the region has no policy row
    policy = Policy.objects.create(region=world.office_a.region)
    assert two_factor_required(world.planner_a) is False
    policy.two_factor_for_every_role = True
    policy.save()
    for user in (world.planner_a, world.tracker_a, world.facilitator, world.vetrep_a):
        assert two_factor_required(user) is True


def test_another_regions_policy_does_not_reach_a_planner(world: World, required):
    north = Region.objects.create(name="North")
    Policy.objects.create(region=north, two_factor_for_every_role=True)
    office_c = make_office("C", region=north)
    assert two_factor_required(world.planner_a) is False
    world.planner_a.offices.add(office_c)  # now working in the north too
    assert two_factor_required(world.planner_a) is True


def test_it_asks_someone_who_set_up_an_app_of_their_own_accord(world: World, required):
    TOTPDevice.objects.create(user=world.planner_a, name="pending", confirmed=False)
    assert two_factor_required(world.planner_a) is False
    set_up_app(world.planner_a)
    assert two_factor_required(world.planner_a) is True


def test_it_answers_in_one_query(world: World, required, django_assert_num_queries):
    with django_assert_num_queries(1):
        two_factor_required(world.planner_a)


# --- Setting up and verifying ------------------------------------------------------


def test_a_supervisor_without_an_app_is_sent_to_set_it_up(world: World, required):
    client = sign_in(world.supervisor_a)
    for url in (reverse("home"), reverse("customers:list"), reverse("admin:index")):
        response = client.get(url)
        assert redirect_path(response) == reverse("twofactor:setup")
        assert f"next={url}".replace("/", "%2F") in response["Location"]


def test_set_up_and_a_valid_code_reach_the_dashboard(world: World, required, clock):
    client = sign_in(world.supervisor_a)
    page = client.get(reverse("twofactor:setup"))
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert '<svg role="img"' in html and "<script" not in html.split("<main")[1]
    key_text = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1)
    key = b32decode(key_text.replace(" ", ""))
    assert client.get(reverse("twofactor:setup")).content.decode().count(key_text) == 1

    response = client.post(reverse("twofactor:setup"), {"code": f"{totp(key):06d}", "next": "/"})
    assert redirect_path(response) == reverse("twofactor:recovery_codes")
    codes = re.findall(
        r"<li[^>]*>([a-z2-7]{4}-[a-z2-7]{4})</li>",
        client.get(response["Location"]).content.decode(),
    )
    assert len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200
    # Shown once: the page now says how to make new ones instead.
    again = client.get(reverse("twofactor:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert TwoFactorEvent.objects.filter(user=world.supervisor_a, kind="set_up").count() == 1


def test_set_up_refuses_a_wrong_code_and_keeps_the_same_key(world: World, required, clock):
    client = sign_in(world.supervisor_a)
    first = client.get(reverse("twofactor:setup")).content.decode()
    response = client.post(reverse("twofactor:setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    key_text = re.search(r'id="setup-key">([A-Z2-7 ]+)<', first).group(1)
    assert key_text in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert redirect_path(client.get(reverse("home"))) == reverse("twofactor:setup")


def test_the_next_sign_in_asks_for_a_code_and_refuses_a_wrong_one(world: World, required, clock):
    device, _codes = set_up_app(world.supervisor_a)
    clock.shift(60)
    client = sign_in(world.supervisor_a)
    assert redirect_path(client.get(reverse("customers:list"))) == reverse("twofactor:verify")

    wrong = "111111" if app_code(device) != "111111" else "222222"
    response = client.post(reverse("twofactor:verify"), {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert redirect_path(client.get(reverse("home"))) == reverse("twofactor:verify")
    assert TwoFactorEvent.objects.filter(kind="code_refused").count() == 1

    clock.shift(2)  # the wait after one wrong code
    response = client.post(
        reverse("twofactor:verify"), {"code": app_code(device), "next": "/customers/"}
    )
    assert response["Location"] == "/customers/"
    assert client.get(reverse("home")).status_code == 200


def test_wrong_codes_make_the_next_try_wait(world: World, required, clock):
    device, _codes = set_up_app(world.supervisor_a)
    client = sign_in(world.supervisor_a)
    client.post(reverse("twofactor:verify"), {"code": "999999"})
    response = client.post(reverse("twofactor:verify"), {"code": app_code(device, later=30)})
    assert "Too many wrong codes. Wait a second, then try again." in response.content.decode()
    assert redirect_path(client.get(reverse("home"))) == reverse("twofactor:verify")


def test_a_code_is_accepted_once(world: World, required, clock):
    device, _codes = set_up_app(world.supervisor_a)
    clock.shift(30)
    code = app_code(device)
    first, second = sign_in(world.supervisor_a), sign_in(world.supervisor_a)
    assert redirect_path(first.post(reverse("twofactor:verify"), {"code": code})) == "/"
    response = second.post(reverse("twofactor:verify"), {"code": code})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()


def test_a_recovery_code_works_once(world: World, required, clock):
    _device, codes = set_up_app(world.supervisor_a)
    typed = f"{codes[0][:4]}-{codes[0][4:]}".upper()  # as printed, in capitals
    first, second = sign_in(world.supervisor_a), sign_in(world.supervisor_a)
    response = first.post(reverse("twofactor:verify"), {"code": typed})
    assert redirect_path(response) == "/"
    assert "9 left" in first.get("/").content.decode()
    response = second.post(reverse("twofactor:verify"), {"code": typed})
    assert "That recovery code is not right, or it has been used already" in (
        response.content.decode()
    )
    assert redirect_path(second.get("/")) == reverse("twofactor:verify")
    assert StaticToken.objects.count() == 9
    assert TwoFactorEvent.objects.filter(kind="recovery_code_used").count() == 1


def test_a_planner_signs_in_with_a_password_until_the_region_requires_more(world: World, required):
    client = sign_in(world.planner_a)
    assert client.get(reverse("home")).status_code == 200
    Policy.objects.create(region=world.office_a.region, two_factor_for_every_role=True)
    assert redirect_path(client.get(reverse("home"))) == reverse("twofactor:setup")
    set_up_app(world.planner_a)
    assert redirect_path(client.get(reverse("home"))) == reverse("twofactor:verify")


def test_the_demo_setting_keeps_password_only_sign_in(world: World, settings):
    settings.CASEMGMT_TWO_FACTOR = "off"
    settings.AXES_ENABLED = False
    set_up_app(world.planner_a)
    for user in (world.supervisor_a, world.planner_a):
        assert sign_in(user).get(reverse("home")).status_code == 200
    assert sign_in(world.admin).get(reverse("admin:index")).status_code == 200


def test_sign_in_out_and_the_health_check_stay_open(world: World, required):
    client = sign_in(world.supervisor_a)
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 302  # already signed in: home
    assert client.get(reverse("twofactor:setup")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert redirect_path(client.get(reverse("home"))) == reverse("login")


def test_an_htmx_request_is_sent_to_the_whole_page(world: World, required):
    client = sign_in(world.supervisor_a)
    response = client.get(reverse("customers:list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("twofactor:setup"))


def test_an_address_elsewhere_is_never_the_next_page(world: World, required, clock):
    device, _codes = set_up_app(world.supervisor_a)
    clock.shift(30)
    client = sign_in(world.supervisor_a)
    response = client.post(
        reverse("twofactor:verify"), {"code": app_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_verifying_gives_the_session_a_new_key(world: World, required, clock):
    device, _codes = set_up_app(world.supervisor_a)
    clock.shift(30)
    client = sign_in(world.supervisor_a)
    before = client.session.session_key
    client.post(reverse("twofactor:verify"), {"code": app_code(device)})
    assert client.session.session_key != before


def test_a_second_app_cannot_be_added_without_verifying(world: World, required, clock):
    set_up_app(world.supervisor_a)
    client = sign_in(world.supervisor_a)
    assert redirect_path(client.get(reverse("twofactor:setup"))) == reverse("twofactor:verify")
    response = client.post(reverse("twofactor:setup"), {"code": "123456"})
    assert redirect_path(response) == reverse("twofactor:verify")
    assert TOTPDevice.objects.count() == 1
    assert redirect_path(client.get(reverse("twofactor:manage"))) == reverse("twofactor:verify")


# --- Managing: new recovery codes, removal --------------------------------------------


def verified_client(user: User, device: TOTPDevice, clock) -> Client:  # noqa: ANN001
    clock.shift(30)
    client = sign_in(user)
    response = client.post(reverse("twofactor:verify"), {"code": app_code(device)})
    assert response.status_code == 302
    return client


def test_new_recovery_codes_replace_the_old_ones(world: World, required, clock):
    device, old = set_up_app(world.supervisor_a)
    client = verified_client(world.supervisor_a, device, clock)
    page = client.get(reverse("twofactor:manage")).content.decode()
    assert "10 of 10" in page
    clock.shift(30)
    response = client.post(reverse("twofactor:regenerate"), {"regenerate-code": app_code(device)})
    assert redirect_path(response) == reverse("twofactor:recovery_codes")
    new = re.findall(
        r">([a-z2-7]{4})-([a-z2-7]{4})<", client.get(response["Location"]).content.decode()
    )
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == {a + b for a, b in new}
    assert not set(old) & {a + b for a, b in new}
    assert TwoFactorEvent.objects.filter(kind="recovery_codes_made").count() == 1


def test_removing_the_app_needs_a_code(world: World, required, clock):
    device, _codes = set_up_app(world.supervisor_a)
    client = verified_client(world.supervisor_a, device, clock)
    response = client.post(reverse("twofactor:remove"), {"remove-code": "12345"})
    assert response.status_code == 200
    assert "Enter the 6 digits your app shows" in response.content.decode()
    clock.shift(5)
    response = client.post(reverse("twofactor:remove"), {"remove-code": "000000"})
    assert "That code is not right" in response.content.decode()
    assert TOTPDevice.objects.count() == 1

    clock.shift(30)
    response = client.post(reverse("twofactor:remove"), {"remove-code": app_code(device)})
    # A supervisor must use it: straight back to set up a new phone.
    assert redirect_path(response) == reverse("twofactor:setup")
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert redirect_path(client.get(reverse("home"))) == reverse("twofactor:setup")
    assert TwoFactorEvent.objects.get(kind="removed").actor == world.supervisor_a


def test_a_planner_who_removes_an_optional_app_goes_home(world: World, required, clock):
    device, _codes = set_up_app(world.planner_a)
    client = verified_client(world.planner_a, device, clock)
    clock.shift(30)
    response = client.post(reverse("twofactor:remove"), {"remove-code": app_code(device)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_an_administrator_removes_a_lost_app_without_seeing_its_key(world: World, settings, clock):
    settings.AXES_ENABLED = False
    device, codes = set_up_app(world.supervisor_a)
    admin = client_for(world.admin)
    page = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert device.key not in html and codes[0] not in html
    qr_page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/", follow=True)
    assert "otpauth" not in qr_page.content.decode()
    assert admin.get("/admin/otp_static/staticdevice/").status_code == 404
    response = admin.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    event = TwoFactorEvent.objects.get(kind="removed")
    assert (event.user, event.actor) == (world.supervisor_a, world.admin)
    assert admin.get(reverse("admin:twofactor_twofactorevent_changelist")).status_code == 200


def test_the_administrator_role_may_remove_apps_but_not_add_them(world: World):
    group = Group.objects.get(name=roles.ADMINISTRATOR)
    codes = set(group.permissions.values_list("codename", flat=True))
    assert {"delete_totpdevice", "view_totpdevice", "view_twofactorevent"} <= codes
    assert world.admin.has_perm("otp_totp.delete_totpdevice")


# --- Hostile input -------------------------------------------------------------------

HOSTILE = {
    "a NUL byte": "12\x003456",
    "oversized text": "1" * 100_001,
    "letters": "abcdef",
    "a negative number": "-12345",
}


@pytest.mark.parametrize("what", HOSTILE)
def test_hostile_codes_are_refused_with_a_message_and_write_nothing(
    world: World, required, clock, what: str
):
    device, _codes = set_up_app(world.supervisor_a)
    client = verified_client(world.supervisor_a, device, clock)
    fresh = sign_in(world.supervisor_a)
    unset = sign_in(world.planner_a)
    posts = [
        (unset, "twofactor:setup", "code"),
        (fresh, "twofactor:verify", "code"),
        (client, "twofactor:regenerate", "regenerate-code"),
        (client, "twofactor:remove", "remove-code"),
    ]
    before = (
        TOTPDevice.objects.count(),
        StaticToken.objects.count(),
        TwoFactorEvent.objects.count(),
    )
    for who, name, field in posts:
        response = who.post(reverse(name), {field: HOSTILE[what], "next": "\x00"})
        assert response.status_code == 200, name
        assert "invalid-feedback" in response.content.decode(), name
    after = (
        TOTPDevice.objects.count(),
        StaticToken.objects.count(),
        TwoFactorEvent.objects.count(),
    )
    assert after == before


# --- Settings ------------------------------------------------------------------------


def test_a_deploy_check_warns_when_production_turns_it_off(settings):
    settings.DEV_MODE = False
    settings.CASEMGMT_TWO_FACTOR = "off"
    assert [w.id for w in two_factor_off_in_production()] == ["twofactor.W001"]
    settings.CASEMGMT_TWO_FACTOR = "required"
    assert two_factor_off_in_production() == []


def _setting_under(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CASEMGMT_TWO_FACTOR)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **env,
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "casemgmt.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_requires_it_and_a_developers_machine_does_not():
    from tests.test_settings import PRODUCTION

    assert _setting_under(PRODUCTION).stdout.strip() == "required"
    dev = {"CASEMGMT_DEV": "1", "DATABASE_URL": PRODUCTION["DATABASE_URL"]}
    assert _setting_under(dev).stdout.strip() == "off"
    refused = _setting_under({**dev, "CASEMGMT_TWO_FACTOR": "sometimes"})
    assert refused.returncode != 0
    assert "CASEMGMT_TWO_FACTOR must be required or off" in refused.stderr

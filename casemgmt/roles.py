"""Staff roles as groups with the permissions each needs.

The groups are kept in step with this table after every migration, so a new
permission reaches every database by `migrate` alone.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CAREER_PLANNER = "Career planner"
SUPERVISOR = "Supervisor"
FACILITATOR = "Workshop facilitator"
TRACKER = "Tracker"
VETERAN_REPRESENTATIVE = "Veteran representative"
ADMINISTRATOR = "Administrator"

_PLANNER = [
    "customers.view_customer",
    "customers.view_case_file",
    "customers.add_customer",
    "customers.change_customer",
    "customers.view_eligibilitydocument",
    "customers.add_eligibilitydocument",
    "services.view_servicerecord",
    "services.add_servicerecord",
    "services.change_servicerecord",
    "casenotes.view_casenote",
    "casenotes.add_casenote",
    "plans.view_plan",
    "plans.add_plan",
    "plans.change_plan",
    "plans.view_assessment",
    "plans.add_assessment",
    # Scheduling customers into sessions and one-on-one appointments (SPEC 7).
    "workshops.view_session",
    "workshops.add_booking",
    "workshops.change_booking",
    "workshops.view_appointment",
    "workshops.add_appointment",
    "workshops.change_appointment",
    # Supportive services (SPEC 6): the budget review, the referral first, then the PO.
    "supportive.view_budgetreview",
    "supportive.add_budgetreview",
    "supportive.view_referral",
    "supportive.add_referral",
    "supportive.change_referral",
    "supportive.view_purchaseorder",
    "supportive.add_purchaseorder",
    "supportive.issue_purchaseorder",
    # The end of the path (SPEC 2, 8): jobs, placements, credentials, exit, follow-up.
    "employment.view_employercontact",
    "employment.add_employercontact",
    "employment.view_employment",
    "employment.add_employment",
    "employment.change_employment",
    "employment.view_placement",
    "employment.add_placement",
    "employment.change_placement",
    "employment.change_placementfollowup",
    "employment.view_credential",
    "employment.add_credential",
    "employment.view_skillgain",
    "employment.add_skillgain",
    "employment.view_period",
    "employment.record_exit",
    "employment.change_period",
    "employment.view_followup",
    "employment.change_followup",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CAREER_PLANNER: _PLANNER,
    VETERAN_REPRESENTATIVE: [*_PLANNER, "veterans.take_referral"],
    SUPERVISOR: [
        *_PLANNER,
        "customers.reassign_customer",
        "services.reopen_servicerecord",
        "services.correct_any_servicerecord",
        "audit.view_audit",  # the audit trail of the customers of their offices
        "workshops.add_session",
        "workshops.change_session",
        "workshops.enter_attendance",  # when the facilitator is away
        "workshops.amend_attendance",
        "workshops.view_attendance_rates",
        "supportive.approve_purchaseorder",
        "supportive.void_purchaseorder",
        "supportive.pay_purchaseorder",
        "supportive.view_supportive_money",
        "employment.view_outcomes",
        "employment.export_pirl",
    ],
    # Trackers re-engage customers (SPEC 1): the contact card and the re-engagement lists,
    # and the notes of their own contacts and attempts; not the rest of the case file.
    TRACKER: [
        "customers.view_customer",
        "casenotes.add_casenote",
    ],
    # Facilitators run their sessions: the rosters (names and customer numbers, SPEC 1),
    # the attendance sheet, walk-ins found by name; never a customer's file.
    FACILITATOR: [
        "workshops.view_session",
        "workshops.enter_attendance",
        "workshops.amend_attendance",  # their own sessions only: they see no other
    ],
    ADMINISTRATOR: ["*"],
}

ROLES = list(ROLE_PERMISSIONS)

# What each role may do, in one line, for the staff form (SPEC 1's table).
ROLE_DESCRIPTIONS: dict[str, str] = {
    CAREER_PLANNER: (
        "Registers customers, determines eligibility, builds plans, records services, "
        "writes case notes and issues purchase orders, for the customers of their offices."
    ),
    SUPERVISOR: (
        "Does what a career planner does, reviews the compliance dashboards, approves "
        "purchase orders over the limit and reassigns caseloads in the offices they supervise."
    ),
    FACILITATOR: (
        "Runs workshops and job clubs and enters their attendance; sees the rosters of "
        "their sessions (names only), never a customer's file."
    ),
    TRACKER: (
        "Re-engages customers who have gone without a service and follows up missed "
        "appointments; sees the office's re-engagement lists and contact details."
    ),
    VETERAN_REPRESENTATIVE: (
        "A career planner who also takes the office's veteran referrals; sees what a career "
        "planner sees."
    ),
    ADMINISTRATOR: (
        "Keeps offices, staff accounts, the service matrix, the workshop catalog and the "
        "policy; sees every office and the audit trail, and opens this administration site."
    ),
}


def sync_roles(**_: object) -> None:
    app_labels = ["casemgmt", "customers", "services", "plans", "casenotes", "compliance"]
    # Administrators remove a lost phone's authenticator app and read the two-step log.
    app_labels += ["otp_totp", "otp_static", "twofactor"]
    app_labels += ["audit"]  # the audit trail of every office
    app_labels += ["workshops"]  # the workshop catalog
    app_labels += ["supportive"]  # vendors, caps
    app_labels += ["employment"]
    app_labels += ["veterans"]
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        if codes == ["*"]:
            perms = Permission.objects.filter(content_type__app_label__in=app_labels)
        else:
            query = Q(pk__in=[])
            for code in codes:
                app_label, codename = code.split(".")
                query |= Q(content_type__app_label=app_label, codename=codename)
            perms = Permission.objects.filter(query)
            missing = set(codes) - {
                f"{p.content_type.app_label}.{p.codename}"
                for p in perms.select_related("content_type")
            }
            if missing:
                raise RuntimeError(f"Role {role!r} names unknown permissions: {sorted(missing)}")
        group.permissions.set(perms)

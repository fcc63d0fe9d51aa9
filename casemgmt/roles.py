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
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CAREER_PLANNER: _PLANNER,
    VETERAN_REPRESENTATIVE: _PLANNER,
    SUPERVISOR: [
        *_PLANNER,
        "customers.reassign_customer",
        "services.reopen_servicerecord",
        "services.correct_any_servicerecord",
    ],
    # Trackers re-engage customers: they read the file and log contacts and attempts.
    TRACKER: [
        "customers.view_customer",
        "services.view_servicerecord",
        "casenotes.view_casenote",
        "casenotes.add_casenote",
        "plans.view_plan",
        "plans.view_assessment",
    ],
    FACILITATOR: [],
    ADMINISTRATOR: ["*"],
}

ROLES = list(ROLE_PERMISSIONS)


def sync_roles(**_: object) -> None:
    app_labels = ["casemgmt", "customers", "services", "plans", "casenotes", "compliance"]
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

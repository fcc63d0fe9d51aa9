"""Offices, staff and the regions' policy, kept by administrators (SPEC 1).

The staff form speaks of roles and offices, not permissions: a role is a group whose
permissions `casemgmt.roles` keeps in step, so the raw permission list is not offered,
and "may open this site" (is_staff) follows the Administrator role.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, Model, Q, QuerySet, When
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from casemgmt.models import Office, Policy, Region, User
from casemgmt.roles import ADMINISTRATOR, ROLE_DESCRIPTIONS, ROLES, SUPERVISOR
from casemgmt.rules_policy import SETTINGS, policy_help_text, policy_label, policy_problems

# The lists need the width: with the side menu and the filters beside them, a list of
# seven columns scrolled sideways at 1280 pixels. The index and the breadcrumbs lead
# everywhere the side menu did.
admin.site.enable_nav_sidebar = False
admin.site.empty_value_display = "—"


def yes_no(value: bool) -> str:
    """A yes/no column in words: the admin's icons read "True" and "False" aloud."""
    return "Yes" if value else "No"


def names(objects: Iterable[Model]) -> str:
    return ", ".join(str(o) for o in objects) or "—"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "time_zone"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name", "code"]


# --- Staff -------------------------------------------------------------------------------


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return format_html("<strong>{}</strong>: {}", obj.name, ROLE_DESCRIPTIONS[obj.name])


class OfficeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return f"{obj.name} ({obj.region})"


class StaffFormMixin:
    """Roles and offices that agree, judged together; is_staff follows the role."""

    acting_user: User | None = None  # set per request by StaffAdmin.get_form

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        roles = {g.name for g in cleaned.get("groups") or []}
        offices = cleaned.get("offices")
        supervises = cleaned.get("supervised_offices")
        active = cleaned.get("is_active", True)
        problems: list[tuple[str, str]] = []
        if "groups" in cleaned and active and not roles:
            problems.append(
                ("groups", "Tick at least one role: without one, this person can do nothing.")
            )
        # An administrator sees every office; a supervisor alone, the offices supervised.
        office_roles = sorted(roles - {ADMINISTRATOR, SUPERVISOR}, key=ROLES.index)
        if office_roles and offices is not None and not offices:
            problems.append(
                (
                    "offices",
                    f"A {office_roles[0].lower()} works in at least one office: tick it under "
                    "“Works in”.",
                )
            )
        if supervises is not None and "groups" in cleaned:
            if SUPERVISOR in roles and not supervises:
                problems.append(
                    (
                        "supervised_offices",
                        "A supervisor supervises at least one office: tick it under “Supervises”.",
                    )
                )
            if supervises and SUPERVISOR not in roles:
                problems.append(
                    (
                        "supervised_offices",
                        "Only a supervisor supervises offices: tick the Supervisor role, or "
                        "untick the offices under “Supervises”.",
                    )
                )
        me = self.acting_user
        instance = self.instance  # type: ignore[attr-defined]
        if (
            me is not None
            and instance.pk == me.pk
            and "groups" in cleaned
            and ADMINISTRATOR not in roles
            and me.groups.filter(name=ADMINISTRATOR).exists()
        ):
            problems.append(
                (
                    "groups",
                    "You cannot remove your own Administrator role: ask another "
                    "administrator to do it.",
                )
            )
        for field, message in problems:
            self.add_error(field, message)  # type: ignore[attr-defined]
        return cleaned

    def save(self, commit: bool = True) -> User:
        # The administration site is the Administrator's (and a superuser's) alone.
        user = self.instance  # type: ignore[attr-defined]
        roles = {g.name for g in self.cleaned_data.get("groups") or []}  # type: ignore[attr-defined]
        user.is_staff = user.is_superuser or ADMINISTRATOR in roles
        return super().save(commit)  # type: ignore[misc]


class StaffCreationForm(StaffFormMixin, AdminUserCreationForm):
    pass


class StaffChangeForm(StaffFormMixin, UserChangeForm):
    pass


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(role, role) for role in ROLES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() in ROLES:
            return queryset.filter(groups__name=self.value())
        return queryset


class OfficeFilter(admin.SimpleListFilter):
    title = "office (works in or supervises)"
    parameter_name = "office"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(str(o.pk), o.name) for o in Office.objects.order_by("name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(Q(offices=value) | Q(supervised_offices=value)).distinct()
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = "region"
    parameter_name = "region"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(str(r.pk), r.name) for r in Region.objects.order_by("name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(
                Q(offices__region=value) | Q(supervised_offices__region=value)
            ).distinct()
        return queryset


@admin.register(User)
class StaffAdmin(UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    add_form_template = "admin/casemgmt/user/add_form.html"
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Name and email", {"fields": ("first_name", "last_name", "email")}),
        (
            "Roles",
            {
                "fields": ("groups",),
                "description": "What this person may do. A person may hold several roles.",
            },
        ),
        ("Works in", {"fields": ("offices",)}),
        ("Supervises", {"fields": ("supervised_offices",)}),
        (
            "Account",
            {
                "fields": (
                    "is_active",
                    "administration_site",
                    "is_superuser",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        ("Name and email", {"fields": ("first_name", "last_name", "email")}),
        (
            "Roles",
            {
                "fields": ("groups",),
                "description": "What this person may do. A person may hold several roles.",
            },
        ),
        ("Works in", {"fields": ("offices",)}),
        ("Supervises", {"fields": ("supervised_offices",)}),
    )
    filter_horizontal = ()
    list_display = [
        "full_name",
        "username",
        "roles",
        "works_in",
        "supervises",
        "active",
        "last_signed_in",
    ]
    list_filter = [RoleFilter, OfficeFilter, RegionFilter, "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["last_name", "first_name", "username"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("groups", "offices", "supervised_offices")
        )

    readonly_fields = ["administration_site", "last_login", "date_joined"]

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only a superuser makes another: an administrator's rights end at the roles.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "is_superuser"]})
            for name, options in fieldsets
        ]

    def get_form(self, request: HttpRequest, obj: User | None = None, **kwargs: Any) -> type:
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user  # a class made for this request by modelform_factory
        return form

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "groups":
            in_table_order = Case(*[When(name=name, then=i) for i, name in enumerate(ROLES)])
            return RoleChoiceField(
                queryset=Group.objects.filter(name__in=ROLES).order_by(in_table_order),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label="Roles",
            )
        if db_field.name in ("offices", "supervised_offices"):
            works_in = db_field.name == "offices"
            return OfficeChoiceField(
                queryset=Office.objects.select_related("region").order_by("region__name", "name"),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label="Offices worked in" if works_in else "Offices supervised",
                help_text="The offices whose customers this person serves."
                if works_in
                else "The offices whose customers, dashboards and approvals this person "
                "supervises.",
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Roles and offices are chosen here, not made here: no "add another" beside them.
        wrapped = field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper)
        if wrapped and db_field.name in ("groups", "offices", "supervised_offices"):
            field.widget = field.widget.widget  # type: ignore[union-attr]
        return field

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name() or "—"

    @admin.display(description="Roles")
    def roles(self, user: User) -> str:
        return names(sorted(user.groups.all(), key=lambda g: g.name))

    @admin.display(description="Works in")
    def works_in(self, user: User) -> str:
        return names(user.offices.all())

    @admin.display(description="Supervises")
    def supervises(self, user: User) -> str:
        return names(user.supervised_offices.all())

    @admin.display(description="Active", ordering="is_active")
    def active(self, user: User) -> str:
        return yes_no(user.is_active)

    @admin.display(description="Last signed in", ordering="last_login")
    def last_signed_in(self, user: User) -> str:
        return date_format(localtime(user.last_login), "j M Y") if user.last_login else "never"

    @admin.display(description="Opens the administration site")
    def administration_site(self, user: User) -> str:
        if user.is_superuser:
            return "Yes, as a superuser"
        return (
            "Yes, with the Administrator role"
            if user.is_staff
            else "No: it comes with the Administrator role"
        )


# --- Policy ------------------------------------------------------------------------------


class PolicyAdminForm(forms.ModelForm):
    """Each setting says its default and where it comes from; a policy whose settings
    contradict each other is refused whole, every problem at once."""

    class Meta:
        model = Policy
        fields = ["region", *SETTINGS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in SETTINGS:
                continue
            field.label = policy_label(name)
            field.help_text = policy_help_text(name)
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                kind = (
                    "an amount in dollars and cents"
                    if isinstance(field, forms.DecimalField)
                    else "a whole number"
                )
                field.error_messages["invalid"] = (
                    f"“{field.label}” takes {kind}, such as {Policy._meta.get_field(name).default}."
                )
                # The bounds are judged once, by policy_problems, in the rule's words; the
                # field's own "greater than or equal to 0" would say it again, differently.
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, MinValueValidator | MaxValueValidator)
                ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, messages in policy_problems(cleaned).items():
            for message in messages:
                self.add_error(name, message)
        return cleaned


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    fieldsets = [
        (None, {"fields": ["region"]}),
        (
            "Entry and corrections",
            {"fields": ["entry_deadline_days", "late_visible_days", "service_correction_days"]},
        ),
        ("Open past planned end", {"fields": ["open_past_end_overdue_days"]}),
        (
            "30-day contact",
            {
                "fields": [
                    "contact_due_soon_day",
                    "contact_overdue_day",
                    "attendance_counts_as_contact",
                ]
            },
        ),
        ("90-day review", {"fields": ["review_due_soon_day", "review_overdue_day"]}),
        (
            "90-day soft exit",
            {
                "fields": [
                    "exit_reengage_day",
                    "exit_call_day",
                    "exit_day",
                    "planned_gap_max_days",
                ]
            },
        ),
        (
            "Eligibility in 30 days",
            {"fields": ["eligibility_due_soon_day", "eligibility_overdue_day"]},
        ),
        ("Services", {"fields": ["weekly_hours_max", "dollar_value_max"]}),
        (
            "Supportive services",
            {"fields": ["budget_review_max_days", "po_approval_limit"]},
        ),
        ("Employment", {"fields": ["minimum_wage"]}),
        (
            "Sign-in and registration",
            {"fields": ["two_factor_for_every_role", "duplicate_checks_per_hour"]},
        ),
    ]
    list_display = [
        "region",
        "contact",
        "review",
        "soft_exit",
        "eligibility",
        "entry",
        "approval_limit",
        "second_factor",
    ]
    list_filter = ["region", "two_factor_for_every_role", "attendance_counts_as_contact"]
    list_select_related = ["region"]
    search_fields = ["region__name"]
    ordering = ["region__name"]

    @admin.display(description="30-day contact: due soon / overdue day")
    def contact(self, policy: Policy) -> str:
        return f"{policy.contact_due_soon_day} / {policy.contact_overdue_day}"

    @admin.display(description="90-day review: due soon / overdue day")
    def review(self, policy: Policy) -> str:
        return f"{policy.review_due_soon_day} / {policy.review_overdue_day}"

    @admin.display(description="Soft exit: re-engage / call / exit day")
    def soft_exit(self, policy: Policy) -> str:
        return f"{policy.exit_reengage_day} / {policy.exit_call_day} / {policy.exit_day}"

    @admin.display(description="Eligibility: due soon / overdue day")
    def eligibility(self, policy: Policy) -> str:
        return f"{policy.eligibility_due_soon_day} / {policy.eligibility_overdue_day}"

    @admin.display(description="Entry deadline", ordering="entry_deadline_days")
    def entry(self, policy: Policy) -> str:
        return f"{policy.entry_deadline_days} days"

    @admin.display(description="Approval above", ordering="po_approval_limit")
    def approval_limit(self, policy: Policy) -> str:
        return f"${policy.po_approval_limit:,.2f}"

    @admin.display(description="Second factor: every role")
    def second_factor(self, policy: Policy) -> str:
        return yes_no(policy.two_factor_for_every_role)

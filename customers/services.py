"""Every write to customers, each in a transaction."""

import datetime
from collections.abc import Iterable

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from casemgmt.access import offices_visible_to, staff_visible_to
from casemgmt.clock import today
from casemgmt.conflicts import Change, EditConflict, bump, lock_for_edit
from casemgmt.models import Office, Policy, User
from customers.models import (
    Barrier,
    Customer,
    CustomerBarrier,
    CustomerPartnerProgram,
    DocumentType,
    DuplicateCheck,
    DuplicateMatch,
    EligibilityDocument,
    PartnerProgram,
    Status,
)
from customers.pii import ssn_encrypt, ssn_hash, ssn_normalize
from customers.rules import (
    certification_date_problem,
    customer_date_problems,
    duplicate_check_problem,
    eligibility_date_problem,
)
from customers.selectors import customer_find_duplicates, customer_list_visible

# Fields a user edits directly; the rest are set by services.
EDITABLE_FIELDS = [
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "street",
    "city",
    "state",
    "postal_code",
    "preferred_contact_method",
    "alternate_contact_name",
    "alternate_contact_phone",
    "alternate_contact_relationship",
    "programs",
    "veteran_status",
    "application_date",
    "eligibility_date",
    "eligibility_late_reason",
    "certification_date",
    "ssn_last4",
]


def customer_validate_dates(customer: Customer) -> None:
    """Refuse dates that break the eligibility rules, naming the field at fault."""
    errors: dict[str, str] = {}
    problem = eligibility_date_problem(
        application_date=customer.application_date,
        eligibility_date=customer.eligibility_date,
        late_reason=customer.eligibility_late_reason,
    )
    if problem:
        errors["eligibility_date"] = problem
    problem = certification_date_problem(
        application_date=customer.application_date,
        eligibility_date=customer.eligibility_date,
        certification_date=customer.certification_date,
    )
    if problem:
        errors["certification_date"] = problem
    for name, problem in customer_date_problems(
        date_of_birth=customer.date_of_birth,
        application_date=customer.application_date,
        eligibility_date=customer.eligibility_date,
        certification_date=customer.certification_date,
        today=today(customer.office.time_zone),
    ):
        errors.setdefault(name, problem)
    if errors:
        raise ValidationError(errors)


def _check_placement(*, user: User, office: Office, career_planner: User | None) -> None:
    if not offices_visible_to(user).filter(pk=office.pk).exists():
        raise PermissionDenied("You cannot place a customer in an office you do not work in.")
    if career_planner is not None and not career_planner.offices.filter(pk=office.pk).exists():
        raise ValidationError(
            {
                "career_planner": f"{career_planner} does not work in {office}; choose a planner there."
            }
        )


def _set_ssn(customer: Customer, ssn: str) -> None:
    if not ssn:
        return
    normalized = ssn_normalize(ssn)
    customer.ssn_encrypted = ssn_encrypt(normalized)
    customer.ssn_hash = ssn_hash(normalized)
    customer.ssn_last4 = normalized[-4:]


def _next_customer_number() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('customers_customer_number_seq')")
        (value,) = cursor.fetchone()
    return f"C{value:07d}"


def _set_links(
    customer: Customer, *, barriers: Iterable[Barrier], partner_programs: Iterable[PartnerProgram]
) -> bool:
    """Make the customer's barriers and partner programs the ones given; True if any changed."""
    changed = False
    wanted = {b.pk for b in barriers}
    current = set(customer.barriers.values_list("pk", flat=True))
    if wanted != current:
        changed = True
        CustomerBarrier.objects.filter(customer=customer, barrier_id__in=current - wanted).delete()
        CustomerBarrier.objects.bulk_create(
            [CustomerBarrier(customer=customer, barrier_id=pk) for pk in wanted - current]
        )
    wanted = {p.pk for p in partner_programs}
    current = set(customer.partner_programs.values_list("pk", flat=True))
    if wanted != current:
        changed = True
        CustomerPartnerProgram.objects.filter(
            customer=customer, partner_program_id__in=current - wanted
        ).delete()
        CustomerPartnerProgram.objects.bulk_create(
            [
                CustomerPartnerProgram(customer=customer, partner_program_id=pk)
                for pk in wanted - current
            ]
        )
    return changed


def _save_changes(customer: Customer, names: Iterable[str]) -> None:
    """Save the named fields and raise the version: an edit opened before is refused."""
    bump(customer)
    customer.save(update_fields=[*dict.fromkeys(names), "lock_version", "updated_at"])
    customer.refresh_from_db(fields=["lock_version"])


_LINKS = (
    ("barriers", "Barriers to employment", CustomerBarrier, "barrier_id"),
    ("partner_programs", "Partner programs", CustomerPartnerProgram, "partner_program_id"),
)


def _link_changes(conflict: EditConflict, customer_pk: int) -> list[Change]:
    """Barriers and partner programs changed since the refused edit was opened. Their rows
    keep their own log, written in the transactions that raised the customer's version."""
    moved = (
        Customer.pgh_event_model.objects.filter(
            pgh_obj_id=customer_pk, lock_version__gt=conflict.opened_at_version
        )
        .order_by("pgh_id")
        .values_list("pgh_created_at", flat=True)
        .first()
    )
    if moved is None:
        return []
    changes = []
    for name, label, link, target in _LINKS:
        events = list(
            link.pgh_event_model.objects.filter(customer_id=customer_pk, pgh_created_at__gte=moved)
            .order_by("pgh_id")
            .values_list("pgh_label", target)
        )
        now = set(link.objects.filter(customer_id=customer_pk).values_list(target, flat=True))
        then = set(now)
        for action, pk in reversed(events):
            (then.discard if action == "insert" else then.add)(pk)
        if then != now:
            related = link._meta.get_field(target.removesuffix("_id")).related_model
            names = dict(related.objects.filter(pk__in=then | now).values_list("pk", "name"))
            changes.append(
                Change(
                    label,
                    ", ".join(sorted(names[pk] for pk in then)) or "(none)",
                    ", ".join(sorted(names[pk] for pk in now)) or "(none)",
                    name,
                    then,
                    now,
                )
            )
    return changes


@transaction.atomic
def customer_create(
    *,
    created_by: User,
    office: Office,
    career_planner: User | None,
    fields: dict[str, object],
    ssn: str = "",
    barriers: Iterable[Barrier] = (),
    partner_programs: Iterable[PartnerProgram] = (),
    legacy_id: str | None = None,
) -> Customer:
    """Register a customer as an applicant in an office the registering user works in.

    `legacy_id` is the customer's id in the system a record was imported from.
    """
    _check_placement(user=created_by, office=office, career_planner=career_planner)
    customer = Customer(
        office=office, career_planner=career_planner, created_by=created_by, legacy_id=legacy_id
    )
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(customer, name, fields[name])
    _set_ssn(customer, ssn)
    customer_validate_dates(customer)
    customer.customer_number = _next_customer_number()
    customer.save()
    _set_links(customer, barriers=barriers, partner_programs=partner_programs)
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    updated_by: User,
    fields: dict[str, object],
    ssn: str = "",
    barriers: Iterable[Barrier] | None = None,
    partner_programs: Iterable[PartnerProgram] | None = None,
    expected_version: int | None = None,
) -> Customer:
    """Change a customer's record: compared with the row as stored, under a lock.

    An edit opened at `expected_version` is refused (EditConflict) when someone saved the
    record since; a save that changes nothing writes nothing.
    """
    try:
        stored = lock_for_edit(Customer, customer.pk, expected_version=expected_version)
    except EditConflict as conflict:
        conflict.changes.extend(_link_changes(conflict, customer.pk))
        raise
    changed = [
        name for name in EDITABLE_FIELDS if name in fields and fields[name] != getattr(stored, name)
    ]
    for name in changed:
        setattr(stored, name, fields[name])
    if ssn and ssn_hash(ssn_normalize(ssn)) != stored.ssn_hash:
        _set_ssn(stored, ssn)
        changed += ["ssn_encrypted", "ssn_hash", "ssn_last4"]
    customer_validate_dates(stored)
    links_changed = _set_links(
        stored,
        barriers=stored.barriers.all() if barriers is None else barriers,
        partner_programs=stored.partner_programs.all()
        if partner_programs is None
        else partner_programs,
    )
    if changed or links_changed:
        _save_changes(stored, changed)
    return stored


@transaction.atomic
def customer_reassign(
    *,
    customer: Customer,
    career_planner: User,
    reassigned_by: User,
    reason: str,
    office: Office | None = None,
) -> Customer:
    """A supervisor moves a customer to another planner (and office) they supervise.

    The reason is kept with the change in the update log.
    """
    stored = lock_for_edit(Customer, customer.pk, expected_version=None)
    office = office or stored.office
    _check_placement(user=reassigned_by, office=office, career_planner=career_planner)
    if not staff_visible_to(reassigned_by).filter(pk=career_planner.pk).exists():
        raise PermissionDenied("You cannot assign customers to staff outside your offices.")
    if (stored.office_id, stored.career_planner_id) == (office.pk, career_planner.pk):
        return stored
    stored.office = office
    stored.career_planner = career_planner
    with pghistory.context(reason=reason):
        _save_changes(stored, ["office", "career_planner"])
    return stored


ALLOWED_UPLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
_MAGIC = {
    "application/pdf": [b"%PDF"],
    "image/png": [b"\x89PNG"],
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/tiff": [b"II*\x00", b"MM\x00*"],
}


def upload_problem(upload: UploadedFile, *, max_mb: int) -> str | None:
    """Accept PDF and image scans only, by extension and by content, within the size limit."""
    name = (upload.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    content_type = ALLOWED_UPLOAD_TYPES.get(suffix)
    if content_type is None:
        return "Upload a PDF or an image (PNG, JPEG or TIFF) of the document."
    if upload.size and upload.size > max_mb * 1024 * 1024:
        return f"The file is larger than {max_mb} MB. Scan it at a lower resolution and try again."
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC[content_type]):
        return f"The file does not look like a {suffix[1:].upper()} file. Upload the scan itself."
    return None


@transaction.atomic
def document_upload(
    *,
    customer: Customer,
    document_type: DocumentType,
    upload: UploadedFile,
    uploaded_by: User,
    max_mb: int,
) -> EligibilityDocument:
    problem = upload_problem(upload, max_mb=max_mb)
    if problem:
        raise ValidationError({"file": problem})
    name = upload.name or "document"
    suffix = name[name.rfind(".") :].lower()
    document = EligibilityDocument(
        customer=customer,
        document_type=document_type,
        original_name=name[:200],
        content_type=ALLOWED_UPLOAD_TYPES[suffix],
        size=upload.size or 0,
        uploaded_by=uploaded_by,
    )
    document.file.save(name, upload, save=False)
    document.save()
    return document


DUPLICATE_CHECK_WINDOW = datetime.timedelta(hours=1)


@transaction.atomic
def customer_duplicate_check(
    *,
    user: User,
    office: Office,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    ssn: str = "",
) -> list[tuple[Customer, bool]]:
    """Look for the person being registered among every office's customers.

    The answer names a possible match in another office (and whom to call there) without
    showing its record, so the check is kept from becoming an oracle: it is counted per
    staff member against the region's hourly limit, and every match outside the offices
    the staff member may see is kept in the update log for supervisors of both offices.
    Returns (customer, visible to the user) pairs.
    """
    limit = Policy.for_region(office.region_id).duplicate_checks_per_hour
    since = timezone.now() - DUPLICATE_CHECK_WINDOW
    # Lock the user's row: two checks at once must not both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    problem = duplicate_check_problem(
        checks_in_window=DuplicateCheck.objects.filter(
            checked_by=user, checked_at__gte=since
        ).count(),
        limit=limit,
    )
    if problem:
        raise ValidationError(problem)
    check = DuplicateCheck.objects.create(checked_by=user, office=office)
    found = list(
        customer_find_duplicates(
            first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, ssn=ssn
        )
    )
    visible = set(
        customer_list_visible(user)
        .filter(pk__in=[c.pk for c in found])
        .values_list("pk", flat=True)
    )
    for customer in found:
        if customer.pk not in visible:
            same_name = (
                date_of_birth is not None
                and customer.date_of_birth == date_of_birth
                and customer.last_name.lower() == last_name.strip().lower()
            )
            DuplicateMatch.objects.create(
                duplicate_check=check,
                customer=customer,
                checked_by=user,
                checking_office=office,
                matched_on="name and birth date" if same_name else "SSN",
            )
    return [(customer, customer.pk in visible) for customer in found]


@transaction.atomic
def customer_status_carry(
    *, customer: Customer, status: str, exit_date: datetime.date | None, exit_reason: str
) -> Customer:
    """The status a customer brings from the system their records were kept in (the
    legacy import). Applicant to participant otherwise follows the first enrolling
    service; an exit brings its date and reason."""
    if status not in Status.values:
        raise ValidationError({"status": f"{status!r} is not a customer status."})
    stored = lock_for_edit(Customer, customer.pk, expected_version=None)
    stored.status = status
    stored.exit_date = exit_date
    stored.exit_reason = exit_reason.strip()
    bump(stored)
    stored.save(update_fields=["status", "exit_date", "exit_reason", "updated_at", "lock_version"])
    stored.refresh_from_db()
    return stored

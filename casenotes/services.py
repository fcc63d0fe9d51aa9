"""Every write to case notes. Notes are never deleted; corrections are addenda."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.errors import refuse
from casemgmt.models import User
from casenotes.models import CaseNote, NoteType
from customers.models import Customer
from services.models import ServiceRecord
from services.rules import entered_late


def casenote_problems(
    *,
    customer: Customer,
    contact_date: datetime.date | None,
    subject: str,
    body: str,
    service: ServiceRecord | None,
) -> list[tuple[str, str]]:
    problems = []
    if contact_date is None:
        problems.append(("contact_date", "Give the date of the contact."))
    elif contact_date > today(customer.office.time_zone):
        problems.append(
            (
                "contact_date",
                "A case note records what happened: the contact date cannot be in the future.",
            )
        )
    if not subject.strip():
        problems.append(
            ("subject", "Give the note a subject, for example Service Strategy/Job Search.")
        )
    if not body.strip():
        problems.append(("body", "Write the note: who, what, where, when, why and how."))
    if service is not None and service.customer_id != customer.pk:
        problems.append(("service", "The service documented belongs to another customer."))
    return problems


@transaction.atomic
def casenote_create(
    *,
    customer: Customer,
    author: User,
    contact_date: datetime.date,
    subject: str,
    body: str,
    contact_method: str,
    two_way: bool,
    note_type: str = NoteType.GENERAL,
    service: ServiceRecord | None = None,
    addendum_to: CaseNote | None = None,
    entered_at: datetime.datetime | None = None,
    legacy_id: str | None = None,
) -> CaseNote:
    """Record a case note; one entered more than 10 days after the contact is marked late."""
    refuse(
        casenote_problems(
            customer=customer,
            contact_date=contact_date,
            subject=subject,
            body=body,
            service=service,
        )
    )
    entered_at = entered_at or timezone.now()
    entered_on = timezone.localtime(entered_at, timezone=_zone(customer)).date()
    return CaseNote.objects.create(
        customer=customer,
        author=author,
        contact_date=contact_date,
        subject=subject.strip(),
        body=body.strip(),
        contact_method=contact_method,
        two_way=two_way,
        note_type=note_type,
        service=service,
        addendum_to=addendum_to,
        entered_at=entered_at,
        entered_late=entered_late(event_date=contact_date, entered_on=entered_on),
        legacy_id=legacy_id,
    )


def _zone(customer: Customer):  # noqa: ANN202 - a tzinfo
    import zoneinfo

    return zoneinfo.ZoneInfo(customer.office.time_zone)


@transaction.atomic
def casenote_update(
    *,
    note: CaseNote,
    editor: User,
    subject: str,
    body: str,
    contact_method: str,
    two_way: bool,
    contact_date: datetime.date,
) -> CaseNote:
    """Authors may correct a note for 24 hours after entering it; after that, an addendum."""
    if note.author_id != editor.pk:
        raise PermissionDenied("Only the author can edit a case note. Add an addendum instead.")
    if not note.is_editable():
        raise ValidationError(
            "Case notes can be edited for 24 hours after they are entered. Add an addendum to correct this one."
        )
    refuse(
        casenote_problems(
            customer=note.customer,
            contact_date=contact_date,
            subject=subject,
            body=body,
            service=note.service,
        )
    )
    note.subject, note.body = subject.strip(), body.strip()
    note.contact_method, note.two_way, note.contact_date = contact_method, two_way, contact_date
    entered_on = timezone.localtime(note.entered_at, timezone=_zone(note.customer)).date()
    note.entered_late = entered_late(event_date=contact_date, entered_on=entered_on)
    note.save()
    return note


@transaction.atomic
def casenote_add_addendum(*, original: CaseNote, author: User, body: str) -> CaseNote:
    """A correction: a new note linked to the original, which stays as it was."""
    root = original.addendum_to or original
    return casenote_create(
        customer=original.customer,
        author=author,
        contact_date=today(original.customer.office.time_zone),
        subject=f"Addendum to {root.contact_date:%m/%d/%Y}: {root.subject}"[:200],
        body=body,
        contact_method="other",
        two_way=False,
        note_type=NoteType.ADDENDUM,
        service=root.service,
        addendum_to=root,
    )

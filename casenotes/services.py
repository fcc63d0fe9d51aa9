"""Every write to case notes. Notes are never changed or deleted (a database trigger
refuses it); a correction is an addendum shown under the original."""

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.entry import entered_late, entry_date, entry_deadline_days
from casemgmt.errors import refuse
from casemgmt.models import User
from casenotes.guide import ssn_shaped, template_leftovers
from casenotes.models import CaseNote, NoteType
from customers.models import Customer
from customers.rules import EARLIEST_RECORD_DATE

if TYPE_CHECKING:  # services sits above case notes: for type hints only
    from services.models import ServiceRecord

BODY_MAX_CHARS = 10_000


def casenote_problems(
    *,
    customer: Customer,
    contact_date: datetime.date | None,
    subject: str,
    body: str,
    service: "ServiceRecord | None",
    note_type: str = NoteType.GENERAL,
) -> list[tuple[str, str]]:
    """Every reason a note cannot be saved, as (field, message); empty when it can."""
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
    elif contact_date < EARLIEST_RECORD_DATE:
        problems.append(
            ("contact_date", f"The contact date cannot be before {EARLIEST_RECORD_DATE:%m/%d/%Y}.")
        )
    if not subject.strip():
        problems.append(
            ("subject", "Give the note a subject, for example Service Strategy/Job Search.")
        )
    written, unfilled = template_leftovers(body, note_type)
    if unfilled:
        problems.append(
            (
                "body",
                "Some parts of the note still show the template's prompt with nothing written: "
                f"{', '.join(unfilled)}. Write each one after its label, or remove the line.",
            )
        )
    elif not written:
        problems.append(("body", "Write the note: who, what, where, when, why and how."))
    found = ssn_shaped(body)
    if found:
        problems.append(
            (
                "body",
                f"The note holds what looks like a Social Security number ({', '.join(found)}). "
                "Case notes never hold SSNs: mask it to its last 4 digits, or remove it.",
            )
        )
    if len(body) > BODY_MAX_CHARS:
        problems.append(
            (
                "body",
                f"A case note holds at most {BODY_MAX_CHARS:,} characters; this one has "
                f"{len(body):,}. Split it into two notes.",
            )
        )
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
    service: "ServiceRecord | None" = None,
    entered_at: datetime.datetime | None = None,
    legacy_id: str | None = None,
) -> CaseNote:
    """Record a case note as the planner wrote it: the template's unfilled prompts are
    not the planner's words and are not kept. A note entered more than the region's
    entry deadline after the contact is marked late."""
    refuse(
        casenote_problems(
            customer=customer,
            contact_date=contact_date,
            subject=subject,
            body=body,
            service=service,
            note_type=note_type,
        )
    )
    entered_at = entered_at or timezone.now()
    return CaseNote.objects.create(
        customer=customer,
        author=author,
        contact_date=contact_date,
        subject=subject.strip(),
        body=template_leftovers(body, note_type)[0],
        contact_method=contact_method,
        two_way=two_way,
        note_type=note_type,
        service=service,
        entered_at=entered_at,
        entered_late=entered_late(
            event_date=contact_date,
            entered_on=entry_date(customer.office, entered_at),
            deadline_days=entry_deadline_days(customer.office),
        ),
        legacy_id=legacy_id,
    )


def casenote_current(note: CaseNote) -> CaseNote:
    """The note that records this contact now: the latest correction, or the note itself."""
    current = note
    while True:
        later = CaseNote.objects.filter(corrects=current).first()
        if later is None:
            return current
        current = later


@transaction.atomic
def casenote_add_addendum(
    *,
    original: CaseNote,
    author: User,
    body: str,
    contact_date: datetime.date | None = None,
    two_way: bool | None = None,
) -> CaseNote:
    """A correction or addition: a new note under the original, which stays as it was.

    When it corrects the contact date or the two-way flag, the addendum carries the
    corrected values and supersedes the contact it corrects, so the 30-day clock reads
    the corrected contact. The original keeps its own late-entry flag, and so does the
    correction: correcting a note never makes an entry on time or late.
    """
    root = original.addendum_to or original
    # Lock the root: two corrections at once must not both supersede the same contact.
    root = CaseNote.objects.select_for_update().get(pk=root.pk)
    customer = root.customer
    if not body.strip():
        refuse([("body", "Say what is corrected or added, and why.")])
    correcting = contact_date is not None or two_way is not None
    if not correcting:
        return CaseNote.objects.create(
            customer=customer,
            author=author,
            contact_date=today(customer.office.time_zone),
            subject=f"Addendum to {root.contact_date:%m/%d/%Y}: {root.subject}"[:200],
            body=_checked_body(customer=customer, body=body),
            contact_method="other",
            two_way=False,
            note_type=NoteType.ADDENDUM,
            service=root.service,
            addendum_to=root,
            entered_at=timezone.now(),
        )
    current = casenote_current(root)
    new_date = contact_date if contact_date is not None else current.contact_date
    new_two_way = two_way if two_way is not None else current.two_way
    if (new_date, new_two_way) == (current.contact_date, current.two_way):
        raise ValidationError(
            "The note already records this contact date and this kind of contact. "
            "Change one of them, or leave both unchanged to add text only."
        )
    problems = casenote_problems(
        customer=customer, contact_date=new_date, subject=root.subject, body=body, service=None
    )
    refuse([("contact_date" if f == "contact_date" else f, m) for f, m in problems])
    changes = []
    if new_date != current.contact_date:
        changes.append(f"contact date {current.contact_date:%m/%d/%Y} to {new_date:%m/%d/%Y}")
    if new_two_way != current.two_way:
        changes.append(
            "recorded as two-way communication"
            if new_two_way
            else "recorded as an attempt only (no two-way communication)"
        )
    return CaseNote.objects.create(
        customer=customer,
        author=author,
        contact_date=new_date,
        subject=f"Correction to {root.contact_date:%m/%d/%Y}: {root.subject}"[:200],
        body=f"Corrected: {'; '.join(changes)}.\n{body.strip()}",
        contact_method=current.contact_method,
        two_way=new_two_way,
        note_type=NoteType.ADDENDUM,
        service=root.service,
        addendum_to=root,
        corrects=current,
        entered_at=timezone.now(),
        entered_late=root.entered_late,
    )


def _checked_body(*, customer: Customer, body: str) -> str:
    refuse(
        casenote_problems(
            customer=customer,
            contact_date=today(customer.office.time_zone),
            subject="Addendum",
            body=body,
            service=None,
        )
    )
    return body.strip()

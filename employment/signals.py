"""A new enrolling service after an exit came (more than the region's exit day, 90 by
default, after the exit date) starts a new period of participation (SPEC 2). `services` records the service without knowing about periods; this app
hears of it through `post_save` and keeps the earlier period whole."""

from django.db import transaction
from django.db.models.signals import post_save

from casemgmt.conflicts import bump
from casemgmt.models import Policy
from customers.models import Customer, Status
from employment.services import period_sync
from services.models import ServiceRecord

EXITED = (Status.EXITED, Status.FOLLOW_UP, Status.CLOSED)


def period_reenter(sender, instance: ServiceRecord, created: bool, **kwargs) -> None:  # noqa: ANN001
    if not created or instance.start_is_projected or not instance.activity.extends_exit_window:
        return
    customer = instance.customer  # as the service was saved with it: no query per service
    if customer.status not in EXITED or customer.exit_date is None:
        return
    customer = Customer.objects.select_related("office").get(pk=customer.pk)
    exit_day = Policy.for_office(customer.office).exit_day
    if (instance.started_on - customer.exit_date).days <= exit_day:
        # Within the days after the exit's date that the exit needed to come, the
        # customer never left: the compliance engine undoes a soft exit or moves its
        # date, and a recorded exit stays as the planner recorded it.
        return
    with transaction.atomic():
        period_sync(customer)  # closes the earlier period on its exit, with its follow-ups
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        locked.status = Status.PARTICIPANT
        locked.exit_date = None
        locked.exit_reason = ""
        bump(locked)
        locked.save(
            update_fields=["status", "exit_date", "exit_reason", "updated_at", "lock_version"]
        )
        period_sync(locked)  # the new period, from this service


def connect() -> None:
    post_save.connect(
        period_reenter, sender=ServiceRecord, dispatch_uid="employment.period_reenter"
    )

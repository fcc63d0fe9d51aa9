"""A customer who becomes eligible is referred to the veteran representative when the
save commits (`veterans.services.referral_refer_if_eligible`).

On commit, not at once: registration saves the customer before its barriers, and the
barriers' rows are written in bulk (no signal of their own), so only the committed
record is whole. Customers changed in one transaction are looked at once, together, as
compliance does (`compliance.signals`). A failure is logged and never fails the save,
which is committed by then; the next save of the customer tries again.
"""

import logging
import threading

from django.db import DatabaseError, transaction
from django.db.models.signals import post_save

from customers.models import Customer, CustomerBarrier
from veterans.services import referral_refer_if_eligible

logger = logging.getLogger(__name__)

_local = threading.local()


def queue_referral_check(customer_id: int) -> None:
    if not hasattr(_local, "pending"):
        _local.pending = set()
    _local.pending.add(customer_id)
    transaction.on_commit(refer_pending)


def refer_pending() -> None:
    customer_ids = sorted(getattr(_local, "pending", ()))
    _local.pending = set()
    for customer_id in customer_ids:
        try:
            referral_refer_if_eligible(customer_id=customer_id)
        except DatabaseError as exc:
            # The exception's text may quote the customer's row; its kind is enough here.
            logger.error(
                "Veteran referral check of customer %s failed (%s).",
                customer_id,
                type(exc).__name__,
            )


def _customer_saved(sender: type, instance: Customer, raw: bool = False, **_: object) -> None:
    if not raw and instance.has_priority_of_service:
        queue_referral_check(instance.pk)


def _barrier_saved(sender: type, instance: CustomerBarrier, raw: bool = False, **_: object) -> None:
    if not raw:
        queue_referral_check(instance.customer_id)


post_save.connect(_customer_saved, sender=Customer, dispatch_uid="veterans-refer-customer")
post_save.connect(_barrier_saved, sender=CustomerBarrier, dispatch_uid="veterans-refer-barrier")

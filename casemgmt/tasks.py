import datetime

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from casemgmt.models import SubmissionToken

# A form left open longer than this and then submitted twice may record twice.
TOKEN_DAYS = 30


@shared_task
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry, so signed-out data does not pile up."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def clear_old_submission_tokens() -> int:
    """Forget the one-time tokens of forms submitted more than TOKEN_DAYS ago."""
    cutoff = timezone.now() - datetime.timedelta(days=TOKEN_DAYS)
    deleted, _ = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted

"""Create forms record once: a one-time token travels with the form, and the
transaction that records the form claims it.

A second submission of the same token (a double click, a browser retry after a slow
response, Back and submit again) records nothing and is sent to what the first one
recorded. Two submissions at the same moment meet at the unique (user, token) index:
the second waits for the first to commit, then finds its claim.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.db import IntegrityError, transaction

from casemgmt.forms import surface_hidden_errors
from casemgmt.models import SubmissionToken, User

T = TypeVar("T")

TOKEN_FIELD = "submission_token"  # noqa: S105 - a form field name, not a secret
STALE_FORM = (
    "This form is out of date (it has no submission token). Reload the page and enter it again."
)


class OnceFormMixin(forms.Form):
    """Adds the hidden one-time token to a create form."""

    submission_token = forms.UUIDField(
        label="Form",
        widget=forms.HiddenInput,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields[TOKEN_FIELD].initial = uuid.uuid4()

    def full_clean(self) -> None:
        super().full_clean()
        surface_hidden_errors(self, TOKEN_FIELD)


@dataclass(frozen=True)
class Submission(Generic[T]):
    location: str
    record: T | None  # None when the token was used already

    @property
    def replayed(self) -> bool:
        return self.record is None


def _claimed(user: User, token: uuid.UUID) -> str | None:
    return (
        SubmissionToken.objects.filter(token=token, user=user)
        .values_list("location", flat=True)
        .first()
    )


def submitted_location(*, user: User, token: uuid.UUID) -> str | None:
    """Where an earlier submission of this token went, or None if it was never recorded."""
    return _claimed(user, token)


def submit_once(
    *,
    user: User,
    token: uuid.UUID,
    record: Callable[[], T],
    location: Callable[[T], str],
) -> Submission[T]:
    """Run `record` once per token; a repeat returns where the first one went.

    `record` raises ValidationError to refuse the form: then nothing is kept, the token
    included, and the corrected form can be submitted with the same token.
    """
    done = _claimed(user, token)
    if done is not None:
        return Submission(location=done, record=None)
    try:
        with transaction.atomic():
            claim = SubmissionToken.objects.create(token=token, user=user, location="")
            result = record()
            claim.location = location(result)[:300]
            claim.save(update_fields=["location"])
    except IntegrityError:
        done = _claimed(user, token)
        if done is None:
            raise
        return Submission(location=done, record=None)
    return Submission(location=claim.location, record=result)


REPLAYED_MESSAGE = (
    "That form was submitted already: nothing new was recorded. This is what the first "
    "submission saved."
)

from django.conf import settings
from django.db import models


class TwoFactorEvent(models.Model):
    """A change to someone's second factor, or a code refused: kept for the audit trail."""

    class Kind(models.TextChoices):
        SET_UP = "set_up", "Set up an authenticator app"
        RECOVERY_CODES_MADE = "recovery_codes_made", "Made new recovery codes"
        RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
        CODE_REFUSED = "code_refused", "A wrong code was refused"
        REMOVED = "removed", "Removed two-step sign-in"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="two_factor_events"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # Who did it: the user, or an administrator who removed a lost device.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"

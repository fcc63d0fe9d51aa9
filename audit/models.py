from django.db import models


class AuditTrail(models.Model):
    """No table of its own: the update log lives in pghistory's event tables. This
    model carries the permission to read it (SPEC 1: the administrator's audit trail,
    and supervisors for the customers of their offices)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_audit", "Reads the update log of the customers they may see")]

    def __str__(self) -> str:
        return "audit trail"

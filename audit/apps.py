from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit.indexes import index_update_log

        post_migrate.connect(index_update_log, sender=self, dispatch_uid="audit-index-update-log")

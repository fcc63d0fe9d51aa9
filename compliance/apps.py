from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"

    def ready(self) -> None:
        from compliance import signals  # noqa: F401 - connects the re-evaluation hooks

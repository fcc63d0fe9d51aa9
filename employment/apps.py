from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "employment"
    verbose_name = "Employment, exit and follow-up"

    def ready(self) -> None:
        from employment import signals  # noqa: PLC0415 - signals connect once the apps are loaded

        signals.connect()

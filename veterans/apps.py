from django.apps import AppConfig


class VeteransConfig(AppConfig):
    name = "veterans"
    verbose_name = "Veteran referrals"

    def ready(self) -> None:
        from veterans import signals  # noqa: F401 - refers eligible customers on save

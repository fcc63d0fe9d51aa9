from django.apps import AppConfig
from django.core import checks


class TwoFactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = "Two-step sign-in"

    def ready(self) -> None:
        from twofactor.checks import two_factor_off_in_production

        checks.register(two_factor_off_in_production, checks.Tags.security, deploy=True)

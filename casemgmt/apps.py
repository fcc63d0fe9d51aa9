from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CasemgmtConfig(AppConfig):
    name = "casemgmt"
    verbose_name = "Offices and staff"

    def ready(self) -> None:
        post_migrate.connect(_sync_after_last_app, dispatch_uid="casemgmt-sync-roles")


def _sync_after_last_app(sender: AppConfig, **kwargs: object) -> None:
    # post_migrate fires once per app with models; permissions of every app exist
    # only after the last one.
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender.label == last.label:
        from casemgmt.roles import sync_roles

        sync_roles()

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self) -> None:
        # Imported once the models are loaded, as Django requires of ready().
        from plans import registrations

        registrations.register()

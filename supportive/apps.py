from django.apps import AppConfig


class SupportiveConfig(AppConfig):
    name = "supportive"
    verbose_name = "Supportive services"

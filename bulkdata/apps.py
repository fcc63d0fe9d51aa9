from django.apps import AppConfig


class BulkdataConfig(AppConfig):
    name = "bulkdata"

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reformledger.api"
    label = "api"
    verbose_name = "API"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district (``reformledger demo-data``): on top of every business app, named by none."""

    name = "reformledger.demo"
    label = "demo"

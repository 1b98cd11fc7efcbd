from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        from actionplans.caching import connect_signals

        connect_signals()

from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = "Councils"

    def ready(self) -> None:
        from councils import lookups  # noqa: F401  (registers the integer __in lookup)

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Open data and the API"

    def ready(self) -> None:
        # Registers the token's security scheme with drf-spectacular.
        from api import tokens  # noqa: F401

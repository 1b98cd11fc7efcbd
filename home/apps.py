from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Personal home pages"

    def ready(self) -> None:
        from councils.panels import register_panel
        from home.panels import follow_button

        register_panel("plan-header", follow_button)

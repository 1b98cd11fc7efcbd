from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "following"
    verbose_name = "Feeds and email alerts"

    def ready(self) -> None:
        from councils.panels import register_panel
        from following.panels import plan_follow_links, ward_follow_link

        register_panel("plan", plan_follow_links)
        register_panel("ward", ward_follow_link)

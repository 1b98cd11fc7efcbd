from django.urls import path

from following import feeds, views

app_name = "following"

council = "councils/<slug:council_slug>/"
plan = council + "plans/<slug:plan_slug>/"

urlpatterns = [
    path(council + "feed.atom", feeds.council_feed, name="council-feed"),
    path(plan + "feed.atom", feeds.plan_feed, name="plan-feed"),
    path(plan + "deadlines.ics", feeds.plan_calendar, name="plan-calendar"),
    path(plan + "email-updates/", views.plan_email, name="plan-email"),
    path(council + "wards/<int:pk>/email-updates/", views.ward_email, name="ward-email"),
    path("email-updates/confirm/<str:token>/", views.confirm, name="confirm"),
    path("email-updates/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
